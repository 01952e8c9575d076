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

// ---- per kind of participation -------------------------------------------------------------------

/**
 * The answers a kind of participation allows. The Gemeinde's Einvernehmen (§ 36 BauGB) is given or
 * refused, with reasons and without Nebenbestimmungen (§ 36 Abs. 2 Satz 1 BauGB: refused only for
 * the reasons of §§ 31, 33, 34, 35 BauGB); a Zustimmung required by law is given (possibly with
 * Nebenbestimmungen) or refused, "nicht betroffen" is no answer to it; a Stellungnahme allows all.
 */
export const OUTCOMES_BY_KIND: Record<string, readonly StatementOutcomeCode[]> = {
  MUNICIPAL_CONSENT: ["CONSENT", "REJECTION"],
  AGENCY_CONSENT: ["CONSENT", "CONSENT_WITH_CONDITIONS", "REJECTION"],
  AGENCY_STATEMENT: STATEMENT_OUTCOMES,
};

const KIND_OUTCOME_LABELS: Record<string, Partial<Record<StatementOutcomeCode, string>>> = {
  MUNICIPAL_CONSENT: { CONSENT: "Einvernehmen erteilt", REJECTION: "Einvernehmen versagt" },
  AGENCY_CONSENT: {
    CONSENT: "Zustimmung erteilt",
    CONSENT_WITH_CONDITIONS: "Zustimmung mit Nebenbestimmungen",
    REJECTION: "Zustimmung versagt",
  },
};

export function outcomesFor(kind: string): readonly StatementOutcomeCode[] {
  return OUTCOMES_BY_KIND[kind] ?? STATEMENT_OUTCOMES;
}

/** "Einvernehmen erteilt", "Zustimmung versagt", "Nicht betroffen" … */
export function outcomeLabel(kind: string, outcome: StatementOutcomeCode): string {
  return KIND_OUTCOME_LABELS[kind]?.[outcome] ?? STATEMENT_OUTCOME_LABELS[outcome];
}

/** Nebenbestimmungen are no part of an Einvernehmen. */
export function conditionsAllowed(kind: string): boolean {
  return kind !== "MUNICIPAL_CONSENT";
}
