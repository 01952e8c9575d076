import { type EvaluateInput, evaluateCompleteness } from "./evaluate";

/**
 * The open items of a submitted case, from one source (issue 14 item 5): what the completeness
 * evaluation of the *current* documents still lists as "wird nachgereicht", plus what the
 * authority requested in an open Nachforderung and the applicant side has not answered yet. An item
 * closes when it is fulfilled (a file for the document, an answer or a new version for the request
 * item); a decided, withdrawn or deemed-withdrawn case has none. Drafts are not covered here: what
 * blocks their submission is the completeness panel's job.
 */

export const CLOSED_STATUSES: readonly string[] = ["DECIDED", "WITHDRAWN", "DEEMED_WITHDRAWN"];

export interface OpenRequestItem {
  id: string;
  position: number;
  message: string;
  categoryLabel: string;
  documentTypeCode: string | null;
  /** Answered in writing, or a new version of its document uploaded since the request was sent. */
  fulfilled: boolean;
}

export interface OpenItem {
  key: string;
  source: "completeness" | "request";
  message: string;
  /** Legal basis of the completeness rule, or "Nachforderung vom …" for a request item. */
  basis: string;
  documentTypeCodes: string[];
}

export function openItemsOf(
  status: string,
  completeness: EvaluateInput,
  request: { sentLabel: string; items: OpenRequestItem[] } | null = null,
): OpenItem[] {
  if (status === "DRAFT" || CLOSED_STATUSES.includes(status)) return [];
  const fromCompleteness: OpenItem[] = evaluateCompleteness(completeness).openItems.map((f) => ({
    key: `rule-${f.ruleId}`,
    source: "completeness",
    message: f.message,
    basis: f.legalBasis,
    documentTypeCodes: [...(f.documentTypeCodes ?? [])],
  }));
  const listedCodes = new Set(fromCompleteness.flatMap((i) => i.documentTypeCodes));
  const fromRequest: OpenItem[] = (request?.items ?? [])
    // A request for a document already listed above is the same open item, not a second one.
    .filter((i) => !i.fulfilled && !(i.documentTypeCode && listedCodes.has(i.documentTypeCode)))
    .map((i) => ({
      key: `request-${i.id}`,
      source: "request",
      message: `${i.categoryLabel}: ${i.message}`,
      basis: `Nachforderung vom ${request?.sentLabel ?? ""}, Punkt ${i.position}`,
      documentTypeCodes: i.documentTypeCode ? [i.documentTypeCode] : [],
    }));
  return [...fromCompleteness, ...fromRequest];
}
