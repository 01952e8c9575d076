import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { Client } from "minio";
import { logger } from "~/utils/logger.server";
import type { StorageConfig } from "./config.ts";
import { contentDisposition } from "./content-disposition.ts";
import { StorageLengthMismatchError, StorageLimitError, StorageNotFoundError } from "./errors.ts";
import { assertSafeKey } from "./keys.ts";
import type {
  PresignOptions,
  PutOptions,
  PutResult,
  Storage,
  StorageBody,
  StoredObjectInfo,
} from "./types.ts";

const MIB = 1024 * 1024;
const DEFAULT_PART_SIZE = 5 * MIB; // the S3 minimum: least memory per concurrent upload
const MIN_PART_SIZE = 5 * MIB; // S3 rejects smaller parts (except the last one)
const MAX_PARTS = 10_000; // S3 limit per multipart upload
const MAX_SINGLE_PUT = 5 * 1024 * MIB; // S3 limit of one PUT
const PUT_URL_SECONDS = 15 * 60; // S3 checks the signature when the request starts, not at its end

/**
 * S3/MinIO implementation over the `minio` client.
 *
 * Uploads do their own multipart loop instead of client.putObject(stream): for a stream of
 * unknown length putObject picks a ~530 MiB part size and buffers a whole part (so the whole
 * file) in memory, and when the source stream fails it never settles. Here at most one part is
 * being read while the previous one is on the wire, the sha256 and byte count are taken as the
 * bytes pass, and every failure path aborts the upload so no object is left behind.
 */
export class S3Storage implements Storage {
  readonly bucket: string;
  private readonly client: Client;
  private readonly region: string;
  private readonly partSize: number;
  /** Connections for the streamed single PUTs (the minio client keeps its own for the rest). */
  private readonly agent: http.Agent;

