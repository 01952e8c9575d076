import type { Env } from "~/utils/env.server";

/** Everything the S3 implementation needs; built from env() or given explicitly (tests, bench). */
export interface StorageConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** Size of one multipart part; the upload buffers at most about two of them. Min 5 MiB (S3 rule). */
  partSizeBytes?: number;
}

/**
 * Operators write S3_ENDPOINT in many shapes ("minio", "minio:9000", "http://minio:9000",
 * "https://s3.example.org/"). Accept them all: a scheme decides SSL, a port in the URL is used
 * unless S3_PORT says otherwise, and paths are ignored (the minio client wants a bare host).
 */
export function parseEndpoint(
  raw: string,
  defaults: { port?: number; useSSL: boolean },
): { endPoint: string; port: number; useSSL: boolean } {
  const text = raw.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `http://${text}`);
  } catch {
    throw new Error(`S3_ENDPOINT "${raw}" ist keine gültige Adresse`);
  }
  if (hasScheme && url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`S3_ENDPOINT "${raw}": nur http:// oder https:// sind erlaubt`);
  }
  const useSSL = hasScheme ? url.protocol === "https:" : defaults.useSSL;
  const urlPort = url.port ? Number(url.port) : undefined;
  const port = defaults.port ?? urlPort ?? (useSSL ? 443 : 80);
  // URL keeps IPv6 hosts in brackets; the minio client wants them bare.
  const endPoint = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!endPoint) throw new Error(`S3_ENDPOINT "${raw}" enthält keinen Host`);
  return { endPoint, port, useSSL };
}

/** No S3_ENDPOINT: the start command runs the embedded s3rver on 127.0.0.1:EMBEDDED_S3_PORT. */
export function storageConfigFromEnv(e: Env): StorageConfig {
  const target = e.S3_ENDPOINT
    ? parseEndpoint(e.S3_ENDPOINT, { port: e.S3_PORT, useSSL: e.S3_USE_SSL })
    : { endPoint: "127.0.0.1", port: e.EMBEDDED_S3_PORT, useSSL: false };
  return {
    ...target,
    accessKey: e.S3_ACCESS_KEY,
    secretKey: e.S3_SECRET_KEY,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
  };
}

export function usesEmbeddedS3(e: Env): boolean {
  return !e.S3_ENDPOINT;
}
