import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "~/utils/env.server";
import {
  type ActiveContentKind,
  type ArchiveFacts,
  type ScanResult,
  scanPdfObjects,
} from "~/utils/pdf-scan.server";

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
  | {
      ok: true;
      pageCount: number;
      /** German warnings for the uploader: the file will not archive well (not a refusal). */
      archiveWarnings: string[];
    }
  | {
      ok: false;
      reason:
        | "encrypted"
        | "damaged"
        | "no-pages"
        | "too-many-pages"
        | "active-content"
        | "decompression"
        | "image-too-large";
      message: string;
    };

/** qpdf itself could not run (missing binary, killed by the timeout): not the uploader's fault. */
export class PdfInspectorUnavailableError extends Error {
  constructor(
    detail: string,
    /** qpdf was killed by the timeout (the file took too long), not missing. */
    readonly timedOut = false,
  ) {
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
  tooSlow: (f: string) =>
    `${quoteFilename(f)} konnte nicht in angemessener Zeit vollständig gelesen werden und gilt als beschädigt. Bitte exportieren Sie die PDF-Datei neu (z. B. über „Drucken als PDF“).`,
  noPages: (f: string) => `${quoteFilename(f)} enthält keine Seiten.`,
  tooManyPages: (f: string, pages: number, max: number) =>
    `${quoteFilename(f)} hat ${pages.toLocaleString("de-DE")} Seiten; je Datei sind höchstens ${max.toLocaleString("de-DE")} Seiten erlaubt. Bitte teilen Sie die Datei auf.`,
  active: (f: string, kind: ActiveContentKind) =>
    `${quoteFilename(f)} enthält ${ACTIVE_LABELS[kind]}. ${ACTIVE_HINTS[kind]}`,
  decompression: (f: string, ratio: number) =>
    `${quoteFilename(f)} enthält Daten, die entpackt mehr als das ${ratio.toLocaleString("de-DE")}-Fache ihrer Größe einnehmen würden. Bitte exportieren Sie die PDF-Datei neu (z. B. über „Drucken als PDF“).`,
  imageTooLarge: (f: string, width: number, height: number, maxPixels: number) =>
    `${quoteFilename(f)} enthält ein Bild mit ${width.toLocaleString("de-DE")} × ${height.toLocaleString("de-DE")} Pixeln (${megapixels(width * height)} Megapixel); je Bild sind höchstens ${megapixels(maxPixels)} Megapixel erlaubt. Bitte exportieren Sie die PDF-Datei mit geringerer Bildauflösung (z. B. 300 dpi) neu.`,
  nestedCompression: (f: string) =>
    `${quoteFilename(f)} enthält mehrfach verschachtelt komprimierte Daten, die nicht sicher geprüft werden können. Bitte exportieren Sie die PDF-Datei neu (z. B. über „Drucken als PDF“).`,
} as const;

/** Active content is refused, not removed: a silently altered Bauvorlage is worse than a clear "no". */
const ACTIVE_LABELS: Record<ActiveContentKind, string> = {
  javascript: "ausführbare Inhalte (JavaScript)",
  launch: "eine Aktion, die Programme oder Dateien startet (Launch)",
  embedded: "eingebettete Dateien (Dateianhänge)",
  xfa: "ein XFA-Formular",
  media: "eingebettete Multimedia-Inhalte (RichMedia, Video oder Ton)",
};
const ACTIVE_HINTS: Record<ActiveContentKind, string> = {
  javascript: "Bitte exportieren Sie die PDF-Datei ohne Skripte neu (z. B. über „Drucken als PDF“).",
  launch: "Bitte exportieren Sie die PDF-Datei ohne Aktionen neu (z. B. über „Drucken als PDF“).",
  embedded:
    "Bitte laden Sie angehängte Dateien einzeln hoch und exportieren Sie die PDF-Datei ohne Anhänge neu.",
  xfa: "Bitte speichern Sie das Formular als normales PDF (z. B. über „Drucken als PDF“).",
  media: "Bitte exportieren Sie die PDF-Datei ohne Multimedia-Inhalte neu (z. B. über „Drucken als PDF“).",
};

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toLocaleString("de-DE", { maximumFractionDigits: 1 });
}

