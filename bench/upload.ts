/**
 * 200 MB Bauvorlage through the real web server: `node --import tsx server.ts` (Remix build from
 * `npm run build`) as a child process, an embedded S3 server (s3rver) and the test database.
 * The upload is a streamed multipart POST to the upload endpoint the browser's progress bar
 * uses, twice: as the upload component sends it (the file's size in a field before the file: the
 * server streams the file to S3 as ONE PUT of known length) and as the no-JavaScript form sends it
 * (no size: multipart upload to S3). The whole pipeline runs (busboy, magic bytes, S3 with sha256
 * while the body arrives and the temp file for the checks written in the same pass, the cheap file checks
 * (qpdf structure and page count, the object scan), one transaction; the deep check `qpdf --check`
 * runs afterwards as the worker job documents.check-version and is timed separately). Reports throughput, its ratio to a raw S3 PUT of the same file to the
 * same S3 server in the same run (target >= 0.8; the no-size path against a raw multipart upload
 * with the same part size, like with like), and the web process's RSS growth (< 50 MB).
 *
 *   npx tsx bench/upload.ts [sizeMB=200]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm, stat } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MB = 1024 * 1024;
const sizeMb = Number(process.argv[2] ?? 200);

process.env.DATABASE_URL ??=
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_test";
process.env.SESSION_SECRET ??= `bench-${randomUUID()}-${randomUUID()}`;
process.env.NODE_ENV = "production";
process.env.ALLOW_LOCAL_APP_URL ??= "true"; // production mode on this machine (APP_URL 127.0.0.1)
process.env.LOG_LEVEL ??= "warn";

const { startEmbeddedS3 } = await import("../storage/embedded.ts");
const { generatedStream, sha256OfStream } = await import("../storage/test-support.ts");
const { db } = await import("~/utils/db.server");
const { createTestTenant, createTestUser } = await import("~/utils/test-tenant.server");
const { createSession } = await import("~/utils/session.server");

/**
 * A valid PDF of about `bytes`: one A4 page whose resources hold large uncompressed RGB images
 * (8192 px wide, at most 2048 rows = 16.8 megapixels each, under the per-image pixel limit),
 * written as it is generated, with a correct cross-reference table.
 */
async function writeLargePdf(file: string, bytes: number): Promise<number> {
  const width = 8192;
  const totalRows = Math.max(1, Math.floor(bytes / (width * 3)));
  const rowsPer = 2048;
  const heights: number[] = [];
  for (let left = totalRows; left > 0; left -= rowsPer) heights.push(Math.min(rowsPer, left));
  const out = createWriteStream(file);
  let offset = 0;
  const offsets: number[] = [];
  const write = async (chunk: string | Buffer) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
    offset += buf.length;
    if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  const obj = async (n: number, body: string) => {
    offsets[n] = offset;
    await write(`${n} 0 obj\n${body}\nendobj\n`);
  };
  await write("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  const images = heights.map((_, k) => `/Im${k + 1} ${5 + k} 0 R`).join(" ");
  await obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
  await obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  await obj(
    3,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << ${images} >> >> /Contents 4 0 R >>`,
  );
  const slice = 500 / heights.length;
  const content = heights
    .map((_, k) => `q 500 0 0 ${slice.toFixed(2)} 47 ${(171 + k * slice).toFixed(2)} cm /Im${k + 1} Do Q`)
    .join("\n");
  await obj(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  for (const [k, height] of heights.entries()) {
    const imageLength = width * height * 3;
    offsets[5 + k] = offset;
    await write(
      `${5 + k} 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${imageLength} >>\nstream\n`,
    );
    for await (const chunk of generatedStream(imageLength, `bench-upload-${k}`)) await write(chunk as Buffer);
    await write("\nendstream\nendobj\n");
  }
  const count = 5 + heights.length;
  const xref = offset;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let i = 1; i < count; i++) table += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  await write(`${table}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return offset;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? "0");
  return kb * 1024;
}

function multipart(file: string, size: number, fields: Record<string, string>, filename: string) {
  const boundary = `----bauantrag-bench-${randomUUID()}`;
  let head = "";
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  // Like the upload component: the file's size right before the file (see upload-field.tsx).
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + size + Buffer.byteLength(tail);
  async function* body() {
    yield Buffer.from(head);
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
    yield Buffer.from(tail);
  }
  return { boundary, length, body: Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array> };
}

async function upload(
  port: number,
  cookie: string,
  applicationId: string,
  file: string,
  size: number,
  filename: string,
  declareSize = true,
) {
  const fields: Record<string, string> = { intent: "upload", typeCode: "2001" };
  if (declareSize) fields.fileSize = String(size);
  const { boundary, length, body } = multipart(file, size, fields, filename);
  const res = await fetch(`http://127.0.0.1:${port}/antraege/${applicationId}/unterlagen/hochladen`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
      "Content-Length": String(length),
      Accept: "application/json",
    },
    body,
    duplex: "half",
  } as RequestInit);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const tmp = await mkdtemp(path.join(os.tmpdir(), "bauantrag-bench-upload-"));
