import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { PDFDocument } from "pdf-lib";

/**
 * Participation routing: time from "Beteiligung starten" (startParticipation: rows + outbox in one
 * transaction) until every package is delivered (participation SENT and the agency's in-app
 * notification written) for 10 agencies and a case with 100 plan pages, through the real pieces
 * in one process (outbox relay, BullMQ on Redis, the routing and notify processors, s3rver).
 * Then the PDF merge alone (pdf-lib copyPages of the case's plan files, as the package renderer
 * does, plus save) next to `qpdf --empty --pages ... --` merging the same files.
 *
 *   npm run bench -- participation [runs=3] [agencies=10] [pages=100] [concurrency=2]
 *
 * Uses its own database (BENCH_PARTICIPATION_DATABASE_URL, default bauantrag_bench_participation,
 * created and migrated here) and a temporary s3rver.
 */
const runs = Number(process.argv[2] ?? 3);
const agencyCount = Number(process.argv[3] ?? 10);
const planPages = Number(process.argv[4] ?? 100);
const concurrency = Number(process.argv[5] ?? 2);

const databaseUrl =
  process.env.BENCH_PARTICIPATION_DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/bauantrag_bench_participation";
process.env.DATABASE_URL = databaseUrl;
process.env.LOG_LEVEL ??= "warn";

/** A free local port (bound, read, released) for the bench's s3rver. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
// Every processor (receipt, XBau exports, routing) stores into the bench's s3rver: set before
// anything parses the environment.
const s3Port = await freePort();
const bucket = `bench-${randomUUID().slice(0, 8)}`;
Object.assign(process.env, {
  S3_ENDPOINT: "127.0.0.1",
  S3_PORT: String(s3Port),
  S3_USE_SSL: "false",
  S3_BUCKET: bucket,
  S3_ACCESS_KEY: "S3RVER",
  S3_SECRET_KEY: "S3RVER",
});

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(databaseUrl);
await migrate(databaseUrl);
const { db } = await import("~/utils/db.server");
const { berlinDate } = await import("~/domain/deadlines");
const { createParticipationDistrict, currentVersionIds } = await import("../test/kit/participation-fixtures");
const { buildCase } = await import("../test/kit/case");
const { startParticipation } = await import("~/models/participation.server");
const { sessionUser } = await import("../test/kit/draft-fixtures");
const { startEmbeddedS3 } = await import("../storage/embedded.ts");
const { createStorage } = await import("../storage/index.ts");
const { queueNames } = await import("~/utils/queue.server");
const { startWorkers } = await import("../workers/start.ts");
const { processors } = await import("../workers/processors/index.ts");
const { mergeInto } = await import("../workers/pdf/participation-package.ts");
const { deletePrefix, randomPrefix } = await import("../workers/test-support.ts");
const { closeRedis } = await import("~/utils/redis.server");

const { DRAWINGS, loadPlans, median } = await import("./_plans.ts");

/** A PDF of `count` plan sheets taken round-robin from the fixture plans. */
async function planSet(count: number): Promise<Uint8Array> {
  const sources = await loadPlans(DRAWINGS);
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length] as PDFDocument;
    const [page] = await doc.copyPages(src, [0]);
    if (page) doc.addPage(page);
  }
  return doc.save();
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "bauantrag-bench-participation-"));
const s3 = await startEmbeddedS3({
  dir: tmp,
  port: s3Port,
  bucket,
  accessKey: "S3RVER",
  secretKey: "S3RVER",
});
const storage = createStorage({
  endPoint: "127.0.0.1",
  port: s3.port,
  useSSL: false,
  accessKey: "S3RVER",
  secretKey: "S3RVER",
  bucket,
  region: "us-east-1",
});
await storage.ensureBucket();
const prefix = randomPrefix();
const workers = startWorkers({
  prefix,
  concurrency,
  db: db(),
  mailer: null,
  processors,
  relay: { intervalMs: 50 },
});
await workers.ready;

