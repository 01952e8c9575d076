import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { statusLabel } from "~/components/status";
import { daysLeft, daysLeftLabel } from "~/domain/deadlines";
import {
  clerkDisplayName,
  getCaseHeaderForClerk,
  listAuthorityAndMunicipalities,
  listClerks,
} from "~/models/case-file.server";
import { INBOX_STATUSES, type InboxSort, isInboxSort, listInbox } from "~/models/inbox.server";
import { assignCase } from "~/models/review.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * Loader and action of the inbox (/behoerde/posteingang): the filters read from the query string
 * (unknown values fall back to "all"), one page of the authority's cases, and the assignment
 * posted from a row.
 */

const PAGE_SIZE = 25;

function readFilters(url: URL) {
  const get = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const due = get("frist");
  return {
    status: get("status"),
    procedureType: get("verfahren"),
    municipalityId: get("gemeinde"),
    assignedClerkId: get("zustaendig"),
    due: due === "overdue" || due === "week" ? (due as "overdue" | "week") : undefined,
    q: get("q"),
    sort: isInboxSort(get("sortierung")) ? (get("sortierung") as InboxSort) : "deadline",
    page: Math.max(1, Number.parseInt(get("seite") || "1", 10) || 1),
  };
}

export async function loadInbox({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const url = new URL(request.url);
  const f = readFilters(url);
  const assigned = f.assignedClerkId === "me" ? user.id : f.assignedClerkId;
  const [result, clerks, municipalities] = await Promise.all([
    listInbox(user, {
      status: f.status || undefined,
      procedureType: f.procedureType || undefined,
      municipalityId: f.municipalityId || undefined,
      assignedClerkId: assigned || undefined,
      due: f.due,
      q: f.q || undefined,
      sort: f.sort,
      page: f.page,
      pageSize: PAGE_SIZE,
    }),
    listClerks(user.authorityId),
    listAuthorityAndMunicipalities(user.authorityId),
  ]);
  const now = new Date();
  return {
    me: user.id,
    authorityName: user.authority?.name ?? "",
    filters: f,
    total: result.total,
    page: result.page,
    pageCount: Math.max(1, Math.ceil(result.total / result.pageSize)),
    rows: result.rows.map((r) => ({
      ...r,
      deadlineLabel: r.nextDeadlineAt ? daysLeftLabel(r.nextDeadlineAt, now) : null,
      overdue: r.nextDeadlineAt ? daysLeft(r.nextDeadlineAt, now) < 0 : false,
    })),
    clerks,
    municipalities,
    statuses: INBOX_STATUSES.map((value) => ({ value, label: statusLabel(value) })),
  };
}

/** Assignment from the list (plain form post per row): to oneself or to a clerk of the authority. */
export async function inboxAction({ request }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const form = await request.formData();
  if (form.get("intent") !== "assign") return { ok: false as const, message: "Unbekannte Aktion." };
  const caseId = String(form.get("caseId") ?? "");
  const to = String(form.get("clerkId") ?? "");
  const clerkId = to === "me" ? user.id : to === "" ? null : to;
  const result = await assignCase(user, caseId, clerkId);
  if (!result.ok) return { ok: false as const, message: result.message, caseId };
  const fileNumber = (await getCaseHeaderForClerk(user.authorityId, caseId))?.fileNumber ?? "";
  const name =
    clerkId === null
      ? null
      : clerkId === user.id
        ? "Ihnen"
        : ((await clerkDisplayName(user.authorityId, clerkId)) ?? "");
  return {
    ok: true as const,
    caseId,
    message: name
      ? `Der Fall ${fileNumber} ist ${name} zugewiesen.`
      : `Der Fall ${fileNumber} ist niemandem mehr zugewiesen.`,
  };
}
