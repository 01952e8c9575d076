import type { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { PrismaClient } from "~/generated/prisma/client";
import { createPrisma } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import {
  buildJobId,
  createQueues,
  type JobName,
  type QueueName,
  type Queues,
  type SendEmailPayload,
} from "~/utils/queue.server";
import { createRedis } from "~/utils/redis.server";
import { startWorkers } from "../../workers/start";
import {
  closedPort,
  deletePrefix,
  randomId,
  randomPrefix,
  startSmtpServer,
  waitFor,
} from "../../workers/test-support";
import { drainOutbox, enqueueInTx, relayOutbox, startOutboxRelay } from "./outbox.server";

// Real PostgreSQL (bauantrag_test) and Redis. Rows are isolated by a run id inside every jobId,
// and every relay here is scoped to it (jobIdLike), so parallel test files never take our rows.

const run = `t${randomId()}`;
let db: PrismaClient;
const toClose: { close(): Promise<void> | void }[] = [];
const prefixes: string[] = [];

function testPrefix(): string {
  const p = randomPrefix();
  prefixes.push(p);
  return p;
}

function mail(n: number | string): SendEmailPayload {
  return { to: `empfaenger-${n}@example.org`, subject: `Test ${n}`, text: `Nachricht ${n}` };
}

function id(...parts: (string | number)[]): string {
  return buildJobId("system.send-email", run, ...parts);
}

function rows(jobId: string) {
  return db.outboxMessage.findMany({ where: { jobId } });
}

/** Queues whose add() calls are recorded (the real BullMQ Queue does the work). */
function recordingQueues(real: Queues): { lookup: (name: QueueName) => Queue; added: string[] } {
  const added: string[] = [];
  const wrapped = new Map<QueueName, Queue>();
  return {
    added,
    lookup(name) {
      let q = wrapped.get(name);
      if (!q) {
        const queue = real.get(name);
        q = new Proxy(queue, {
          get(target, prop, receiver) {
            if (prop === "add") {
              return (jobName: JobName, data: unknown, opts: { jobId?: string }) => {
                added.push(String(opts.jobId));
                return target.add(jobName, data, opts);
              };
            }
            return Reflect.get(target, prop, receiver);
          },
        });
        wrapped.set(name, q);
      }
      return q;
    },
  };
}

beforeAll(() => {
  db = createPrisma(process.env.DATABASE_URL as string);
});

afterAll(async () => {
  for (const c of toClose.reverse()) await c.close();
  await db.outboxMessage.deleteMany({ where: { jobId: { contains: `__${run}__` } } });
  await db.$disconnect();
  for (const p of prefixes) await deletePrefix(p);
});

describe("enqueueInTx", () => {
  it("writes the row inside the transaction, with the registry's queue", async () => {
    const jobId = id("write");
    await db.$transaction(async (tx) => {
      expect(await enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail(1) })).toBe(true);
    });
    const [row] = await rows(jobId);
    expect(row).toMatchObject({
      queue: "system",
      jobName: "system.send-email",
      dispatchedAt: null,
      attempts: 0,
    });
    expect(row?.payload).toEqual(mail(1));
  });

  it("treats a second row with the same jobId as a no-op", async () => {
    const jobId = id("dup");
    await db.$transaction((tx) => enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail(1) }));
    const again = await db.$transaction((tx) =>
      enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail(2) }),
    );
    expect(again).toBe(false);
    const found = await rows(jobId);
    expect(found).toHaveLength(1);
    expect(found[0]?.payload).toEqual(mail(1));
  });

  it("leaves no row when the transaction rolls back", async () => {
    const jobId = id("rollback");
    await expect(
      db.$transaction(async (tx) => {
        await enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail(1) });
        // The row is visible inside the transaction ...
        expect(await tx.outboxMessage.count({ where: { jobId } })).toBe(1);
        throw new Error("Fachfehler nach dem Enqueue");
      }),
    ).rejects.toThrow("Fachfehler");
    // ... and gone with it.
    expect(await rows(jobId)).toHaveLength(0);
  });

  it("rejects an invalid payload or job id and so aborts the caller's transaction", async () => {
    const jobId = id("invalid");
    await expect(
      db.$transaction((tx) =>
        enqueueInTx(tx, {
          jobName: "system.send-email",
          jobId,
          payload: { to: "keine-adresse", subject: "x", text: "y" },
        }),
      ),
    ).rejects.toBeInstanceOf(ZodError);
    await expect(
      db.$transaction((tx) =>
        enqueueInTx(tx, { jobName: "system.send-email", jobId: "a:b", payload: mail(1) }),
      ),
    ).rejects.toThrow(/Job-ID/);
    expect(await rows(jobId)).toHaveLength(0);
  });
});