/**
 * Upload-time archivability warnings (issue 13): what keeps a Bauvorlage from becoming PDF/A-2
 * (ISO 19005-2:2011; clause numbers checked against its table of contents: 6.2.11.4 "Embedding"
 * of fonts, 6.2.10 "Transparency"; the XMP PDF/A identification (pdfaid:part) and the limits on
 * optional content are from the same standard). Encrypted files are refused at upload, so
 * encryption never appears here. Not a refusal: the architect can re-export.
 */
export const archiveMessages = {
  fontsNotEmbedded: (fonts: string[]) =>
    `Nicht eingebettete Schriften: ${fonts.slice(0, 5).join(", ")}${fonts.length > 5 ? ` und ${fonts.length - 5} weitere` : ""}. In der Akte kann der Text anders oder gar nicht erscheinen; bitte beim PDF-Export „Schriften einbetten“ (oder PDF/A) wählen.`,
  notPdfA:
    "Die Datei ist kein PDF/A (keine PDF/A-Kennung in den XMP-Metadaten). Für die dauerhafte Aufbewahrung ist ein Export als PDF/A-2 besser geeignet.",
  transparency:
    "Die Datei enthält Transparenzen; beim Archivieren (PDF/A-1) und beim Drucken kann sich die Darstellung ändern.",
  layers:
    "Die Datei enthält Ebenen (optionale Inhalte); ausgeblendete Ebenen können in der Akte fehlen oder unerwartet erscheinen. Bitte Ebenen beim Export zusammenführen.",
} as const;

export function archiveWarningsOf(facts: ArchiveFacts): string[] {
  const warnings: string[] = [];
  if (facts.fontsNotEmbedded.length > 0)
    warnings.push(archiveMessages.fontsNotEmbedded(facts.fontsNotEmbedded));
  if (facts.layers) warnings.push(archiveMessages.layers);
  if (facts.transparency) warnings.push(archiveMessages.transparency);
  if (!facts.pdfaId) warnings.push(archiveMessages.notPdfA);
  return warnings;
}

export interface PdfLimits {
  /** Pixels of one embedded image; defaults to env().UPLOAD_MAX_IMAGE_PIXELS. */
  maxImagePixels?: number;
  /** Pages per file; defaults to env().UPLOAD_MAX_PDF_PAGES. */
  maxPages?: number;
  /** Decoded/encoded size per compressed stream; defaults to env().UPLOAD_MAX_DECOMPRESSION_RATIO. */
  decompressionRatio?: number;
}

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
          reject(
            new PdfInspectorUnavailableError(
              `qpdf wurde abgebrochen (${e.signal ?? e.message})`,
              e.killed === true,
            ),
          );
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
  { deepCheck = true, ...limits }: { deepCheck?: boolean } & PdfLimits = {},
): Promise<PdfInspection> {
  const maxPages = limits.maxPages ?? env().UPLOAD_MAX_PDF_PAGES;
  const ratio = limits.decompressionRatio ?? env().UPLOAD_MAX_DECOMPRESSION_RATIO;
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
  if (pageCount > maxPages) {
    return {
      ok: false,
      reason: "too-many-pages",
      message: pdfMessages.tooManyPages(displayName, pageCount, maxPages),
    };
  }

  // Active content and decompression bombs, before anything decodes a stream (qpdf --check does).
  const maxPixels = limits.maxImagePixels ?? env().UPLOAD_MAX_IMAGE_PIXELS;
  // A file qpdf had to repair (exit code 3) is always scanned in qpdf's rewritten form.
  const scanned = await scanContent(path, displayName, ratio, maxPixels, pages.code === 0);
  if (!scanned.ok) return scanned;

  if (deepCheck) {
    const check = await deepCheckPdf(path, displayName);
    if (!check.ok) return check;
  }
  return { ok: true, pageCount, archiveWarnings: archiveWarningsOf(scanned.facts) };
}

