import { type Job, UnrecoverableError, Worker } from "bullmq";
import { z } from "zod";
import type { PrismaClient } from "~/generated/prisma/client";
import { type OutboxRelay, type OutboxRelayOptions, startOutboxRelay } from "~/models/outbox.server";
import { db as defaultDb } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { type Mailer, mailerFromEnv } from "~/utils/mail.server";
import {
  createQueues,
  isJobName,
  type JobName,
  jobs,
  type QueueName,
  type Queues,
  safeParsePayload,
} from "~/utils/queue.server";
import { closeClient, createRedis } from "~/utils/redis.server";
import { processors as defaultProcessors } from "./processors/index";
import type { ProcessorContext, ProcessorMap } from "./types";

export interface StartWorkersOptions {
  /** Redis key prefix; defaults to env().QUEUE_PREFIX. */
  prefix?: string;
  /** Jobs run at once per queue; defaults to env().WORKER_CONCURRENCY. */
  concurrency?: number;
  /** Defaults to the process-wide db(); the caller owns it (startWorkers never disconnects it). */
  db?: PrismaClient;
  /** Defaults to a mailer from SMTP_URL (null = mail disabled). Closed by close(). */
  mailer?: Mailer | null;
  /** Redis URL; defaults to env().REDIS_URL. */
  redisUrl?: string;
  /**
   * The outbox relay loop (on by default). `false` = no relay in this process; an object tunes it
   * (intervalMs, batchSize, listenUrl, jobIdLike for tests sharing a database).
   */
  relay?: false | Partial<Omit<OutboxRelayOptions, "db" | "queues">>;
  /** Processor map; defaults to workers/processors. */
  processors?: ProcessorMap;
}

export interface RunningWorkers {
  readonly workers: Worker[];
  readonly queues: Queues;
  /** Resolves when every Worker is connected and taking jobs. */
  readonly ready: Promise<void>;
  /** Stops the relay, waits for active jobs, closes queues and connections. */
  close(): Promise<void>;
}

/**
 * Runs every processor (one BullMQ Worker per queue that has jobs) and the outbox relay in this
 * process. Used by workers/index.ts and, in-process, by tests.
 */
export function startWorkers(options: StartWorkersOptions = {}): RunningWorkers {
  const prefix = options.prefix ?? env().QUEUE_PREFIX;
  const concurrency = options.concurrency ?? env().WORKER_CONCURRENCY;
  const database = options.db ?? defaultDb();
  const mailer = options.mailer === undefined ? mailerFromEnv() : options.mailer;
  const processors = options.processors ?? defaultProcessors;
  const log = logger.child({ prefix });

  const workerConnection = createRedis({
    forWorker: true,
    url: options.redisUrl,
    connectionName: "bauantrag-worker",
  });
  const producerConnection = createRedis({ url: options.redisUrl, connectionName: "bauantrag-relay" });
  const queues = createQueues({ prefix, connection: producerConnection });

  const processJob = async (job: Job) => {
    const jobLog = log.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    if (!isJobName(job.name)) throw new UnrecoverableError(`Unbekannter Job "${job.name}"`);
    const parsed = safeParsePayload(job.name, job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`Ungültige Nutzdaten für ${job.name}: ${z.prettifyError(parsed.error)}`);
    }
    const ctx: ProcessorContext = { db: database, mailer, log: jobLog };
    const processor = processors[job.name] as (p: unknown, j: Job, c: ProcessorContext) => Promise<unknown>;
    return processor(parsed.data, job, ctx);
  };

  const queueNames = [
    ...new Set((Object.keys(processors) as JobName[]).map((n) => jobs[n].queue)),
  ] as QueueName[];
  const workers = queueNames.map((queueName) => {
    const worker = new Worker(queueName, processJob, { connection: workerConnection, prefix, concurrency });
    worker.on("failed", (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      log[final ? "error" : "warn"](
        {
          queue: queueName,
          job: job?.name,
          jobId: job?.id,
          attemptsMade: job?.attemptsMade,
          err: err.message,
        },
        final ? "job failed for good" : "job failed, will retry",
      );
    });
    worker.on("error", (err) => log.error({ queue: queueName, err: err.message }, "worker error"));
    return worker;
  });

  let relay: OutboxRelay | undefined;
  if (options.relay !== false) {
    relay = startOutboxRelay({ ...options.relay, db: database, queues });
  }

  const ready = Promise.all(workers.map((w) => w.waitUntilReady())).then(() => {
    log.info({ queues: queueNames, concurrency, relay: Boolean(relay) }, "workers started");
  });
  ready.catch(() => {});

  let closing: Promise<void> | undefined;
  return {
    workers,
    queues,
    ready,
    close() {
      closing ??= (async () => {
        await relay?.stop();
        // close() waits for the jobs in flight to finish; no new job is taken meanwhile.
        await Promise.allSettled(workers.map((w) => w.close()));
        await queues.close();
        await Promise.allSettled([closeClient(workerConnection), closeClient(producerConnection)]);
        mailer?.close();
      })();
      return closing;
    },
  };
}