describe("relayOutbox", () => {
  let prefix: string;
  let queues: Queues;

  beforeAll(() => {
    prefix = testPrefix();
    queues = createQueues({ prefix });
    toClose.push(queues);
  });

  it("delivers every row exactly once when two relays run at the same time", async () => {
    const n = 60;
    const ids = Array.from({ length: n }, (_, i) => id("concurrent", i));
    await db.$transaction(async (tx) => {
      for (const [i, jobId] of ids.entries()) {
        await enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail(i) });
      }
    });

    // Two relays with their own connection pools, as two worker processes would have.
    const db2 = createPrisma(process.env.DATABASE_URL as string);
    const a = recordingQueues(queues);
    const b = recordingQueues(queues);
    const pattern = `%__${run}__concurrent__%`;
    try {
      const [ra, rb] = await Promise.all([
        drainOutbox({ db, queues: a.lookup, batchSize: 7, jobIdLike: pattern }),
        drainOutbox({ db: db2, queues: b.lookup, batchSize: 7, jobIdLike: pattern }),
      ]);
      // Each row was handed to BullMQ by exactly one relay.
      const all = [...a.added, ...b.added];
      expect(all).toHaveLength(n);
      expect(new Set(all).size).toBe(n);
      expect(ra.dispatched + rb.dispatched).toBe(n);
      expect(ra.failed + rb.failed).toBe(0);
    } finally {
      await db2.$disconnect();
    }

    const pending = await db.outboxMessage.count({ where: { jobId: { in: ids }, dispatchedAt: null } });
    expect(pending).toBe(0);
    const jobs = await queues.get("system").getJobs(["waiting", "prioritized", "delayed"]);
    expect(jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
  });

  it("adds a job only once when a relay crashed after adding but before marking", async () => {
    const jobId = id("crash");
    await db.$transaction((tx) =>
      enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail("c") }),
    );
    // The crashed relay got this far: job in Redis, row still pending.
    await queues.get("system").add("system.send-email", mail("c"), { jobId });

    const r = await relayOutbox({ db, queues, jobIdLike: jobId });
    expect(r).toEqual({ claimed: 1, dispatched: 1, failed: 0 });
    const [row] = await rows(jobId);
    expect(row?.dispatchedAt).toBeInstanceOf(Date);

    const matching = (await queues.get("system").getJobs(["waiting", "active", "completed"])).filter(
      (j) => j.id === jobId,
    );
    expect(matching).toHaveLength(1);
    // A further pass finds nothing to do.
    expect(await relayOutbox({ db, queues, jobIdLike: jobId })).toEqual({
      claimed: 0,
      dispatched: 0,
      failed: 0,
    });
  });

  it("keeps the row pending while Redis is down, then delivers it once and a worker processes it once", async () => {
    const jobId = id("outage");
    const deadPrefix = testPrefix();
    // Redis unreachable while the change is written and the relay runs.
    await db.$transaction((tx) =>
      enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail("outage") }),
    );
    const deadConnection = createRedis({
      url: `redis://127.0.0.1:${await closedPort()}`,
      options: { connectTimeout: 300 },
    });
    const deadQueues = createQueues({ prefix: deadPrefix, connection: deadConnection });
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const r = await relayOutbox({ db, queues: deadQueues, jobIdLike: jobId, addTimeoutMs: 500 });
        expect(r).toEqual({ claimed: 1, dispatched: 0, failed: 1 });
      }
    } finally {
      await deadQueues.close();
      deadConnection.disconnect();
    }
    const [pending] = await rows(jobId);
    expect(pending?.dispatchedAt).toBeNull();
    expect(pending?.attempts).toBe(2);
    expect(pending?.lastError).toMatch(/Redis/);

    // Redis is back: relay against the real one, and a real worker does the job.
    const smtp = await startSmtpServer();
    toClose.push(smtp);
    const workerPrefix = testPrefix();
    const workers = startWorkers({
      prefix: workerPrefix,
      concurrency: 2,
      db,
      mailer: createMailer(smtp.url),
      relay: false,
    });
    toClose.push(workers);
    await workers.ready;

    const first = await relayOutbox({ db, queues: workers.queues, jobIdLike: jobId });
    expect(first).toEqual({ claimed: 1, dispatched: 1, failed: 0 });
    const second = await relayOutbox({ db, queues: workers.queues, jobIdLike: jobId });
    expect(second.claimed).toBe(0);

    const job = await waitFor(
      async () => {
        const j = await workers.queues.get("system").getJob(jobId);
        return j && (await j.isCompleted()) ? j : undefined;
      },
      { what: "job completed" },
    );
    expect(job.attemptsMade).toBe(1);
    await waitFor(() => smtp.mails.length > 0, { what: "mail received" });
    // Give a wrongly duplicated delivery time to show up before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(["empfaenger-outage@example.org"]);
    const [delivered] = await rows(jobId);
    expect(delivered?.dispatchedAt).toBeInstanceOf(Date);
    expect(delivered?.lastError).toBeNull();
  });
});

describe("startOutboxRelay", () => {
  it("wakes on the commit's NOTIFY instead of waiting for the next poll", async () => {
    const prefix = testPrefix();
    const queues = createQueues({ prefix });
    toClose.push(queues);
    const jobId = id("notify");
    const relay = startOutboxRelay({
      db,
      queues,
      intervalMs: 600_000, // polling alone would not deliver within this test
      jobIdLike: `%__${run}__notify%`,
      listenUrl: process.env.DATABASE_URL as string,
    });
    toClose.push({ close: () => relay.stop() });
    // Let the first (empty) pass and the LISTEN connection settle.
    await new Promise((r) => setTimeout(r, 500));

    await db.$transaction((tx) =>
      enqueueInTx(tx, { jobName: "system.send-email", jobId, payload: mail("n") }),
    );
    const job = await waitFor(() => queues.get("system").getJob(jobId), {
      timeoutMs: 10_000,
      what: "job in queue",
    });
    expect(job.data).toEqual(mail("n"));
    const [row] = await rows(jobId);
    expect(row?.dispatchedAt).toBeInstanceOf(Date);
    await relay.stop();
  });
});
