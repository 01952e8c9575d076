import type { RepeatOptions } from "bullmq";
import { type Queues, queueOf } from "~/utils/queue.server";
import { deleteExpiredSessions } from "~/utils/session.server";
import type { Processor } from "../types";

/**
 * `system.delete-expired-sessions` (repeatable, daily): removes the rows of sessions whose expiry
 * has passed. Expired sessions are refused at login check anyway (session.server.ts); this only
 * keeps the table (and its personal data: IP, user agent) from growing without bound.
 * Idempotent by nature: a second run finds nothing to delete.
 */

export const DELETE_EXPIRED_SESSIONS_JOB = "system.delete-expired-sessions" as const;

/** Every night at 03:30 Berlin time, when nobody works on cases. */
export const DELETE_EXPIRED_SESSIONS_REPEAT: Omit<RepeatOptions, "key"> = {
  pattern: "30 3 * * *",
  tz: "Europe/Berlin",
};

export const deleteExpiredSessionsProcessor: Processor<"system.delete-expired-sessions"> = async (
  payload,
  _job,
  { db, log },
) => {
  const deleted = await deleteExpiredSessions(payload.now ? new Date(payload.now) : new Date(), db);
  log.info({ deleted }, "expired sessions deleted");
  return { deleted };
};

/** Registers (or updates) the daily run; called by the worker process at start. */
export async function scheduleSessionCleanup(
  queues: Queues,
  repeat: Omit<RepeatOptions, "key"> = DELETE_EXPIRED_SESSIONS_REPEAT,
): Promise<void> {
  const queue = queues.get(queueOf(DELETE_EXPIRED_SESSIONS_JOB));
  await queue.upsertJobScheduler(DELETE_EXPIRED_SESSIONS_JOB, repeat, {
    name: DELETE_EXPIRED_SESSIONS_JOB,
    data: {},
    opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
  });
}
