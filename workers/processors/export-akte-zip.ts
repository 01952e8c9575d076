import { createHash } from "node:crypto";
import { PassThrough, type Readable, Transform } from "node:stream";
import { ZipArchive } from "archiver";
import type { PutResult, Storage } from "../../storage/index";

/**
 * A ZIP written straight into object storage: archiver's output is the body of one streaming
 * upload (storage.putStream, multipart, one part in memory), and entries are added one at a time,
 * the next only after the previous one went through. Each entry's SHA-256 and size are taken from
 * the bytes as they pass into the archive, so the hash list describes exactly what was packed.
 * Memory stays flat whatever the case's size: one source stream, zlib's window, one upload part.
 */

export interface PackedEntry {
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface ZipSink {
  /** Packs a stream as `path`; resolves once all of it is in the archive. */
  addStream(path: string, source: Readable, options?: { compress?: boolean }): Promise<PackedEntry>;
  addBytes(path: string, bytes: Uint8Array | string, options?: { compress?: boolean }): Promise<PackedEntry>;
}

export interface StreamZipOptions {
  storage: Storage;
  key: string;
  /** Entry time stamp (ZIP keeps local time with two-second resolution). */
  date: Date;
  /** Fills the archive; the ZIP is finalised and the upload completed when it resolves. */
  fill: (zip: ZipSink) => Promise<void>;
}

export async function streamZipToStorage(o: StreamZipOptions): Promise<PutResult> {
  // Level 6 for the few text entries; PDFs and images are stored (already compressed: deflating
  // them again costs CPU and gains nothing).
  const archive = new ZipArchive({ zlib: { level: 6 }, forceLocalTime: false });
  let archiveError: Error | undefined;
  const failed = new Promise<never>((_, reject) => {
    archive.on("error", (err) => {
      archiveError = err;
      reject(err);
    });
    // A missing or unreadable source is an error for us, not a warning.
    archive.on("warning", (err) => {
      archiveError = err;
      reject(err);
    });
  });
  failed.catch(() => {});
  // archiver is built on the readable-stream package, not on Node's streams: handed over as it is,
  // putStream would wrap it the old-style way, which reports an early close at the end. A Node
  // PassThrough in between is what putStream reads; archive errors end it with the error.
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  archive.pipe(body);
  archive.on("error", (err) => body.destroy(err));
  const upload = o.storage.putStream(o.key, body, { contentType: "application/zip" });
  // If the upload fails (S3 down, part refused) nothing reads the archive any more: every wait below races it.
  const uploadFailed = upload.then(
    () => new Promise<never>(() => {}),
    (err: unknown) => {
      throw err;
    },
  );
  uploadFailed.catch(() => {});

  const entryDone = () =>
    new Promise<void>((resolve) => {
      archive.once("entry", () => resolve());
    });

  const add = async (path: string, source: Readable | Buffer, compress: boolean): Promise<PackedEntry> => {
    if (archiveError) throw archiveError;
    const hash = createHash("sha256");
    let sizeBytes = 0;
    let body: Readable | Buffer;
    let sourceFailed: Promise<never> | undefined;
    if (Buffer.isBuffer(source)) {
      hash.update(source);
      sizeBytes = source.length;
      body = source;
    } else {
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          sizeBytes += chunk.length;
          cb(null, chunk);
        },
      });
      sourceFailed = new Promise<never>((_, reject) => {
        source.once("error", reject);
        counter.once("error", reject);
      });
      sourceFailed.catch(() => {});
      body = source.pipe(counter);
    }
    const done = entryDone();
    archive.append(body, { name: path, date: o.date, store: !compress });
    try {
      await Promise.race([done, failed, uploadFailed, ...(sourceFailed ? [sourceFailed] : [])]);
    } catch (err) {
      if (!Buffer.isBuffer(source)) source.destroy();
      throw err;
    }
    return { path, sizeBytes, sha256: hash.digest("hex") };
  };

  const sink: ZipSink = {
    addStream: (path, source, options) => add(path, source, options?.compress ?? false),
    addBytes: (path, bytes, options) =>
      add(
        path,
        typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes),
        options?.compress ?? true,
      ),
  };

  try {
    await o.fill(sink);
    await Promise.race([archive.finalize(), failed, uploadFailed]);
  } catch (err) {
    // Ends the upload's source with the error: putStream aborts the multipart upload, nothing stays behind.
    archive.destroy(err instanceof Error ? err : new Error(String(err)));
    await upload.catch(() => {});
    throw err;
  }
  return upload;
}
