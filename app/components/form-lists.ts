import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";

/**
 * Forms with lists of rows on Conform (browser and server): the field helpers every such schema
 * uses, and the server's reading of a post that may come from one of Conform's list buttons
 * (`form.insert`/`form.remove`). Without JavaScript such a button submits its intent as
 * `__intent__`; the server applies it like the browser would and answers with the changed rows,
 * nothing saved. Only the lists a form names may be changed, and only by insert/remove; a new
 * row's content is the form's, never the poster's.
 */

/** A text field: whatever was typed, "" when missing (so a parse never fails and nothing typed is lost). */
export const formText = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

/** A list field: Conform leaves holes for removed rows and gives one value as a string, several as a list. */
export const formList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x != null),
    z.array(item),
  );

/** A row added or removed by a list button, as the server applied it. */
export type ListChange<List extends string = string> = { type: "insert" | "remove"; list: List };

/** Conform's reserved field for its form controls (a list button's name). */
const CONFORM_INTENT = "__intent__";

function readListIntent<List extends string>(
  raw: FormDataEntryValue | null,
  newRows: Record<List, object>,
): { change: ListChange<List>; serialized: string } | null {
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
      payload: z.object({ name: z.string(), index: z.number().int().min(0).optional() }),
    })
    .safeParse(intent);
  if (!parsed.success || !Object.hasOwn(newRows, parsed.data.payload.name)) return null;
  const { type, payload } = parsed.data;
  const list = payload.name as List;
  if (type === "remove" && payload.index === undefined) return null;
  const serialized = JSON.stringify(
    type === "insert"
      ? { type, payload: { name: list, defaultValue: newRows[list] } }
      : { type, payload: { name: list, index: payload.index } },
  );
  return { change: { type, list }, serialized };
}

/**
 * The form as Conform may parse it: list entries with an index beyond `maxRows` are dropped (a
 * hostile `rows[999999999].text` cannot make the server build a huge sparse list), and a list
 * intent is kept only if it is one the form offers — Conform throws on a malformed one.
 */
function sanitized<List extends string>(
  form: FormData,
  newRows: Record<List, object>,
  maxRows: number,
): { form: FormData; change: ListChange<List> | null } {
  const out = new FormData();
  for (const [key, value] of form.entries()) {
    if (key === CONFORM_INTENT) continue;
    const indexes = [...key.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    if (indexes.every((i) => i < maxRows)) out.append(key, value);
  }
  const intent = readListIntent(form.get(CONFORM_INTENT), newRows);
  if (intent) out.set(CONFORM_INTENT, intent.serialized);
  return { form: out, change: intent?.change ?? null };
}

/**
 * Reads a posted form with its schema (which must accept anything: every field with a fallback),
 * applying a list button's intent. `change` says which list changed, if the post was such a button.
 */
export function readListSubmission<S extends z.ZodObject, List extends string & keyof z.infer<S>>(
  form: FormData,
  options: { schema: S; newRows: Record<List, object>; maxRows: number },
): { values: z.infer<S>; change: ListChange<List> | null } {
  const { schema, newRows, maxRows } = options;
  const clean = sanitized(form, newRows, maxRows);
  const submission = parseWithZod(clean.form, { schema, disableAutoCoercion: true });
  // A list intent leaves the status open (Conform validates only real submits): parse its payload.
  const parsed =
    submission.status === "success"
      ? { success: true as const, data: submission.value }
      : schema.safeParse(submission.payload);
  const values = (parsed.success ? parsed.data : schema.parse({})) as z.infer<S>;
  for (const list of Object.keys(newRows) as List[]) {
    const rows = values[list];
    if (Array.isArray(rows) && rows.length > maxRows) rows.length = maxRows;
  }
  return { values, change: clean.change };
}
