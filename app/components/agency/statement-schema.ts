import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { formText, type ListChange, readListSubmission } from "~/components/form-lists";
import {
  type ConditionKindValue,
  conditionsAllowed,
  isConditionKind,
  isStatementOutcome,
  MAX_CONDITIONS,
  outcomesFor,
  STATEMENT_OUTCOME_LABELS,
  type StatementOutcomeCode,
} from "~/domain/statements";

/**
 * The agency's statement form as one zod schema per kind of participation, shared by Conform in the
 * browser (validation on blur, the Nebenbestimmungen as a Conform list) and the action on the
 * server. Its rules are `validateStatement`, which the model (submitStatement) runs again as its
 * invariant — one set of rules and messages for both sides.
 *
 * Field names: `outcome`, `reasons`, `conditions[i].kind|text|legalBasis` (Conform); the older
 * `conditions.<i>.…` names of a plain post are read as well.
 */

const MAX_REASONS = 20_000;
const MAX_CONDITION_TEXT = 5_000;
const MAX_LEGAL_BASIS = 300;
export const MAX_EXTENSION_REASON = 2_000;

/** The messages of the statement's field rules (the model adds its own for attachments and states). */
export const statementFieldMessages = {
  outcome: "Bitte wählen Sie das Ergebnis Ihrer Stellungnahme.",
  conditionsRequired:
    "Bei „Zustimmung mit Nebenbestimmungen“ geben Sie bitte mindestens eine Bedingung, Auflage oder einen Vorbehalt an.",
  conditionsNotAllowed: (outcome: StatementOutcomeCode) =>
    outcome === "REJECTION"
      ? "Eine Ablehnung enthält keine Bedingungen, Auflagen oder Vorbehalte. Geben Sie ergänzende Hinweise als „Hinweis“ an."
      : `Bedingungen, Auflagen und Vorbehalte sind nur bei „Zustimmung mit Nebenbestimmungen“ möglich, nicht bei „${STATEMENT_OUTCOME_LABELS[outcome]}“. Wählen Sie dieses Ergebnis oder ändern Sie die Art in „Hinweis“.`,
  reasonsRequired: "Bitte begründen Sie die Ablehnung.",
  outcomeNotForKind: (kind: string) =>
    kind === "MUNICIPAL_CONSENT"
      ? "Über das Einvernehmen wird nur entschieden: „Einvernehmen erteilt“ oder „Einvernehmen versagt“."
      : "Eine gesetzlich vorgeschriebene Zustimmung wird erteilt (auch mit Nebenbestimmungen) oder versagt; „Nicht betroffen“ ist keine Antwort darauf.",
  conditionsNotForConsent:
    "Das Einvernehmen der Gemeinde wird ohne Nebenbestimmungen erteilt oder versagt (§ 36 BauGB). Bitte entfernen Sie die Nebenbestimmungen; Hinweise gehören in die Begründung.",
  reasonsRequiredForConsent:
    "Bitte begründen Sie die Versagung (§ 36 Abs. 2 Satz 1 BauGB: nur aus den Gründen der §§ 31, 33, 34 und 35 BauGB).",
  reasonsTooLong: `Die Begründung ist zu lang (höchstens ${MAX_REASONS.toLocaleString("de-DE")} Zeichen).`,
  conditionKind: "Bitte wählen Sie die Art der Nebenbestimmung.",
  conditionText: "Bitte geben Sie den Text der Nebenbestimmung ein.",
  conditionTooLong: `Der Text ist zu lang (höchstens ${MAX_CONDITION_TEXT.toLocaleString("de-DE")} Zeichen).`,
  legalBasisTooLong: `Die Rechtsgrundlage ist zu lang (höchstens ${MAX_LEGAL_BASIS} Zeichen).`,
  tooManyConditions: `Höchstens ${MAX_CONDITIONS} Nebenbestimmungen je Stellungnahme.`,
  extensionDate: "Bitte geben Sie das gewünschte Fristende als Datum an.",
  extensionReason: "Bitte begründen Sie, warum Sie mehr Zeit benötigen.",
  extensionReasonTooLong: `Die Begründung ist zu lang (höchstens ${MAX_EXTENSION_REASON.toLocaleString("de-DE")} Zeichen).`,
} as const;

export interface ConditionInput {
  kind: string;
  text: string;
  legalBasis?: string | null;
}

export interface StatementFields {
  outcome: string;
  reasons: string;
  conditions: ConditionInput[];
}

export interface ValidStatement {
  outcome: StatementOutcomeCode;
  reasons: string;
  conditions: { kind: ConditionKindValue; text: string; legalBasis: string | null }[];
}

/** Field errors by form name: "outcome", "reasons", "conditions", "conditions.<i>.text", "attachments". */
export type StatementErrors = Record<string, string>;

/**
 * Checks a statement. Rows without text and legal basis are blank form rows and dropped; error keys
 * refer to the submitted row index, so the form marks the row the user sees.
 */
