import type { PrismaClient } from "~/generated/prisma/client";
import { Prisma } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";
import { enqueueInTx } from "~/models/outbox.server";
import { buildJobId, type Queues, queueOf } from "~/utils/queue.server";
import type { Processor } from "../types";

/**
 * `deadlines.check-requests` (repeatable): finds OPEN requests whose deadline has passed and not
 * been handled yet, sets `expiredAt` once, records the event "request.expired" on the case (the
 * clerk's view shows "Frist abgelaufen – gilt als zurückgenommen?") and enqueues the notification
 * for both sides. The request stays OPEN: a late answer is still possible until the clerk decides.
 *
 * Idempotent: each request is claimed with `FOR UPDATE SKIP LOCKED` and updated only while
 * `expiredAt IS NULL`, event and outbox row in the same transaction; the notify job id and the
 * notification dedupe key carry the request id — two runs (even at once) never notify twice.
 */

export const CHECK_REQUESTS_JOB = "deadlines.check-requests" as const;
/** How often the worker process runs the check. */
export const CHECK_REQUESTS_EVERY_MS = 15 * 60_000;

export interface CheckRequestsOptions {
  now?: Date;
  /** Only cases of this authority (tests sharing a database). */
  authorityId?: string;
  batchSize?: number;
}

export interface CheckRequestsResult {
  expired: number;
  requestIds: string[];
}

export async function checkExpiredRequests(
  db: PrismaClient,
  { now = new Date(), authorityId, batchSize = 200 }: CheckRequestsOptions = {},
): Promise<CheckRequestsResult> {
  const requestIds: string[] = [];
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const tenant =
        authorityId === undefined ? Prisma.empty : Prisma.sql`AND a."authorityId" = ${authorityId}::uuid`;
      const rows = await tx.$queryRaw<{ id: string; applicationId: string; deadline: Date }[]>`
        SELECT r."id", r."applicationId", r."deadline"
        FROM "Request" r JOIN "Application" a ON a."id" = r."applicationId"
        WHERE r."status" = 'OPEN' AND r."expiredAt" IS NULL AND r."deadline" < ${now} ${tenant}
        ORDER BY r."deadline", r."id"
        LIMIT ${batchSize}
        FOR UPDATE OF r SKIP LOCKED`;
      const done: string[] = [];
      for (const row of rows) {
        const { count } = await tx.request.updateMany({
          where: { id: row.id, status: "OPEN", expiredAt: null },
          data: { expiredAt: now },
        });
        if (count !== 1) continue;
        await appendEvent(tx, {
          applicationId: row.applicationId,
          actorId: null,
          type: "request.expired",
          payload: {
            requestId: row.id,
            deadline: row.deadline.toISOString(),
            label: "Frist abgelaufen – gilt als zurückgenommen?",
          },
        });
        await enqueueInTx(tx, {
          jobName: "system.notify",
          jobId: buildJobId("system.notify", row.applicationId, "request.expired", row.id),
          payload: {
            applicationId: row.applicationId,
            event: "request.expired",
            scope: row.id,
            details: { requestId: row.id, deadline: row.deadline.toISOString() },
          },
        });
        done.push(row.id);
      }
      return { claimed: rows.length, done };
    });
    requestIds.push(...batch.done);
    if (batch.claimed < batchSize) break;
  }
  return { expired: requestIds.length, requestIds };
}

export const checkDeadlinesProcessor: Processor<"deadlines.check-requests"> = async (
  payload,
  _job,
  { db, log },
) => {
  const now = payload.now ? new Date(payload.now) : new Date();
  const result = await checkExpiredRequests(db, { now });
  if (result.expired > 0) log.info({ expired: result.expired }, "request deadlines passed");
  return result;
};

/**
 * Registers the repeatable check with BullMQ (a job scheduler: one entry however many worker
 * processes start, re-registering just updates it).
 */
export async function scheduleDeadlineChecks(
  queues: Queues,
  everyMs = CHECK_REQUESTS_EVERY_MS,
): Promise<void> {
  const queue = queues.get(queueOf(CHECK_REQUESTS_JOB));
  await queue.upsertJobScheduler(
    CHECK_REQUESTS_JOB,
    { every: everyMs },
    {
      name: CHECK_REQUESTS_JOB,
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}
