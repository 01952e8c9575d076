import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { toCompletenessBase } from "~/components/completeness-panel";
import { isConfirmed } from "~/components/confirm-action";
import { eventDetail, eventLabel } from "~/components/status";
import { openItemsOf } from "~/domain/completeness/open-items";
import { documentTypeLabel } from "~/domain/document-types";
import { formatBytes, formatDate } from "~/domain/format";
import { getBekanntgabeForMember } from "~/models/bekanntgabe.server";
import { getSubmittedSnapshotForMember, listCaseHistoryForMember } from "~/models/case-file.server";
import { commentAction, loadCaseComments } from "~/models/comment.server";
import { getDecidedDecision } from "~/models/decision.server";
import { completenessInputFor, getDraftForMember, readApplicationData } from "~/models/draft.server";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import {
  hasPendingInvitationTo,
  inviteMember,
  MEMBER_ROLE_LABELS,
  MEMBER_ROLES,
} from "~/models/member.server";
import { getOpenRequestForMember, openRequestItemsForMember } from "~/models/request.server";
import { readSnapshot } from "~/models/submission.server";
import { getConsentStatus, MANDATE_DECLARATION, OWNER_DECLARATION } from "~/models/submission-consent.server";
import { WITHDRAWABLE_STATUSES, withdrawApplication } from "~/models/withdrawal.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

/**
 * Loader and action of an application's page for its members (/antraege/:id): the draft's steps or
 * the submitted file with its generated documents, comments, members, withdrawal and history; the
 * action handles comments, invitations and the withdrawal. Membership is checked in every query.
 */

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

/** Files of the Bescheid; the decision section lists them. */
const DECISION_FILE_KINDS: ReadonlySet<string> = new Set(["BESCHEID", "APPROVED_PLAN", "XBAU_0205"]);

/** Success notices of the parties actions (antraege.$id.beteiligte.tsx redirects here with ?beteiligte=). */
const PARTIES_MESSAGES: Record<string, string> = {
  bestaetigt: "Sie haben den Antrag zur Einreichung bestätigt.",
  vollmacht: "Die Vollmacht ist erklärt; Sie können den Antrag jetzt einreichen.",
  zurueckgezogen: "Die Einladung ist zurückgezogen; der Link funktioniert nicht mehr.",
};

const GENERATED_KINDS: { kind: string; label: string }[] = [
  { kind: "RECEIPT", label: "Eingangsbestätigung (PDF)" },
  { kind: "XBAU_0200", label: "XBau-Nachricht baugenehmigung.antrag.0200 (XML)" },
];

