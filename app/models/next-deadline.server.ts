import { ENDED_APPLICATION_STATUSES, OPEN_PARTICIPATION_STATUSES } from "~/domain/lifecycle";
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

// The status sets come from the lifecycle tables (one definition, also for raw SQL).
const ENDED = Prisma.join(ENDED_APPLICATION_STATUSES.map((s) => Prisma.sql`${s}::"ApplicationStatus"`));
const OPEN = Prisma.join(OPEN_PARTICIPATION_STATUSES.map((s) => Prisma.sql`${s}::"ParticipationStatus"`));

/**
 * `Application.nextDeadlineAt` is a denormalised copy of the nearest running deadline of a case,
 * so the inbox can sort and filter (overdue, due this week) on one indexed column. Every state
 * change that starts, moves or ends a deadline calls this in its own transaction, so the copy is
 * derived in one place instead of each path guessing which deadline comes next.
 *
 * Running deadlines: the decision deadline (decisionDueAt, until decided), an OPEN request's
 * deadline (also once passed: an overdue case must stay findable as overdue) and the deadline of
 * every participation still open (OPEN_PARTICIPATION_STATUSES, not closed). A case whose procedure
 * ended (ENDED_APPLICATION_STATUSES: decided, withdrawn) has none. Postgres' LEAST ignores NULLs and is NULL only when all are NULL.
 * When that is NULL for a case waiting for its completeness check (SUBMITTED, IN_REVIEW), the
 * trigger `Application_review_target` sets the completeness-check target instead: the Land's
 * completeness-check deadline where set, otherwise the authority's processing target
 * (Authority.reviewTargetDays, see ~/models/review-target.server).
 */
export async function refreshNextDeadline(tx: Tx, applicationId: string): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ nextDeadlineAt: Date | null }[]>`
    UPDATE "Application" a
    SET "nextDeadlineAt" = CASE
      WHEN a."status" IN (${ENDED}) THEN NULL
      ELSE LEAST(
        a."decisionDueAt",
        (SELECT min(r."deadline") FROM "Request" r
          WHERE r."applicationId" = a."id" AND r."status" = 'OPEN'),
        (SELECT min(p."deadline") FROM "Participation" p
          WHERE p."applicationId" = a."id" AND p."status" IN (${OPEN})
            AND p."closedAt" IS NULL)
      )
    END
    WHERE a."id" = ${applicationId}::uuid
    RETURNING a."nextDeadlineAt"`;
  return rows[0]?.nextDeadlineAt ?? null;
}
