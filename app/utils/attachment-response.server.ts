import type { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { contentDisposition } from "../../storage/index";

/** A stored file opened for download (uploaded version or generated document). */
export interface AttachmentFile {
  stream: Readable;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  /** Hex SHA-256 of the bytes; becomes the ETag when known. */
  sha256?: string;
}

/**
 * The one way files leave the app: streamed (never buffered), always an attachment, never
 * rendered inline. Stored bytes are untrusted (uploads) or at least not meant to be run, so the
 * browser must neither sniff nor execute anything: nosniff and a sandboxing CSP. A client that
 * goes away ends the storage stream, so an aborted download does not keep an S3 connection open.
 */
export function attachmentResponse(request: Request, file: AttachmentFile): Response {
  request.signal.addEventListener("abort", () => file.stream.destroy(), { once: true });
  const headers: Record<string, string> = {
    "Content-Type": file.mimeType,
    "Content-Length": String(file.sizeBytes),
    "Content-Disposition": contentDisposition(file.filename),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (file.sha256) headers.ETag = `"${file.sha256}"`;
  return new Response(createReadableStreamFromReadable(file.stream), { status: 200, headers });
}
