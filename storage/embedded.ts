import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import S3rver from "s3rver";

/**
 * Embedded S3 server for machines without MinIO (dev, the single-command start, tests): s3rver
 * is a real S3 HTTP server backed by a folder, so the app talks to it through exactly the same
 * minio-client code path as to MinIO in docker-compose.
 *
 * Security note: s3rver does not verify V4 signatures (only that the access key id is known),
 * so it is bound to 127.0.0.1 and must never be exposed.
 */

export interface EmbeddedS3Options {
  dir: string;
  /** 0 picks a free port. */
  port: number;
  bucket: string;
  accessKey: string;
  secretKey: string;
}

export interface EmbeddedS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

interface AwsAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}
type AuthMiddleware = (ctx: unknown, next: () => Promise<void>) => Promise<void>;

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const directory = path.resolve(options.dir);
  await mkdir(directory, { recursive: true });

  // s3rver only knows S3RVER/S3RVER out of the box; register the configured key pair too so
  // S3_ACCESS_KEY/S3_SECRET_KEY can be changed without breaking the embedded mode.
  const { DUMMY_ACCOUNT } = require("s3rver/lib/models/account") as { DUMMY_ACCOUNT: AwsAccount };
  DUMMY_ACCOUNT.createKeyPair(options.accessKey, options.secretKey);

  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  installAbortMultipartUpload(server, directory);
  makePutObjectAtomic(server);

  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      const closing = server.close();
      // Clients keep connections alive; without this, close() waits for them to time out.
      server.httpServer?.closeIdleConnections();
      const force = setTimeout(() => server.httpServer?.closeAllConnections(), 2000);
      try {
        await closing;
      } finally {
        clearTimeout(force);
      }
    },
  };
}

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: unknown;
}
interface FilesystemStore {
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
}

/**
 * s3rver writes a PUT's body straight to the object's file and pipes it without error handling:
 * a PUT that is cut off (the upload's sender died, or announced more bytes than it sent) leaves
 * a partial object under the key and a handler that never settles. S3 and MinIO store an object
 * only once its body is complete; this does the same — the body goes to a temp file beside the
 * object (a name s3rver does not list) through pipeline(), which sees the cut, and is renamed
 * into place only when complete. Same md5 and metadata as s3rver's own putObject.
 */
function makePutObjectAtomic(server: S3rver) {
  const store = (server as unknown as { store: FilesystemStore }).store;
  const original = store.putObject.bind(store);
  store.putObject = async (object: StoredObject) => {
    if (Buffer.isBuffer(object.content)) return original(object);
    const objectPath = store.getResourcePath(object.bucket, object.key, "object");
    await mkdir(path.dirname(objectPath), { recursive: true });
    const partial = `${objectPath}.${randomUUID()}.partial`;
    const md5 = createHash("md5");
    let size = 0;
    try {
      await pipeline(
        object.content,
        new Transform({
          transform(chunk: Buffer, _enc, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        }),
        createWriteStream(partial),
      );
      await rename(partial, objectPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const digest = md5.digest("hex");
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

/**
 * s3rver answers AbortMultipartUpload (DELETE /bucket/key?uploadId=...) with 405, which would
 * leave the parts of every failed upload on disk. This adds the operation in front of s3rver's
 * router, behind its own signature check, removing the upload folder s3rver keeps under
 * <dir>/<bucket>/._S3rver_uploads/<uploadId>.
 */
function installAbortMultipartUpload(server: S3rver, directory: string) {
  const authenticate = (require("s3rver/lib/middleware/authentication") as () => AuthMiddleware)();
  const abort = async (
    ctx: Parameters<S3rver["middleware"][number]>[0],
    next: () => Promise<void>,
  ): Promise<void> => {
    const uploadId = ctx.query.uploadId;
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (ctx.method !== "DELETE" || typeof uploadId !== "string" || !match) return next();
    if (!/^[a-f0-9]{32}$/.test(uploadId)) {
      ctx.status = 404;
      return;
    }
    const bucket = decodeURIComponent(match[1]!);
    const key = decodeURIComponent(match[2]!);
    ctx.params = { bucket, key };
    await authenticate(ctx, async () => {
      const uploadDir = path.join(directory, bucket, "._S3rver_uploads", uploadId);
      // Only the upload that belongs to this key may be aborted through this key's URL.
      const storedKey = await readFile(path.join(uploadDir, "key"), "utf8").catch(() => undefined);
      if (storedKey !== key) {
        ctx.status = 404;
        ctx.body = "";
        return;
      }
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
    });
  };
  // The router is the last middleware; the abort handler goes right before it.
  server.middleware.splice(server.middleware.length - 1, 0, abort);
}
