import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { formText, readListSubmission } from "~/components/form-lists";
import { PARTICIPATION_KINDS, type ParticipationKindName } from "~/domain/participation";

/**
 * The clerk's participation forms as zod schemas. "Beteiligung starten": one schema shared by Conform in the browser (validation
 * on blur, list helpers for the rows) and by the action on the server (the model receives the
 * parsed rows). Field names: `rows[i].agencyId`, `rows[i].keep`, `rows[i].deadline`,
 * `rows[i].question`, `rows[i].reason`, `rows[i].kind`, `rows[i].docs` (repeated). The model keeps
 * its own invariants (deadline in the future and within a year, agencies of the authority,
 * shareable versions, statistics form never shared).
 *
 * Round trips that start nothing ("Stelle hinzufügen", "Alle auswählen"/"Keine" without
 * JavaScript, "Zurück" from the confirmation page) read the rows leniently (`parseStartDraft`),
 * so a half-typed row is returned as typed, never refused.
 */

export const MAX_ROWS = 40;
const MAX_QUESTION = 4_000;
const MAX_REASON = 4_000;

const germanErrors = z.locales.de().localeError;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const trimmed = (v: unknown) => {
  const b = blankToUndefined(v);
  return typeof b === "string" ? b.trim() : b;
};
/** A checkbox posts "on" when ticked and nothing otherwise. */
const checkbox = () => z.preprocess((v) => v === "on" || v === true, z.boolean());
/** Repeated fields post one string or several (FormData); none at all is an empty list. */
const stringList = () =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string()).max(500, "Zu viele Unterlagen ausgewählt."),
  );
const kind = () =>
  z.preprocess(
    (v) => ((PARTICIPATION_KINDS as readonly unknown[]).includes(v) ? v : "AGENCY_STATEMENT"),
    z.enum(PARTICIPATION_KINDS as [ParticipationKindName, ...ParticipationKindName[]]),
  );
const text = (max: number, message: string) =>
  z.preprocess((v) => (typeof v === "string" ? v : ""), z.string().max(max, message));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const rowSchema = z.object({
  agencyId: z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string()),
  keep: checkbox(),
  deadline: z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string().max(20)),
  question: text(MAX_QUESTION, `Die Frage darf höchstens ${MAX_QUESTION} Zeichen lang sein.`),
  reason: text(MAX_REASON, `Der Anlass darf höchstens ${MAX_REASON} Zeichen lang sein.`),
  kind: kind(),
  docs: stringList(),
});

/** A kept row needs a deadline; rows not kept ("… beteiligen" unticked) are not sent anyway. */
const strictRow = rowSchema.superRefine((row, ctx) => {
  if (!row.keep) return;
  if (row.deadline === "")
    ctx.addIssue({ code: "custom", path: ["deadline"], message: "Bitte geben Sie eine Frist an." });
  else if (!DATE.test(row.deadline))
    ctx.addIssue({
      code: "custom",
      path: ["deadline"],
      message: "Bitte geben Sie die Frist als Datum an, z. B. 15.01.2027.",
    });
});

const rows = <T extends z.ZodType>(row: T) =>
  z.preprocess(
    (v) => (v === undefined ? [] : v),
    z.array(row).max(MAX_ROWS, `Höchstens ${MAX_ROWS} Stellen auf einmal.`),
  );

export const startForm = z.object({
  rows: rows(strictRow).refine(
    (list) => (list as { keep: boolean }[]).some((r) => r.keep),
    "Bitte wählen Sie mindestens eine Stelle aus, die beteiligt werden soll.",
  ),
});

/** The rows as typed: every field has a fallback, so a round trip never fails (form-lists.ts). */
export const startDraft = z.object({
  rows: rows(z.preprocess((v) => (v && typeof v === "object" ? v : {}), rowSchema)),
  addAgencyId: formText,
});

export type StartFormRow = z.infer<typeof rowSchema>;

/** "Beteiligung starten": every kept row complete (the model checks the rest). */
export function parseStartForm(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, { schema: startForm, disableAutoCoercion: true, error: germanErrors });
}

/**
 * Round trips that start nothing: the rows as typed, with a Conform "remove" button's intent
 * applied the way the browser would (shared reading of list posts, row cap, only this list).
 * Rows without an agency (a forged insert) are dropped: a row's agency comes from the proposal.
 */
export function readStartDraft(formData: FormData) {
  const { values, change } = readListSubmission(formData, {
    schema: startDraft,
    newRows: { rows: {} },
    maxRows: MAX_ROWS,
  });
  return { ...values, rows: values.rows.filter((r) => r.agencyId !== ""), change };
}

// ---- the board's decisions ------------------------------------------------------------------------

const id = (message: string) => z.preprocess(trimmed, z.string({ error: message }));

/** "Fristverlängerung gewähren/ablehnen" of one pending request (new deadline only when granting). */
export const extensionDecisionForm = z.object({
  intent: z.enum(["grant", "refuse"]),
  extensionId: id("Diesen Antrag auf Fristverlängerung gibt es nicht."),
  deadline: z.preprocess(
    trimmed,
    z.string().regex(DATE, "Bitte geben Sie die neue Frist als Datum an, z. B. 15.01.2027.").optional(),
  ),
  note: text(2_000, "Der Vermerk darf höchstens 2.000 Zeichen lang sein."),
});

/** "Ablehnung vorschlagen" / "Einvernehmen ersetzen" after a refused Einvernehmen or Zustimmung. */
export const consentRefusalForm = z.object({
  intent: z.enum(["accept-refusal", "replace-consent"]),
  participationId: id("Diese Beteiligung gibt es nicht."),
  reasons: text(8_000, "Die Begründung darf höchstens 8.000 Zeichen lang sein."),
  heard: checkbox(),
});

export function parseExtensionDecision(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, {
    schema: extensionDecisionForm,
    disableAutoCoercion: true,
    error: germanErrors,
  });
}

export function parseConsentRefusal(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, {
    schema: consentRefusalForm,
    disableAutoCoercion: true,
    error: germanErrors,
  });
}
