import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { apiClientActorLabel } from "~/api/actor";
import { isConfirmed } from "~/components/confirm-action";
import { daysLeft, daysLeftLabel } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { formatBytes, formatDate } from "~/domain/format";
import { AKTE_EXPORT_KIND, getAkteExportState } from "~/models/akte-export.server";
import { isUuid } from "~/models/application.server";
import { getCaseFileForClerk, listCaseHistoryForClerk, listClerks } from "~/models/case-file.server";
import { commentAction, loadCaseComments } from "~/models/comment.server";
import {
  getDecisionFictionControls,
  sendReplacementNotice,
  setAssociationParticipation,
} from "~/models/decision-fiction.server";
import { readApplicationData } from "~/models/draft.server";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import { getRequestForClerk } from "~/models/request.server";
import { assignCase, confirmComplete, startReview } from "~/models/review.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * Loader and action of the clerk's case page (/behoerde/faelle/:id): the case file with its
 * deadlines, the latest Nachforderung and what changed since, documents, comments and history;
 * the action handles comments, assignment, starting the review and confirming completeness.
 */

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";

function deadlineInfo(at: Date | null, now: Date) {
  return at ? { at, label: daysLeftLabel(at, now), overdue: daysLeft(at, now) < 0 } : null;
}

/** A changed form value as the clerk reads it in the before/after table. */
function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "boolean") return v ? "ja" : "nein";
  if (typeof v === "string" || typeof v === "number") return String(v);
  return JSON.stringify(v);
}

type CaseFile = NonNullable<Awaited<ReturnType<typeof getCaseFileForClerk>>>;
type ClerkRequest = NonNullable<Awaited<ReturnType<typeof getRequestForClerk>>>;

function requestView(req: ClerkRequest) {
  return {
    id: req.id,
    status: req.status,
    message: req.message,
    internalNote: req.internalNote,
    bylawReference: req.bylawReference,
    deadline: req.deadline,
    sentAt: req.sentAt,
    answeredAt: req.answeredAt,
    items: req.items,
    changes: {
      fields: req.changes.fields.map((f) => ({
        path: f.path,
        before: displayValue(f.before),
        after: displayValue(f.after),
      })),
      documents: req.changes.documents,
    },
  };
}

function documentsView(c: CaseFile, newVersions: Set<string>) {
  return c.documents.map((d) => ({
    id: d.id,
    typeCode: d.typeCode,
    title: d.title || documentTypeLabel(d.typeCode),
    toBeSubmittedLater: d.toBeSubmittedLater,
    versions: d.versions.map((v) => ({
      id: v.id,
      versionNumber: v.versionNumber,
      filename: v.filename,
      mimeType: v.mimeType,
      size: formatBytes(Number(v.sizeBytes)),
      pageCount: v.pageCount,
      createdAt: v.createdAt,
      uploadedBy: v.uploadedBy.displayName,
      isNew: newVersions.has(v.id),
      checkStatus: v.checkStatus,
      checkMessage: v.checkMessage,
      archiveWarnings: v.archiveWarnings,
    })),
  }));
}

