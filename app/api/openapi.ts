import { APPLICATION_STATUSES } from "~/domain/lifecycle";
import { intakePaths, intakeSchemas } from "./openapi-intake";
import { webhookSchemas, webhooksSection } from "./openapi-webhooks";
import { API_SCOPE_LABELS, API_SCOPES } from "./scopes";

/**
 * The OpenAPI 3.1 document of /api/v1, built in code next to the handlers so the two change
 * together; served at GET /api/v1/openapi.json. The intake and webhook modules contribute their
 * own fragments. Tests validate the document (swagger-parser) and every response the API gives in
 * the test suite against the schema of its operation and status (test/kit/openapi.ts).
 */

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, "null"], ...extra });
const dateTime = { type: "string", format: "date-time" };
const nullableDateTime = { type: ["string", "null"], format: "date-time" };
const uuid = { type: "string", format: "uuid" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const closed = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

const CASE_STATUSES = APPLICATION_STATUSES.filter((s) => s !== "DRAFT");

const problemContent = { "application/problem+json": { schema: ref("Problem") } };
const problem = (description: string) => ({ description, content: problemContent });

const schemas: Record<string, unknown> = {
  Problem: {
    type: "object",
    description:
      "Fehler nach RFC 9457; `detail` ist ein deutscher Text für die Menschen, die das aufrufende System betreuen.",
    required: ["type", "title", "status", "detail"],
    additionalProperties: false,
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string" },
      retryAfterSeconds: { type: "integer", minimum: 1 },
      parameter: { type: "string" },
    },
  },
  CaseStatus: { type: "string", enum: CASE_STATUSES },
  CaseSummary: closed({
    id: uuid,
    fileNumber: nullable("string"),
    title: { type: "string" },
    status: ref("CaseStatus"),
    procedureType: { type: "string" },
    submittedAt: nullableDateTime,
    updatedAt: dateTime,
    decisionDueAt: nullableDateTime,
    nextDeadlineAt: nullableDateTime,
  }),
  CasePage: closed({
    items: { type: "array", items: ref("CaseSummary") },
    nextCursor: nullable("string", {
      description: "Für die nächste Seite als `cursor` senden; null = letzte Seite.",
    }),
  }),
  Address: closed({
    street: nullable("string"),
    houseNumber: nullable("string"),
    postalCode: nullable("string"),
    city: nullable("string"),
  }),
  DocumentVersion: closed({
    id: uuid,
    versionNumber: { type: "integer", minimum: 1 },
    filename: { type: "string" },
    mimeType: { type: "string" },
    sizeBytes: { type: "integer", minimum: 0 },
    sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
    pageCount: nullable("integer"),
    createdAt: dateTime,
    checkStatus: { type: "string", enum: ["PENDING", "ACCEPTED", "REFUSED"] },
    contentUrl: nullable("string", { description: "Nur für geprüfte (ACCEPTED) Versionen." }),
  }),
  Document: closed({
    id: uuid,
    typeCode: { type: "string", description: "XBau-Code der Anlage (Codeliste anlagen)" },
    title: { type: "string" },
    toBeSubmittedLater: { type: "boolean" },
    versions: { type: "array", items: ref("DocumentVersion") },
  }),
  GeneratedDocument: closed({
    id: uuid,
    kind: { type: "string", description: "z. B. RECEIPT, BESCHEID, XBAU_0201" },
    title: { type: "string" },
    filename: { type: "string" },
    mimeType: { type: "string" },
    sizeBytes: { type: "integer", minimum: 0 },
    sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
    createdAt: dateTime,
    contentUrl: { type: "string" },
  }),
  CaseDocuments: closed({
    caseId: uuid,
    documents: { type: "array", items: ref("Document") },
    generatedDocuments: { type: "array", items: ref("GeneratedDocument") },
  }),
  CaseDetail: closed({
    id: uuid,
    fileNumber: nullable("string"),
    title: { type: "string" },
    status: ref("CaseStatus"),
    procedureType: { type: "string" },
    submittedAt: nullableDateTime,
    updatedAt: dateTime,
    decisionDueAt: nullableDateTime,
    nextDeadlineAt: nullableDateTime,
    completeAt: nullableDateTime,
    withdrawnAt: nullableDateTime,
    deadlines: closed({
      decisionDueAt: nullableDateTime,
      nextDeadlineAt: nullableDateTime,
      openRequestDeadline: nullableDateTime,
    }),
    parties: closed({
      bauherr: {
        oneOf: [
          { type: "null" },
          closed({
            kind: { type: ["string", "null"], enum: ["PERSON", "COMPANY", null] },
            firstName: nullable("string"),
            lastName: nullable("string"),
            companyName: nullable("string"),
            email: nullable("string"),
            phone: nullable("string"),
            address: ref("Address"),
            hasRepresentative: { type: "boolean" },
          }),
        ],
      },
      entwurfsverfasser: {
        oneOf: [
          { type: "null" },
          closed({
            name: nullable("string"),
            chamberNumber: nullable("string"),
            chamberLand: nullable("string"),
            email: nullable("string"),
            phone: nullable("string"),
            address: ref("Address"),
          }),
        ],
      },
      members: {
        type: "array",
        items: closed({
          role: { type: "string", enum: ["BAUHERR", "ENTWURFSVERFASSER", "BEVOLLMAECHTIGTER"] },
          name: nullable("string"),
        }),
      },
    }),
    plot: closed({
      address: ref("Address"),
      municipalityAgs: nullable("string"),
      municipalityName: nullable("string"),
      parcels: {
        type: "array",
        items: closed({
          gemarkung: nullable("string"),
          flur: nullable("string"),
          zaehler: nullable("string"),
          nenner: nullable("string"),
        }),
      },
      planningArea: nullable("string"),
      developmentPlanName: nullable("string"),
    }),
    project: closed({
      measureType: nullable("string"),
      description: nullable("string"),
      buildingClass: nullable("integer"),
      use: nullable("string"),
      specialBuilding: nullable("boolean"),
      monument: nullable("boolean"),
      estimatedCosts: nullable("integer"),
    }),
    documents: { type: "array", items: ref("Document") },
    generatedDocuments: { type: "array", items: ref("GeneratedDocument") },
    participations: {
      type: "array",
      items: closed({
        id: uuid,
        agencyName: { type: "string" },
        kind: { type: "string", enum: ["MUNICIPAL_CONSENT", "AGENCY_STATEMENT", "AGENCY_CONSENT"] },
        status: {
          type: "string",
          enum: ["PENDING", "SENT", "OPENED", "ANSWERED", "DEEMED_CONSENT", "CANCELLED"],
        },
        round: { type: "integer", minimum: 1 },
        deadline: dateTime,
        sentAt: nullableDateTime,
        answeredAt: nullableDateTime,
        deemedConsentAt: nullableDateTime,
        outcome: {
          type: ["string", "null"],
          enum: ["CONSENT", "CONSENT_WITH_CONDITIONS", "REJECTION", "NOT_AFFECTED", null],
        },
      }),
    },
    decision: {
      oneOf: [
        { type: "null" },
        closed({
          status: { type: "string", enum: ["DRAFT", "AWAITING_APPROVAL", "DECIDED"] },
          kind: {
            type: ["string", "null"],
            enum: ["BAUGENEHMIGUNG", "ABLEHNUNG", "VORBESCHEID", "TEILBAUGENEHMIGUNG", null],
          },
          decidedAt: nullableDateTime,
          validUntil: nullableDateTime,
          feeTotalCents: nullable("integer"),
          conditionCount: nullable("integer"),
        }),
      ],
    },
  }),
  StatusCommand: closed({
    command: { type: "string", enum: ["startReview", "confirmComplete"] },
  }),
  StatusResult: closed({
    caseId: uuid,
    command: { type: "string", enum: ["startReview", "confirmComplete"] },
    status: ref("CaseStatus"),
    changed: { type: "boolean" },
  }),
  Message: closed({
    id: uuid,
    direction: { type: "string", enum: ["SENT", "RECEIVED"] },
    code: nullable("string", { description: "Nachrichtennummer, z. B. 0200, 0201, 1120" }),
    messageType: nullable("string", { description: "Wurzelelement empfangener Nachrichten" }),
    caseId: { ...nullable("string"), format: "uuid" },
    sizeBytes: { type: "integer", minimum: 0 },
    sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
    createdAt: dateTime,
    acknowledgedAt: { ...nullableDateTime, description: "Quittung dieses API-Zugangs" },
    contentUrl: { type: "string" },
  }),
  MessagePage: closed({
    items: { type: "array", items: ref("Message") },
    nextCursor: nullable("string"),
  }),
};

