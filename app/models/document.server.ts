import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer } from "file-type";
import { type DocumentType, getDocumentType, MIME_JPEG, MIME_PDF, MIME_PNG } from "~/domain/document-types";
import { formatBytes } from "~/domain/format";
import type { Prisma } from "~/generated/prisma/client";
import { sharedVersionWhere } from "~/models/agency-portal.server";
import { applicantScope, authorityScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import { lockApplicantEditable } from "~/models/draft.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { checkUploadedFile } from "~/utils/file-checks.server";
import { logger } from "~/utils/logger.server";
import { type MultipartResult, parseMultipart } from "~/utils/multipart.server";
import { PdfInspectorUnavailableError, quoteFilename } from "~/utils/pdf-inspect.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import {
  documentVersionKey,
  getStorage,
  type PutResult,
  type Storage,
  StorageLengthMismatchError,
  StorageLimitError,
  sanitizeFilename,
} from "../../storage/index";

/**
 * Bauvorlagen uploads. The pipeline never holds a file in memory:
 *
 *   request part -> temp file in os.tmpdir() (sha256 + byte count + size limit while writing,
 *   the first bytes kept for sniffing) -> magic-byte check against the document type's allowed
 *   MIME types -> qpdf for PDFs (encrypted/damaged rejected, page count) -> stream to object
 *   storage under documentVersionKey -> ONE transaction: Document (if new) + DocumentVersion
 *   (next versionNumber) + CaseEvent "document.uploaded".
 *
 * Any failure removes the temp file and the stored object; no database row is written before
 * the object is safely stored, and the transaction is the last step.
 */

export type UploadResult =
  | {
      ok: true;
      documentId: string;
      versionId: string;
      versionNumber: number;
      /** PENDING: the deep check runs in the worker ("wird geprüft"). */
      checkStatus: "PENDING" | "ACCEPTED";
      /** Archivability warnings (German; not a refusal). */
      archiveWarnings: string[];
    }
  | { ok: false; message: string };

export interface UploadInput {
  typeCode: string;
  filename: string;
  /** What the browser claimed; informational only, the stored MIME type comes from the bytes. */
  contentType: string;
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
  /**
   * The size the sender announced (the upload component sends the file's size before the file).
   * With it the file goes to storage as one streamed PUT instead of a multipart upload; a body
   * of another length is refused. Without it (the no-JavaScript form), multipart.
   */
  declaredBytes?: number;
}

export interface UploadOptions {
  /** Defaults to getStorage(). */
  storage?: Storage;
  /** Defaults to env().UPLOAD_MAX_BYTES. */
  maxBytes?: number;
  /** Directory for the temp file; defaults to os.tmpdir(). */
  tmpDir?: string;
}

const SNIFF_BYTES = 4100; // what file-type needs for every format it knows

export const NOT_FOUND_MESSAGE = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";
export const NOT_EDITABLE_MESSAGE =
  "Der Antrag ist bereits eingereicht. Unterlagen können jetzt nicht mehr geändert werden.";
const UNKNOWN_TYPE_MESSAGE = "Bitte wählen Sie eine gültige Art der Unterlage aus.";
const NO_FILE_MESSAGE = "Bitte wählen Sie eine Datei aus.";
const FAILED_MESSAGE =
  "Die Datei konnte nicht gespeichert werden. Bitte versuchen Sie es erneut; Ihre übrigen Angaben bleiben erhalten.";

const MIME_LABELS: Record<string, string> = {
  [MIME_PDF]: "PDF-Dokument",
  [MIME_PNG]: "PNG-Bild",
  [MIME_JPEG]: "JPEG-Bild",
  "image/gif": "GIF-Bild",
  "image/webp": "WebP-Bild",
  "image/tiff": "TIFF-Bild",
  "image/bmp": "BMP-Bild",
  "image/heic": "HEIC-Bild",
  "image/svg+xml": "SVG-Grafik",
  "application/zip": "ZIP-Archiv",
  "application/x-rar-compressed": "RAR-Archiv",
  "application/x-7z-compressed": "7z-Archiv",
  "application/gzip": "gzip-Archiv",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-Dokument",
  "application/msword": "Word-Dokument",
  "application/x-cfb": "Office-Dokument",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel-Tabelle",
  "application/x-msdownload": "ausführbare Windows-Datei",
  "application/x-elf": "ausführbare Datei",
  "application/x-mach-binary": "ausführbare Datei",
  "application/postscript": "PostScript-Datei",
  "image/vnd.dwg": "DWG-Zeichnung",
};

