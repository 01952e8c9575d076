import { z } from "zod";

/**
 * The catalogue of notifications (job `system.notify`): per type the zod schema of its `details`,
 * the values the texts in workers/processors/notify.ts read and the identifiers that say what the
 * notification is about. `notifyInTx` (app/models/case-event.server.ts) accepts only these types
 * with exactly these details — a made-up type, a missing or a mistyped detail is a compile error —
 * and validates them again before writing the job; the worker parses them with the same schema and
 * drops (and logs) a job whose details do not fit instead of failing on a half-filled text.
 *
 * Details travel inside the job envelope as flat JSON scalars (app/utils/queue.server.ts), so
 * every field here is a string, number, boolean or null. Unknown fields are stripped.
 *
 * A type with a message to audience "agency" needs `agencyId` (whose users are told); notify.ts
 * checks that at compile time.
 */

const id = z.string().min(1);
/** An instant as written by `Date.toISOString()`. */
const instant = z.iso.datetime();
/** A calendar day (YYYY-MM-DD), e.g. the end of the retrieval period. */
const day = z.iso.date();
const noDetails = z.object({});

/** Which participation an agency-side notification is about (links go to the portal's request). */
const participation = { agencyId: id, participationId: id };
/** What silence made of the participation: the noun the texts use. */
const consentNoun = z.enum(["Einvernehmen", "Zustimmung"]);

export const NOTIFICATIONS = {
  "application.submitted": noDetails,
  "request.sent": z.object({ requestId: id, deadline: instant }),
  // An XBau 0202 answering without a Nachforderung of ours has no request id.
  "request.answered": z.object({ requestId: id.optional() }),
  "request.expired": z.object({ requestId: id, deadline: instant }),
  "application.withdrawn": z.object({ reason: z.string().nullable() }),
  "application.deemed-withdrawn": noDetails,
  "application.complete": z.object({ decisionDueAt: instant.nullable() }),
  "comment.created": z.object({
    side: z.enum(["authority", "applicant"]),
    visibility: z.enum(["SHARED", "INTERNAL"]),
    commentId: id,
  }),
  "decision.approval-requested": z.object({ decisionId: id, drafterName: z.string() }),
  "decision.approved": z.object({ decisionId: id, approverName: z.string() }),
  "decision.delivered": z.object({ decisionId: id, kindLabel: z.string() }),
  // One per Gemeinde/agency that took part in the case.
  "decision.announced": z.object({ decisionId: id, kindLabel: z.string(), agencyId: id }),
  "decision.replacement-notice": z.object({
    legalBasis: z.string(),
    agencyName: z.string(),
    replacementBasis: z.string(),
  }),
  "decision.not-retrieved": z.object({ decisionId: id, periodEnd: day, legalBasis: z.string() }),
  "participation.requested": z.object({ ...participation, agencyName: z.string(), deadline: instant }),
  "participation.answered": z.object({ ...participation, agencyName: z.string(), outcome: z.string() }),
  "participation.extension-requested": z.object({
    ...participation,
    agencyName: z.string(),
    deadline: instant,
    until: instant,
  }),
  "participation.extension-decided": z.object({
    ...participation,
    granted: z.boolean(),
    /** The deadline after the decision (the extended one when granted). */
    deadline: instant,
    note: z.string().nullable(),
  }),
  "participation.reminder": z.object({
    ...participation,
    deadline: instant,
    silenceIsConsent: z.boolean(),
    consentNoun,
  }),
  "participation.deemed-consent": z.object({
    ...participation,
    agencyName: z.string(),
    deadline: instant,
    legalBasis: z.string(),
    consentNoun,
  }),
  "participation.overdue": z.object({
    ...participation,
    agencyName: z.string(),
    deadline: instant,
    legalBasis: z.string(),
  }),
  "xbau.skipped": z.object({ message: z.string(), reason: z.string() }),
  // An issued PDF whose stamp or verification mark found no free area on some sheets.
  "generated.tight-sheets": z.object({ generatedDocumentId: id, title: z.string(), hints: z.string() }),
} as const satisfies Record<string, z.ZodObject>;

export type NotificationType = keyof typeof NOTIFICATIONS;
/** The details a producer passes (input of the schema). */
export type NotificationDetailsInput<N extends NotificationType> = z.input<(typeof NOTIFICATIONS)[N]>;
/** The details the worker's texts read (parsed). */
export type NotificationDetails<N extends NotificationType> = z.output<(typeof NOTIFICATIONS)[N]>;

/** All notification types, for the job envelope's enum. */
export const NOTIFICATION_TYPES = Object.keys(NOTIFICATIONS) as [NotificationType, ...NotificationType[]];

export function isNotificationType(type: string): type is NotificationType {
  return Object.hasOwn(NOTIFICATIONS, type);
}

/** `details` is optional exactly when the type needs none (every field optional). */
export type NotificationDetailsArg<N extends NotificationType> =
  Record<string, never> extends NotificationDetailsInput<N>
    ? { details?: NotificationDetailsInput<N> }
    : { details: NotificationDetailsInput<N> };

/** Parses a job's details with the type's schema (the worker boundary). */
export function parseNotificationDetails<N extends NotificationType>(type: N, details: unknown) {
  return (NOTIFICATIONS[type] as unknown as z.ZodType<NotificationDetails<N>>).safeParse(details ?? {});
}