export async function loadCasePage({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  // The authority is part of the query: another tenant's case is never loaded, so it is a 404.
  const c = await getCaseFileForClerk(user.authorityId, id);
  if (!c) notFound(NOT_FOUND);
  const [events, clerks, comments, generated] = await Promise.all([
    listCaseHistoryForClerk(user.authorityId, c.id).then((events) => events ?? []),
    listClerks(user.authorityId),
    loadCaseComments(user, c.id),
    listGeneratedDocuments(user, c.id),
  ]);
  const latest = c.requests[0] ?? null;
  const req = latest ? await getRequestForClerk(user, c.id, latest.id) : null;
  // Versions that were not there when the latest request was sent are new (highlighted).
  const newVersions = new Set(
    req?.changes.documents.flatMap((d) => d.newVersions.map((v) => v.versionId)) ?? [],
  );
  const now = new Date();
  const akte = await getAkteExportState(user, c.id);
  return {
    me: user.id,
    case: {
      id: c.id,
      title: c.title,
      status: c.status,
      fileNumber: c.fileNumber,
      procedureType: c.procedureType,
      municipality: c.municipality?.name ?? null,
      submittedAt: c.submittedAt,
      intakeChannel: c.intakeChannel,
      completeAt: c.completeAt,
      withdrawnAt: c.withdrawnAt,
      assignedClerkId: c.assignedClerkId,
      createdBy: c.createdBy,
    },
    deadlines: {
      next: deadlineInfo(c.nextDeadlineAt, now),
      decision: deadlineInfo(c.decisionDueAt, now),
      request: latest && latest.status === "OPEN" ? deadlineInfo(latest.deadline, now) : null,
      // § 63 Abs. 2 Sätze 2-4 LBauO M-V as the Land profile sets them (app/models/decision-fiction.server.ts).
      fiction: await getDecisionFictionControls(user.authorityId, c.id, { now }),
    },
    latestRequest: req ? requestView(req) : null,
    members: c.members.map((m) => ({ role: m.role, name: m.user?.displayName ?? m.user?.email ?? "" })),
    data: readApplicationData(c.data),
    documents: documentsView(c, newVersions),
    events: events.map((e) => ({
      id: String(e.id),
      type: e.type,
      payload: e.payload,
      createdAt: e.createdAt,
      actor: e.actor?.displayName ?? apiClientActorLabel(e.payload) ?? "System",
    })),
    clerks,
    comments,
    // Akte exports have their own section (the newest one supersedes the others).
    generated: generated.filter((g) => g.kind !== AKTE_EXPORT_KIND),
    akte: akte ?? { latest: null, pending: false, failed: null, older: 0, exportIds: [] },
  };
}

export async function casePageAction({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  const form = await request.formData();
  const commented = await commentAction(user, id, form);
  if (commented) return commented;
  const intent = String(form.get("intent") ?? "");
  if (intent === "assign") {
    const to = String(form.get("clerkId") ?? "");
    const result = await assignCase(user, id, to === "" ? null : to);
    return result.ok ? { ok: true as const, message: "Zuständigkeit gespeichert." } : result;
  }
  if (intent === "start-review") {
    await startReview(user, id);
    return { ok: true as const, message: "Vollständigkeitsprüfung begonnen." };
  }
  if (intent === "association-participation") {
    const required = form.get("required") === "ja";
    const result = await setAssociationParticipation(user, id, required);
    if (!result.ok) return result;
    return {
      ok: true as const,
      message: required
        ? "Verbandsbeteiligung erforderlich vermerkt: Für diesen Fall läuft keine Entscheidungsfrist und keine Genehmigungsfiktion."
        : "Vermerk zur Verbandsbeteiligung aufgehoben: Die Entscheidungsfrist läuft wieder ab der Vollständigkeit.",
    };
  }
  if (intent === "replacement-notice") {
    // Irreversible (it ends the Genehmigungsfiktion): only from the confirmation page.
    if (!isConfirmed(form)) throw redirect(`/behoerde/faelle/${id}?bestaetigen=mitteilung-ersetzung#fristen`);
    const result = await sendReplacementNotice(user, id);
    if (!result.ok) return result;
    return {
      ok: true as const,
      message:
        "Mitteilung an Bauherr:in gesendet und in der Akte vermerkt: Die Genehmigung gilt nicht mehr nach Fristablauf als erteilt.",
    };
  }
  if (intent === "confirm-complete") {
    // Only from the confirmation page (issue 14 item 6); a bare post is sent there first.
    if (!isConfirmed(form)) throw redirect(`/behoerde/faelle/${id}/pruefung?bestaetigen=vollstaendig`);
    const result = await confirmComplete(user, id);
    if (!result.ok) return result;
    return {
      ok: true as const,
      message: result.decisionDueAt
        ? `Der Antrag ist vollständig. Entscheidung spätestens am ${formatDate(result.decisionDueAt)}.`
        : "Der Antrag ist vollständig. Für dieses Verfahren gilt keine gesetzliche Entscheidungsfrist.",
    };
  }
  return { ok: false as const, message: "Unbekannte Aktion." };
}
