/**
 * OpenAPI 3.1 path items of the XBau intake endpoint (messages delivered to the authority),
 * app/routes/api.v1.intake.ts. Merged into the served document by app/api/openapi.ts.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const refusal = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("IntakeRefusal") } },
});
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});
const accepted = (description: string) => ({
  description,
  content: { "application/json": { schema: ref("IntakeAccepted") } },
});

export const intakePaths: Record<string, unknown> = {
  "/api/v1/intake": {
    post: {
      operationId: "deliverXbauMessage",
      summary: "XBau-Nachricht einliefern (0200 Antrag, 0202 Änderung)",
      description:
        "Liefert eine XBau-2.6-Nachricht baugenehmigung.antrag.0200 (neuer Vorgang) oder baugenehmigung.antragGeaendert.0202 " +
        "(Änderung eines Vorgangs dieser Behörde, zugeordnet über bezug/vorgang bzw. bezug/referenz) mit ihren Anlagen an die " +
        "Behörde des API-Zugangs. Geprüft werden XSD, Schematron, Empfänger (leser), Anlagen (Hashwert, Größe, Format). " +
        "Dieselbe Nachrichten-ID noch einmal liefert 200 mit demselben Vorgang. Die Antwort an den Absender ist die " +
        "Eingangsbestätigung prozessnachrichten.eingangsbestaetigung.1120 mit der genannten answerMessageId.",
      security: [{ bearerAuth: ["messages:write"] }],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["nachricht"],
              properties: {
                nachricht: {
                  type: "string",
                  contentMediaType: "application/octet-stream",
                  description:
                    "Die XBau-Nachricht (XML, höchstens 20 MB) oder ein ZIP mit Nachricht und Anlagen",
                },
                anlagen: {
                  type: "array",
                  items: { type: "string", contentMediaType: "application/octet-stream" },
                  description: "Die in der Nachricht (anhang/dateiname) genannten Dateien",
                },
              },
            },
          },
          "application/zip": {
            schema: {
              type: "string",
              contentMediaType: "application/zip",
              description: "Genau eine XML-Nachricht und ihre Anlagen in einem ZIP-Archiv",
            },
          },
          "application/xml": {
            schema: {
              type: "string",
              contentMediaType: "application/xml",
              description: "Eine Nachricht ohne Anlagen",
            },
          },
        },
      },
      responses: {
        "200": accepted("Diese Nachricht wurde bereits angenommen; Angaben des damaligen Eingangs"),
        "201": accepted("Angenommen"),
        "401": problem("Kein gültiger API-Schlüssel"),
        "403": problem("Dem API-Zugang fehlt die Berechtigung messages:write"),
        "413": refusal("Nachricht oder Archiv zu groß"),
        "415": refusal("Nicht unterstützter Content-Type"),
        "422": refusal("Abgelehnt; jedes Problem nennt Element und Grund; es wurde nichts gespeichert"),
        "429": problem("Zu viele Anfragen"),
        "503": refusal("Prüfung ausgelastet; später erneut senden"),
      },
    },
  },
};

/** Component schemas the intake paths refer to (`#/components/schemas/...`). */
export const intakeSchemas: Record<string, unknown> = {
  IntakeAccepted: {
    type: "object",
    additionalProperties: false,
    required: ["messageType", "caseId", "fileNumber", "answerMessageId", "duplicate"],
    properties: {
      messageType: {
        type: "string",
        enum: ["baugenehmigung.antrag.0200", "baugenehmigung.antragGeaendert.0202"],
      },
      caseId: { type: "string", format: "uuid" },
      fileNumber: { type: "string", description: "Aktenzeichen" },
      answerMessageId: {
        type: ["string", "null"],
        format: "uuid",
        description: "nachrichtenUUID der Eingangsbestätigung (1120)",
      },
      duplicate: { type: "boolean" },
    },
  },
  IntakeRefusal: {
    type: "object",
    description: "Problem nach RFC 9457 mit den einzelnen Gründen (Element und deutsche Begründung).",
    additionalProperties: false,
    required: ["type", "title", "status", "detail", "problems"],
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string" },
      problems: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["element", "message"],
          properties: { element: { type: "string" }, message: { type: "string" } },
        },
      },
    },
  },
};