  constructor(config: StorageConfig) {
    this.bucket = config.bucket;
    this.region = config.region;
    this.partSize = config.partSizeBytes ?? DEFAULT_PART_SIZE;
    if (this.partSize < MIN_PART_SIZE) {
      throw new Error(`partSizeBytes muss mindestens ${MIN_PART_SIZE} sein`);
    }
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      // A fixed region saves the GetBucketLocation round trip before the first request.
      region: config.region,
      // Path-style works with MinIO, s3rver and IP endpoints alike.
      pathStyle: true,
    });
    // Over plain HTTP the client would sign every part with its sha256: a second full hashing
    // pass over each upload in the web process (putStream already hashes the bytes once, for the
    // record). Parts are signed UNSIGNED-PAYLOAD instead, as over HTTPS; TCP and S3's part ETag
    // guard the transfer. Measured in bench/upload (issue 11).
    (this.client as unknown as { enableSHA256: boolean }).enableSHA256 = false;
    this.agent = new (config.useSSL ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 64 });
  }

  async putStream(key: string, body: StorageBody, options: PutOptions): Promise<PutResult> {
    assertSafeKey(key);
    const { contentType, maxBytes, expectedBytes } = options;
    const source = toNodeReadable(body);
    if (expectedBytes !== undefined) {
      if (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
        source.destroy();
        throw new TypeError("expectedBytes muss eine ganze Zahl ≥ 0 sein");
      }
      if (maxBytes !== undefined && expectedBytes > maxBytes) {
        source.destroy();
        throw new StorageLimitError(maxBytes);
      }
      if (expectedBytes <= MAX_SINGLE_PUT)
        return this.putKnownLength(key, source, expectedBytes, contentType);
    }
    return this.putMultipart(key, source, contentType, maxBytes, expectedBytes);
  }

  /**
   * The length is known: ONE PUT whose body is the source as it arrives (hashed and counted on the
   * way), instead of a multipart upload. Nothing is buffered beyond the socket's chunks, there is
   * no completion step (s3rver copies every part once more to assemble the object; bench/upload
   * measured the multipart path at about half the speed of a single PUT to the same server), and
   * the upload can be compared 1:1 with a raw PUT. A body longer or shorter than announced is cut
   * off (the request is destroyed, so the server never sees a complete body) and reported as
   * StorageLengthMismatchError. Presigned URL: public minio API, signed UNSIGNED-PAYLOAD like the
   * multipart parts.
   */
  private async putKnownLength(
    key: string,
    source: Readable,
    length: number,
    contentType: string,
  ): Promise<PutResult> {
    const hash = createHash("sha256");
    let sizeBytes = 0;
    let request: http.ClientRequest | undefined;
    try {
      const url = new URL(await this.client.presignedPutObject(this.bucket, key, PUT_URL_SECONDS));
      const req = (url.protocol === "https:" ? https : http).request(url, {
        method: "PUT",
        agent: this.agent,
        headers: { "Content-Length": String(length), "Content-Type": contentType },
      });
      request = req;
      let response: http.IncomingMessage | undefined;
      const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
        req.once("response", (res) => {
          response = res;
          resolve(res);
        });
        req.once("error", reject);
      });
      answered.catch(() => {}); // awaited below; this keeps an early failure from being "unhandled"
      for await (const chunk of source) {
        const buf = toBuffer(chunk);
        sizeBytes += buf.length;
        if (sizeBytes > length) throw new StorageLengthMismatchError(length, sizeBytes);
        hash.update(buf);
        // Back-pressure: the source pauses while S3 is behind. An answer before the body is
        // complete (an error) ends the sending.
        if (!req.write(buf)) await Promise.race([once(req, "drain"), answered]);
        if (response) break;
      }
      if (!response && sizeBytes !== length) throw new StorageLengthMismatchError(length, sizeBytes);
      if (!response) req.end();
      const res = await answered;
      const text = await readSmall(res);
      if (res.statusCode !== 200) {
        throw new Error(`S3 PUT ${res.statusCode}: ${text.slice(0, 300)}`);
      }
      return { sizeBytes, sha256: hash.digest("hex") };
    } catch (err) {
      request?.destroy();
      if (!source.destroyed) source.destroy();
      // S3 and MinIO never create an object from an incomplete body; s3rver writes it in place,
      // so whatever a failed PUT left under the key is removed.
      await this.client.removeObject(this.bucket, key).catch(() => {});
      throw err;
    }
  }

  private async putMultipart(
    key: string,
    source: Readable,
    contentType: string,
    maxBytes: number | undefined,
    expectedBytes: number | undefined,
  ): Promise<PutResult> {
    const hash = createHash("sha256");
    const headers = { "Content-Type": contentType };

    let sizeBytes = 0;
    // The part being filled: one buffer that incoming chunks are copied into. Together with the
    // part on the wire that is all the memory an upload holds (no chunk lists, no concat).
    let part: Buffer | undefined;
    let partFill = 0;
    let uploadId: string | undefined;
    let nextPartNumber = 1;
    const parts: { part: number; etag: string }[] = [];
    let inflight: Promise<void> | undefined;
    let completing = false;

    const sendPart = async (buf: Buffer) => {
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      // Back-pressure: the previous part must be stored before this one goes out, so reading
      // the source pauses while the server is behind.
      await inflight;
      const partNumber = nextPartNumber++;
      if (partNumber > MAX_PARTS) throw new Error("Zu viele Teile für einen Multipart-Upload");
      const p = this.client
        .uploadPart(
          { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
          buf,
        )
        .then((res) => {
          parts.push({ part: partNumber, etag: res.etag });
        });
      // Handled when awaited; this only keeps a failure from being reported as unhandled meanwhile.
      p.catch(() => {});
      inflight = p;
    };

    try {
      for await (const chunk of source) {
        const buf = toBuffer(chunk);
        sizeBytes += buf.length;
        if (maxBytes !== undefined && sizeBytes > maxBytes) throw new StorageLimitError(maxBytes);
        if (expectedBytes !== undefined && sizeBytes > expectedBytes)
          throw new StorageLengthMismatchError(expectedBytes, sizeBytes);
        hash.update(buf);
        let offset = 0;
        while (offset < buf.length) {
          // Allocated only after the previous part was handed over, so at most two exist.
          part ??= Buffer.allocUnsafe(this.partSize);
          const n = buf.copy(part, partFill, offset);
          partFill += n;
          offset += n;
          if (partFill === this.partSize) {
            const full = part;
            part = undefined;
            partFill = 0;
            await sendPart(full);
          }
        }
      }

      if (expectedBytes !== undefined && sizeBytes !== expectedBytes)
        throw new StorageLengthMismatchError(expectedBytes, sizeBytes);
      if (uploadId === undefined) {
        // Small file: one plain PUT, no multipart bookkeeping.
        const buf = part ? part.subarray(0, partFill) : Buffer.alloc(0);
        await this.client.putObject(this.bucket, key, buf, buf.length, headers);
      } else {
        if (part && partFill > 0) await sendPart(part.subarray(0, partFill));
        await inflight;
        completing = true;
        parts.sort((a, b) => a.part - b.part);
        await this.client.completeMultipartUpload(this.bucket, key, uploadId, parts);
      }
      return { sizeBytes, sha256: hash.digest("hex") };
    } catch (err) {
      if (!source.destroyed) source.destroy();
      await this.cleanupFailedUpload(key, uploadId, inflight, completing);
      throw err;
    }
  }

  private async cleanupFailedUpload(
    key: string,
    uploadId: string | undefined,
    inflight: Promise<void> | undefined,
    completing: boolean,
  ): Promise<void> {
    // Let a part that is still on the wire finish first, or the server could store it after
    // the abort.
    await inflight?.catch(() => {});
    if (uploadId !== undefined) {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch((error: unknown) => {
        logger.warn({ err: error, key }, "storage: aborting multipart upload failed");
      });
    }
    if (completing) {
      // The complete call may have succeeded server-side even though we saw an error.
      await this.client.removeObject(this.bucket, key).catch(() => {});
    }
  }

  async getStream(key: string): Promise<Readable> {
    assertSafeKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) throw new StorageNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    assertSafeKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      const meta = info.metaData as Record<string, string | undefined>;
      return {
        sizeBytes: info.size,
        contentType: meta["content-type"] ?? "application/octet-stream",
        etag: info.etag,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    assertSafeKey(key);
    // S3 DELETE is idempotent: removing a missing object is not an error.
    await this.client.removeObject(this.bucket, key);
  }

  async presignedGetUrl(key: string, options: PresignOptions): Promise<string> {
    assertSafeKey(key);
    const { expirySeconds, downloadFilename, inline = false } = options;
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > 7 * 24 * 3600) {
      throw new Error("expirySeconds muss zwischen 1 und 604800 liegen");
    }
    const respHeaders: Record<string, string> = {};
    if (downloadFilename !== undefined || inline) {
      respHeaders["response-content-disposition"] = downloadFilename
        ? contentDisposition(downloadFilename, inline)
        : inline
          ? "inline"
          : "attachment";
    }
    return this.client.presignedGetObject(this.bucket, key, expirySeconds, respHeaders);
  }

  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region);
    } catch (err) {
      // Another process may have created it between the check and the create.
      const code = (err as { code?: string }).code;
      if (code !== "BucketAlreadyOwnedByYou" && code !== "BucketAlreadyExists") throw err;
    }
  }

  async ping(): Promise<true> {
    if (!(await this.client.bucketExists(this.bucket))) {
      throw new Error(`Bucket "${this.bucket}" existiert nicht`);
    }
    return true;
  }
}

/** The body of an S3 answer (an XML error or nothing), at most 64 KB kept. */
async function readSmall(res: http.IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of res) {
    if (text.length < 64 * 1024) text += String(chunk);
  }
  return text;
}

function toNodeReadable(body: StorageBody): Readable {
  if (body instanceof Readable) return body;
  if (isWebReadableStream(body)) return Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>);
  // Old-style NodeJS.ReadableStream (pre-streams2 API).
  return new Readable().wrap(body);
}

function isWebReadableStream(body: StorageBody): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream).getReader === "function";
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("Der Datenstrom liefert keine Bytes");
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "NoSuchKey" || code === "NotFound" || code === "NoSuchObject";
}
