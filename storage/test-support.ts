import { createCipheriv, createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";
import type { StorageConfig } from "./config.ts";
import { startEmbeddedS3 } from "./embedded.ts";
import { createStorage, type Storage } from "./index.ts";

/**
 * Test and bench helpers: deterministic pseudo-random bytes (AES-CTR keystream, incompressible
 * and fast) produced chunk by chunk, so a test can stream hundreds of MB without holding them.
 */

const CHUNK = 64 * 1024;

function* keystream(totalBytes: number, seed: string): Generator<Buffer> {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = totalBytes;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    yield cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n));
    left -= n;
  }
}

export function generatedStream(totalBytes: number, seed = "bauantrag"): Readable {
  return Readable.from(keystream(totalBytes, seed), { objectMode: false });
}

/** Like generatedStream, but fails with `error` once more than `bytesBeforeError` were produced. */
export function failingStream(bytesBeforeError: number, error: Error): Readable {
  const chunks = keystream(bytesBeforeError + CHUNK * 2, "failing");
  let sent = 0;
  return new Readable({
    read() {
      const next = chunks.next();
      if (next.done || sent + next.value.length > bytesBeforeError) {
        this.destroy(error);
        return;
      }
      sent += next.value.length;
      this.push(next.value);
    },
  });
}

export function generatedSha256(totalBytes: number, seed = "bauantrag"): string {
  const hash = createHash("sha256");
  for (const chunk of keystream(totalBytes, seed)) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * A handle on V8's full GC without restarting node with --expose-gc. Memory assertions need it:
 * V8 lets up to ~64 MB of dead Buffers pile up before it collects, so an unforced peak measures
 * the collector's laziness, not what the code keeps alive.
 */
type Gc = (options?: { type: "major" | "minor" }) => void;

export function exposeGc(): Gc {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (existing) return existing;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as Gc;
}

/**
 * Peak growth of rss/arrayBuffers over a baseline while `work` runs, sampled every `everyMs`.
 * With `forceGc`, each sample first runs full GCs, so the figures are live memory, not garbage
 * the collector has not got round to yet.
 */
export async function measureMemoryGrowth<T>(
  work: () => Promise<T>,
  { forceGc = true, everyMs = 250 }: { forceGc?: boolean; everyMs?: number } = {},
): Promise<{ result: T; rssGrowth: number; arrayBuffersGrowth: number }> {
  const gc = forceGc ? exposeGc() : undefined;
  gc?.();
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakArrayBuffers = base.arrayBuffers;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    // Twice: V8 frees dead ArrayBuffers' memory in a sweep that lags one collection behind.
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.arrayBuffers > peakArrayBuffers) peakArrayBuffers = m.arrayBuffers;
  };
  // Re-armed after each sample, so the (forced) GC never takes more than its share of the time.
  const tick = () => {
    sample();
    timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  try {
    const result = await work();
    sample();
    return {
      result,
      rssGrowth: peakRss - base.rss,
      arrayBuffersGrowth: peakArrayBuffers - base.arrayBuffers,
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function sha256OfStream(
  stream: NodeJS.ReadableStream,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * A private S3 server for one test file: s3rver on a free port in a fresh temp folder, its own
 * bucket (created), and the Storage over it. `close()` stops the server and removes the folder.
 */
export async function startTestStorage(name: string): Promise<{
  storage: Storage;
  config: StorageConfig;
  dir: string;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `bauantrag-${name}-s3-`));
  const bucket = `${name}-${randomUUID().slice(0, 8)}`;
  const s3 = await startEmbeddedS3({ dir, port: 0, bucket, accessKey: "S3RVER", secretKey: "S3RVER" });
  const config: StorageConfig = {
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    region: "us-east-1",
  };
  const storage = createStorage(config);
  await storage.ensureBucket();
  return {
    storage,
    config,
    dir,
    close: async () => {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