export function validateStatement(
  fields: StatementFields,
  kind = "AGENCY_STATEMENT",
): { ok: true; value: ValidStatement } | { ok: false; errors: StatementErrors } {
  const errors: StatementErrors = {};
  const outcome = isStatementOutcome(fields.outcome) ? fields.outcome : null;
  if (!outcome) errors.outcome = statementFieldMessages.outcome;
  else if (!outcomesFor(kind).includes(outcome))
    errors.outcome = statementFieldMessages.outcomeNotForKind(kind);
  const reasons = String(fields.reasons ?? "")
    .replace(/\r\n/g, "\n")
    .trim();
  if (reasons.length > MAX_REASONS) errors.reasons = statementFieldMessages.reasonsTooLong;
  else if (outcome === "REJECTION" && reasons === "")
    errors.reasons =
      kind === "MUNICIPAL_CONSENT"
        ? statementFieldMessages.reasonsRequiredForConsent
        : statementFieldMessages.reasonsRequired;

  const conditions: ValidStatement["conditions"] = [];
  const rows = fields.conditions ?? [];
  rows.forEach((row, i) => {
    const text = String(row.text ?? "")
      .replace(/\r\n/g, "\n")
      .trim();
    const legalBasis = String(row.legalBasis ?? "").trim();
    if (text === "" && legalBasis === "") return;
    if (!isConditionKind(row.kind)) errors[`conditions.${i}.kind`] = statementFieldMessages.conditionKind;
    if (text === "") errors[`conditions.${i}.text`] = statementFieldMessages.conditionText;
    else if (text.length > MAX_CONDITION_TEXT)
      errors[`conditions.${i}.text`] = statementFieldMessages.conditionTooLong;
    if (legalBasis.length > MAX_LEGAL_BASIS)
      errors[`conditions.${i}.legalBasis`] = statementFieldMessages.legalBasisTooLong;
    if (isConditionKind(row.kind)) conditions.push({ kind: row.kind, text, legalBasis: legalBasis || null });
  });
  if (conditions.length > MAX_CONDITIONS) errors.conditions = statementFieldMessages.tooManyConditions;
  if (!conditionsAllowed(kind) && conditions.length > 0 && !errors.conditions)
    errors.conditions = statementFieldMessages.conditionsNotForConsent;
  const binding = conditions.filter((c) => c.kind !== "HINWEIS");
  if (outcome === "CONSENT_WITH_CONDITIONS" && binding.length === 0 && !errors.conditions)
    errors.conditions = statementFieldMessages.conditionsRequired;
  if (outcome && outcome !== "CONSENT_WITH_CONDITIONS" && binding.length > 0)
    errors.conditions = statementFieldMessages.conditionsNotAllowed(outcome);

  if (Object.keys(errors).length > 0 || !outcome) return { ok: false, errors };
  return { ok: true, value: { outcome, reasons, conditions } };
}

// ---- the form -----------------------------------------------------------------------------------

const germanErrors = z.locales.de().localeError;

const text = formText;

/** `conditions[0]…` arrives as a list, `conditions.0.…` as an object with index keys: both a list. */
function conditionList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .filter(([k]) => /^\d{1,3}$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, row]) => row);
  }
  return [];
}

const conditionRow = z.preprocess(
  (v) => (v && typeof v === "object" ? v : {}),
  z.object({ kind: text, text: text, legalBasis: text }),
);

/** The error keys of validateStatement ("conditions.2.text") as zod paths. */
function pathOf(key: string): (string | number)[] {
  return key.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The fields as typed, no rules: for round trips (rows added/removed, "Zurück"). */
export const statementDraft = z.object({
  outcome: text,
  reasons: text,
  conditions: z.preprocess(conditionList, z.array(conditionRow)),
});

/** The statement form of a participation of this kind (Einvernehmen, Zustimmung, Stellungnahme). */
export function statementFormFor(kind: string) {
  // The parsed value is the checked statement (trimmed, blank rows dropped): what the model takes.
  return statementDraft.transform((fields, ctx): ValidStatement => {
    const checked = validateStatement(fields, kind);
    if (checked.ok) return checked.value;
    for (const [key, message] of Object.entries(checked.errors)) {
      ctx.addIssue({ code: "custom", path: pathOf(key), message });
    }
    return z.NEVER;
  });
}

export type StatementFormValue = z.infer<ReturnType<typeof statementFormFor>>;

/**
 * The fields as typed, with a Conform list button's intent (add/remove a Nebenbestimmung) applied
 * as the browser would — the shared reading of list posts (form-lists.ts: row cap, only this list,
 * a new row is blank).
 */
export function readStatementDraft(formData: FormData): {
  values: StatementFields;
  change: ListChange<"conditions"> | null;
} {
  return readListSubmission(formData, {
    schema: statementDraft,
    newRows: { conditions: { kind: "", text: "", legalBasis: "" } },
    maxRows: MAX_CONDITIONS,
  });
}

export function parseStatementForm(formData: FormData | URLSearchParams, kind: string) {
  return parseWithZod(formData, {
    schema: statementFormFor(kind),
    disableAutoCoercion: true,
    error: germanErrors,
  });
}

// ---- the extension request ----------------------------------------------------------------------

/**
 * "Fristverlängerung beantragen": date and reasons present; whether the date lies after the
 * current deadline and no request is pending is the model's check (requestExtension).
 */
export const extensionRequestForm = z.object({
  until: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined),
    z
      .string({ error: statementFieldMessages.extensionDate })
      .regex(/^\d{4}-\d{2}-\d{2}$/, statementFieldMessages.extensionDate),
  ),
  reason: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined),
    z
      .string({ error: statementFieldMessages.extensionReason })
      .max(MAX_EXTENSION_REASON, statementFieldMessages.extensionReasonTooLong),
  ),
});

export function parseExtensionRequest(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, {
    schema: extensionRequestForm,
    disableAutoCoercion: true,
    error: germanErrors,
  });
}
