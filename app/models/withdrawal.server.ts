import { checkApplicationTransition } from "~/domain/lifecycle";
import { applicantScope, isUuid } from "~/models/application.server";
import { SUBMITTING_ROLES } from "~/models/draft.server";
import { transitionApplication } from "~/models/lifecycle.server";
import { reviewerAuthority } from "~/models/review.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * Withdrawal (Rücknahme) of a submitted application by the applicant side: status WITHDRAWN,
 * withdrawnAt, open requests closed, no running deadline; recorded in the history and the clerks
 * (and the other members) notified — one transaction.
 */

/** Statuses from which a case can still be withdrawn (before the decision): the lifecycle table. */
export { WITHDRAWABLE_STATUSES } from "~/domain/lifecycle";

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

class Refused extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

export async function withdrawApplication(
  user: SessionUser,
  applicationId: string,
  { reason }: { reason?: string | null } = {},
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!isUuid(applicationId) || !can(user, "withdraw:application:own"))
    return { ok: false, message: NOT_FOUND };
  const why = String(reason ?? "").trim();
  if (why.length > 2000)
    return { ok: false, message: "Die Begründung ist zu lang (höchstens 2000 Zeichen)." };
  try {
    return await db().$transaction(async (tx) => {
      const visible = await tx.application.findFirst({
        where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
        select: {
          id: true,
          members: { where: { userId: user.id, invitationState: "ACCEPTED" }, select: { role: true } },
        },
      });
      if (!visible) throw new Refused(NOT_FOUND);
      const role = visible.members[0]?.role;
      if (!role || !SUBMITTING_ROLES.includes(role)) {
        throw new Refused(
          "Nur Bauherr:in, Entwurfsverfasser:in oder Bevollmächtigte können den Antrag zurücknehmen.",
        );
      }
      await tx.$queryRaw`SELECT "id" FROM "Application" WHERE "id" = ${applicationId}::uuid FOR UPDATE`;
      const app = await tx.application.findUniqueOrThrow({
        where: { id: applicationId },
        select: { status: true, fileNumber: true },
      });
      if (app.status === "DRAFT") {
        throw new Refused("Ein Entwurf ist noch nicht eingereicht und muss nicht zurückgenommen werden.");
      }
      if (!checkApplicationTransition("withdraw", app.status, "applicant").ok) {
        throw new Refused(
          app.status === "WITHDRAWN" || app.status === "DEEMED_WITHDRAWN"
            ? "Der Antrag ist bereits zurückgenommen."
            : "Über den Antrag ist bereits entschieden; er kann nicht mehr zurückgenommen werden.",
        );
      }
      const now = new Date();
      const closed = await tx.request.updateMany({
        where: { applicationId, status: "OPEN" },
        data: { status: "CLOSED", closedAt: now },
      });
      await transitionApplication(tx, {
        applicationId,
        command: "withdraw",
        from: app.status,
        actor: { kind: "applicant", id: user.id },
        set: { withdrawnAt: now },
        payload: { reason: why || null, role, previousStatus: app.status, closedRequests: closed.count },
        notify: { details: { reason: why || null } },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * Clerk side: after the deadline job marked an unanswered request as expired ("Frist abgelaufen –
 * gilt als zurückgenommen?"), the clerk declares the application deemed withdrawn: the request
 * becomes EXPIRED, the case DEEMED_WITHDRAWN; recorded and the applicant side notified. Refused
 * while the deadline has not passed, and for cases of another authority.
 */
export async function declareDeemedWithdrawn(
  clerk: SessionUser,
  applicationId: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const authorityId = reviewerAuthority(clerk);
  const notFound = "Diesen Fall gibt es nicht oder er gehört nicht zu Ihrer Behörde.";
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: notFound };
  try {
    return await db().$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Application"
        WHERE "id" = ${applicationId}::uuid AND "authorityId" = ${authorityId}::uuid AND "status" <> 'DRAFT'
        FOR UPDATE`;
      if (locked.length === 0) throw new Refused(notFound);
      const request = await tx.request.findFirst({
        where: { applicationId, status: "OPEN", expiredAt: { not: null } },
        select: { id: true, deadline: true },
      });
      const app = await tx.application.findUniqueOrThrow({
        where: { id: applicationId },
        select: { status: true },
      });
      if (app.status !== "INCOMPLETE" || !request) {
        throw new Refused(
          "Der Antrag kann erst als zurückgenommen gelten, wenn die Frist einer Nachforderung abgelaufen ist.",
        );
      }
      const now = new Date();
      await tx.request.update({ where: { id: request.id }, data: { status: "EXPIRED", closedAt: now } });
      await transitionApplication(tx, {
        applicationId,
        command: "declareDeemedWithdrawn",
        from: app.status,
        actor: { kind: "authority", id: clerk.id },
        set: { withdrawnAt: now },
        payload: { requestId: request.id, deadline: request.deadline.toISOString() },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}
