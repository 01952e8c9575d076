import { z } from "zod";
import { formList, formText, type ListChange, readListSubmission } from "~/components/form-lists";
import { REASON_SECTION_KEYS, type ReasonTexts } from "~/domain/decision-reasons";
import { parseEuroToCents } from "~/domain/fees";
import type { DraftChanges } from "~/models/decision.server";

/**
 * What the Bescheid editor posts, as one zod schema for browser and server (Conform's naming:
 * `conditions[0].text`, repeated `document`/`stamp`). Parsing never fails: the editor keeps
 * whatever was typed and shows it again; the model checks the parsed changes (kind, lengths,
 * versions) and answers in German. Row indexes are capped before parsing
 * (app/components/form-lists.ts).
 */

export const MAX_EDITOR_ROWS = 220;

const text = formText;
const list = formList;

const conditionRow = z.object({
  id: text,
  kind: text,
  text: text,
  legalBasis: text,
  reason: text,
  sourceLabel: text,
});
const deviationRow = z.object({ text: text, legalBasis: text });

export const decisionEditorSchema = z.object({
  version: z.preprocess((v) => Number(v), z.number().or(z.nan())),
  kind: text,
  constructionCost: text,
  conditions: list(conditionRow),
  deviations: list(deviationRow),
  document: list(text),
  stamp: list(text),
  /** The clerk's text per fixed section of the Begründung (`reasonTexts.wuerdigung`, …). */
  reasonTexts: z.preprocess(
    (v) => (v && typeof v === "object" ? v : {}),
    z.object({ sachverhalt: text, wuerdigung: text, nebenbestimmungen: text, kosten: text }),
  ),
  /** An older form's single Begründung field: becomes the Würdigung's text, never the whole. */
  reasons: text,
  feeBasisSource: text,
  legalRemedy: text,
});

export type DecisionEditorValues = z.infer<typeof decisionEditorSchema>;
export type ConditionRow = DecisionEditorValues["conditions"][number];

/** The editor's lists of rows: Conform's list buttons (add/remove a row) may change only these. */
export type EditorList = "conditions" | "deviations";

/** What a new row holds (the add buttons carry it; the server puts it in whatever was posted). */
export const NEW_ROWS = {
  conditions: { id: "", kind: "AUFLAGE", text: "", legalBasis: "", reason: "", sourceLabel: "" },
  deviations: { text: "", legalBasis: "" },
} satisfies Record<EditorList, object>;

/**
 * The posted editor, parsed by Conform with the shared schema. A list button's post (no
 * JavaScript) comes back with the row already added or removed, as the browser does it itself
 * with JavaScript.
 */
export function readEditorSubmission(form: FormData): {
  values: DecisionEditorValues;
  change: ListChange<EditorList> | null;
} {
  return readListSubmission(form, {
    schema: decisionEditorSchema,
    newRows: NEW_ROWS,
    maxRows: MAX_EDITOR_ROWS,
  });
}

export function readEditorValues(form: FormData): DecisionEditorValues {
  return readEditorSubmission(form).values;
}

export const COST_MESSAGE = "Bitte geben Sie die Baukosten als Betrag in Euro an, z. B. 350.000,00.";

/** Editor values -> the model's changes; empty new rows are dropped (like an untouched blank line). */
export function toDraftChanges(v: DecisionEditorValues): { changes: DraftChanges } | { message: string } {
  const cost = parseEuroToCents(v.constructionCost);
  if (cost === undefined) return { message: COST_MESSAGE };
  const reasonSections: ReasonTexts = {};
  for (const k of REASON_SECTION_KEYS) if (v.reasonTexts[k].trim()) reasonSections[k] = v.reasonTexts[k];
  const anySection = Object.keys(reasonSections).length > 0;
  return {
    changes: {
      kind: v.kind,
      ...(anySection || !v.reasons.trim() ? { reasonSections } : { reasons: v.reasons }),
      feeBasisSource: v.feeBasisSource,
      legalRemedy: v.legalRemedy,
      constructionCostCents: cost,
      deviations: v.deviations
        .filter((d) => d.text.trim() !== "" || d.legalBasis.trim() !== "")
        .map((d) => ({ text: d.text, legalBasis: d.legalBasis })),
      conditions: v.conditions
        .filter((c) => c.id !== "" || c.text.trim() !== "")
        .map((c) => ({
          id: c.id || null,
          kind: c.kind,
          text: c.text,
          legalBasis: c.legalBasis,
          reason: c.reason,
        })),
      documents: v.document.map((id) => ({ documentVersionId: id, stamp: v.stamp.includes(id) })),
    },
  };
}

/** The stored draft as editor values (what the form shows before anything was posted). */
export function valuesFromDraft(d: {
  version: number;
  kind: string;
  constructionCostCents: number | null;
  conditions: {
    id: string;
    kind: string;
    text: string;
    legalBasis: string | null;
    reason?: string | null;
    sourceLabel: string | null;
  }[];
  deviations: { text: string; legalBasis: string }[];
  documents: { documentVersionId: string; stamp: boolean }[];
  reasonSections?: ReasonTexts;
  feeBasisSource?: string | null;
  legalRemedy: string;
}): DecisionEditorValues {
  return {
    version: d.version,
    kind: d.kind,
    constructionCost:
      d.constructionCostCents === null
        ? ""
        : (d.constructionCostCents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2 }),
    conditions: d.conditions.map((c) => ({
      id: c.id,
      kind: c.kind,
      text: c.text,
      legalBasis: c.legalBasis ?? "",
      reason: c.reason ?? "",
      sourceLabel: c.sourceLabel ?? "",
    })),
    deviations: d.deviations.map((x) => ({ text: x.text, legalBasis: x.legalBasis })),
    document: d.documents.map((x) => x.documentVersionId),
    stamp: d.documents.filter((x) => x.stamp).map((x) => x.documentVersionId),
    reasonTexts: {
      sachverhalt: d.reasonSections?.sachverhalt ?? "",
      wuerdigung: d.reasonSections?.wuerdigung ?? "",
      nebenbestimmungen: d.reasonSections?.nebenbestimmungen ?? "",
      kosten: d.reasonSections?.kosten ?? "",
    },
    reasons: "",
    feeBasisSource: d.feeBasisSource ?? "",
    legalRemedy: d.legalRemedy,
  };
}
