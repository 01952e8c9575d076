/**
 * Outbox throughput: rows written in transactions -> relayed to BullMQ -> processed by the real
 * workers (system.send-email with mail disabled, i.e. the pipeline's own cost).
 *
 *   npx tsx bench/queue.ts [jobs=2000]
 *
 * Uses its own database (BENCH_DATABASE_URL, default bauantrag_bench, created and migrated here)
 * and a random queue prefix; removes its rows and keys afterwards.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";

process.env.LOG_LEVEL ??= "warn";
process.env.BAUANTRAG_PROCESS = "bench";
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_bench";
process.env.DATABASE_URL = databaseUrl;

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
const { createPrisma } = await import("~/utils/db.server");
const { enqueueInTx, drainOutbox } = await import("~/models/outbox.server");
const { buildJobId, createQueues } = await import("~/utils/queue.server");
const { startWorkers } = await import("../workers/start.ts");
const { createRedis, closeClient } = await import("~/utils/redis.server");

const N = Number(process.argv[2] ?? 2000);
const WRITERS = 8;
const run = `b${randomBytes(4).toString("hex")}`;
const like = `%__${run}__%`;

await ensureDatabase(databaseUrl);
await migrate(databaseUrl);
const db = createPrisma(databaseUrl);

type Row = { scenario: string; jobs: number; ms: number };
const results: Row[] = [];

function payload(i: number) {
  return {
    to: `person-${i}@example.org`,
    subject: `Benachrichtigung ${i}`,
    text: "Ihr Vorgang hat sich geändert.",
  };
}

/** N commands, one transaction each (as a real command would), WRITERS at a time. */
async function writeRows(tag: string, count: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < count; i = next++) {
        await db.$transaction(
          (tx) =>
            enqueueInTx(tx, {
              jobName: "system.send-email",
              jobId: buildJobId("system.send-email", run, tag, i),
              payload: payload(i),
            }),
          { maxWait: 30_000 },
        );
      }
    }),
  );
}

async function waitCompleted(queue: import("bullmq").Queue, count: number) {
  for (;;) {
    const { completed = 0, failed = 0 } = await queue.getJobCounts("completed", "failed");
    if (failed > 0) throw new Error(`${failed} jobs failed`);
    if (completed >= count) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function time(scenario: string, jobs: number, fn: () => Promise<unknown>) {
  const t0 = performance.now();
  await fn();
  results.push({ scenario, jobs, ms: performance.now() - t0 });
}

const prefixes: string[] = [];
function prefix() {
  const p = `bench-${randomBytes(5).toString("hex")}`;
  prefixes.push(p);
  return p;
}

try {
  // 1. Phases separately: write, relay, process.
  {
    const p = prefix();
    const queues = createQueues({ prefix: p });
    await time(`write: 1 row per transaction, ${WRITERS} writers`, N, () => writeRows("phases", N));
    await time("relay: SKIP LOCKED batches of 100 -> BullMQ", N, () =>
      drainOutbox({ db, queues, batchSize: 100, jobIdLike: like }),
    );
    for (const concurrency of [4, 50]) {
      // Only the first worker run finds jobs waiting; re-add for the second under a fresh prefix.
      const wp = concurrency === 4 ? p : prefix();
      if (concurrency !== 4) {
        const q2 = createQueues({ prefix: wp });
        const jobsToAdd = Array.from({ length: N }, (_, i) => ({
          name: "system.send-email",
          data: payload(i),
          opts: { jobId: buildJobId("system.send-email", run, "c50", i) },
        }));
        await q2.get("system").addBulk(jobsToAdd);
        await q2.close();
      }
      const workers = startWorkers({ prefix: wp, concurrency, db, mailer: null, relay: false });
      await workers.ready;
      await time(`process: worker concurrency ${concurrency}`, N, () =>
        waitCompleted(workers.queues.get("system"), N),
      );
      await workers.close();
    }
    await queues.close();
  }

  // 2. End to end: writers, relay loop (LISTEN/NOTIFY + poll) and workers all at once.
  for (const concurrency of [4, 50]) {
    const p = prefix();
    const workers = startWorkers({
      prefix: p,
      concurrency,
      db,
      mailer: null,
      relay: { batchSize: 100, jobIdLike: like, listenUrl: databaseUrl, intervalMs: 1000 },
    });
    await workers.ready;
    await time(`end to end (write -> relay -> done), concurrency ${concurrency}`, N, async () => {
      await writeRows(`e2e${concurrency}`, N);
      await waitCompleted(workers.queues.get("system"), N);
    });
    await workers.close();
  }
} finally {
  await db.outboxMessage.deleteMany({ where: { jobId: { contains: `__${run}__` } } });
  await db.$disconnect();
  const redis = createRedis();
  for (const p of prefixes) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${p}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  }
  await closeClient(redis);
}

const w = Math.max(...results.map((r) => r.scenario.length));
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");
console.log(
  `\nOutbox throughput (${N} jobs, Node ${process.version}, ${os.cpus().length} cores, load average ${load})\n`,
);
console.log(
  `${"scenario".padEnd(w)} | ${"jobs".padStart(5)} | ${"time ms".padStart(8)} | ${"jobs/s".padStart(7)}`,
);
console.log(`${"-".repeat(w)}-|-------|----------|--------`);
for (const r of results) {
  console.log(
    `${r.scenario.padEnd(w)} | ${String(r.jobs).padStart(5)} | ${r.ms.toFixed(0).padStart(8)} | ${((r.jobs / r.ms) * 1000).toFixed(0).padStart(7)}`,
  );
}
process.exit(0);