export function mimeLabel(mime: string | undefined): string {
  if (!mime) return "unbekanntes Format";
  return MIME_LABELS[mime] ?? `Format ${mime}`;
}

/** 250 MiB -> "250 MB", 1.5 MiB -> "1,5 MB", 2048 -> "2 KB" (German decimal comma). */
export function formatLimit(bytes: number): string {
  return formatBytes(bytes, { precise: true });
}

export const uploadMessages = {
  empty: (f: string) => `${quoteFilename(f)} ist leer.`,
  tooLarge: (f: string, maxBytes: number) =>
    `${quoteFilename(f)} ist zu groß. Erlaubt sind höchstens ${formatLimit(maxBytes)} je Datei.`,
  incomplete: (f: string) =>
    `${quoteFilename(f)} ist nicht vollständig angekommen (die Größe stimmt nicht mit der angekündigten überein). Bitte laden Sie die Datei erneut hoch.`,
  wrongType: (f: string, detected: string | undefined, typeCode: string) => {
    const type = getDocumentType(typeCode);
    const found = `(erkannt: ${mimeLabel(detected)})`;
    if (!type || type.mimeTypes.length === 1) {
      const rule = type?.isPlan
        ? type.group === "lageplan"
          ? "Für Lagepläne ist PDF vorgeschrieben."
          : "Für Bauzeichnungen ist PDF vorgeschrieben."
        : `Für „${type?.shortLabel ?? typeCode}“ ist PDF vorgeschrieben.`;
      return `${quoteFilename(f)} ist keine PDF-Datei ${found}. ${rule}`;
    }
    return `${quoteFilename(f)} hat ein nicht zulässiges Format ${found}. Zulässig sind PDF, JPEG und PNG.`;
  },
} as const;

class UploadRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadRejected";
  }
}

/**
 * Stable id of the one Document row per (application, document type). Derived, not random, so
 * two uploads racing to create the Document agree on its id (and on the storage key prefix).
 */