let server: ChildProcess | undefined;
let s3: Awaited<ReturnType<typeof startEmbeddedS3>> | undefined;
try {
  const pdfFile = path.join(tmp, "grundriss-gross.pdf");
  const t0 = performance.now();
  const pdfSize = await writeLargePdf(pdfFile, sizeMb * MB);
  const genMs = performance.now() - t0;
  const { sha256: expectedSha } = await sha256OfStream(createReadStream(pdfFile));

  const bucket = `bench-${randomUUID().slice(0, 8)}`;
  s3 = await startEmbeddedS3({
    dir: path.join(tmp, "s3"),
    port: 0,
    bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });

  const tenant = await createTestTenant("bench-upload");
  const architect = await createTestUser({ roles: ["ARCHITECT"] });
  const application = await db().application.create({
    data: {
      authorityId: tenant.id,
      createdById: architect.id,
      procedureType: "VEREINFACHT",
      title: "Bench: 200-MB-Upload",
      members: {
        create: {
          userId: architect.id,
          email: architect.email,
          role: "ENTWURFSVERFASSER",
          invitationState: "ACCEPTED",
          acceptedAt: new Date(),
        },
      },
    },
    select: { id: true },
  });
  const session = await createSession(architect.id);
  const cookie = session.cookie.split(";")[0]!;

  const port = await freePort();
  // BENCH_CPU_PROF=<dir>: the web process writes a V8 CPU profile there (where the time goes).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  server = spawn(process.execPath, [...prof, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      S3_ENDPOINT: "127.0.0.1",
      S3_PORT: String(s3.port),
      S3_USE_SSL: "false",
      S3_BUCKET: bucket,
      UPLOAD_MAX_BYTES: String(Math.max(250 * MB, pdfSize + MB)),
      TMPDIR: tmp,
      // The upload pipeline logs its stage timings (receive, inspect, store, commit) at info.
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = server.pid!;
  // The server's own stage timings of each upload (pino JSON lines), shown in the table below.
  const stages: Record<string, number>[] = [];
  let pending = "";
  server.stdout!.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.includes('"document version uploaded"')) continue;
      try {
        stages.push(JSON.parse(line) as Record<string, number>);
      } catch {}
    }
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error("web server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }

  // Warm-up: a small fixture through the same path, so module loading and pools are not counted.
  const small = path.join(root, "fixtures/bauvorlagen/grundriss-eg.pdf");
  const warm = await upload(
    port,
    cookie,
    application.id,
    small,
    (await stat(small)).size,
    "grundriss-eg.pdf",
  );
  if (warm.status !== 200) throw new Error(`warm-up failed: ${JSON.stringify(warm)}`);
  await new Promise((r) => setTimeout(r, 500));

  /** One upload of the big file, timed, with the web process's RSS sampled every 25 ms. */
  async function timedUpload(declareSize: boolean) {
    const baseRss = await rssOf(pid);
    let peakRss = baseRss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, await rssOf(pid).catch(() => 0));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const t = performance.now();
    const res = await upload(
      port,
      cookie,
      application.id,
      pdfFile,
      pdfSize,
      "Grundriss groß.pdf",
      declareSize,
    );
    const ms = performance.now() - t;
    sampling = false;
    await sampler;
    return { result: res, ms, baseRss, peakRss };
  }
  const sized = await timedUpload(true);
  const { result, ms: uploadMs, baseRss, peakRss } = sized;
  if (result.status !== 200 || result.json.ok !== true) {
    throw new Error(`upload failed: ${result.status} ${JSON.stringify(result.json)}`);
  }
  const version = await db().documentVersion.findUniqueOrThrow({
    where: { id: String(result.json.versionId) },
    select: {
      sizeBytes: true,
      sha256: true,
      pageCount: true,
      versionNumber: true,
      filename: true,
      checkStatus: true,
    },
  });
  if (version.sha256 !== expectedSha || Number(version.sizeBytes) !== pdfSize) {
    throw new Error("stored version does not match the uploaded file");
  }
  // The response came before the deep check: the version is "wird geprüft" until the worker's job
  // documents.check-version (qpdf --check) decides. Run that job here, as the worker would.
  const { createStorage } = await import("../storage/index.ts");
  const { createCheckVersion } = await import("../workers/processors/check-version.ts");
  const pino = (await import("pino")).default;
  const workerStorage = createStorage({
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    region: "us-east-1",
  });
  const t4 = performance.now();
  const checked = (await createCheckVersion({ storage: workerStorage })(
    { versionId: String(result.json.versionId) },
    {} as never,
    { db: db(), mailer: null, log: pino({ level: "warn" }) },
  )) as { checked: boolean; status?: string };
  const checkMs = performance.now() - t4;

  // Baseline in the same run: the same file as one raw S3 PUT (minio client, known length) to the
  // same embedded S3 server, no web server in between.
  const { Client } = await import("minio");
  const raw = new Client({
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    region: "us-east-1",
    pathStyle: true,
  });
  // A presigned single PUT: s3rver lacks ListMultipartUploads, which the client's own large-object path needs.
  const rawUrl = await raw.presignedPutObject(bucket, `bench-raw/${randomUUID()}`, 600);
  const t3 = performance.now();
  const rawRes = await fetch(rawUrl, {
    method: "PUT",
    headers: { "Content-Length": String(pdfSize) },
    body: Readable.toWeb(
      createReadStream(pdfFile, { highWaterMark: 256 * 1024 }),
    ) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  await rawRes.arrayBuffer();
  const rawMs = performance.now() - t3;
  if (!rawRes.ok) throw new Error(`raw S3 PUT failed: ${rawRes.status}`);

  // The no-JavaScript form sends no size: the server uploads multipart (5 MiB parts). Its like-
  // with-like baseline is a raw multipart upload of the same file with the same part size, parts
  // unsigned as the app sends them (s3rver writes every part and copies them all once more on
  // completion, which a single PUT does not).
  await new Promise((r) => setTimeout(r, 500));
  const unsized = await timedUpload(false);
  if (unsized.result.status !== 200 || unsized.result.json.ok !== true) {
    throw new Error(
      `upload without size failed: ${unsized.result.status} ${JSON.stringify(unsized.result.json)}`,
    );
  }
  (raw as unknown as { enableSHA256: boolean }).enableSHA256 = false;
  const partSize = 5 * MB;
  const rawKey = `bench-raw/${randomUUID()}`;
  const t5 = performance.now();
  const uploadId = await raw.initiateNewMultipartUpload(bucket, rawKey, {
    "Content-Type": "application/pdf",
  });
  const fh = await open(pdfFile, "r");
  const rawParts: { part: number; etag: string }[] = [];
  try {
    for (let n = 1, pos = 0; pos < pdfSize; n++, pos += partSize) {
      const buf = Buffer.allocUnsafe(Math.min(partSize, pdfSize - pos));
      await fh.read(buf, 0, buf.length, pos);
      const { etag } = await raw.uploadPart(
        { bucketName: bucket, objectName: rawKey, uploadID: uploadId, partNumber: n, headers: {} },
        buf,
      );
      rawParts.push({ part: n, etag });
    }
  } finally {
    await fh.close();
  }
  await raw.completeMultipartUpload(bucket, rawKey, uploadId, rawParts);
  const rawMultipartMs = performance.now() - t5;

  // Download it back through /dateien/:id (streamed) and check the bytes.
  const t2 = performance.now();
  const dl = await fetch(`http://127.0.0.1:${port}/dateien/${result.json.versionId}`, {
    headers: { Cookie: cookie },
  });
  const dlHash = await sha256OfStream(Readable.fromWeb(dl.body! as never));
  const downloadMs = performance.now() - t2;
  const rssAfterDownload = await rssOf(pid);
  if (dlHash.sha256 !== expectedSha) throw new Error("downloaded bytes differ");

  const mbps = (bytes: number, ms: number) => (bytes / MB / (ms / 1000)).toFixed(1);
  // Where the time went inside the server: receiving (parts streaming to S3 while the body
  // arrives) and then the file checks overlapping the storage completion.
  function stageRows(versionId: unknown, baselineMs: number, receive: string): [string, string][] {
    const big = stages.find((st) => st.versionId === versionId);
    if (!big) return [];
    return [
      [`  server: receive (busboy -> ${receive} + temp file)`, `${(big.receiveMs! / 1000).toFixed(2)} s`],
      ["  server: cheap file checks || S3 completion", `${(big.inspectAndStoreMs! / 1000).toFixed(2)} s`],
      ["  server: commit", `${(big.commitMs! / 1000).toFixed(2)} s`],
      ["  ratio receive stage / its raw baseline", (baselineMs / big.receiveMs!).toFixed(2)],
    ];
  }
  const rows: [string, string][] = [
    ["file (valid PDF, 1 page, uncompressed images)", `${(pdfSize / MB).toFixed(1)} MiB`],
    ["generate file", `${(genMs / 1000).toFixed(2)} s`],
    [
      "upload with size (component): HTTP multipart -> one S3 PUT, recorded",
      `${(uploadMs / 1000).toFixed(2)} s`,
    ],
    ["upload throughput (end to end)", `${mbps(pdfSize, uploadMs)} MiB/s`],
    [
      "baseline: raw S3 PUT of the same file",
      `${(rawMs / 1000).toFixed(2)} s, ${mbps(pdfSize, rawMs)} MiB/s`,
    ],
    ["ratio app / raw S3 PUT (target >= 0.80)", (rawMs / uploadMs).toFixed(2)],
    [
      "deep check after the response (worker job, not in the request)",
      `${(checkMs / 1000).toFixed(2)} s, ${version.checkStatus} -> ${checked.status ?? "-"}`,
    ],
    ...stageRows(result.json.versionId, rawMs, "one S3 PUT"),
    [
      "upload without size (no-JS form): -> S3 multipart, recorded",
      `${(unsized.ms / 1000).toFixed(2)} s, ${mbps(pdfSize, unsized.ms)} MiB/s`,
    ],
    [
      "baseline: raw S3 multipart upload (5 MiB parts)",
      `${(rawMultipartMs / 1000).toFixed(2)} s, ${mbps(pdfSize, rawMultipartMs)} MiB/s`,
    ],
    ["ratio no-size upload / raw multipart (like with like)", (rawMultipartMs / unsized.ms).toFixed(2)],
    ["ratio no-size upload / raw single PUT", (rawMs / unsized.ms).toFixed(2)],
    ...stageRows(unsized.result.json.versionId, rawMultipartMs, "S3 parts"),
    [
      "server RSS growth, no-size upload (target < 50 MiB)",
      `${((unsized.peakRss - unsized.baseRss) / MB).toFixed(1)} MiB`,
    ],
    ["stored: version / pages / sha256 ok", `${version.versionNumber} / ${version.pageCount} / yes`],
    ["server RSS before upload", `${(baseRss / MB).toFixed(1)} MiB`],
    ["server RSS peak during upload", `${(peakRss / MB).toFixed(1)} MiB`],
    ["server RSS growth (target < 50 MiB)", `${((peakRss - baseRss) / MB).toFixed(1)} MiB`],
    [
      "download /dateien/:id (sha256 ok)",
      `${(downloadMs / 1000).toFixed(2)} s, ${mbps(pdfSize, downloadMs)} MiB/s`,
    ],
    ["server RSS after download", `${(rssAfterDownload / MB).toFixed(1)} MiB`],
    ["Content-Disposition", dl.headers.get("content-disposition") ?? "-"],
    [
      "Content-Security-Policy / nosniff",
      `${dl.headers.get("content-security-policy")} / ${dl.headers.get("x-content-type-options")}`,
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nbench/upload.ts — ${os.cpus().length} cores, node ${process.version}\n`);
  console.log(`| ${"measure".padEnd(w)} | value |`);
  console.log(`| ${"-".repeat(w)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  const growth = peakRss - baseRss;
  console.log(`\n${growth < 50 * MB ? "OK" : "OVER TARGET"}: RSS growth ${(growth / MB).toFixed(1)} MiB`);
} finally {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  await s3?.close();
  await db().$disconnect();
  await rm(tmp, { recursive: true, force: true });
}