export async function loadApplicationPage({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) {
    // Invited but not accepted yet: the invitation waits in "Meine Anträge" (issue 14).
    if (await hasPendingInvitationTo(user, params.id ?? "")) throw redirect("/antraege?einladung=offen");
    notFound(NOT_FOUND);
  }
  // Access is established above (membership); history and generated files of this application only.
  const [events, generated, openRequest, comments] = await Promise.all([
    listCaseHistoryForMember(user, view.id).then((events) => events ?? []),
    // Only the files the applicant side may read (audience CASE).
    view.editable ? Promise.resolve([]) : listGeneratedDocuments(user, view.id),
    view.editable ? Promise.resolve(null) : getOpenRequestForMember(user, view.id),
    // Comments start with the submission (the authority has nothing to talk about before).
    view.status === "DRAFT" ? Promise.resolve(null) : loadCaseComments(user, view.id),
  ]);
  const requestItems = view.editable ? null : await openRequestItemsForMember(user, view.id);
  const snapshot = readSnapshot(view.editable ? null : await getSubmittedSnapshotForMember(user, view.id));
  // Parties (issue 14): what a submission would rest on while a draft; the Bekanntgabe once decided.
  const [consent, bekanntgabe, decided] = await Promise.all([
    view.status === "DRAFT" ? getConsentStatus(user, view.id) : Promise.resolve(null),
    view.status === "DECIDED" ? getBekanntgabeForMember(user, view.id) : Promise.resolve(null),
    view.status === "DECIDED" ? getDecidedDecision(user, view.id) : Promise.resolve(null),
  ]);
  const url = new URL(request.url);
  const partiesCode = url.searchParams.get("beteiligte");
  return {
    application: {
      id: view.id,
      title: view.title,
      status: view.status,
      fileNumber: view.fileNumber,
      procedureType: view.procedureType,
      authority: view.authority.name,
      municipality: view.municipality?.name ?? null,
      submittedAt: view.submittedAt,
      updatedAt: view.updatedAt,
      editable: view.editable,
      withdrawable: (WITHDRAWABLE_STATUSES as readonly string[]).includes(view.status),
    },
    openRequest: openRequest
      ? { deadline: openRequest.deadline, items: openRequest.items.length, sentAt: openRequest.sentAt }
      : null,
    justAnswered: url.searchParams.get("nachgereicht") === "1",
    justWithdrawn: url.searchParams.get("zurueckgenommen") === "1" && view.status === "WITHDRAWN",
    comments,
    me: { id: user.id, role: view.myRole },
    members: view.members.map((m) => ({
      id: m.id,
      label: m.displayName ?? m.email,
      email: m.email,
      role: MEMBER_ROLE_LABELS[m.role] ?? m.role,
      pending: m.invitationState === "PENDING",
    })),
    documents: view.documents.map((d) => ({
      id: d.id,
      typeCode: d.typeCode,
      title: d.title || documentTypeLabel(d.typeCode),
      toBeSubmittedLater: d.toBeSubmittedLater && d.versions.length === 0,
      versions: d.versions.map((v) => ({
        id: v.id,
        versionNumber: v.versionNumber,
        filename: v.filename,
        size: formatBytes(v.sizeBytes),
        sha256: v.sha256,
        pageCount: v.pageCount,
        createdAt: v.createdAt,
        uploadedBy: v.uploadedBy,
      })),
    })),
    base: view.editable ? toCompletenessBase(completenessInputFor(view)) : null,
    data: snapshot ? readApplicationData(snapshot.data) : view.data,
    // One source (issue 14 item 5): the current completeness evaluation plus the open request.
    openItems: openItemsOf(
      view.status,
      completenessInputFor(view),
      requestItems ? { sentLabel: formatDate(requestItems.sentAt), items: requestItems.items } : null,
    ),
    generated: GENERATED_KINDS.map((g) => {
      const doc = generated.find((x) => x.kind === g.kind);
      return {
        kind: g.kind,
        label: g.label,
        doc: doc ? { id: doc.id, filename: doc.filename, size: formatBytes(Number(doc.sizeBytes)) } : null,
      };
    }),
    // Every generated file the page knows; the readiness poll reloads when another appears.
    generatedIds: generated.map((d) => d.id),
    // Everything else produced later (XBau messages of the review, …), oldest first; the decision's
    // files are shown in the decision section instead.
    moreGenerated: generated.filter(
      (d) => !GENERATED_KINDS.some((g) => g.kind === d.kind) && !DECISION_FILE_KINDS.has(d.kind),
    ),
    events: events.map((e) => ({
      id: String(e.id),
      label: eventLabel(e.type),
      detail: eventDetail(e.type, e.payload),
      actor: e.actor?.displayName ?? "System",
      createdAt: e.createdAt,
    })),
    justSubmitted: url.searchParams.get("eingereicht") === "1",
    // The validity runs from the Bekanntgabe (shown in the Bekanntgabe section), not from the decision date.
    decision: decided ? { ...decided, validUntil: null } : null,
    version: view.version,
    consent,
    declarations: { owner: OWNER_DECLARATION, mandate: MANDATE_DECLARATION },
    bekanntgabe,
    partiesMessage: partiesCode && partiesCode in PARTIES_MESSAGES ? PARTIES_MESSAGES[partiesCode] : null,
    roleOptions: MEMBER_ROLES.map((r) => ({ value: r, label: MEMBER_ROLE_LABELS[r] })),
  };
}

export async function applicationPageAction({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  const commented = await commentAction(user, params.id ?? "", form);
  if (commented) return commented;
  if (form.get("intent") === "withdraw") {
    // Irreversible: only from the confirmation page (antraege.$id.zuruecknehmen.tsx); a bare post
    // is sent there first.
    if (!isConfirmed(form)) throw redirect(`/antraege/${params.id ?? ""}/zuruecknehmen`);
    const result = await withdrawApplication(user, params.id ?? "", {
      reason: String(form.get("reason") ?? ""),
    });
    if (result.ok) return redirect(`/antraege/${params.id}?zurueckgenommen=1`);
    return { invited: null, error: null, values: null, withdrawError: result.message };
  }
  const email = String(form.get("email") ?? "").trim();
  const role = String(form.get("role") ?? "");
  const result = await inviteMember(user, params.id ?? "", { email, role });
  if (result.ok) return { invited: email, error: null, values: null, withdrawError: null };
  return { invited: null, error: result.message, values: { email, role }, withdrawError: null };
}
