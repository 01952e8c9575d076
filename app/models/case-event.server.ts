import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

/**
 * The case history (Akte) is append-only: a database trigger refuses UPDATE and DELETE on
 * CaseEvent. Events are written in the same transaction as the change they describe, so the
 * history never claims something that was rolled back.
 *
 * Event types used so far: "application.created", "application.section-saved",
 * "application.submitted", "member.invited", "member.accepted", "document.marked-later".
 */
export interface AppendEventInput {
  applicationId: string;
  /** The user who caused it; null for system events (workers, deadlines). */
  actorId: string | null;
  type: string;
  payload?: Prisma.InputJsonValue;
}

export async function appendEvent(tx: Tx, input: AppendEventInput): Promise<{ id: bigint; createdAt: Date }> {
  return tx.caseEvent.create({
    data: {
      applicationId: input.applicationId,
      actorId: input.actorId,
      type: input.type,
      payload: input.payload ?? {},
    },
    select: { id: true, createdAt: true },
  });
}

/** Events of one application in order (callers scope access before calling this). */
export async function listEvents(tx: Tx, applicationId: string) {
  return tx.caseEvent.findMany({
    where: { applicationId },
    select: {
      id: true,
      type: true,
      payload: true,
      createdAt: true,
      actor: { select: { id: true, displayName: true } },
    },
    orderBy: { id: "asc" },
  });
}

/**
 * Event types the applicant side sees in its history. An allowlist, so that a new (possibly
 * authority-internal) event type stays hidden from applicants until someone decides otherwise:
 * assignment, agencies opening or answering, statements, extension requests, reminders and decision
 * drafts are the authority's business (need-to-know, DOMAIN.md).
 */
export const APPLICANT_VISIBLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "application.created",
  "application.section-saved",
  "member.invited",
  "member.accepted",
  "document.uploaded",
  "document.marked-later",
  "document.unmarked-later",
  "receipt.rendered",
  "application.submitted",
  "application.file-number-assigned",
  "application.receipt-sent",
  "review.started",
  "request.sent",
  "request.answered",
  "request.item-answered",
  "request.expired",
  "request.closed",
  "application.complete",
  "participation.started",
  "participation.closed",
  "decision.decided",
  "decision.bescheid-rendered",
  "decision.plan-stamped",
  "decision.delivered",
  "application.withdrawn",
  "application.deemed-withdrawn",
]);

/** XBau messages the applicant side sees in its history (the others go between authorities). */
const APPLICANT_VISIBLE_XBAU_MESSAGES: ReadonlySet<string> = new Set([
  "baugenehmigung.antrag.0200",
  "baugenehmigung.formellePruefung.0201",
  "baugenehmigung.antragGeaendert.0202",
  "baugenehmigung.bescheid.0205",
]);

export function isApplicantVisibleEvent(type: string, payload: unknown): boolean {
  if (type === "xbau.exported") {
    const message = (payload as { message?: unknown } | null)?.message;
    return typeof message === "string" && APPLICANT_VISIBLE_XBAU_MESSAGES.has(message);
  }
  return APPLICANT_VISIBLE_EVENT_TYPES.has(type);
}

/** The history as the applicant side may see it (callers scope access before calling this). */
export async function listEventsForApplicantSide(tx: Tx, applicationId: string) {
  const events = await listEvents(tx, applicationId);
  return events.filter((e) => isApplicantVisibleEvent(e.type, e.payload));
}
