/**
 * Akte export of a 1,000-page case (issue 16): several PDFs (default 10 × 100 pages, each page
 * with an incompressible 200×200 image, about 120 KB) are put into an embedded s3rver and a real
 * case in PostgreSQL; then the documents.export-akte processor builds the ZIP (streamed from
 * storage into a streamed upload, Aktenverzeichnis rendered and sealed).
 *
 * Baseline in the same run: a plain stream copy of the same bytes (every file read from S3, one
 * after the other, into one upload through the same storage layer), i.e. what moving the bytes
 * costs without ZIP, hashing per entry, index and seal. Printed: time, MB/s, peak RSS growth
 * (sampled every 20 ms, no forced GC) and the ratio export/baseline.
 *
 *   npx tsx bench/akte.ts [files=10] [pagesPerFile=100]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";

process.env.DATABASE_URL ??=
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_test";
process.env.LOG_LEVEL ??= "warn";
// biome-ignore lint/complexity/useLiteralKeys: NODE_ENV is typed read-only by @types/node
process.env["NODE_ENV"] ??= "test";

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(process.env.DATABASE_URL);
await migrate(process.env.DATABASE_URL);

const {
  PDFDocument,
  StandardFonts,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} = await import("pdf-lib");
const { startTestStorage, measureMemoryGrowth } = await import("../storage/test-support.ts");
const { db } = await import("~/utils/db.server");
const { logger } = await import("~/utils/logger.server");
const { parsePayload } = await import("~/utils/queue.server");
const { requestAkteExport } = await import("~/models/akte-export.server");
const { createAkteCase } = await import("../workers/processors/export-akte.fixtures.ts");
const { createExportAkte } = await import("../workers/processors/export-akte.ts");

const MB = 1024 * 1024;
const files = Number(process.argv[2] ?? 10);
const pagesPerFile = Number(process.argv[3] ?? 100);

/** A PDF whose every page carries its own random (incompressible) RGB image, like a scanned plan. */
async function scannedPdf(pages: number, label: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595, 842]);
    const image = doc.context.register(
      doc.context.stream(randomBytes(200 * 200 * 3), {
        Type: "XObject",
        Subtype: "Image",
        Width: 200,
        Height: 200,
        ColorSpace: "DeviceRGB",
        BitsPerComponent: 8,
      }),
    );
    const name = page.node.newXObject("Im", image);
    page.drawText(`${label} – Seite ${i}`, { x: 40, y: 800, size: 12, font });
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(400, 0, 0, 400, 97, 300),
      drawObject(name),
      popGraphicsState(),
    );
  }
  return doc.save();
}

const { storage, close } = await startTestStorage("bench-akte");
const sealDir = await mkdtemp(path.join(os.tmpdir(), "bench-akte-seal-"));
try {
  const documents = [];
  let totalBytes = 0;
  for (let f = 1; f <= files; f++) {
    const bytes = await scannedPdf(pagesPerFile, `Plan ${f}`);
    totalBytes += bytes.byteLength;
    documents.push({
      typeCode: f % 2 ? "2001" : "2002",
      title: `Plan ${f}`,
      versions: [{ filename: `plan-${f}.pdf`, body: bytes, pageCount: pagesPerFile }],
    });
  }
  const c = await createAkteCase(storage, { label: "bench-akte", documents });
  const keys = (
    await db().documentVersion.findMany({
      where: { document: { applicationId: c.application.id } },
      select: { storageKey: true },
      orderBy: { createdAt: "asc" },
    })
  ).map((v) => v.storageKey);

  // Baseline: the same bytes read from S3 one file after the other into one streamed upload.
  const copy = async () => {
    const body = new PassThrough();
    const upload = storage.putStream(`bench/${randomUUID()}`, body, {
      contentType: "application/octet-stream",
    });
    for (const key of keys) {
      const src: Readable = await storage.getStream(key);
      for await (const chunk of src) if (!body.write(chunk)) await new Promise((r) => body.once("drain", r));
    }
    body.end();
    return upload;
  };
  await copy(); // warm-up (connections, JIT)
  let t0 = performance.now();
  const base = await measureMemoryGrowth(copy, { forceGc: false, everyMs: 20 });
  const baseS = (performance.now() - t0) / 1000;

  const requested = await requestAkteExport(c.clerk, c.application.id);
  if (!requested.ok) throw new Error(requested.message);
  const payload = parsePayload("documents.export-akte", {
    applicationId: c.application.id,
    requestedById: c.clerk.id,
    upToEventId: requested.upToEventId,
  });
  const run = createExportAkte({ storage, sealSource: { dir: sealDir, allowDevelopmentSeal: true } });
  // Creates the development seal once, outside the timing.
  const { sealForAuthority } = await import("../workers/pdf/seal-source.ts");
  await sealForAuthority(
    db(),
    { dir: sealDir, allowDevelopmentSeal: true },
    { id: c.district.authority.id, name: "x" },
  );
  t0 = performance.now();
  const exp = await measureMemoryGrowth(
    () =>
      run(payload, {} as never, { db: db(), mailer: null, log: logger }) as Promise<{
        generatedDocumentId: string;
      }>,
    { forceGc: false, everyMs: 20 },
  );
  const expS = (performance.now() - t0) / 1000;
  const row = await db().generatedDocument.findUniqueOrThrow({
    where: { id: exp.result.generatedDocumentId },
  });
  const zipBytes = Number(row.sizeBytes);

  const fmt = (n: number, d = 1) =>
    n.toLocaleString("de-DE", { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `Akte-Export: ${files} PDFs × ${pagesPerFile} Seiten = ${files * pagesPerFile} Seiten, ${fmt(totalBytes / MB)} MB Unterlagen, ZIP ${fmt(zipBytes / MB)} MB`,
  );
  console.table([
    {
      Lauf: "Baseline: Stream-Kopie derselben Bytes (S3 → S3)",
      Sekunden: fmt(baseS, 2),
      "MB/s": fmt(totalBytes / MB / baseS),
      "RSS-Spitze +MB": fmt(base.rssGrowth / MB),
      Verhältnis: "1,00",
    },
    {
      Lauf: "Akte-Export (ZIP, Hashes, Verzeichnis, Siegel)",
      Sekunden: fmt(expS, 2),
      "MB/s": fmt(zipBytes / MB / expS),
      "RSS-Spitze +MB": fmt(exp.rssGrowth / MB),
      Verhältnis: fmt(expS / baseS, 2),
    },
  ]);
} finally {
  await close();
  await rm(sealDir, { recursive: true, force: true });
  await db().$disconnect?.();
}
