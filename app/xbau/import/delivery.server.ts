import { open } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { formatBytes } from "~/domain/format";
import type { IntakeAttachment } from "~/models/xbau-intake.server";
import { env } from "~/utils/env.server";
import { parseMultipart } from "~/utils/multipart.server";
import { type IntakeProblem, IntakeRefused } from "./problems";
import { readBounded, XML_LIMITS } from "./safe-xml.server";
import { readZipDelivery, zipLimits } from "./zip-delivery.server";

/**
 * Reads an XBau delivery from a request, for the inbox upload and POST /api/v1/intake alike:
 *   - multipart/form-data: the message in part "nachricht" (XML, or a ZIP holding message and
 *     files) and the files in parts "anlagen";
 *   - application/zip: message and files as one ZIP;
 *   - application/xml (or text/xml): a bare message without attachments.
 * Everything is streamed: the message is kept in memory only up to 20 MB, files and ZIPs go to
 * `dir` (a temp directory the caller removes) within the upload limit; what is over a limit is
 * read through and dropped, never buffered.
 */

export type Delivery =
  | { ok: true; message: Buffer; attachments: IntakeAttachment[] }
  | { ok: false; status: number; problems: IntakeProblem[] };

const MAX_ATTACHMENTS = 500;
/** A ZIP may carry the message and its files: the upload limit for each, plus room for the bundle. */
const zipMaxBytes = () => Math.min(2 * 1024 * 1024 * 1024, env().UPLOAD_MAX_BYTES * 20);

/** Reads a part, keeping at most `max` bytes; the rest is consumed and dropped. null = too large. */
async function collect(stream: Readable, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= max) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size <= max ? Buffer.concat(chunks, size) : null;
}

/** Writes a stream to `file` up to `max` bytes; the rest is consumed and dropped. false = too large. */
async function writeLimited(stream: AsyncIterable<Uint8Array>, file: string, max: number): Promise<boolean> {
  const handle = await open(file, "wx", 0o600);
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size <= max) await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return size <= max;
}

/** The web stream of a request body as the async iterable it is at run time (Node 18+). */
const bodyOf = (body: ReadableStream<Uint8Array>) => body as unknown as AsyncIterable<Uint8Array>;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function fromZip(file: string, dir: string): Promise<Delivery> {
  try {
    const zip = await readZipDelivery(file, dir, zipLimits(env().UPLOAD_MAX_BYTES));
    return { ok: true, ...zip };
  } catch (error) {
    if (error instanceof IntakeRefused) return { ok: false, status: 422, problems: error.problems };
    throw error;
  }
}

const zipTooLarge = (): Delivery => ({
  ok: false,
  status: 413,
  problems: [{ element: "ZIP", message: `Das ZIP-Archiv ist größer als ${formatBytes(zipMaxBytes())}.` }],
});

/**
 * A browser or portal upload: part "nachricht" (the XML, or a ZIP with message and attachments)
 * and parts "anlagen"; every file bounded, every problem said in German at once.
 */
