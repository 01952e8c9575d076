import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { isConfirmed } from "~/components/confirm-action";
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
import { type DecisionEditorValues, readEditorValues, toDraftChanges } from "./editor-values";

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

type Row = "condition" | "deviation";
const ROW_NOTICES: Record<Row, { added: string; removed: string }> = {
  condition: {
    added: "Neue Nebenbestimmung eingefügt (noch nicht gespeichert).",
    removed: "Nebenbestimmung entfernt (noch nicht gespeichert).",
  },
  deviation: {
    added: "Neue Abweichung eingefügt (noch nicht gespeichert).",
    removed: "Abweichung entfernt (noch nicht gespeichert).",
  },
};

/** The no-JavaScript list intents (add/remove a row, recompute the fee): answered with the values. */
function listIntent(
  intent: string,
  values: DecisionEditorValues,
  nonce: number,
): DecisionActionResult | null {
  const info = (message: string): DecisionActionResult => ({ values, nonce, tone: "info", message });
  if (intent === "add-condition") {
    values.conditions.push({
      id: "",
      kind: "AUFLAGE",
      text: "",
      legalBasis: "",
      reason: "",
      sourceLabel: "",
    });
    return info(ROW_NOTICES.condition.added);
  }
  if (intent.startsWith("remove-condition-")) {
    const index = Number(intent.slice("remove-condition-".length));
    values.conditions = values.conditions.filter((_, i) => i !== index);
    return info(ROW_NOTICES.condition.removed);
  }
  if (intent === "add-deviation") {
    values.deviations.push({ text: "", legalBasis: "" });
    return info(ROW_NOTICES.deviation.added);
  }
  if (intent.startsWith("remove-deviation-")) {
    const index = Number(intent.slice("remove-deviation-".length));
    values.deviations = values.deviations.filter((_, i) => i !== index);
    return info(ROW_NOTICES.deviation.removed);
  }
  if (intent === "recompute") return info("Gebühr neu berechnet (noch nicht gespeichert).");
  return null;
}

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
  const values = readEditorValues(form);
  const listed = listIntent(intent, values, nonce);
  if (listed) return listed;

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
