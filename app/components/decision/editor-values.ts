import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { REASON_SECTION_KEYS, type ReasonTexts } from "~/domain/decision-reasons";
import { parseEuroToCents } from "~/domain/fees";
import type { DraftChanges } from "~/models/decision.server";

/**
 * What the Bescheid editor posts, as one zod schema for browser and server (Conform's naming:
 * `conditions[0].text`, repeated `document`/`stamp`). Parsing never fails: the editor keeps
 * whatever was typed and shows it again; the model checks the parsed changes (kind, lengths,
 * versions) and answers in German. Row indexes are capped before parsing, so a hostile
 * `conditions[999999999].text` cannot make the server walk a huge sparse list.
 */

export const MAX_EDITOR_ROWS = 220;

const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());
/** Conform leaves holes for removed rows and gives one value as a string, several as a list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x != null),
    z.array(item),
  );

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

/** The editor's lists of rows: Conform's list intents (add/remove a row) may name only these. */
export const EDITOR_LISTS = ["conditions", "deviations"] as const;
export type EditorList = (typeof EDITOR_LISTS)[number];

/** What a new row holds (the add buttons carry it; the server fills it in when a post lacks it). */
export const NEW_ROWS = {
  conditions: { id: "", kind: "AUFLAGE", text: "", legalBasis: "", reason: "", sourceLabel: "" },
  deviations: { text: "", legalBasis: "" },
} satisfies Record<EditorList, object>;

/** A row added or removed by one of Conform's list buttons (`__intent__`), as the server applied it. */
export type ListChange = { type: "insert" | "remove"; list: EditorList };

/** Conform's reserved field for its form controls (a list button's name). */
const CONFORM_INTENT = "__intent__";

/**
 * The list button's intent if it is one the editor offers (insert/remove on a row list), with the
 * new row's shape fixed by the server; anything else (other controls, other fields, broken JSON)
 * is not a list change. Conform itself throws on a malformed or misdirected intent, so it only
 * ever sees the intents checked here.
 */
function readListIntent(raw: FormDataEntryValue | null): { change: ListChange; serialized: string } | null {
  if (typeof raw !== "string") return null;
  let intent: unknown;
  try {
    intent = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = z
    .object({
      type: z.enum(["insert", "remove"]),
      payload: z.object({ name: z.enum(EDITOR_LISTS), index: z.number().int().min(0).optional() }),
    })
    .safeParse(intent);
  if (!parsed.success) return null;
  const { type, payload } = parsed.data;
  if (type === "remove" && payload.index === undefined) return null;
  const serialized = JSON.stringify(
    type === "insert"
      ? { type, payload: { name: payload.name, defaultValue: NEW_ROWS[payload.name] } }
      : { type, payload: { name: payload.name, index: payload.index } },
  );
  return { change: { type, list: payload.name }, serialized };
}

/**
 * Drops list entries with an index beyond the editor's limit before Conform builds the lists, and
 * keeps a list intent only if the editor offers it.
 */
function sanitized(form: FormData): { form: FormData; change: ListChange | null } {
  const out = new FormData();
  for (const [key, value] of form.entries()) {
    if (key === CONFORM_INTENT) continue;
    const indexes = [...key.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    if (indexes.every((i) => i < MAX_EDITOR_ROWS)) out.append(key, value);
  }
  const intent = readListIntent(form.get(CONFORM_INTENT));
  if (intent) out.set(CONFORM_INTENT, intent.serialized);
  return { form: out, change: intent?.change ?? null };
}

/**
 * The posted editor, parsed by Conform with the shared schema. A list button's post (no
 * JavaScript) comes back with the row already added or removed, like the browser does it itself
 * with JavaScript.
 */
export function readEditorSubmission(form: FormData): {
  values: DecisionEditorValues;
  change: ListChange | null;
} {
  const clean = sanitized(form);
  const submission = parseWithZod(clean.form, { schema: decisionEditorSchema, disableAutoCoercion: true });
  if (submission.status === "success") return { values: submission.value, change: clean.change };
  // A list intent leaves the status open (Conform only validates real submits): parse its payload.
  const values = decisionEditorSchema.safeParse(submission.payload);
  // Unreachable with the schema above (every field has a fallback); keep the editor usable anyway.
  return { values: values.success ? values.data : decisionEditorSchema.parse({}), change: clean.change };
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
