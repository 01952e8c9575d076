import {
  CASE_EVENTS,
  type CaseEventPayload,
  type CaseEventType,
  isApplicantVisibleEvent,
} from "~/domain/case-events";
import { NOTIFICATIONS, type NotificationDetailsArg, type NotificationType } from "~/domain/notifications";
import type { Prisma } from "~/generated/prisma/client";
import { enqueueInTx } from "~/models/outbox.server";
import { enqueueWebhooksInTx } from "~/models/webhook-delivery.server";
import type { Tx } from "~/utils/db.server";
import { buildJobId, type NotifyPayload } from "~/utils/queue.server";

export { isApplicantVisibleEvent } from "~/domain/case-events";

/**
 * The case history (Akte) is append-only: a database trigger refuses UPDATE and DELETE on
 * CaseEvent. Events are written in the same transaction as the change they describe, so the
 * history never claims something that was rolled back. The event types, their labels, who sees
 * them and their payload schemas are the catalogue in app/domain/case-events.ts.
 */
export interface AppendEventInput<T extends CaseEventType = CaseEventType> {
  applicationId: string;
  /** The user who caused it; null for system events (workers, deadlines). */
  actorId: string | null;
  type: T;
  payload?: CaseEventPayload<T>;
}

export async function appendEvent<T extends CaseEventType>(
  tx: Tx,
  input: AppendEventInput<T>,
): Promise<{ id: bigint; createdAt: Date }> {
  // A payload that does not match the catalogue is a programming error: refuse before writing it.
  const payload = CASE_EVENTS[input.type].schema.parse(input.payload ?? {}) as Prisma.InputJsonValue;
  const event = await tx.caseEvent.create({
    data: { applicationId: input.applicationId, actorId: input.actorId, type: input.type, payload },
    select: { id: true, createdAt: true },
  });
  // Webhooks of the case's authority that asked for this event type: same transaction (issue 16).
  await enqueueWebhooksInTx(tx, { ...event, applicationId: input.applicationId, type: input.type, payload });
  return event;
}

export type NotifyInput<N extends NotificationType> = NotifyOptions<N> & {
  applicationId: string;
  /** The user who caused it (left out of the recipients unless the event says otherwise). */
  actorId?: string | null;
};

/** What a caller says about a notification besides its case and actor (also via a transition). */
export type NotifyOptions<N extends NotificationType> = NotificationDetailsArg<N> & {
  /** Distinguishes repeated notifications of one kind on a case (part of the dedupe key). */
  scope?: string;
  /** Part of the job id when it differs from the scope (kept so job ids stay what they were). */
  jobKey?: string;
};

/**
 * The one way to cause a notification: a `system.notify` outbox row in the caller's transaction,
 * job id `system.notify-<application>-<event>[-<scope>]`, so a repeated command notifies once.
 * The details are typed per notification (app/domain/notifications.ts) and checked here again: a
 * detail that does not fit its schema is a programming error and refused before anything is written.
 */
export async function notifyInTx<N extends NotificationType>(
  tx: Tx,
  event: N,
  input: NotifyInput<N>,
): Promise<boolean> {
  const key = input.jobKey ?? input.scope;
  const details = NOTIFICATIONS[event].parse(input.details ?? {}) as NotifyPayload["details"];
  return enqueueInTx(tx, {
    jobName: "system.notify",
    jobId: buildJobId("system.notify", input.applicationId, event, ...(key === undefined ? [] : [key])),
    payload: {
      applicationId: input.applicationId,
      event,
      ...(input.actorId ? { actorId: input.actorId } : {}),
      ...(input.scope === undefined ? {} : { scope: input.scope }),
      ...(input.details === undefined ? {} : { details }),
    },
  });
}

/** The notification an event type causes according to the catalogue (null: none). */
export function notificationOf<T extends CaseEventType>(type: T): NotificationOf<T> {
  return CASE_EVENTS[type].notifies as NotificationOf<T>;
}

/** The notification (type) an event causes, or null. */
export type NotificationOf<T extends CaseEventType> = (typeof CASE_EVENTS)[T]["notifies"];

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

/** The history as the applicant side may see it (callers scope access before calling this). */
export async function listEventsForApplicantSide(tx: Tx, applicationId: string) {
  const events = await listEvents(tx, applicationId);
  return events.filter((e) => isApplicantVisibleEvent(e.type, e.payload));
}
