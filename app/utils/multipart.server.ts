import { PassThrough, Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";
import {
  checkFieldNames,
  LIMIT_MESSAGES,
  type LimitViolation,
  REQUEST_LIMITS,
} from "~/utils/request-limits.server";

/**
 * The one streaming `multipart/form-data` parser (busboy) for the routes that receive files:
 * Bauvorlagen (document.server.ts) and statement attachments (statement.server.ts).
 *
 * - Names per RFC 7578 as browsers send them: busboy reads quoted parameters with `=`, `;` and
 *   backslash-escaped quotes, `filename*=UTF-8''…`, and raw UTF-8 (umlauts; `defParamCharset`);
 *   the WHATWG form encoding's `%22`, `%0D`, `%0A` (how browsers send `"` and line breaks in a
 *   file name) are turned back into the characters.
 * - Fields are kept in memory up to maxFieldBytes each (first value of a name wins), at most
 *   REQUEST_LIMITS.maxFields parts; field names get the same checks as every other form
 *   (checkFieldNames), so a list index bomb is refused here as in the middleware.
 * - Each file goes to `onFile` as a stream while it arrives, one at a time; busboy parses the next
 *   part once onFile has settled. Whatever onFile leaves unread (a rejected file) is drained.
 */

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  stream: Readable;
  /** Fields that arrived before this file. */
  fields: Readonly<Record<string, string>>;
}

export interface MultipartOptions {
  onFile: (part: FilePart) => Promise<void>;
  /** Bytes kept of one text field (the rest is read and dropped). */
  maxFieldBytes: number;
  /** Largest file; busboy stops one byte after it so the consumer sees "too large". */
  maxFileBytes: number;
}

export type MultipartResult =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; fields: Record<string, string>; violation: LimitViolation };

/** WHATWG multipart/form-data encoding of file names: `"` → %22, CR → %0D, LF → %0A. */
export function decodeFilename(name: string): string {
  return name.replace(/%22|%0D|%0A/gi, (m) => ({ "%22": '"', "%0D": "\r", "%0A": "\n" })[m.toUpperCase()]!);
}

/** Reads a stream to its end and drops the bytes (a rejected or superfluous file). */
export function drainStream(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded) {
      resolve();
      return;
    }
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
    stream.once("error", () => resolve());
    stream.resume();
  });
}

// Buffer size of each stage: bigger means fewer chunks (less per-chunk cost), but each stage holds
// up to this much per upload; 256 KiB keeps a 200 MB upload well under 50 MB of growth.
const CHUNK = 256 * 1024;
const DISCARD_SLACK = 1024 * 1024;

async function discardBody(body: ReadableStream<Uint8Array>, limit: number) {
  const reader = body.getReader();
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      n += value.length;
      if (n > limit) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the body failed: nothing left to read
  }
}

export async function parseMultipart(request: Request, options: MultipartOptions): Promise<MultipartResult> {
  const fields: Record<string, string> = {};
  const names: string[] = [];
  if (!request.body)
    return { ok: false, fields, violation: { status: 400, message: LIMIT_MESSAGES.unreadable } };

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { "content-type": request.headers.get("content-type") ?? "" },
      defParamCharset: "utf8",
      preservePath: false,
      // Fewer, bigger chunks than the 16 KiB default: the per-chunk cost (copies, callbacks) adds up.
      highWaterMark: CHUNK,
      fileHwm: CHUNK,
      limits: {
        fieldSize: options.maxFieldBytes,
        fieldNameSize: REQUEST_LIMITS.maxNameLength + 1,
        parts: REQUEST_LIMITS.maxFields,
        fileSize: options.maxFileBytes + 1,
      },
    });
  } catch {
    // No or a malformed boundary. The body is read and dropped (up to the file limit), not
    // cancelled: cancelling would destroy the connection before the answer is sent.
    await discardBody(request.body, options.maxFileBytes + DISCARD_SLACK);
    return { ok: false, fields, violation: { status: 400, message: LIMIT_MESSAGES.unreadable } };
  }

  let violation: LimitViolation | null = null;
  // Files are handled one after the other, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  let handlerError: unknown;

  bb.on("field", (name, value) => {
    names.push(name);
    // Browsers send line breaks in text fields as CRLF.
    if (!(name in fields)) fields[name] = value.replace(/\r\n/g, "\n");
  });
  bb.on("file", (name, stream, info) => {
    names.push(name);
    // The consumer gets its own stream: pipeline() destroys its source on an error, and a
    // destroyed busboy file stream would stall the parser for the rest of the request.
    const guarded = new PassThrough({ highWaterMark: CHUNK });
    guarded.on("error", () => {});
    const part: FilePart = {
      name,
      filename: decodeFilename(info.filename ?? ""),
      contentType: info.mimeType,
      stream: guarded,
      fields: { ...fields },
    };
    // The fields before a file are checked before the file is accepted.
    violation ??= checkFieldNames(names, names.length);
    queue = queue.then(async () => {
      if (violation || handlerError) {
        await drainStream(stream);
        return;
      }
      stream.pipe(guarded);
      try {
        await options.onFile(part);
      } catch (error) {
        handlerError = error;
      } finally {
        // Whatever onFile left unread: busboy needs it consumed to go on.
        stream.unpipe(guarded);
        await drainStream(stream);
      }
    });
  });
  bb.on("partsLimit", () => {
    violation ??= { status: 400, message: LIMIT_MESSAGES.tooManyFields };
  });

  const source = Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>, {
    highWaterMark: CHUNK,
  });
  const parsed = new Promise<void>((resolve, reject) => {
    bb.once("close", () => resolve());
    bb.once("error", reject);
    source.once("error", reject);
  });
  source.pipe(bb);
  try {
    await parsed;
  } catch {
    source.unpipe(bb);
    source.resume();
    violation ??= { status: 400, message: LIMIT_MESSAGES.unreadable };
  }
  await queue;
  if (handlerError) throw handlerError;
  violation ??= checkFieldNames(names, names.length);
  return violation ? { ok: false, fields, violation } : { ok: true, fields };
}