/**
 * `qpdf --check`: decodes every stream and follows every object, so it finds damage beyond the
 * cross-reference table. Seconds for a large plan (7.8 s for 200 MB), hence not in the upload
 * request: the worker job documents.check-version runs it after the version is stored. Only for a
 * file that passed inspectPdf's scan (every compressed stream bounded before qpdf decodes it).
 * A run that exceeds `timeoutMs` is a refusal (a file no reader can finish is of no use), unlike
 * a missing qpdf (PdfInspectorUnavailableError: retried).
 */
export async function deepCheckPdf(
  path: string,
  displayName: string,
  { timeoutMs = CHECK_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<{ ok: true } | Extract<PdfInspection, { ok: false }>> {
  let check: RunResult;
  try {
    check = await runQpdf(["--check", "--", path], timeoutMs);
  } catch (error) {
    if (error instanceof PdfInspectorUnavailableError && error.timedOut) {
      return { ok: false, reason: "damaged", message: pdfMessages.tooSlow(displayName) };
    }
    throw error;
  }
  if (check.code !== 0 && check.code !== 3) {
    return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
  }
  return { ok: true };
}

/**
 * pdf-scan reads a plain form of the file: the upload itself when it already is one (classic
 * cross-reference table that matches what the scan parsed, no object streams, direct lengths —
 * most CAD exports; saves copying every byte, 2.8 s for 200 MB on the loaded machine), otherwise
 * qpdf's rewrite with every object outside object streams and the stream data untouched
 * (nothing is decoded, so this is cheap even for a bomb).
 */
async function scanContent(
  path: string,
  displayName: string,
  ratio: number,
  maxPixels: number,
  directAllowed: boolean,
): Promise<Extract<PdfInspection, { ok: false }> | { ok: true; facts: ArchiveFacts }> {
  if (directAllowed) {
    const direct = await scanPdfObjects(path, { ratio, maxImagePixels: maxPixels, direct: true });
    if (direct.ok || direct.reason !== "rewrite-needed")
      return verdict(direct, displayName, ratio, maxPixels);
  }
  // A private temp folder, never beside the input: two checks of the same file at once (the same
  // attachment delivered twice) must not share or delete each other's rewrite, and the input's
  // folder may not be writable.
  const dir = await mkdtemp(join(tmpdir(), "bauantrag-pdfscan-"));
  const plain = join(dir, "objects.pdf");
  try {
    const rewrite = await runQpdf(
      [
        "--object-streams=disable",
        "--stream-data=preserve",
        "--decode-level=none",
        "--no-original-object-ids",
        "--",
        path,
        plain,
      ],
      CHECK_TIMEOUT_MS,
    );
    if (rewrite.code !== 0 && rewrite.code !== 3) {
      return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
    }
    return verdict(
      await scanPdfObjects(plain, { ratio, maxImagePixels: maxPixels }),
      displayName,
      ratio,
      maxPixels,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function verdict(
  scan: ScanResult,
  displayName: string,
  ratio: number,
  maxPixels: number,
): Extract<PdfInspection, { ok: false }> | { ok: true; facts: ArchiveFacts } {
  if (scan.ok) return { ok: true, facts: scan.facts };
  switch (scan.reason) {
    case "active":
      return { ok: false, reason: "active-content", message: pdfMessages.active(displayName, scan.kind) };
    case "bomb":
      return { ok: false, reason: "decompression", message: pdfMessages.decompression(displayName, ratio) };
    case "nested-compression":
      return { ok: false, reason: "decompression", message: pdfMessages.nestedCompression(displayName) };
    case "image-too-large":
      return {
        ok: false,
        reason: "image-too-large",
        message: pdfMessages.imageTooLarge(displayName, scan.width, scan.height, maxPixels),
      };
    default:
      return { ok: false, reason: "damaged", message: pdfMessages.damaged(displayName) };
  }
}
