/**
 * Vocabulary of agency statements (Stellungnahmen) in German, shared by pages, history, PDF and
 * validation messages. Outcome and condition kinds are the schema's enums. This is the one table of
 * outcome and condition labels (the Bescheid's Nebenbestimmungen use the same kinds).
 */

/** Limits of one statement (checked by the server; the form shows them). */
export const MAX_CONDITIONS = 50;
export const MAX_ATTACHMENTS = 10;

export const STATEMENT_OUTCOMES = [
  "CONSENT",
  "CONSENT_WITH_CONDITIONS",
  "REJECTION",
  "NOT_AFFECTED",
] as const;
export type StatementOutcomeCode = (typeof STATEMENT_OUTCOMES)[number];

export const STATEMENT_OUTCOME_LABELS: Record<StatementOutcomeCode, string> = {
  CONSENT: "Zustimmung",
  CONSENT_WITH_CONDITIONS: "Zustimmung mit Nebenbestimmungen",
  REJECTION: "Ablehnung",
  NOT_AFFECTED: "Nicht betroffen",
};

export const CONDITION_KINDS = ["BEDINGUNG", "AUFLAGE", "VORBEHALT", "HINWEIS"] as const;
export type ConditionKindValue = (typeof CONDITION_KINDS)[number];

export const CONDITION_KIND_LABELS: Record<ConditionKindValue, string> = {
  BEDINGUNG: "Bedingung",
  AUFLAGE: "Auflage",
  VORBEHALT: "Vorbehalt",
  HINWEIS: "Hinweis",
};

export function isStatementOutcome(v: unknown): v is StatementOutcomeCode {
  return typeof v === "string" && (STATEMENT_OUTCOMES as readonly string[]).includes(v);
}

/** Label of a kind read back from stored JSON (an unknown kind shows as stored rather than blank). */
export function conditionKindLabel(kind: string): string {
  return isConditionKind(kind) ? CONDITION_KIND_LABELS[kind] : kind;
}

export function isConditionKind(v: unknown): v is ConditionKindValue {
  return typeof v === "string" && (CONDITION_KINDS as readonly string[]).includes(v);
}
