import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { isConfirmed } from "~/components/confirm-action";
import type { ListChange } from "~/components/form-lists";
import { isUuid } from "~/models/application.server";
import {
  approve,
  decide,
  getDecidedDecision,
  getDecisionForClerk,
  openDraft,
  submitForApproval,
  updateDraft,
} from "~/models/decision.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";
import {
  type DecisionEditorValues,
  type EditorList,
  readEditorSubmission,
  toDraftChanges,
} from "./editor-values";

/**
 * Loader and action of the Bescheid page (/behoerde/faelle/:id/bescheid): who may decide, the
 * draft with everything the editor shows, and the editor's intents. The editor's values are parsed
 * once (editor-values.ts) and kept whatever happens, so nothing typed is lost on a refusal.
 */

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";

export async function loadDecisionPage({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "decide:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const view = await getDecisionForClerk(user, id);
  const decided = view.decision?.status === "DECIDED" ? await getDecidedDecision(user, id) : null;
  return { me: user.id, ...view, decided };
}

export type DecisionActionResult = {
  message?: string;
  tone?: "danger" | "info";
  values?: DecisionEditorValues;
  nonce: number;
};

const ROW_NOTICES: Record<EditorList, Record<ListChange["type"], string>> = {
  conditions: {
    insert: "Neue Nebenbestimmung eingefügt (noch nicht gespeichert).",
    remove: "Nebenbestimmung entfernt (noch nicht gespeichert).",
  },
  deviations: {
    insert: "Neue Abweichung eingefügt (noch nicht gespeichert).",
    remove: "Abweichung entfernt (noch nicht gespeichert).",
  },
};

export async function decisionPageAction({
  request,
  params,
}: ActionFunctionArgs): Promise<DecisionActionResult | Response> {
  const user = await requireAuthorityPermission(request, "decide:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const nonce = Date.now();
  const here = `/behoerde/faelle/${id}/bescheid`;

  if (intent === "open") {
    const r = await openDraft(user, id);
    if (!r.ok) return { message: r.message, nonce };
    return redirect(here);
  }

  const view = await getDecisionForClerk(user, id);
  const decision = view.decision;
  if (!decision) return { message: "Es gibt noch keinen Entwurf. Bitte legen Sie ihn zuerst an.", nonce };

  if (intent === "approve") {
    const r = await approve(user, decision.id, Number(form.get("version")));
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?freigegeben=1`);
  }
  if (intent === "decide") {
    // Irreversible: only the confirmation page's button (bestaetigt=ja) decides; a bare post is
    // sent to that page first (issue 14 item 6).
    if (!isConfirmed(form)) return redirect(`${here}?erlassen=bestaetigen`);
    const r = await decide(user, decision.id, {
      confirmOpenParticipations: form.get("confirmOpenParticipations") === "on",
    });
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?erlassen=ok`);
  }

  // Everything else comes from the editor: its values are kept whatever happens.
  // A list button (Conform's intent, posted without JavaScript) answers with the changed rows.
  const { values, change } = readEditorSubmission(form);
  if (change) return { values, nonce, tone: "info", message: ROW_NOTICES[change.list][change.type] };
  if (intent === "recompute") {
    return { values, nonce, tone: "info", message: "Gebühr neu berechnet (noch nicht gespeichert)." };
  }

  if (intent !== "save" && intent !== "submit-approval" && intent !== "prepare-decide") {
    return { values, nonce, message: "Unbekannte Aktion." };
  }
  const parsed = toDraftChanges(values);
  if ("message" in parsed) return { values, nonce, message: parsed.message };
  const saved = await updateDraft(user, decision.id, values.version, parsed.changes);
  if (!saved.ok) {
    // A stale save keeps the input and moves to the current version: saving again overwrites knowingly.
    const version = saved.reason === "conflict" ? saved.currentVersion : values.version;
    return { values: { ...values, version }, nonce, message: saved.message };
  }
  if (intent === "submit-approval") {
    const r = await submitForApproval(user, decision.id, saved.version);
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?vorgelegt=1`);
  }
  if (intent === "prepare-decide") return redirect(`${here}?erlassen=bestaetigen`);
  return redirect(`${here}?gespeichert=1`);
}
