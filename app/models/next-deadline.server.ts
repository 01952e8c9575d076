import type { Tx } from "~/utils/db.server";

/**
 * `Application.nextDeadlineAt` is a denormalised copy of the nearest running deadline of a case,
 * so the inbox can sort and filter (overdue, due this week) on one indexed column. Every state
 * change that starts, moves or ends a deadline calls this in its own transaction, so the copy is
 * derived in one place instead of each path guessing which deadline comes next.
 *
 * Running deadlines: the decision deadline (decisionDueAt, until decided), an OPEN request's
 * deadline (also once passed: an overdue case must stay findable as overdue) and the deadline of
 * every participation still awaiting a statement (PENDING/SENT/OPENED, not closed). A decided or
 * withdrawn case has none. Postgres' LEAST ignores NULLs and is NULL only when all are NULL.
 */
export async function refreshNextDeadline(tx: Tx, applicationId: string): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ nextDeadlineAt: Date | null }[]>`
    UPDATE "Application" a
    SET "nextDeadlineAt" = CASE
      WHEN a."status" IN ('DECIDED', 'WITHDRAWN', 'DEEMED_WITHDRAWN') THEN NULL
      ELSE LEAST(
        a."decisionDueAt",
        (SELECT min(r."deadline") FROM "Request" r
          WHERE r."applicationId" = a."id" AND r."status" = 'OPEN'),
        (SELECT min(p."deadline") FROM "Participation" p
          WHERE p."applicationId" = a."id" AND p."status" IN ('PENDING', 'SENT', 'OPENED')
            AND p."closedAt" IS NULL)
      )
    END
    WHERE a."id" = ${applicationId}::uuid
    RETURNING a."nextDeadlineAt"`;
  return rows[0]?.nextDeadlineAt ?? null;
}
