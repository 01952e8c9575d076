import type { Redis } from "ioredis";
import { type Queues, queueOf } from "~/utils/queue.server";
import { redis } from "~/utils/redis.server";
import type { Processor } from "../types";

/**
 * `system.heartbeat` (repeatable, every HEARTBEAT_EVERY_MS): proves the worker is *consuming*,
 * not only alive. The job goes through Redis and BullMQ like every other job; when it runs, the
 * processor stamps the time under `<prefix>:health:worker-heartbeat`. The container healthcheck
 * (scripts/worker-healthcheck.ts) fails when the stamp is older than HEARTBEAT_MAX_AGE_MS: a
 * hung event loop, a lost Redis connection or a stuck worker all stop the stamps.
 */

export const HEARTBEAT_JOB = "system.heartbeat" as const;
export const HEARTBEAT_EVERY_MS = 15_000;
/** Four missed beats. */
export const HEARTBEAT_MAX_AGE_MS = 60_000;

export function heartbeatKey(prefix: string): string {
  return `${prefix}:health:worker-heartbeat`;
}

/** The queue prefix of a job ("bauantrag" of "bauantrag:system"). */
function prefixOf(queueQualifiedName: string): string {
  return queueQualifiedName.slice(0, queueQualifiedName.lastIndexOf(":"));
}

export const heartbeatProcessor: Processor<"system.heartbeat"> = async (_payload, job) => {
  const now = Date.now();
  // Expires by itself, so a stamp of a worker that is gone never looks fresh.
  await redis().set(
    heartbeatKey(prefixOf(job.queueQualifiedName)),
    String(now),
    "PX",
    HEARTBEAT_MAX_AGE_MS * 10,
  );
  return { at: now };
};

/** Age of the last beat in ms, or null when there is none. */
export async function heartbeatAge(client: Redis, prefix: string, now = Date.now()): Promise<number | null> {
  const raw = await client.get(heartbeatKey(prefix));
  const at = raw ? Number(raw) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, now - at) : null;
}

/** Registers (or updates) the repeatable beat; called by the worker process at start. */
export async function scheduleHeartbeat(queues: Queues, everyMs = HEARTBEAT_EVERY_MS): Promise<void> {
  const queue = queues.get(queueOf(HEARTBEAT_JOB));
  await queue.upsertJobScheduler(
    HEARTBEAT_JOB,
    { every: everyMs },
    { name: HEARTBEAT_JOB, data: {}, opts: { removeOnComplete: { count: 5 }, removeOnFail: { count: 5 } } },
  );
}