export function documentIdFor(applicationId: string, typeCode: string): string {
  const h = createHash("sha256").update(`document:${applicationId}:${typeCode}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 layout (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * An application the user may change documents of: applicant-side access, and a draft — or, for
 * uploads (`duringRequest`), a submitted case with an open request (Nachforderung).
 */
async function loadEditableApplication(
  user: SessionUser,
  applicationId: string,
  { duringRequest = false }: { duringRequest?: boolean } = {},
  client: Tx = db(),
): Promise<{ ok: true; authorityId: string } | { ok: false; message: string }> {
  if (!can(user, "upload:document:own") || !isUuid(applicationId)) {
    return { ok: false, message: NOT_FOUND_MESSAGE };
  }
  const app = await client.application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: {
      authorityId: true,
      status: true,
      requests: { where: { status: "OPEN" }, select: { id: true }, take: 1 },
    },
  });
  if (!app) return { ok: false, message: NOT_FOUND_MESSAGE };
  const requestOpen = duringRequest && app.status === "INCOMPLETE" && app.requests.length > 0;
  if (app.status !== "DRAFT" && !requestOpen) return { ok: false, message: NOT_EDITABLE_MESSAGE };
  return { ok: true, authorityId: app.authorityId };
}

/** Whether the user may upload to this application now (used by routes before reading a body). */
export async function canUploadDocuments(user: SessionUser, applicationId: string) {
  return loadEditableApplication(user, applicationId, { duringRequest: true });
}

export function toReadable(body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Readable {
  if (body instanceof Readable) return body;
  return Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
}

/**
 * Reads and discards what is left of a body (bounded), so a multipart parser can go on to the
 * next part after a rejection. A body that fails or goes on for too long is abandoned.
 */
export async function discard(body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, limit: number) {
  let n = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      n += chunk.length;
      if (n > limit) break;
    }
  } catch {
    // the body failed: nothing left to discard
  }
}

/** Counts, hashes and limits the bytes on their way to the temp file; keeps the first bytes. */
export class Measure extends Transform {
  readonly hash = createHash("sha256");
  size = 0;
  head: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new SizeLimitExceeded());
      return;
    }
    this.hash.update(chunk);
    if (this.head.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)]);
    }
    callback(null, chunk);
  }
}

/**
 * The upload's receiving end: counts and limits the bytes, keeps the first SNIFF_BYTES and lets
 * `onHead` decide on them (type check; it starts the storage upload that reads this stream)
 * before a single byte is passed on, and writes every chunk to the temp file qpdf reads later —
 * in the same pass, so receiving, storing and writing the temp file overlap instead of following
 * each other. Back-pressure comes from both the storage reader and the temp file.
 */
export class Receiver extends Transform {
  size = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;
  private readonly file: WriteStream;
  constructor(
    private readonly maxBytes: number,
    tmpFile: string,
    private readonly onHead: (head: Buffer) => Promise<void>,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.file = createWriteStream(tmpFile, { mode: 0o600 });
    this.file.on("error", (error) => this.destroy(error));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new SizeLimitExceeded());
      return;
    }
    if (this.decided) {
      this.forward(chunk, callback);
      return;
    }
    // Still collecting the first bytes: hold the chunks until the head is complete.
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) {
      callback();
      return;
    }
    this.decide(callback);
  }

  override _flush(callback: TransformCallback) {
    const end = () =>
      this.file.end((error?: Error | null) => {
        callback(error ?? null);
      });
    if (this.decided) end();
    else this.decide((error) => (error ? callback(error) : end()));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void) {
    this.file.destroy();
    callback(error);
  }

  private decide(callback: TransformCallback) {
    const held = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    this.decided = true;
    this.onHead(held.subarray(0, SNIFF_BYTES)).then(
      () => (held.length > 0 ? this.forward(held, callback) : callback()),
      (error: Error) => callback(error),
    );
  }

  private forward(chunk: Buffer, callback: TransformCallback) {
    this.push(chunk);
    if (this.file.write(chunk)) callback();
    else this.file.once("drain", () => callback());
  }
}

export class SizeLimitExceeded extends Error {
  constructor() {
    super("size limit exceeded");
  }
}

/** Where and how an upload is received (uploadDocumentVersion). */
interface ReceiveTarget {
  storage: Storage;
  key: string;
  tmpFile: string;
  maxBytes: number;
  filename: string;
  mimeTypes: readonly string[];
  typeCode: string;
}

/**
 * Body -> Receiver (size limit; the first bytes decide the type before anything is stored) ->
 * object storage, and at the same time -> temp file for qpdf. sha256 and byte count are taken
 * once, by storage.putStream, as the bytes pass. Throws UploadRejected for the user's mistakes.
 */
async function receiveUpload(input: UploadInput, o: ReceiveTarget) {
  const { storage, key, tmpFile, maxBytes, filename, typeCode } = o;
  let detected: string | undefined;
  let put: Promise<PutResult> | undefined;
  const receiver = new Receiver(maxBytes, tmpFile, async (head) => {
    if (head.length === 0) throw new UploadRejected(uploadMessages.empty(filename));
    detected = (await fileTypeFromBuffer(head))?.mime;
    if (!detected || !o.mimeTypes.includes(detected)) {
      throw new UploadRejected(uploadMessages.wrongType(filename, detected, typeCode));
    }
    put = storage.putStream(key, receiver, {
      contentType: detected,
      maxBytes,
      expectedBytes: input.declaredBytes,
    });
    // A storage failure stops the receiving too (the error is reported from `put` below).
    put.catch((error: unknown) => receiver.destroy(error as Error));
  });
  try {
    await pipeline(toReadable(input.body), receiver);
    // The readable side ends after the last write; putStream finishes the object.
  } catch (error) {
    // Aborted by the destroyed source, or the cause itself (storage ending the receiving sees
    // the receiver closed early): either way nothing is left behind.
    const putError: unknown = put
      ? await put.then(
          () => undefined,
          (e: unknown) => e,
        )
      : undefined;
    if (error instanceof SizeLimitExceeded || error instanceof StorageLimitError) {
      await discard(input.body, maxBytes);
      throw new UploadRejected(uploadMessages.tooLarge(filename, maxBytes));
    }
    if (error instanceof StorageLengthMismatchError || putError instanceof StorageLengthMismatchError) {
      await discard(input.body, maxBytes);
      throw new UploadRejected(uploadMessages.incomplete(filename));
    }
    throw error;
  }
  if (!put || !detected) throw new UploadRejected(uploadMessages.empty(filename));
  return { receiver, put, detected: detected as string };
}

/**
 * The checks read the complete temp file while storage finishes the object (the last part and
 * the multipart completion): the wall time is the slower of the two, not their sum. qpdf
 * (encrypted/damaged refused, page count) and the hostile-content checks (active PDF content,
 * page/pixel limits, decompression bombs) live in file-checks. The deep check (qpdf --check
 * decodes every stream: seconds for a large plan) is not part of the request: the version is
 * stored as PENDING ("wird geprüft") and the job documents.check-version decides.
 */
async function inspectWhileStoring(
  tmpFile: string,
  filename: string,
  mimeType: string,
  receiver: Receiver,
  put: Promise<PutResult>,
) {
  const [inspection, storing] = await Promise.allSettled([
    checkUploadedFile(tmpFile, filename, mimeType, { deepCheck: false }),
    put,
  ]);
  if (inspection.status === "rejected") throw inspection.reason;
  if (!inspection.value.ok) throw new UploadRejected(inspection.value.message);
  const pageCount = inspection.value.pageCount;
  const archiveWarnings = inspection.value.archiveWarnings ?? [];
  if (storing.status === "rejected") {
    if (storing.reason instanceof StorageLengthMismatchError)
      throw new UploadRejected(uploadMessages.incomplete(filename));
    throw storing.reason;
  }
  const stored = storing.value;
  const sizeBytes = receiver.size;
  const sha256 = stored.sha256;
  if (stored.sizeBytes !== sizeBytes) {
    throw new Error(`stored object differs from the upload (${stored.sizeBytes} vs ${sizeBytes} bytes)`);
  }
  return { pageCount, archiveWarnings, sha256, sizeBytes };
}

interface NewVersion {
  documentId: string;
  versionId: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  key: string;
  pageCount: number | null;
  archiveWarnings: string[];
  deepCheckPending: boolean;
}

/** One transaction: rows only for a stored object, and only while the draft is editable. */
async function recordVersionInTx(
  tx: Tx,
  user: SessionUser,
  applicationId: string,
  docType: DocumentType,
  v: NewVersion,
) {
  // Blocks a concurrent submission's status change until this commits (and sees it if first).
  // A draft, or a case with an open request; FOR SHARE also holds off sending the answer.
  if (!(await lockApplicantEditable(tx, applicationId)).editable)
    throw new UploadRejected(NOT_EDITABLE_MESSAGE);
  // Serialises uploads of the same document type: version numbers are assigned in order.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`document:${applicationId}:${docType.code}`}, 0))`;

  const doc =
    (await tx.document.findFirst({
      where: { applicationId, typeCode: docType.code },
      select: { id: true },
      orderBy: { createdAt: "asc" },
    })) ??
    (await tx.document.create({
      data: { id: v.documentId, applicationId, typeCode: docType.code, title: docType.shortLabel },
      select: { id: true },
    }));
  const last = await tx.documentVersion.aggregate({
    where: { documentId: doc.id },
    _max: { versionNumber: true },
  });
  const versionNumber = (last._max.versionNumber ?? 0) + 1;
  await tx.documentVersion.create({
    data: {
      id: v.versionId,
      documentId: doc.id,
      versionNumber,
      filename: v.filename,
      mimeType: v.mimeType,
      sizeBytes: BigInt(v.sizeBytes),
      sha256: v.sha256,
      storageKey: v.key,
      pageCount: v.pageCount,
      uploadedById: user.id,
      checkStatus: v.deepCheckPending ? "PENDING" : "ACCEPTED",
      checkedAt: v.deepCheckPending ? null : new Date(),
      archiveWarnings: v.archiveWarnings,
    },
  });
  if (v.deepCheckPending) {
    await enqueueInTx(tx, {
      jobName: "documents.check-version",
      jobId: buildJobId("documents.check-version", v.versionId),
      payload: { versionId: v.versionId },
    });
  }
  // A file has arrived: the document is no longer an open "wird nachgereicht" item.
  await tx.document.update({ where: { id: doc.id }, data: { toBeSubmittedLater: false } });
  await appendEvent(tx, {
    applicationId,
    actorId: user.id,
    type: "document.uploaded",
    payload: {
      typeCode: docType.code,
      versionNumber,
      filename: v.filename,
      sha256: v.sha256,
      versionId: v.versionId,
      sizeBytes: v.sizeBytes,
      pageCount: v.pageCount,
      ...(v.archiveWarnings.length > 0 ? { archiveWarnings: v.archiveWarnings } : {}),
    },
  });
  return { documentId: doc.id, versionNumber };
}

/** Lap times in ms, each since the previous lap (for the upload's log line). */
function stopwatch() {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string) => {
    timings[name] = Math.round(
      performance.now() - started - Object.values(timings).reduce((a, b) => a + b, 0),
    );
  };
  return { timings, lap };
}

