import type { SubmissionResult } from "@conform-to/react";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { type ConfirmRequest, carriedFields, confirmStep, isConfirmed } from "~/components/confirm-action";
import { berlinDate } from "~/domain/deadlines";
import { PARTICIPATION_KIND_LABELS } from "~/domain/participation";
import { isUuid } from "~/models/application.server";
import { getCaseHeaderForClerk } from "~/models/case-file.server";
import {
  acceptConsentRefusal,
  checkConsentRefusal,
  checkConsentReplacement,
  checkExtensionDecision,
  closeParticipation,
  getParticipationBoard,
  getParticipationProposal,
  grantExtension,
  type ParticipationProposal,
  refuseExtension,
  replaceRefusedConsent,
  startParticipation,
} from "~/models/participation.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";
import { extensionConfirmation, refusalConfirmation, replacementConfirmation } from "./board-confirmations";
import { parseConsentRefusal, parseExtensionDecision, parseStartForm, readStartDraft } from "./forms";
import { applyDocsIntent, type Row, rowFor, rowFromForm } from "./start-rows";

/**
 * Loader and action of the clerk's participation page (/behoerde/faelle/:id/beteiligung): the
 * proposal and the board; the start form's intents (rows parsed by the shared zod schema, round
 * trips without JavaScript), the board's decisions on extension requests and refused consents, and
 * closing. Every irreversible step goes through its confirmation page first (issue 14 item 6): a
 * post without `bestaetigt=ja` runs the model's checks, writes nothing and answers with the page.
 */

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";

type Clerk = Awaited<ReturnType<typeof requireAuthorityPermission>>;

export async function loadBoardPage({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "request:participation:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const [proposal, board] = await Promise.all([
    getParticipationProposal(user, id),
    getParticipationBoard(user, id),
  ]);
  if (!proposal || !board) notFound(NOT_FOUND);
  const url = new URL(request.url);
  return {
    proposal,
    board,
    today: berlinDate(new Date()),
    notice: url.searchParams.get("ok"),
    // "Beteiligung abschließen" is irreversible: its confirmation page (issue 14 item 6).
    confirmClose: url.searchParams.get("bestaetigen") === "abschliessen" && board.some((b) => !b.closedAt),
  };
}

/** One line of the "Beteiligung starten" confirmation page per chosen agency. */
export interface StartSummary {
  agency: string;
  kindLabel: string;
  deadline: string;
  documentCount: number;
  consequence: string;
}

/** What a board form's fields held, kept across a refusal or "Zurück" (keyed by the row's id). */
export interface BoardDraft {
  id: string;
  deadline?: string;
  note?: string;
  reasons?: string;
  heard?: boolean;
}

export interface BoardActionData {
  /** The start form's rows as posted (null: the form starts afresh). */
  rows: Row[] | null;
  /** A refusal of the start form as a whole. */
  message: string | null;
  /** A refusal of a board decision. */
  boardMessage: string | null;
  /** Conform's answer to the start form: field errors shown next to the fields. */
  lastResult?: SubmissionResult<string[]> | null;
  confirmStart?: { fields: [string, string][]; agencies: StartSummary[] };
  /** The confirmation page of a board decision. */
  confirm?: ConfirmRequest;
  draft?: BoardDraft;
  /** Re-keys the start form after every answer, so posted rows become its defaults. */
  nonce: number;
}

function answer(data: Partial<BoardActionData>): BoardActionData {
  return { rows: null, message: null, boardMessage: null, nonce: Date.now(), ...data };
}

function startSummary(rows: Row[], proposal: ParticipationProposal): StartSummary[] {
  const names = new Map<string, string>();
  for (const a of proposal.agencies) names.set(a.id, a.name);
  for (const s of proposal.suggestions) if (s.agency) names.set(s.agency.id, s.agency.name);
  return rows
    .filter((r) => r.keep)
    .map((r) => ({
      agency: names.get(r.agencyId) ?? "Unbekannte Stelle",
      kindLabel: PARTICIPATION_KIND_LABELS[r.kind] ?? r.kind,
      deadline: r.deadline,
      documentCount: r.documentVersionIds.length,
      consequence: proposal.consequences[r.kind] ?? "",
    }));
}

export async function boardPageAction({
  request,
  params,
}: ActionFunctionArgs): Promise<BoardActionData | Response> {
  const user = await requireAuthorityPermission(request, "request:participation:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  // Every intent is about this case: a case of another authority is "not found" before anything.
  const own = await getCaseHeaderForClerk(user.authorityId, id);
  if (!own) notFound(NOT_FOUND);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "grant" || intent === "refuse") return extensionAction(user, id, form);
  if (intent === "accept-refusal" || intent === "replace-consent") return refusalAction(user, id, form);
  if (intent === "close") {
    // Irreversible: a bare post is sent to the confirmation page first.
    if (!isConfirmed(form)) throw redirect(`/behoerde/faelle/${id}/beteiligung?bestaetigen=abschliessen`);
    const result = await closeParticipation(user, id);
    if (!result.ok) return answer({ boardMessage: result.message });
    return done(id, "abgeschlossen");
  }
  // The start form: its own buttons (add, docs-…, start) or a Conform list intent (remove a row).
  if (intent === "start") return startAction(user, id, form);
  if (intent === "add" || intent.startsWith("docs-") || form.has("__intent__")) {
    return startRoundTrip(user, id, form, intent);
  }
  return answer({ boardMessage: "Unbekannte Aktion." });
}

function done(id: string, ok: string) {
  return redirect(`/behoerde/faelle/${id}/beteiligung?ok=${ok}`);
}

