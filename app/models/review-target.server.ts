import { MAX_REVIEW_TARGET_DAYS, MIN_REVIEW_TARGET_DAYS } from "~/domain/admin-limits";
import { OPEN_PARTICIPATION_STATUSES } from "~/domain/lifecycle";
import { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden } from "~/utils/permissions.server";

/**
 * The authority's processing target for the completeness check (issue 14 item 5), in calendar days
 * from the submission or the latest Nachreichung: `Authority.reviewTargetDays`, set by the
 * authority's admin on /verwaltung. Not a legal deadline: it gives a case waiting for its check a
 * "Nächste Frist" in the inbox ("Ziel Vollständigkeitsprüfung") where the Land profile sets no
 * completeness-check deadline (`deadlines.completenessCheckDays`), which takes precedence.
 * The database trigger `Application_review_target` (function `bauantrag_review_target`, migration
 * 20261206054610_target_review_target_setting) applies it to every write of a case.
 */
export const DEFAULT_REVIEW_TARGET_DAYS = 14;
export { MAX_REVIEW_TARGET_DAYS, MIN_REVIEW_TARGET_DAYS };

const OPEN = Prisma.join(OPEN_PARTICIPATION_STATUSES.map((s) => Prisma.sql`${s}::"ParticipationStatus"`));

function adminAuthority(admin: SessionUser): string {
  if (!can(admin, "manage:authority:own") || !admin.authorityId) forbidden();
  return admin.authorityId;
}

export async function getReviewTarget(admin: SessionUser): Promise<{ days: number }> {
  const a = await db().authority.findUniqueOrThrow({
    where: { id: adminAuthority(admin) },
    select: { reviewTargetDays: true },
  });
  return { days: a.reviewTargetDays };
}

export type SaveReviewTargetResult =
  | { ok: true; days: number; movedCases: number }
  | { ok: false; message: string };

/** Whole days MIN..MAX as typed in the form; anything else is refused in German. */
export function parseReviewTargetDays(input: string): number | null {
  const raw = input.trim();
  if (!/^\d{1,3}$/.test(raw)) return null;
  const days = Number(raw);
  return days >= MIN_REVIEW_TARGET_DAYS && days <= MAX_REVIEW_TARGET_DAYS ? days : null;
}

/**
 * Saves the admin's own authority's target and, in the same transaction, recomputes the
 * "Nächste Frist" of that authority's cases waiting for their completeness check (SUBMITTED,
 * IN_REVIEW) that have no running legal deadline (no decision deadline, no open request, no open
 * participation): their `nextDeadlineAt` is cleared and the trigger fills in the new target.
 * Cases with a running deadline keep it.
 */
export async function saveReviewTarget(
  admin: SessionUser,
  input: { days: string },
): Promise<SaveReviewTargetResult> {
  const authorityId = adminAuthority(admin);
  const days = parseReviewTargetDays(input.days);
  if (days === null) {
    return {
      ok: false,
      message: `Bitte geben Sie eine ganze Zahl von ${MIN_REVIEW_TARGET_DAYS} bis ${MAX_REVIEW_TARGET_DAYS} Kalendertagen an.`,
    };
  }
  const movedCases = await db().$transaction(async (tx) => {
    await tx.authority.update({ where: { id: authorityId }, data: { reviewTargetDays: days } });
    return tx.$executeRaw`
      UPDATE "Application" a SET "nextDeadlineAt" = NULL
      WHERE a."authorityId" = ${authorityId}::uuid
        AND a."status" IN ('SUBMITTED'::"ApplicationStatus", 'IN_REVIEW'::"ApplicationStatus")
        AND a."submittedAt" IS NOT NULL
        AND a."decisionDueAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "Request" r
                         WHERE r."applicationId" = a."id" AND r."status" = 'OPEN')
        AND NOT EXISTS (SELECT 1 FROM "Participation" p
                         WHERE p."applicationId" = a."id" AND p."status" IN (${OPEN})
                           AND p."closedAt" IS NULL)`;
  });
  return { ok: true, days, movedCases };
}