export async function uploadDocumentVersion(
  user: SessionUser,
  applicationId: string,
  input: UploadInput,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const maxBytes = options.maxBytes ?? env().UPLOAD_MAX_BYTES;
  const filename = sanitizeFilename(input.filename);
  const docType = getDocumentType(String(input.typeCode ?? ""));

  const access = await loadEditableApplication(user, applicationId, { duringRequest: true });
  if (!access.ok || !docType || !input.filename) {
    await discard(input.body, maxBytes);
    if (!access.ok) return access;
    return { ok: false, message: docType ? NO_FILE_MESSAGE : UNKNOWN_TYPE_MESSAGE };
  }
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) {
    // Announced too large: refused before anything is stored.
    await discard(input.body, maxBytes);
    return { ok: false, message: uploadMessages.tooLarge(filename, maxBytes) };
  }

  const storage = options.storage ?? getStorage();
  const tmp = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), "bauantrag-upload-"));
  const tmpFile = path.join(tmp, "upload");
  let storedKey: string | undefined;

  try {
    const { timings, lap } = stopwatch();
    // The storage key is known before the first byte, so the object is written while it arrives.
    const existing = await db().document.findFirst({
      where: { applicationId, typeCode: docType.code },
      select: { id: true },
      orderBy: { createdAt: "asc" },
    });
    const documentId = existing?.id ?? documentIdFor(applicationId, docType.code);
    const versionId = randomUUID();
    const key = documentVersionKey({ authorityId: access.authorityId, applicationId, documentId, versionId });
    storedKey = key;

    // 1 + 2. Body -> Receiver -> object storage and temp file (receiveUpload).
    const { receiver, put, detected } = await receiveUpload(input, {
      storage,
      key,
      tmpFile,
      maxBytes,
      filename,
      mimeTypes: docType.mimeTypes,
      typeCode: docType.code,
    });
    const mimeType: string = detected;
    lap("receiveMs");

    // 3. The quick checks while storage finishes the object (inspectWhileStoring). A refused
    // file's object is removed in `finally` like after any other failure. A PDF's deep check is
    // the job documents.check-version, written with the row below (workers/processors/check-version.ts).
    const { pageCount, archiveWarnings, sha256, sizeBytes } = await inspectWhileStoring(
      tmpFile,
      filename,
      mimeType,
      receiver,
      put,
    );
    const deepCheckPending = mimeType === MIME_PDF;
    lap("inspectAndStoreMs");

    // 5. One transaction: rows only for a stored object, and only while the draft is editable.
    const result = await db().$transaction((tx) =>
      recordVersionInTx(tx, user, applicationId, docType, {
        documentId,
        versionId,
        filename,
        mimeType,
        sizeBytes,
        sha256,
        key,
        pageCount,
        archiveWarnings,
        deepCheckPending,
      }),
    );
    storedKey = undefined; // committed: the object belongs to the row now
    lap("commitMs");
    logger.info(
      { applicationId, typeCode: docType.code, versionId, sizeBytes, pageCount, ...timings },
      "document version uploaded",
    );
    return {
      ok: true,
      documentId: result.documentId,
      versionId,
      versionNumber: result.versionNumber,
      checkStatus: deepCheckPending ? "PENDING" : "ACCEPTED",
      archiveWarnings,
    };
  } catch (error) {
    if (error instanceof UploadRejected) return { ok: false, message: error.message };
    if (error instanceof PdfInspectorUnavailableError) {
      logger.error({ err: error }, "upload: PDF inspection unavailable");
      return {
        ok: false,
        message: "Die PDF-Prüfung ist gerade nicht verfügbar. Bitte versuchen Sie es später erneut.",
      };
    }
    logger.warn({ err: error, applicationId, typeCode: docType.code }, "upload failed");
    return { ok: false, message: FAILED_MESSAGE };
  } finally {
    if (storedKey !== undefined) {
      const key = storedKey;
      await storage.remove(key).catch((error: unknown) => {
        logger.error({ err: error, key }, "upload: removing the stored object after a failure failed");
      });
    }
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Waits (bounded) until no newest-version check of the user's application is PENDING: the deep
 * check usually takes well under a second, so a submission right after an upload waits for it
 * instead of being refused with "wird noch geprüft". Scoped to the user's applications.
 */
export async function settlePendingChecks(
  user: SessionUser,
  applicationId: string,
  { timeoutMs = 8_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  if (!isUuid(applicationId)) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await db().documentVersion.count({
      where: {
        checkStatus: "PENDING",
        document: { application: { AND: [{ id: applicationId }, applicantScope(user.id)] } },
      },
    });
    if (pending === 0 || Date.now() + intervalMs > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Marks (or unmarks) a document type as "wird nachgereicht" for a draft. */
export async function setToBeSubmittedLater(
  user: SessionUser,
  applicationId: string,
  typeCode: string,
  flag: boolean,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const docType = getDocumentType(String(typeCode ?? ""));
  if (!docType) return { ok: false, message: UNKNOWN_TYPE_MESSAGE };
  const access = await loadEditableApplication(user, applicationId);
  if (!access.ok) return access;

  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM "Application" WHERE id = ${applicationId}::uuid FOR SHARE`;
    if (rows[0]?.status !== "DRAFT") return { ok: false as const, message: NOT_EDITABLE_MESSAGE };
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`document:${applicationId}:${docType.code}`}, 0))`;
    const doc = await tx.document.findFirst({
      where: { applicationId, typeCode: docType.code },
      // A refused version ("abgelehnt") is no file: the document may be marked "wird nachgereicht".
      select: {
        id: true,
        toBeSubmittedLater: true,
        _count: { select: { versions: { where: { checkStatus: { not: "REFUSED" } } } } },
      },
      orderBy: { createdAt: "asc" },
    });
    if (flag && doc && doc._count.versions > 0) {
      return {
        ok: false as const,
        message: `Für „${docType.shortLabel}“ ist bereits eine Datei hochgeladen; sie muss nicht nachgereicht werden.`,
      };
    }
    if ((doc?.toBeSubmittedLater ?? false) === flag) return { ok: true as const };
    if (doc) {
      await tx.document.update({ where: { id: doc.id }, data: { toBeSubmittedLater: flag } });
    } else {
      await tx.document.create({
        data: {
          id: documentIdFor(applicationId, docType.code),
          applicationId,
          typeCode: docType.code,
          title: docType.shortLabel,
          toBeSubmittedLater: true,
        },
      });
    }
    await appendEvent(tx, {
      applicationId,
      actorId: user.id,
      type: flag ? "document.marked-later" : "document.unmarked-later",
      payload: { typeCode: docType.code },
    });
    return { ok: true as const };
  });
}

/**
 * Removes one version of a document from a draft (issue 14 item 6: a wrongly uploaded file). Only
 * while the application is a draft and has never been submitted: a submitted version is part of the
 * record and is never deleted. The row goes in one transaction with the case event; the stored
 * object is removed afterwards (a failure there leaves an orphan object, never a dangling row).
 */
export async function deleteDraftDocumentVersion(
  user: SessionUser,
  applicationId: string,
  versionId: string,
  options: { storage?: Storage } = {},
): Promise<{ ok: true; filename: string } | { ok: false; message: string }> {
  if (!isUuid(versionId)) return { ok: false, message: NOT_FOUND_MESSAGE };
  const access = await loadEditableApplication(user, applicationId);
  if (!access.ok) return access;
  const deleted = await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: string; submittedAt: Date | null }[]>`
      SELECT status::text AS status, "submittedAt" FROM "Application" WHERE id = ${applicationId}::uuid FOR UPDATE`;
    if (rows[0]?.status !== "DRAFT" || rows[0].submittedAt !== null) return null;
    const version = await tx.documentVersion.findFirst({
      where: { id: versionId, document: { applicationId } },
      select: { id: true, documentId: true, filename: true, versionNumber: true, storageKey: true },
    });
    if (!version) return null;
    // A Vollmacht declared as the basis of the submission stays until the declaration is revoked.
    const declared = await tx.submissionConsent.count({
      where: { applicationId, documentVersionId: version.id, revokedAt: null },
    });
    if (declared > 0) return "declared" as const;
    await tx.documentVersion.delete({ where: { id: version.id } });
    await appendEvent(tx, {
      applicationId,
      actorId: user.id,
      type: "document.version-deleted",
      payload: { filename: version.filename, versionNumber: version.versionNumber },
    });
    return version;
  });
  if (deleted === "declared") {
    return {
      ok: false,
      message:
        "Diese Datei ist als Vollmacht für die Einreichung erklärt. Widerrufen Sie zuerst die Erklärung, dann können Sie die Datei entfernen.",
    };
  }
  if (!deleted) {
    return {
      ok: false,
      message:
        "Diese Datei kann nicht entfernt werden: nur Dateien eines noch nicht eingereichten Entwurfs lassen sich löschen.",
    };
  }
  await (options.storage ?? getStorage()).remove(deleted.storageKey).catch((error: unknown) => {
    logger.warn({ err: error, key: deleted.storageKey }, "deleted draft version: object not removed");
  });
  return { ok: true, filename: deleted.filename };
}

