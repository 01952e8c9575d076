import { z } from "zod";
import { formList, formText, type ListChange, readListSubmission } from "~/components/form-lists";

/**
 * What the Nachforderung form of the formal review posts, as one zod schema for browser and
 * server (Conform's naming: `items[0].message`, `items[0].keep` = "on" when ticked). Parsing never
 * fails: the form keeps whatever was typed; the model checks the items, texts and deadline.
 */

export const MAX_REQUEST_ITEMS = 100;

const requestItem = z.object({
  /** An unticked checkbox posts nothing: not requested. */
  keep: z.preprocess((v) => v === "on" || v === true, z.boolean()),
  category: formText,
  message: formText,
  ruleId: formText,
  documentTypeCode: formText,
  fieldPath: formText,
});

export const reviewRequestSchema = z.object({
  items: formList(requestItem),
  message: formText,
  internalNote: formText,
  bylawReference: formText,
  deadline: formText,
});

export type ReviewRequestValues = z.infer<typeof reviewRequestSchema>;
export type RequestItemRow = ReviewRequestValues["items"][number];

/** A new finding: requested, "Unterlage fehlt" (05), to be written by the clerk. */
export const NEW_REQUEST_ITEM = {
  keep: true,
  category: "05",
  message: "",
  ruleId: "",
  documentTypeCode: "",
  fieldPath: "",
} satisfies RequestItemRow;

export const DEFAULT_REQUEST_MESSAGE =
  "Ihr Antrag ist noch nicht vollständig. Bitte reichen Sie die folgenden Punkte bis zur genannten Frist nach.";

/** The form before anything was posted: the proposed findings, one empty row, the default letter. */
export function initialRequest(
  proposal: Omit<RequestItemRow, "keep">[],
  defaultDeadline: string,
): ReviewRequestValues {
  return {
    items: [
      ...proposal.map((p) => ({
        keep: true,
        category: p.category,
        message: p.message,
        ruleId: p.ruleId,
        documentTypeCode: p.documentTypeCode,
        fieldPath: p.fieldPath,
      })),
      { ...NEW_REQUEST_ITEM },
    ],
    message: DEFAULT_REQUEST_MESSAGE,
    internalNote: "",
    bylawReference: "",
    deadline: defaultDeadline,
  };
}

/** The posted form; a list button's post (no JavaScript) comes back with the row added/removed. */
export function readReviewRequest(form: FormData): {
  values: ReviewRequestValues;
  change: ListChange<"items"> | null;
} {
  return readListSubmission(form, {
    schema: reviewRequestSchema,
    newRows: { items: NEW_REQUEST_ITEM },
    maxRows: MAX_REQUEST_ITEMS,
  });
}

/** The items the clerk wants requested (ticked and written), as the model takes them. */
export function requestedItems(values: ReviewRequestValues) {
  return values.items
    .filter((r) => r.keep && r.message.trim() !== "")
    .map((r) => ({
      category: r.category,
      message: r.message,
      ruleId: r.ruleId || null,
      documentTypeCode: r.documentTypeCode || null,
      fieldPath: r.fieldPath || null,
    }));
}
