import type { Queue } from "bullmq";
import pg from "pg";
import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger as rootLogger } from "~/utils/logger.server";
import {
  isJobName,
  type JobName,
  type JobPayload,
  jobOptions,
  parsePayload,
  type QueueName,
  type Queues,
  queueOf,
} from "~/utils/queue.server";

/**
 * Transactional outbox (ADR 0002). A command writes its change and the jobs it causes in one
 * PostgreSQL transaction (`enqueueInTx`); the relay moves pending rows to BullMQ. A Redis outage
 * delays work, never loses it; a rolled-back transaction never sends anything.
 */

/** PostgreSQL channel the relay LISTENs on; enqueueInTx NOTIFYs it (delivered on commit). */
export const OUTBOX_CHANNEL = "bauantrag_outbox";

export interface EnqueueInput<N extends JobName> {
  jobName: N;
  /** Deterministic id (`buildJobId`): the same logical job always gets the same id. */
  jobId: string;
  payload: JobPayload<N>;
}

/**
 * Writes an outbox row inside the caller's transaction. The payload is validated against the job's
 * schema (a ZodError aborts the caller's transaction, which is what we want: a command must not
 * commit a change whose follow-up work is malformed). A row with the same jobId already there is a
 * no-op. Returns true when a new row was written.
 */
