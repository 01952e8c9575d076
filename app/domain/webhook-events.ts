import { CASE_EVENTS, type CaseEventType } from "~/domain/case-events";

/**
 * The case events an authority's Fachverfahren can subscribe to (issue 16 item 3), and per event
 * the payload fields that go out in `data`. Webhooks carry no personal data beyond what the API
 * exposes: names, addresses and free texts (a withdrawal reason, an e-mail address) stay out; the
 * receiver fetches the case through the API URL in `case.url` when it needs more. A field not
 * named here is never sent, whatever the catalogue payload holds.
 */
export const WEBHOOK_EVENTS = {
  "application.submitted": ["fileNumber"],
  "xbau.received": ["message", "messageId", "documents"],
  "xbau.exported": ["message", "generatedDocumentId", "sha256"],
  "document.uploaded": ["filename", "versionNumber"],
  "review.started": [],
  "request.sent": ["requestId", "deadline"],
  "request.answered": ["requestId"],
  "request.expired": ["requestId", "deadline"],
  "application.complete": ["completeAt", "decisionDueAt"],
  "participation.started": ["participationId", "agencyId", "agencyName", "deadline"],
  "participation.answered": ["participationId", "statementId", "agency", "outcome"],
  "participation.closed": ["participations", "withoutStatement"],
  "decision.decided": ["decisionId", "kind", "decidedAt"],
  "decision.delivered": ["decisionId"],
  "application.withdrawn": ["previousStatus"],
  "application.deemed-withdrawn": ["requestId", "deadline"],
} as const satisfies Partial<Record<CaseEventType, readonly string[]>>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

export function isWebhookEventType(type: string): type is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENTS, type);
}

/** German label for the admin page (the catalogue's history label). */
export function webhookEventLabel(type: WebhookEventType): string {
  return CASE_EVENTS[type].label;
}

/** The `data` of a webhook: only the fields named for the event type, scalars only. */
export function webhookData(
  type: WebhookEventType,
  payload: unknown,
): Record<string, string | number | boolean | null> {
  const source = payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  const data: Record<string, string | number | boolean | null> = {};
  for (const key of WEBHOOK_EVENTS[type] as readonly string[]) {
    const value = source[key];
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      data[key] = value as string | number | boolean | null;
    }
  }
  return data;
}

/** The JSON body of a webhook (field order fixed; the stored text is what is signed and sent). */
export interface WebhookBody {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  authorityId: string;
  case: { id: string; fileNumber: string | null; url: string };
  data: Record<string, string | number | boolean | null>;
}

export function webhookBody(input: {
  deliveryId: string;
  type: WebhookEventType;
  occurredAt: Date;
  authorityId: string;
  applicationId: string;
  fileNumber: string | null;
  appUrl: string;
  payload: unknown;
}): string {
  const body: WebhookBody = {
    id: input.deliveryId,
    type: input.type,
    occurredAt: input.occurredAt.toISOString(),
    authorityId: input.authorityId,
    case: {
      id: input.applicationId,
      fileNumber: input.fileNumber,
      url: new URL(`/api/v1/cases/${input.applicationId}`, input.appUrl).toString(),
    },
    data: webhookData(input.type, input.payload),
  };
  return JSON.stringify(body);
}
