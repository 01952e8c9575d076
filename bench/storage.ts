/**
 * Object storage throughput: a generated 200 MB stream put to and read back from an embedded
 * s3rver (in this process, on a free port, temp folder) through storage/ (minio client,
 * own multipart loop). Reports MB/s and peak memory growth for each part size:
 * - RSS: sampled every 20 ms with no forced GC, what the process really takes (incl. garbage);
 * - live buffers: arrayBuffers after forced full GCs (separate run, not timed).
 * Both machines' disks and the s3rver process are in the figures; MinIO is faster.
 *
 *   npx tsx bench/storage.ts [sizeMB=200]
 */
import { randomUUID } from "node:crypto";

process.env.LOG_LEVEL ??= "warn";

const { createStorage } = await import("../storage/index.ts");
const { generatedSha256, generatedStream, measureMemoryGrowth, sha256OfStream, startTestStorage } =
  await import("../storage/test-support.ts");

const MB = 1024 * 1024;
const sizeMb = Number(process.argv[2] ?? 200);
const size = sizeMb * MB;

const s3 = await startTestStorage("bench");

const expected = generatedSha256(size, "bench");
const rows: string[][] = [];

try {
  for (const partMb of [5, 8, 16]) {
    const storage = createStorage({ ...s3.config, partSizeBytes: partMb * MB });
    const key = `bench/${randomUUID()}`;

    // Timed run: cheap RSS sampling, no forced GC.
    let t0 = performance.now();
    const put = await measureMemoryGrowth(
      () => storage.putStream(key, generatedStream(size, "bench"), { contentType: "application/pdf" }),
      { forceGc: false, everyMs: 20 },
    );
    const putS = (performance.now() - t0) / 1000;
    if (put.result.sha256 !== expected || put.result.sizeBytes !== size)
      throw new Error("put: wrong sha256/size");

    t0 = performance.now();
    const get = await measureMemoryGrowth(async () => sha256OfStream(await storage.getStream(key)), {
      forceGc: false,
      everyMs: 20,
    });
    const getS = (performance.now() - t0) / 1000;
    if (get.result.sha256 !== expected) throw new Error("get: wrong sha256");
    await storage.remove(key);

    // Untimed run: live memory (forced GC at each sample).
    const liveKey = `bench/${randomUUID()}`;
    const livePut = await measureMemoryGrowth(() =>
      storage.putStream(liveKey, generatedStream(size, "bench"), { contentType: "application/pdf" }),
    );
    const liveGet = await measureMemoryGrowth(async () => sha256OfStream(await storage.getStream(liveKey)));
    await storage.remove(liveKey);

    const f = (n: number) => (n / MB).toFixed(1);
    rows.push([
      `${partMb} MiB`,
      (sizeMb / putS).toFixed(0),
      (sizeMb / getS).toFixed(0),
      f(put.rssGrowth),
      f(get.rssGrowth),
      f(livePut.arrayBuffersGrowth),
      f(liveGet.arrayBuffersGrowth),
    ]);
  }
} finally {
  await s3.close();
}

const header = [
  "part size",
  "put MB/s",
  "get MB/s",
  "put RSS +MB",
  "get RSS +MB",
  "put live +MB",
  "get live +MB",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(" | ")} |`;
console.log(
  `\nstorage bench: ${sizeMb} MB generated stream, embedded s3rver on 127.0.0.1, sha256 verified\n`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