const endToEnd: { ms: number; packageBytes: number; pages: number; renderMs: number }[] = [];
let planFiles: Uint8Array[] = [];
try {
  for (let run = 0; run < runs; run++) {
    // A district with the Gemeinde and agencyCount - 1 Fachstellen, each with one user.
    const d = await createParticipationDistrict(`bench-${run}`, [
      "DENKMALSCHUTZ",
      "BRANDSCHUTZ",
      "NATURSCHUTZ",
    ]);
    const agencyIds = [d.gemeinde.id, ...Object.values(d.agencies).map((a) => a.id)];
    for (let i = agencyIds.length; i < agencyCount; i++) {
      const a = await db().authority.create({
        data: {
          slug: `bench-${run}-sonstige-${i}-${randomUUID().slice(0, 6)}`,
          name: `Fachstelle ${i}`,
          kind: "FACHSTELLE",
          agencyType: "SONSTIGE",
          landProfile: "MV",
          parentId: d.authority.id,
        },
        select: { id: true },
      });
      await sessionUser({ roles: ["AGENCY"], authorityId: a.id });
      agencyIds.push(a.id);
    }
    const { application: app } = await buildCase({ until: "complete", district: d });
    const versions = await currentVersionIds(app.id);
    // Spread planPages sheets over the case's documents.
    const perDoc = Math.ceil(planPages / versions.length);
    const keys = await db().documentVersion.findMany({
      where: { id: { in: versions } },
      select: { id: true, storageKey: true },
    });
    planFiles = [];
    let left = planPages;
    for (const k of keys) {
      const n = Math.min(perDoc, left);
      left -= n;
      const bytes = await planSet(Math.max(n, 1));
      planFiles.push(bytes);
      await storage.putStream(k.storageKey, Readable.from([Buffer.from(bytes)]), {
        contentType: "application/pdf",
      });
    }
    const deadline = berlinDate(new Date(Date.now() + 30 * 86_400_000));
    // Start from a quiet system: the case's own jobs (receipt, XBau exports) are done.
    for (;;) {
      const pending = await db().outboxMessage.count({ where: { dispatchedAt: null } });
      const counts = await Promise.all(
        queueNames.map((q) =>
          workers.queues.get(q).getJobCounts("active", "waiting", "delayed", "prioritized"),
        ),
      );
      if (pending === 0 && counts.every((c) => Object.values(c).every((n) => n === 0))) break;
      await new Promise((res) => setTimeout(res, 100));
    }

    const t0 = performance.now();
    const r = await startParticipation(
      d.clerk,
      app.id,
      agencyIds.slice(0, agencyCount).map((agencyId) => ({
        agencyId,
        documentVersionIds: versions,
        deadline,
        question: "Bitte um Stellungnahme.",
        silenceIsConsent: true,
      })),
    );
    if (!r.ok) throw new Error(r.message);
    for (;;) {
      const [sent, notified] = await Promise.all([
        db().participation.count({ where: { applicationId: app.id, status: "SENT" } }),
        db().notification.count({ where: { applicationId: app.id, type: "participation.requested" } }),
      ]);
      if (sent === agencyCount && notified >= agencyCount) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const ms = performance.now() - t0;
    const pkg = await db().generatedDocument.findFirstOrThrow({
      where: { applicationId: app.id, kind: "PARTICIPATION_PACKAGE" },
      select: { sizeBytes: true },
    });
    const rendered = await db().caseEvent.findMany({
      where: { applicationId: app.id, type: "participation.package-rendered" },
      select: { payload: true },
    });
    const renderMs = rendered.map((e) => Number((e.payload as { renderMs?: number }).renderMs ?? 0));
    endToEnd.push({
      ms,
      packageBytes: Number(pkg.sizeBytes),
      pages: planPages + 2,
      renderMs: median(renderMs),
    });
  }
} finally {
  await workers.close();
  await deletePrefix(prefix);
}

// The merge alone: pdf-lib (as the renderer) vs qpdf on the same plan files.
const files = planFiles.map((bytes, i) => {
  const f = path.join(tmp, `plan-${i}.pdf`);
  writeFileSync(f, bytes);
  return f;
});
const pdfLibMs: number[] = [];
const qpdfMs: number[] = [];
for (let i = 0; i < 7; i++) {
  let t = performance.now();
  const doc = await PDFDocument.create();
  await mergeInto(
    doc,
    planFiles.map((bytes, j) => ({ name: `plan-${j}.pdf`, bytes })),
  );
  await doc.save({ useObjectStreams: true });
  pdfLibMs.push(performance.now() - t);
  t = performance.now();
  execFileSync("qpdf", ["--empty", "--pages", ...files, "--", path.join(tmp, "merged.pdf")]);
  qpdfMs.push(performance.now() - t);
}
const mergedPages = await PDFDocument.load(readFileSync(path.join(tmp, "merged.pdf"))).then((d) =>
  d.getPageCount(),
);

console.log(
  `\nBeteiligung: ${agencyCount} Stellen, ${planPages} Planseiten in ${planFiles.length} Dateien, ${runs} Läufe, Worker-Nebenläufigkeit ${concurrency}, ${os.cpus().length} CPU\n`,
);
console.table(
  endToEnd.map((e, i) => ({
    Lauf: i + 1,
    "Starten bis alle zugestellt (ms)": Math.round(e.ms),
    "je Stelle (ms)": Math.round(e.ms / agencyCount),
    "Paket erstellen (S3 lesen, rendern, stempeln), Median (ms)": Math.round(e.renderMs),
    "Paket (Seiten)": e.pages,
    "Paket (KB)": Math.round(e.packageBytes / 1024),
  })),
);
console.table([
  {
    Zusammenführen: `pdf-lib (copyPages + save), ${planPages} Seiten`,
    "Median (ms)": Math.round(median(pdfLibMs)),
    "min (ms)": Math.round(Math.min(...pdfLibMs)),
  },
  {
    Zusammenführen: `qpdf --empty --pages … (${mergedPages} Seiten)`,
    "Median (ms)": Math.round(median(qpdfMs)),
    "min (ms)": Math.round(Math.min(...qpdfMs)),
  },
]);

await s3.close();
rmSync(tmp, { recursive: true, force: true });
await db().$disconnect();
await closeRedis();
process.exit(0);
