import { env } from "~/utils/env.server";
import { type StorageConfig, storageConfigFromEnv } from "./config.ts";
import { S3Storage } from "./s3-storage.ts";
import type { Storage } from "./types.ts";

export { parseEndpoint, type StorageConfig, storageConfigFromEnv, usesEmbeddedS3 } from "./config.ts";
export { contentDisposition, sanitizeFilename } from "./content-disposition.ts";
export {
  StorageKeyError,
  StorageLengthMismatchError,
  StorageLimitError,
  StorageNotFoundError,
} from "./errors.ts";
export { assertSafeKey, documentVersionKey, generatedKey, statementAttachmentKey } from "./keys.ts";
export { S3Storage } from "./s3-storage.ts";
export type {
  PresignOptions,
  PutOptions,
  PutResult,
  Storage,
  StorageBody,
  StoredObjectInfo,
} from "./types.ts";

export function createStorage(config: StorageConfig): Storage {
  return new S3Storage(config);
}

let instance: Storage | undefined;

/** Process-wide storage built from env(); the minio client keeps its own keep-alive agent. */
export function getStorage(): Storage {
  instance ??= createStorage(storageConfigFromEnv(env()));
  return instance;
}