export async function enqueueInTx<N extends JobName>(tx: Tx, input: EnqueueInput<N>): Promise<boolean> {
  const { jobName, jobId } = input;
  if (!isJobName(jobName)) throw new Error(`Unbekannter Job "${String(jobName)}"`);
  if (!jobId || jobId.includes(":") || /^\d+$/.test(jobId)) {
    throw new Error(`Ungültige Job-ID "${jobId}" (kein ':' und keine reine Zahl, siehe buildJobId)`);
  }
  const payload = parsePayload(jobName, input.payload);
  const { count } = await tx.outboxMessage.createMany({
    data: [{ queue: queueOf(jobName), jobName, jobId, payload: payload as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  if (count > 0) {
    // Wakes running relays right after commit; dropped if the transaction rolls back.
    await tx.$executeRawUnsafe(`NOTIFY ${OUTBOX_CHANNEL}`);
  }
  return count > 0;
}

export type QueueLookup = Queues | ((name: QueueName) => Queue);

export interface RelayOptions {
  db: PrismaClient;
  queues: QueueLookup;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** A Redis add slower than this counts as failed (the row stays pending). */
  addTimeoutMs?: number;
  /**
   * Only rows whose jobId matches this SQL LIKE pattern. For tests and benchmarks sharing one
   * database; production relays take every pending row.
   */
  jobIdLike?: string;
}

export interface RelayResult {
  claimed: number;
  dispatched: number;
  failed: number;
}

interface ClaimedRow {
  id: bigint;
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
}

function lookup(queues: QueueLookup, name: QueueName): Queue {
  return typeof queues === "function" ? queues(name) : queues.get(name);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis antwortet nicht (Timeout ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One relay pass: claims up to `batchSize` pending rows with `FOR UPDATE SKIP LOCKED` (so relays
 * running at the same time never take the same row), adds each to BullMQ under the row's job id,
 * and marks the successful ones dispatched — all while holding the row locks.
 *
 * Exactly once: if the process dies after the add but before the commit, the row stays pending and
 * the next pass adds it again under the same job id, which BullMQ ignores. A failed add (Redis
 * down) records attempts and lastError and leaves the row pending for the next pass.
 */
export async function relayOutbox({
  db,
  queues,
  batchSize = 100,
  addTimeoutMs = 5_000,
  jobIdLike,
}: RelayOptions): Promise<RelayResult> {
  return db.$transaction(
    async (tx) => {
      const filter = jobIdLike === undefined ? Prisma.empty : Prisma.sql`AND "jobId" LIKE ${jobIdLike}`;
      // Rows that keep failing (attempts) go behind fresh ones, so a poisoned row never blocks the outbox.
      const rows = await tx.$queryRaw<ClaimedRow[]>`
        SELECT "id", "queue", "jobName", "jobId", "payload"
        FROM "OutboxMessage"
        WHERE "dispatchedAt" IS NULL ${filter}
        ORDER BY "attempts", "createdAt", "id"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return { claimed: 0, dispatched: 0, failed: 0 };

      // Adds run concurrently; ioredis pipelines them over one connection.
      const results = await Promise.allSettled(
        rows.map(async (row) => {
          if (!isJobName(row.jobName)) throw new Error(`Unbekannter Job "${row.jobName}"`);
          const queue = lookup(queues, queueOf(row.jobName));
          await withTimeout(
            queue.add(row.jobName, row.payload, { ...jobOptions(row.jobName), jobId: row.jobId }),
            addTimeoutMs,
          );
        }),
      );

      const done: bigint[] = [];
      const failedByMessage = new Map<string, bigint[]>();
      results.forEach((result, i) => {
        const row = rows[i] as ClaimedRow;
        if (result.status === "fulfilled") {
          done.push(row.id);
        } else {
          const reason = result.reason as { message?: string } | undefined;
          const message = String(reason?.message ?? reason).slice(0, 1_000);
          failedByMessage.set(message, [...(failedByMessage.get(message) ?? []), row.id]);
        }
      });

      if (done.length > 0) {
        await tx.outboxMessage.updateMany({
          where: { id: { in: done } },
          data: { dispatchedAt: new Date(), attempts: { increment: 1 }, lastError: null },
        });
      }
      for (const [message, ids] of failedByMessage) {
        await tx.outboxMessage.updateMany({
          where: { id: { in: ids } },
          data: { attempts: { increment: 1 }, lastError: message },
        });
      }
      const failed = rows.length - done.length;
      if (failed > 0) {
        rootLogger.warn(
          { failed, claimed: rows.length, error: [...failedByMessage.keys()][0] },
          "outbox relay: jobs not handed to Redis, rows stay pending",
        );
      }
      return { claimed: rows.length, dispatched: done.length, failed };
    },
    { maxWait: 10_000, timeout: addTimeoutMs + 30_000 },
  );
}

/** Relays batches until the outbox is empty (or a batch fails entirely, e.g. Redis down). */
export async function drainOutbox(options: RelayOptions): Promise<RelayResult> {
  const total: RelayResult = { claimed: 0, dispatched: 0, failed: 0 };
  const batchSize = options.batchSize ?? 100;
  for (;;) {
    const r = await relayOutbox(options);
    total.claimed += r.claimed;
    total.dispatched += r.dispatched;
    total.failed += r.failed;
    if (r.claimed < batchSize || r.dispatched === 0) return total;
  }
}

export interface OutboxRelayOptions extends RelayOptions {
  /** Poll interval; defaults to env().OUTBOX_POLL_MS. */
  intervalMs?: number;
  /**
   * Connection string for LISTEN (wakes the relay on commit instead of waiting for the next poll);
   * defaults to env().DATABASE_URL; `false` disables listening (polling only).
   */
  listenUrl?: string | false;
}

export interface OutboxRelay {
  /** Run a pass now (also what a NOTIFY does). */
  wake(): void;
  /** Stops polling and listening; resolves after the pass in flight has finished. */
  stop(): Promise<void>;
}

/**
 * Long-running relay: drains the outbox every `intervalMs`, and right away when PostgreSQL
 * notifies a commit on OUTBOX_CHANNEL. Errors are logged and retried on the next tick.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = rootLogger.child({ component: "outbox-relay" });
  const intervalMs = options.intervalMs ?? env().OUTBOX_POLL_MS;
  const listenUrl = options.listenUrl === undefined ? env().DATABASE_URL : options.listenUrl;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let again = false;
  let running: Promise<void> | undefined;
  let listener: pg.Client | undefined;
  let listening: Promise<void> | undefined;

  const ensureListener = () => {
    if (!listenUrl || listener || listening || stopped) return;
    const client = new pg.Client({ connectionString: listenUrl, application_name: "bauantrag-outbox-relay" });
    client.on("notification", () => wake());
    client.on("error", (err) => {
      log.warn({ err: err.message }, "outbox relay: LISTEN connection lost, polling until it is back");
      if (listener === client) listener = undefined;
      client.end().catch(() => {});
    });
    listening = client
      .connect()
      .then(() => client.query(`LISTEN ${OUTBOX_CHANNEL}`))
      .then(() => {
        if (stopped) return void client.end().catch(() => {});
        listener = client;
      })
      .catch((err: Error) => {
        log.warn({ err: err.message }, "outbox relay: LISTEN failed, polling only for now");
        client.end().catch(() => {});
      })
      .finally(() => {
        listening = undefined;
      });
  };

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => wake(), intervalMs);
  };

  const pass = async () => {
    do {
      again = false;
      try {
        const r = await drainOutbox(options);
        if (r.dispatched > 0) log.debug(r, "outbox relay: dispatched");
      } catch (err) {
        log.error({ err }, "outbox relay pass failed");
      }
    } while (again && !stopped);
  };

  function wake() {
    if (stopped) return;
    if (running) {
      again = true; // a commit arrived during a pass: run once more right after
      return;
    }
    ensureListener();
    running = pass().finally(() => {
      running = undefined;
      schedule();
    });
  }

  wake();

  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await listening;
      await running;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
    },
  };
}