const responses = {
  BadRequest: problem("Ungültiger Parameter"),
  Unauthorized: problem("Kein oder kein gültiger API-Schlüssel (auch: erneuert oder widerrufen)"),
  Forbidden: problem("Dem API-Zugang fehlt die Berechtigung (Scope)"),
  NotFound: problem("Nicht vorhanden oder nicht aus der eigenen Behörde"),
  TooManyRequests: {
    description: "Ratenlimit des API-Zugangs erreicht",
    headers: { "Retry-After": { schema: { type: "integer", minimum: 1 }, description: "Sekunden" } },
    content: problemContent,
  },
  ServerError: problem("Interner Fehler"),
};

const common = {
  "401": { $ref: "#/components/responses/Unauthorized" },
  "403": { $ref: "#/components/responses/Forbidden" },
  "429": { $ref: "#/components/responses/TooManyRequests" },
  "500": { $ref: "#/components/responses/ServerError" },
};

const json = (schema: unknown, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const binary = (mediaType: string, description: string) => ({
  description,
  headers: {
    "Content-Length": { schema: { type: "integer" } },
    ETag: { schema: { type: "string" }, description: "SHA-256 der Bytes" },
  },
  content: { [mediaType]: { schema: { type: "string", contentMediaType: mediaType } } },
});

const idParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: uuid,
});
const cursorParams = [
  { name: "cursor", in: "query", schema: { type: "string" }, description: "`nextCursor` der vorigen Seite" },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
];

