import { execFile } from "node:child_process";

/**
 * Inspects an uploaded PDF on disk with qpdf (Debian package `qpdf`, installed by .ci/run,
 * scripts/quickstart.sh and the Dockerfile). qpdf runs as a child process with a timeout and
 * fixed arguments (execFile, never a shell), so a hostile file can neither hang a request nor
 * inject anything.
 *
 * qpdf exit codes: 0 = ok, 2 = error, 3 = warnings (the operation succeeded on a repaired file).
 * `--is-encrypted`: 0 = encrypted, 2 = not encrypted.
 */

const QPDF = process.env.QPDF_BIN ?? "qpdf";
const QUICK_TIMEOUT_MS = 15_000;
const CHECK_TIMEOUT_MS = 60_000;

export type PdfInspection =
  | { ok: true; pageCount: number }
  | { ok: false; reason: "encrypted" | "damaged" | "no-pages"; message: string };

/** qpdf itself could not run (missing binary, killed by the timeout): not the uploader's fault. */
export class PdfInspectorUnavailableError extends Error {
  constructor(detail: string) {
    super(`PDF-Prüfung nicht verfügbar: ${detail}`);
    this.name = "PdfInspectorUnavailableError";
  }
}

/** „name“ with German quotation marks, as used in every message about a file. */
export function quoteFilename(filename: string): string {
  return `„${filename}“`;
}

export const pdfMessages = {
  encrypted: (f: string) =>
    `${quoteFilename(f)} ist verschlüsselt oder passwortgeschützt. Bitte laden Sie eine unverschlüsselte PDF-Datei hoch.`,
  damaged: (f: string) => `${quoteFilename(f)} ist beschädigt und kann nicht gelesen werden.`,
  noPages: (f: string) => `${quoteFilename(f)} enthält keine Seiten.`,
} as const;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runQpdf(args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      QPDF,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          code?: number | string;
          killed?: boolean;
          signal?: string | null;
        };
        if (e.code === "ENOENT") {
          reject(new PdfInspectorUnavailableError("qpdf ist nicht installiert"));
          return;
        }
        if (e.killed || typeof e.code !== "number") {
          reject(new PdfInspectorUnavailableError(`qpdf wurde abgebrochen (${e.signal ?? e.message})`));
          return;
        }
        resolve({ code: e.code, stdout, stderr });
      },
    );
  });
}

/**
 * Encryption, readability and page count of the PDF at `path`. `displayName` (the sanitised
 * upload filename) appears in the German messages. `deepCheck` additionally runs `qpdf --check`
 * (decodes every stream: finds damage beyond the cross-reference table).
 */
export async function inspectPdf(
  path: string,
  displayName: string,
  { deepCheck = true }: { deepCheck?: boolean } = {},
): Promise<PdfInspection> {
  // "--" ends the options, so a path can never be read as one.
  const encrypted = await runQpdf(["--is-encrypted", "--", path], QUICK_TIMEOUT_MS);
  if (encrypted.code === 0) {
    return { ok: false, reason: "encrypted", message: pdfMessages.encrypted(displayName) };
  }

  const pages = await runQpdf(["--show-npages", "--", path], QUICK_TIMEOUT_MS);
  if (pages.code !== 0 && pages.code !== 3) {
    // An encrypted file whose encryption dictionary qpdf cannot even parse ends up here too.
    if (/password/i.test(pages.stderr)) {
      return { ok: false, reason: "encrypted", message: pdfMessages.encrypted(displayName) };
    }
    return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
  }
  const pageCount = Number.parseInt(pages.stdout.trim(), 10);
  if (!Number.isFinite(pageCount)) {
    return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
  }
  if (pageCount < 1) return { ok: false, reason: "no-pages", message: pdfMessages.noPages(displayName) };

  if (deepCheck) {
    const check = await runQpdf(["--check", "--", path], CHECK_TIMEOUT_MS);
    if (check.code !== 0 && check.code !== 3) {
      return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
    }
  }
  return { ok: true, pageCount };
}