/**
 * Documents of an application for its members (newest version last), with the data the
 * completeness evaluation needs. null when the user is not a member.
 */
export async function listDocumentsForMember(user: SessionUser, applicationId: string) {
  if (!isUuid(applicationId) || !can(user, "read:document:own")) return null;
  return db().application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: {
      id: true,
      title: true,
      status: true,
      procedureType: true,
      data: true,
      authority: { select: { id: true, name: true, landProfile: true } },
      documents: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          typeCode: true,
          title: true,
          toBeSubmittedLater: true,
          versions: {
            orderBy: { versionNumber: "asc" },
            select: {
              id: true,
              versionNumber: true,
              filename: true,
              mimeType: true,
              sizeBytes: true,
              sha256: true,
              pageCount: true,
              createdAt: true,
              uploadedBy: { select: { displayName: true } },
            },
          },
        },
      },
    },
  });
}

export interface DownloadableVersion {
  stream: Readable;
  filename: string;
  mimeType: string;
  sizeBytes: number;
}

/**
 * A stored document version for download: members of the application (applicant side), clerks
 * of the application's authority once it is no longer a draft, or an agency for the versions
 * shared with its participation while that is not closed (sharedVersionWhere). null otherwise (also for
 * malformed ids), so a caller cannot tell "forbidden" from "does not exist".
 */