async function fromMultipart(request: Request, dir: string): Promise<Delivery> {
  const maxFileBytes = env().UPLOAD_MAX_BYTES;
  const problems: IntakeProblem[] = [];
  const attachments: IntakeAttachment[] = [];
  let message: Buffer | null = null;
  let zipFile: string | null = null;
  let messageSeen = false;
  const parsed = await parseMultipart(request, {
    maxFieldBytes: 1024,
    maxFileBytes: Math.max(maxFileBytes, XML_LIMITS.maxBytes, zipMaxBytes()),
    onFile: async (part) => {
      if (part.filename === "") return; // an empty file input
      if (part.name === "nachricht" && !messageSeen) {
        messageSeen = true;
        if (/\.zip$/i.test(part.filename) || part.contentType === "application/zip") {
          zipFile = path.join(dir, "delivery.zip");
          if (!(await writeLimited(part.stream, zipFile, zipMaxBytes()))) {
            zipFile = null;
            problems.push(...(zipTooLarge() as { problems: IntakeProblem[] }).problems);
          }
          return;
        }
        message = await collect(part.stream, XML_LIMITS.maxBytes);
        if (message?.subarray(0, 4).equals(ZIP_MAGIC)) {
          // A ZIP under another name: read it as the ZIP it is.
          zipFile = path.join(dir, "delivery.zip");
          const handle = await open(zipFile, "wx", 0o600);
          await handle.writeFile(message).finally(() => handle.close());
          message = null;
          return;
        }
        if (!message) {
          problems.push({
            element: "Nachricht",
            message: `Die Nachricht ist größer als ${formatBytes(XML_LIMITS.maxBytes)} und wird nicht angenommen.`,
          });
        }
        return;
      }
      if (part.name !== "anlagen") return;
      if (attachments.length >= MAX_ATTACHMENTS) {
        problems.push({ element: "Anlagen", message: `Höchstens ${MAX_ATTACHMENTS} Dateien je Nachricht.` });
        return;
      }
      const file = path.join(dir, String(attachments.length + 1));
      if (await writeLimited(part.stream, file, maxFileBytes)) {
        attachments.push({ filename: part.filename, path: file });
      } else {
        problems.push({
          element: "Anlagen",
          message: `Die Datei "${part.filename}" ist größer als ${formatBytes(maxFileBytes)}.`,
        });
      }
    },
  });
  if (!parsed.ok) {
    return {
      ok: false,
      status: parsed.violation.status,
      problems: [{ element: "Anfrage", message: parsed.violation.message }],
    };
  }
  if (!messageSeen) {
    problems.push({
      element: "Nachricht",
      message: "Bitte wählen Sie die XBau-Nachricht (XML- oder ZIP-Datei) aus.",
    });
  }
  if (problems.length > 0) return { ok: false, status: 422, problems };
  if (zipFile) {
    if (attachments.length > 0) {
      return {
        ok: false,
        status: 422,
        problems: [
          {
            element: "Anlagen",
            message:
              "Zu einem ZIP-Archiv werden keine weiteren Dateien angenommen; die Anlagen gehören in das Archiv.",
          },
        ],
      };
    }
    return fromZip(zipFile, dir);
  }
  if (!message)
    return { ok: false, status: 422, problems: [{ element: "Nachricht", message: "Die Nachricht fehlt." }] };
  return { ok: true, message, attachments };
}

export async function readDelivery(request: Request, dir: string): Promise<Delivery> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const declared = Number(request.headers.get("content-length") ?? "") || null;
  if (type === "application/zip") {
    if (!request.body)
      return {
        ok: false,
        status: 400,
        problems: [{ element: "ZIP", message: "Der Anfrage fehlt das ZIP-Archiv." }],
      };
    if (declared && declared > zipMaxBytes()) return zipTooLarge();
    const file = path.join(dir, "delivery.zip");
    if (!(await writeLimited(bodyOf(request.body), file, zipMaxBytes()))) return zipTooLarge();
    return fromZip(file, dir);
  }
  if (type === "application/xml" || type === "text/xml") {
    if (!request.body)
      return {
        ok: false,
        status: 400,
        problems: [{ element: "Nachricht", message: "Die Anfrage enthält keine Nachricht." }],
      };
    try {
      return {
        ok: true,
        message: await readBounded(bodyOf(request.body), XML_LIMITS.maxBytes, declared),
        attachments: [],
      };
    } catch (error) {
      if (error instanceof IntakeRefused) return { ok: false, status: 413, problems: error.problems };
      throw error;
    }
  }
  if (type !== "multipart/form-data") {
    return {
      ok: false,
      status: 415,
      problems: [
        {
          element: "Content-Type",
          message: `„${type || "ohne Angabe"}“ wird nicht angenommen. Erwartet: multipart/form-data (Teile „nachricht“ und „anlagen“), application/zip oder application/xml.`,
        },
      ],
    };
  }
  return fromMultipart(request, dir);
}