const security = (scope: string) => [{ bearerAuth: [scope] }];

const paths: Record<string, unknown> = {
  "/api/v1/cases": {
    get: {
      operationId: "listCases",
      summary: "Vorgänge der Behörde (nach letzter Änderung, älteste zuerst)",
      security: security("cases:read"),
      parameters: [
        {
          name: "status",
          in: "query",
          schema: { type: "string" },
          description: `Ein oder mehrere Status, durch Komma getrennt: ${CASE_STATUSES.join(", ")}`,
        },
        {
          name: "updatedSince",
          in: "query",
          schema: dateTime,
          description: "Nur ab diesem Zeitpunkt geänderte",
        },
        {
          name: "fileNumber",
          in: "query",
          schema: { type: "string", maxLength: 100 },
          description: "Aktenzeichen",
        },
        ...cursorParams,
      ],
      responses: {
        "200": json(ref("CasePage"), "Eine Seite"),
        "400": { $ref: "#/components/responses/BadRequest" },
        ...common,
      },
    },
  },
  "/api/v1/cases/{id}": {
    get: {
      operationId: "getCase",
      summary:
        "Ein Vorgang mit Beteiligten, Grundstück, Vorhaben, Fristen, Unterlagen, Beteiligungen und Bescheid",
      security: security("cases:read"),
      parameters: [idParam("id", "Vorgang")],
      responses: {
        "200": json(ref("CaseDetail"), "Der Vorgang"),
        "404": { $ref: "#/components/responses/NotFound" },
        ...common,
      },
    },
  },
  "/api/v1/cases/{id}/documents": {
    get: {
      operationId: "listCaseDocuments",
      summary: "Unterlagen (mit allen Versionen) und erzeugte Dokumente eines Vorgangs",
      security: security("documents:read"),
      parameters: [idParam("id", "Vorgang")],
      responses: {
        "200": json(ref("CaseDocuments"), "Unterlagen"),
        "404": { $ref: "#/components/responses/NotFound" },
        ...common,
      },
    },
  },
  "/api/v1/cases/{id}/status": {
    post: {
      operationId: "applyStatusCommand",
      summary: "Verfahrensschritt auslösen (nur Befehle, die der Lebenszyklus der Behörde erlaubt)",
      security: security("status:write"),
      parameters: [idParam("id", "Vorgang")],
      requestBody: { required: true, content: { "application/json": { schema: ref("StatusCommand") } } },
      responses: {
        "200": json(ref("StatusResult"), "Ausgeführt (changed=false: war schon geschehen)"),
        "400": { $ref: "#/components/responses/BadRequest" },
        "404": { $ref: "#/components/responses/NotFound" },
        "405": problem("Nur POST"),
        "409": problem("Im aktuellen Status nicht erlaubt"),
        "413": problem("Inhalt zu groß"),
        "415": problem("Kein JSON"),
        "422": problem("Unbekannter Befehl"),
        ...common,
      },
    },
  },
  "/api/v1/documents/{versionId}/content": {
    get: {
      operationId: "getDocumentVersionContent",
      summary: "Inhalt einer geprüften Dateiversion (gestreamt)",
      security: security("documents:read"),
      parameters: [idParam("versionId", "Dateiversion")],
      responses: {
        "200": binary("application/octet-stream", "Die gespeicherten Bytes; Content-Type der Datei"),
        "404": { $ref: "#/components/responses/NotFound" },
        ...common,
      },
    },
  },
  "/api/v1/generated-documents/{id}/content": {
    get: {
      operationId: "getGeneratedDocumentContent",
      summary:
        "Inhalt eines erzeugten Dokuments (Bescheid, Eingangsbestätigung, XBau-Nachricht, …; gestreamt)",
      security: security("documents:read"),
      parameters: [idParam("id", "Erzeugtes Dokument")],
      responses: {
        "200": binary("application/octet-stream", "Die gespeicherten Bytes; Content-Type der Datei"),
        "404": { $ref: "#/components/responses/NotFound" },
        ...common,
      },
    },
  },
  "/api/v1/messages": {
    get: {
      operationId: "listMessages",
      summary:
        "Nachrichtenfach: alle gesendeten und empfangenen XBau-Nachrichten der Behörde (stabile Reihenfolge)",
      security: security("messages:read"),
      parameters: [
        {
          name: "unacknowledged",
          in: "query",
          schema: { type: "string", enum: ["true", "false"] },
          description: "true: nur von diesem API-Zugang noch nicht quittierte",
        },
        ...cursorParams,
      ],
      responses: {
        "200": json(ref("MessagePage"), "Eine Seite"),
        "400": { $ref: "#/components/responses/BadRequest" },
        ...common,
      },
    },
  },
  "/api/v1/messages/{id}/content": {
    get: {
      operationId: "getMessageContent",
      summary: "XML einer Nachricht (gestreamt)",
      security: security("messages:read"),
      parameters: [idParam("id", "Nachricht")],
      responses: {
        "200": binary("application/xml", "Die Nachricht, wie gesendet oder empfangen"),
        "404": { $ref: "#/components/responses/NotFound" },
        ...common,
      },
    },
  },
  "/api/v1/messages/{id}/ack": {
    post: {
      operationId: "acknowledgeMessage",
      summary: "Nachricht für diesen API-Zugang quittieren (idempotent)",
      security: security("messages:read"),
      parameters: [idParam("id", "Nachricht")],
      responses: {
        "200": json(ref("Message"), "Quittiert (eine wiederholte Quittung behält den ersten Zeitpunkt)"),
        "404": { $ref: "#/components/responses/NotFound" },
        "405": problem("Nur POST"),
        ...common,
      },
    },
  },
};

/** The document as served (a fresh object per call: callers may not mutate shared state). */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  return structuredClone({
    openapi: "3.1.0",
    info: {
      title: "Bauantrag API",
      version: "1.0.0",
      description:
        "Schnittstelle für Fachverfahren, DMS und GIS einer Bauaufsichtsbehörde. Zugänge legt die Administration " +
        "der Behörde unter „Verwaltung › API-Zugänge“ an; der Schlüssel wird als Bearer-Token gesendet. " +
        "Fehler kommen als application/problem+json mit deutschem `detail`.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    tags: [],
    paths: { ...paths, ...intakePaths },
    webhooks: webhooksSection,
    components: {
      schemas: { ...schemas, ...intakeSchemas, ...webhookSchemas },
      responses,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: `API-Schlüssel „bau_…“ eines API-Zugangs. Berechtigungen (Scopes): ${API_SCOPES.map((s) => `${s} = ${API_SCOPE_LABELS[s]}`).join("; ")}.`,
        },
      },
    },
  });
}