export async function openDocumentVersionForDownload(
  user: SessionUser,
  versionId: string,
  options: { storage?: Storage } = {},
): Promise<DownloadableVersion | null> {
  if (!isUuid(versionId)) return null;
  const scopes: Prisma.ApplicationWhereInput[] = [];
  if (can(user, "read:document:own")) scopes.push(applicantScope(user.id));
  if (can(user, "read:document:authority") && user.authorityId) scopes.push(authorityScope(user.authorityId));
  const versionScopes: Prisma.DocumentVersionWhereInput[] = [];
  if (scopes.length > 0) versionScopes.push({ document: { application: { OR: scopes } } });
  // Agencies: exactly the versions shared with one of their open participations.
  const shared = sharedVersionWhere(user);
  if (shared) versionScopes.push(shared);
  if (versionScopes.length === 0) return null;

  const version = await db().documentVersion.findFirst({
    where: { id: versionId, OR: versionScopes },
    select: { filename: true, mimeType: true, sizeBytes: true, storageKey: true },
  });
  if (!version) return null;
  const stream = await (options.storage ?? getStorage()).getStream(version.storageKey);
  return {
    stream,
    filename: version.filename,
    mimeType: version.mimeType,
    sizeBytes: Number(version.sizeBytes),
  };
}

// ---- HTTP: multipart upload requests -------------------------------------------------------------

