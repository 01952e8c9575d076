import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENTS,
  type WebhookEventType,
  webhookEventLabel,
} from "~/domain/webhook-events";

/**
 * OpenAPI 3.1 `webhooks` section: the events the product POSTs to an authority's registered receivers
 * (app/models/webhook-delivery.server.ts). Merged into the served document by app/api/openapi.ts.
 * One entry per event type a subscription can choose (app/domain/webhook-events.ts), each with the
 * envelope and the `data` fields of that type; the headers follow Standard Webhooks 1.0.0.
 */

const string = { type: "string" };
const uuid = { type: "string", format: "uuid" };
const dateTime = { type: "string", format: "date-time" };
const integer = { type: "integer", minimum: 0 };

/** JSON schema of every `data` field named in WEBHOOK_EVENTS (a missing one fails the test below the table). */
const DATA_FIELDS: Record<string, Record<string, unknown>> = {
  fileNumber: { ...string, description: "Aktenzeichen" },
  message: { ...string, description: "XBau-Nachrichtentyp, z. B. baugenehmigung.antrag.0200" },
  messageId: { ...string, description: "Nachrichten-ID der XBau-Nachricht" },
  documents: { ...integer, description: "Anzahl mitgelieferter Anlagen" },
  generatedDocumentId: uuid,
  sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
  filename: string,
  versionNumber: { type: "integer", minimum: 1 },
  requestId: uuid,
  deadline: { ...string, description: "Frist (Datum oder Zeitpunkt nach ISO 8601)" },
  completeAt: dateTime,
  decisionDueAt: { type: ["string", "null"], format: "date-time" },
  participationId: uuid,
  agencyId: uuid,
  agencyName: string,
  statementId: uuid,
  agency: string,
  outcome: { ...string, description: "Ergebnis der Stellungnahme" },
  participations: integer,
  withoutStatement: integer,
  decisionId: uuid,
  kind: { ...string, description: "Art des Bescheids" },
  decidedAt: dateTime,
  previousStatus: string,
};

export function dataFieldsWithoutSchema(): string[] {
  return WEBHOOK_EVENT_TYPES.flatMap((t) => [...WEBHOOK_EVENTS[t]]).filter(
    (f) => !Object.hasOwn(DATA_FIELDS, f),
  );
}

const schemaName = (type: WebhookEventType) => `WebhookEvent.${type}`;

function eventSchema(type: WebhookEventType) {
  const fields = WEBHOOK_EVENTS[type] as readonly string[];
  return {
    type: "object",
    description: `Ereignis „${webhookEventLabel(type)}“.`,
    additionalProperties: false,
    required: ["id", "type", "occurredAt", "authorityId", "case", "data"],
    properties: {
      id: {
        ...uuid,
        description:
          "Gleich der Kopfzeile Webhook-Id; bleibt bei jeder Wiederholung gleich (Idempotenzschlüssel).",
      },
      type: { const: type },
      occurredAt: { ...dateTime, description: "Zeitpunkt des Ereignisses in der Akte (nicht des Versands)." },
      authorityId: uuid,
      case: { $ref: "#/components/schemas/WebhookCaseRef" },
      data: {
        type: "object",
        additionalProperties: false,
        properties: Object.fromEntries(fields.map((f) => [f, DATA_FIELDS[f] ?? {}])),
      },
    },
  };
}

const header = (name: string, description: string, schema: Record<string, unknown>) => ({
  name,
  in: "header",
  required: true,
  description,
  schema,
});

const HEADERS = [
  header(
    "webhook-id",
    "Eindeutige ID der Zustellung (gleich `id` im Inhalt), gleich bei jeder Wiederholung.",
    uuid,
  ),
  header(
    "webhook-timestamp",
    "Zeitpunkt dieses Versuchs in Sekunden seit 1970 (UTC); ältere als 5 Minuten verwerfen.",
    {
      type: "string",
      pattern: "^[0-9]{1,12}$",
    },
  ),
  header(
    "webhook-signature",
    "`v1,` + Base64(HMAC-SHA256(Schlüssel, `{webhook-id}.{webhook-timestamp}.{Rohinhalt}`)); der Schlüssel ist der " +
      "Base64-Teil nach `whsec_` des beim Anlegen angezeigten Signaturschlüssels (Standard Webhooks 1.0.0, " +
      "https://www.standardwebhooks.com). Mehrere Signaturen sind durch Leerzeichen getrennt; eine passende genügt.",
    { type: "string", pattern: "^v1,[A-Za-z0-9+/=]+( v1a?,[A-Za-z0-9+/=]+)*$" },
  ),
];

export const webhooksSection: Record<string, unknown> = Object.fromEntries(
  WEBHOOK_EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        operationId: `webhook.${type}`,
        summary: webhookEventLabel(type),
        description:
          "POST an die Empfänger-URL eines Webhook-Empfängers der Behörde, der dieses Ereignis gewählt hat. " +
          "Eine Antwort 2xx innerhalb von 10 s gilt als Zustellung; sonst (auch 3xx, Weiterleitungen werden nicht " +
          "verfolgt) wird mit exponentiell wachsendem Abstand wiederholt (Standard: 8 Versuche über etwa einen Tag). " +
          "410 Gone deaktiviert den Empfänger.",
        parameters: HEADERS,
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName(type)}` } } },
        },
        responses: {
          "2XX": { description: "Angenommen: die Zustellung ist erledigt." },
          default: { description: "Nicht angenommen: die Zustellung wird wiederholt." },
        },
      },
    },
  ]),
);

/** Component schemas the webhooks section refers to (`#/components/schemas/...`). */
export const webhookSchemas: Record<string, unknown> = {
  WebhookCaseRef: {
    type: "object",
    additionalProperties: false,
    required: ["id", "fileNumber", "url"],
    properties: {
      id: uuid,
      fileNumber: {
        type: ["string", "null"],
        description: "Aktenzeichen; null, solange keines vergeben ist.",
      },
      url: { type: "string", format: "uri", description: "Der Fall in dieser API (GET /api/v1/cases/{id})." },
    },
  },
  ...Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [schemaName(type), eventSchema(type)])),
};
