import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { env } from "~/utils/env.server";
import { type ImageSize, imageSize, imageSizeOfFile, readAtBuffer } from "~/utils/image-header.server";
import { inspectPdf, type PdfLimits, pdfMessages, quoteFilename } from "~/utils/pdf-inspect.server";

/**
 * The content checks every stored file passes, in one place: the Unterlagen upload (form and
 * XHR route both end in uploadDocumentVersion) and statement attachments call
 * `checkUploadedFile` on the temp file; the workers call `assertDecodable` on the bytes they
 * are about to hand to pdf-lib (a file stored before a check existed is caught there).
 *
 * PDFs: qpdf + pdf-scan (encryption, damage, page limit, active content, decompression bombs).
 * PNG/JPEG: dimensions from the header against the pixel limit, before anything decodes them.
 * Everything is refused with a German message naming the file; nothing is silently altered.
 */

export const MIME_PDF = "application/pdf";

export interface FileLimits extends PdfLimits {
  /** Pixels per image; defaults to env().UPLOAD_MAX_IMAGE_PIXELS. */
  maxImagePixels?: number;
  /**
   * Run `qpdf --check` on a PDF here (default). The Unterlagen upload passes false and leaves it
   * to the worker job documents.check-version after the version is stored (status PENDING).
   */
  deepCheck?: boolean;
}

export type FileCheck =
  | {
      ok: true;
      pageCount: number | null;
      /** German archivability warnings of a PDF (fonts not embedded, not PDF/A, …): not a refusal. */
      archiveWarnings?: string[];
    }
  | { ok: false; message: string };

export const imageMessages = {
  tooLarge: (f: string, size: ImageSize, max: number) =>
    `Das Bild ${quoteFilename(f)} ist ${size.width.toLocaleString("de-DE")} × ${size.height.toLocaleString("de-DE")} Pixel groß (${megapixels(size.width * size.height)} Megapixel); erlaubt sind höchstens ${megapixels(max)} Megapixel. Bitte verkleinern Sie das Bild (z. B. auf 300 dpi) und laden Sie es erneut hoch.`,
  unreadable: (f: string) => `${quoteFilename(f)} ist beschädigt und kann nicht gelesen werden.`,
} as const;

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toLocaleString("de-DE", { maximumFractionDigits: 1 });
}

function checkPixels(displayName: string, size: ImageSize | null, limits: FileLimits): FileCheck {
  if (!size) return { ok: false, message: imageMessages.unreadable(displayName) };
  const max = limits.maxImagePixels ?? env().UPLOAD_MAX_IMAGE_PIXELS;
  if (size.width * size.height > max) {
    return { ok: false, message: imageMessages.tooLarge(displayName, size, max) };
  }
  return { ok: true, pageCount: null };
}

/**
 * Checks the uploaded file at `filePath` whose bytes were sniffed as `mimeType`. Throws
 * PdfInspectorUnavailableError when qpdf cannot run (not the uploader's fault).
 */
export async function checkUploadedFile(
  filePath: string,
  displayName: string,
  mimeType: string,
  limits: FileLimits = {},
): Promise<FileCheck> {
  if (mimeType === MIME_PDF) {
    const { deepCheck = true, ...pdfLimits } = limits;
    const inspected = await inspectPdf(filePath, displayName, { ...pdfLimits, deepCheck });
    return inspected.ok
      ? { ok: true, pageCount: inspected.pageCount, archiveWarnings: inspected.archiveWarnings }
      : inspected;
  }
  if (mimeType.startsWith("image/")) {
    return checkPixels(displayName, await imageSizeOfFile(filePath, mimeType), limits);
  }
  return { ok: true, pageCount: null };
}

/** A stored file the workers must not decode; the message is German and names the file. */
export class FileRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileRefused";
  }
}

/**
 * The version's deep check has not finished ("wird geprüft"): not a refusal — the job that wanted
 * the file fails this attempt and BullMQ retries it with backoff, by when the check is done.
 */
export class FileNotYetChecked extends Error {
  constructor(filename: string) {
    super(`${quoteFilename(filename)} wird noch geprüft; die Verarbeitung wird später wiederholt.`);
    this.name = "FileNotYetChecked";
  }
}

/**
 * Throws FileRefused (refused at the deep check, or by the limits) or FileNotYetChecked unless `bytes` may be decoded: the same limits as at upload. For a PDF the
 * bytes go to a private temp file for qpdf (no deep check: the scan already bounds every
 * compressed stream). Memory: the header read of an image, the chunked scan of a PDF.
 */
export async function assertDecodable(
  file: {
    filename: string;
    mimeType: string;
    bytes: Uint8Array;
    /** The version's deep check (documents.check-version): only ACCEPTED is decoded, routed or stamped. */
    checkStatus?: "PENDING" | "ACCEPTED" | "REFUSED";
    checkMessage?: string | null;
  },
  limits: FileLimits = {},
): Promise<void> {
  if (file.checkStatus === "REFUSED") {
    throw new FileRefused(file.checkMessage ?? pdfMessages.damaged(file.filename));
  }
  if (file.checkStatus === "PENDING") throw new FileNotYetChecked(file.filename);
  if (file.mimeType.startsWith("image/")) {
    const check = checkPixels(
      file.filename,
      await imageSize(readAtBuffer(file.bytes), file.mimeType),
      limits,
    );
    if (!check.ok) throw new FileRefused(check.message);
    return;
  }
  if (file.mimeType !== MIME_PDF) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-guard-"));
  try {
    const tmpFile = path.join(dir, "file.pdf");
    await writeFile(tmpFile, file.bytes, { mode: 0o600 });
    const inspected = await inspectPdf(tmpFile, file.filename, { ...limits, deepCheck: false });
    if (!inspected.ok) throw new FileRefused(inspected.message);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { pdfMessages };