async function proposalOf(user: Clerk, id: string): Promise<ParticipationProposal> {
  const proposal = await getParticipationProposal(user, id);
  if (!proposal) notFound(NOT_FOUND);
  return proposal;
}

/**
 * Without JavaScript: adding an agency, "Alle auswählen"/"Keine" of a row and removing a row are
 * round trips that keep everything typed so far; nothing is started.
 */
async function startRoundTrip(user: Clerk, id: string, form: FormData, intent: string) {
  const draft = readStartDraft(form);
  const posted = draft.rows.map(rowFromForm);
  if (intent === "add") {
    const added = rowFor(await proposalOf(user, id), draft.addAgencyId);
    if (added && !posted.some((r) => r.agencyId === added.agencyId)) posted.push(added);
  }
  if (intent.startsWith("docs-")) {
    return answer({ rows: applyDocsIntent(intent, posted, await proposalOf(user, id)) ?? posted });
  }
  return answer({ rows: posted });
}

/**
 * "Beteiligung starten" — irreversible (the documents go out, deadlines start): the first post is
 * checked and answered with the confirmation page, everything typed carried along; "Zurück"
 * returns the filled form; only the confirmed post starts.
 */
async function startAction(user: Clerk, id: string, form: FormData) {
  // A list button never posts intent=start: a forged list intent beside it is not Conform's to parse.
  form.delete("__intent__");
  const step = confirmStep(form);
  if (step === "back") return answer({ rows: readStartDraft(form).rows.map(rowFromForm) });
  const submission = parseStartForm(form);
  if (submission.status !== "success") {
    const reply = submission.reply();
    const { "": whole, rows: list } = reply.error ?? {};
    return answer({
      rows: readStartDraft(form).rows.map(rowFromForm),
      message: [...(whole ?? []), ...(list ?? [])].join(" ") || "Bitte prüfen Sie die markierten Angaben.",
      lastResult: reply,
    });
  }
  const rows = submission.value.rows.map(rowFromForm);
  const chosen = rows.filter((r) => r.keep);
  if (step === "ask") {
    const proposal = await proposalOf(user, id);
    return answer({
      rows,
      confirmStart: { fields: carriedFields(form), agencies: startSummary(rows, proposal) },
    });
  }
  const result = await startParticipation(
    user,
    id,
    chosen.map((r) => ({
      agencyId: r.agencyId,
      documentVersionIds: r.documentVersionIds,
      deadline: r.deadline,
      question: r.question,
      reason: r.reason,
      kind: r.kind,
    })),
  );
  if (!result.ok) return answer({ rows, message: result.message });
  return done(id, "gestartet");
}

/** "Fristverlängerung gewähren/ablehnen": checked, confirmed, then decided. */
async function extensionAction(user: Clerk, id: string, form: FormData) {
  const submission = parseExtensionDecision(form);
  if (submission.status !== "success") {
    const errors = Object.values(submission.reply().error ?? {}).flat();
    return answer({ boardMessage: errors.join(" ") || "Bitte prüfen Sie Ihre Angaben." });
  }
  const v = submission.value;
  const draft: BoardDraft = { id: v.extensionId, deadline: v.deadline ?? "", note: v.note };
  const step = confirmStep(form);
  if (step === "back") return answer({ draft });
  const decision = v.intent === "grant" ? "GRANTED" : "REFUSED";
  const input = { deadline: v.deadline ?? null, note: v.note };
  if (step === "ask") {
    const checked = await checkExtensionDecision(user, v.extensionId, decision, input);
    if (!checked.ok) return answer({ boardMessage: checked.message, draft });
    return answer({ draft, confirm: extensionConfirmation(v.intent, checked, carriedFields(form), v.note) });
  }
  const result =
    decision === "GRANTED"
      ? await grantExtension(user, v.extensionId, input)
      : await refuseExtension(user, v.extensionId, { note: v.note });
  if (!result.ok) return answer({ boardMessage: result.message, draft });
  return done(id, v.intent === "grant" ? "verlaengert" : "abgelehnt");
}

/** "Ablehnung vorschlagen" / "Einvernehmen ersetzen" after a refusal: checked, confirmed, recorded. */
async function refusalAction(user: Clerk, id: string, form: FormData) {
  const submission = parseConsentRefusal(form);
  if (submission.status !== "success") {
    const errors = Object.values(submission.reply().error ?? {}).flat();
    return answer({ boardMessage: errors.join(" ") || "Bitte prüfen Sie Ihre Angaben." });
  }
  const v = submission.value;
  const draft: BoardDraft = { id: v.participationId, reasons: v.reasons, heard: v.heard };
  const step = confirmStep(form);
  if (step === "back") return answer({ draft });
  if (v.intent === "accept-refusal") {
    if (step === "ask") {
      const checked = await checkConsentRefusal(user, v.participationId);
      if (!checked.ok) return answer({ boardMessage: checked.message });
      return answer({ confirm: refusalConfirmation(checked, carriedFields(form)) });
    }
    const result = await acceptConsentRefusal(user, v.participationId);
    if (!result.ok) return answer({ boardMessage: result.message });
    return done(id, "ablehnung");
  }
  const input = { reasons: v.reasons, heard: v.heard };
  if (step === "ask") {
    const checked = await checkConsentReplacement(user, v.participationId, input);
    if (!checked.ok) return answer({ boardMessage: checked.message, draft });
    return answer({
      draft,
      confirm: replacementConfirmation(checked, v.reasons.trim(), checked.legalBasis, carriedFields(form)),
    });
  }
  const result = await replaceRefusedConsent(user, v.participationId, input);
  if (!result.ok) return answer({ boardMessage: result.message, draft });
  return done(id, "ersetzt");
}