/** Room for the multipart framing and the small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const MAX_FIELD_BYTES = 1024;

export type UploadRequestResult =
  | {
      ok: true;
      typeCode: string;
      versionNumber: number;
      versionId: string;
      checkStatus: "PENDING" | "ACCEPTED";
      archiveWarnings: string[];
      status: 200;
    }
  | { ok: false; typeCode: string | null; message: string; status: 400 | 404 | 409 | 413 };

/** The upload component's `fileSize` field (File.size, sent before the file); anything else is ignored. */
export function declaredFileSize(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Handles a `multipart/form-data` upload request (fields `typeCode` before `file`): the file part
 * is streamed straight into uploadDocumentVersion; the request body is never buffered. Used by the
 * page's no-JavaScript form and by the upload component's XMLHttpRequest alike.
 */
export async function handleUploadRequest(
  request: Request,
  user: SessionUser,
  applicationId: string,
  options: UploadOptions = {},
): Promise<UploadRequestResult> {
  const maxBytes = options.maxBytes ?? env().UPLOAD_MAX_BYTES;
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
    return {
      ok: false,
      typeCode: null,
      status: 413,
      message: `Die Datei ist zu groß. Erlaubt sind höchstens ${formatLimit(maxBytes)} je Datei.`,
    };
  }
  const access = await canUploadDocuments(user, applicationId);
  if (!access.ok) {
    return {
      ok: false,
      typeCode: null,
      status: access.message === NOT_FOUND_MESSAGE ? 404 : 409,
      message: access.message,
    };
  }

  let result: UploadResult | undefined;
  let parsed: MultipartResult;
  try {
    parsed = await parseMultipart(request, {
      maxFieldBytes: MAX_FIELD_BYTES,
      maxFileBytes: maxBytes,
      onFile: async (part) => {
        // One file per request, in the part named "file"; any other file is drained by the parser.
        if (part.name !== "file" || result) return;
        result = await uploadDocumentVersion(
          user,
          applicationId,
          {
            typeCode: part.fields.typeCode ?? "",
            filename: part.filename,
            contentType: part.contentType,
            body: part.stream,
            declaredBytes: declaredFileSize(part.fields.fileSize),
          },
          { ...options, maxBytes },
        );
      },
    });
  } catch (error) {
    logger.warn({ err: error, applicationId }, "upload request could not be read");
    return { ok: false, typeCode: null, status: 400, message: FAILED_MESSAGE };
  }
  const fields = parsed.fields;
  if (!parsed.ok && !result?.ok) {
    // Broken framing, too many parts or a field name bomb, and nothing was stored.
    return {
      ok: false,
      typeCode: null,
      status: parsed.violation.status === 413 ? 413 : 400,
      message: result?.message ?? parsed.violation.message,
    };
  }
  // (A request whose file is stored and recorded but whose rest was broken still counts: the
  // file is there.)
  const typeCode = fields.typeCode ?? null;
  if (!result) return { ok: false, typeCode, status: 400, message: NO_FILE_MESSAGE };
  if (!result.ok) {
    const status = result.message.includes("zu groß") ? 413 : 400;
    return { ok: false, typeCode, status, message: result.message };
  }
  return {
    ok: true,
    typeCode: typeCode ?? "",
    versionNumber: result.versionNumber,
    versionId: result.versionId,
    checkStatus: result.checkStatus,
    archiveWarnings: result.archiveWarnings,
    status: 200,
  };
}
