import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { berlinDate, requestDeadlineFromDate } from "~/domain/deadlines";
import { DOCUMENT_TYPES } from "~/domain/document-types";
import { isUuid } from "~/models/application.server";
import { getCaseHeaderForClerk } from "~/models/case-file.server";
import {
  FINDING_CATEGORIES,
  getReviewProposal,
  previewConfirmComplete,
  sendRequest,
} from "~/models/review.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";
import { type ReviewRequestValues, readReviewRequest, requestedItems } from "./request-form";

/**
 * Loader and action of the formal review (/behoerde/faelle/:id/pruefung): the proposed findings,
 * the confirmation of completeness, and the Nachforderung — parsed once with the shared schema
 * (request-form.ts), confirmed on a second page, sent by the model with the parsed values.
 */

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";

export async function loadReviewPage({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const c = await getCaseHeaderForClerk(user.authorityId, id);
  if (!c) notFound(NOT_FOUND);
  const proposal = await getReviewProposal(user, id);
  const twoWeeks = new Date(Date.now() + 14 * 86_400_000);
  // "Vollständigkeit bestätigen" on the case page leads here: a page naming the consequences.
  const completion =
    new URL(request.url).searchParams.get("bestaetigen") === "vollstaendig"
      ? await previewConfirmComplete(user, id)
      : null;
  return {
    case: c,
    completion: completion
      ? {
          dueAt: completion.deadline?.dueAt ?? null,
          months: completion.deadline?.months ?? null,
          fiction: completion.deadline?.fiction ?? false,
          legalBasis: completion.deadline?.legalBasis ?? null,
        }
      : null,
    proposal: (proposal?.items ?? []).map((p) => ({
      category: p.category,
      message: p.message,
      ruleId: p.ruleId,
      documentTypeCode: p.documentTypeCode ?? "",
      fieldPath: p.fieldPath ?? "",
      legalBasis: p.legalBasis,
      source: p.source,
    })),
    defaultDeadline: berlinDate(twoWeeks),
    today: berlinDate(new Date()),
    categories: Object.entries(FINDING_CATEGORIES).map(([code, label]) => ({ code, label })),
    documentTypes: DOCUMENT_TYPES.map((d) => ({ code: d.code, label: d.shortLabel })),
  };
}

export type ReviewActionResult = {
  message: string;
  values: ReviewRequestValues;
  /** Changes with every answer, so the form takes the answered values as its new defaults. */
  nonce: number;
  confirm?: { fields: [string, string][]; items: string[]; deadline: string };
};

export async function reviewPageAction({
  request,
  params,
}: ActionFunctionArgs): Promise<ReviewActionResult | Response> {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  const form = await request.formData();
  const nonce = Date.now();
  const { values, change } = readReviewRequest(form);
  // A list button without JavaScript: the rows come back changed, nothing is sent.
  if (change) return { message: "", values, nonce };
  const deadline = requestDeadlineFromDate(values.deadline);
  if (!deadline) return { message: "Bitte geben Sie die Frist als Datum an.", values, nonce };
  if (isCancelled(form)) return { message: "", values, nonce };
  const items = requestedItems(values);
  // Irreversible: the first post shows what sending means; only the confirmation sends.
  if (!isConfirmed(form)) {
    if (items.length === 0) {
      return {
        message: "Bitte geben Sie mindestens einen Punkt an, der nachgefordert werden soll.",
        values,
        nonce,
      };
    }
    return {
      message: "",
      values,
      nonce,
      confirm: {
        fields: carriedFields(form),
        items: items.map((i) => i.message.trim()),
        deadline: deadline.toISOString(),
      },
    };
  }
  const result = await sendRequest(user, id, {
    items,
    message: values.message,
    internalNote: values.internalNote,
    bylawReference: values.bylawReference.trim() || null,
    deadline,
  });
  if (!result.ok) return { message: result.message, values, nonce };
  return redirect(`/behoerde/faelle/${id}?nachforderung=gesendet`);
}
