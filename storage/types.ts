import type { Readable } from "node:stream";

/** A request body (web stream, as Remix hands it over) or any Node readable. */
export type StorageBody = NodeJS.ReadableStream | ReadableStream<Uint8Array>;

export interface PutOptions {
  contentType: string;
  /** Abort with StorageLimitError once more than this many bytes arrived. */
  maxBytes?: number;
  /**
   * The exact length, when the sender declared it (the upload component sends the file's size).
   * The object then goes up as ONE streamed PUT with this Content-Length instead of a multipart
   * upload; a body that turns out longer or shorter fails with StorageLengthMismatchError and
   * leaves nothing behind.
   */
  expectedBytes?: number;
}

export interface PutResult {
  sizeBytes: number;
  /** Lower-case hex sha256 of exactly the stored bytes. */
  sha256: string;
}

export interface StoredObjectInfo {
  sizeBytes: number;
  contentType: string;
  etag: string;
}

export interface PresignOptions {
  expirySeconds: number;
  /** Shown to the browser as the file's name (sanitised, RFC 5987 encoded). */
  downloadFilename?: string;
  /** true: open in the browser (PDF viewer) instead of saving. */
  inline?: boolean;
}

/**
 * Object storage as the rest of the system sees it. Objects are written once under keys from
 * keys.ts and never overwritten (a new document version is a new key).
 */
export interface Storage {
  readonly bucket: string;
  /** Streams body into the object; never holds it whole in memory. Leaves nothing behind on failure. */
  putStream(key: string, body: StorageBody, options: PutOptions): Promise<PutResult>;
  /** Throws StorageNotFoundError when the object does not exist. */
  getStream(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObjectInfo | null>;
  remove(key: string): Promise<void>;
  presignedGetUrl(key: string, options: PresignOptions): Promise<string>;
  ensureBucket(): Promise<void>;
  /** Cheap health check: resolves true or throws. */
  ping(): Promise<true>;
}
