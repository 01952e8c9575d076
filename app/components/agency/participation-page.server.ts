import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { CONFIRM_FIELD } from "~/components/confirm-action";
import { berlinDate } from "~/domain/deadlines";
import { MAX_CONDITIONS } from "~/domain/statements";
import { agencyParticipationExists, getParticipationForAgency } from "~/models/agency-portal.server";
import { formatLimit } from "~/models/document.server";
import {
  type ConditionInput,
  readStatementForm,
  requestExtension,
  submitStatement,
} from "~/models/statement.server";
import { env } from "~/utils/env.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";
import type {
  ExtensionActionData,
  ParticipationActionData,
  StatementActionData,
  StatementConfirmData,
} from "./participation-page-types";
import { parseExtensionRequest, parseStatementForm, readStatementDraft } from "./statement-schema";

/**
 * Loader and action of an agency's participation page (/beteiligung/:id): the request with the
 * released documents, the statement form (with its no-JavaScript row intents and attachments) and
 * the extension request. The agency is part of every query, so a foreign participation is a 404.
 */

const NOT_FOUND = "Diese Beteiligung gibt es nicht oder sie ist nicht an Ihre Fachstelle gerichtet.";

export async function loadParticipationPage({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:participation:assigned");
  // The agency is part of every query: another agency's participation is never loaded (404).
  const participation = await getParticipationForAgency(user, params.id ?? "");
  if (!participation) notFound(NOT_FOUND);
  return {
    participation,
    maxUploadLabel: formatLimit(env().UPLOAD_MAX_BYTES),
    // The earliest date an extension may name: the day after the current deadline (Berlin).
    minExtensionDate: berlinDate(new Date(new Date(participation.deadline).getTime() + 86_400_000)),
  };
}

export async function participationPageAction({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "write:statement:assigned");
  const id = params.id ?? "";
  // Before reading any body: a foreign participation is a 404 and its upload is never staged.
  if (!(await agencyParticipationExists(user, id))) notFound(NOT_FOUND);
  const nonce = Date.now();
  // The extension form is url-encoded; only the statement form carries files (multipart).
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return extensionAction(user, id, request, nonce);
  }
  return statementAction(user, id, request, nonce);
}

type AgencyUser = Awaited<ReturnType<typeof requireAuthorityPermission>>;

async function extensionAction(
  user: AgencyUser,
  id: string,
  request: Request,
  nonce: number,
): Promise<Response | ParticipationActionData> {
  const formData = await request.formData();
  if (formData.get("intent") !== "request-extension") notFound();
  const submission = parseExtensionRequest(formData);
  const typed = (name: string) => {
    const v = submission.payload[name];
    return typeof v === "string" ? v : "";
  };
  const values = { until: typed("until"), reason: typed("reason") };
  if (submission.status !== "success") {
    const reply = submission.reply();
    return {
      form: "extension",
      values,
      errors: firstErrors(reply.error),
      lastResult: reply,
      message: null,
      nonce,
    } satisfies ExtensionActionData;
  }
  const r = await requestExtension(user, id, submission.value);
  if (r.ok) return redirect(`/beteiligung/${id}?verlaengerung=beantragt`);
  if (r.status === 404) notFound(NOT_FOUND);
  return {
    form: "extension",
    values,
    errors: "errors" in r ? r.errors : {},
    message: "message" in r ? r.message : null,
    nonce,
  } satisfies ExtensionActionData;
}

/** Conform's errors (name → messages) as the page's one message per field. */
function firstErrors(error: Record<string, string[] | null> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, messages] of Object.entries(error ?? {})) if (messages?.[0]) out[name] = messages[0];
  return out;
}

function applyRowIntent(rows: ConditionInput[], intent: string): ConditionInput[] {
  const list = rows.length > 0 ? [...rows] : [{ kind: "", text: "", legalBasis: "" }];
  if (intent === "add-condition")
    return list.length >= MAX_CONDITIONS ? list : [...list, { kind: "", text: "", legalBasis: "" }];
  const m = /^remove-condition-(\d+)$/.exec(intent);
  return m ? list.filter((_, i) => i !== Number(m[1])) : list;
}

async function statementAction(
  user: AgencyUser,
  id: string,
  request: Request,
  nonce: number,
): Promise<Response | ParticipationActionData> {
  const form = await readStatementForm(request);
  try {
    const intent = form.fields.intent ?? "submit-statement";
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    // The fields as typed, parsed by the shared schema (a Conform list button's intent applied).
    const { values, change } = readStatementDraft(body);
    if (change || intent === "add-condition" || intent.startsWith("remove-condition-")) {
      return {
        form: "statement",
        values: change ? values : { ...values, conditions: applyRowIntent(values.conditions, intent) },
        errors: {},
        message: null,
        filesDropped: form.attachments.length > 0 || form.attachmentErrors.length > 0,
        nonce,
      } satisfies StatementActionData;
    }
    if (form.attachmentErrors.length > 0) {
      return {
        form: "statement",
        values,
        errors: { attachments: form.attachmentErrors.join(" ") },
        message: "Bitte prüfen Sie die Anlagen und wählen Sie sie erneut aus.",
        filesDropped: true,
        nonce,
      } satisfies StatementActionData;
    }
    // Irreversible: the first post is checked and answered with the confirmation page (the
    // attachments are chosen there); "Zurück" returns the filled form; only the confirmed post
    // submits (issue 14 item 6).
    if (form.fields[CONFIRM_FIELD] === "nein") {
      return {
        form: "statement",
        values,
        errors: {},
        message: null,
        filesDropped: false,
        nonce,
      } satisfies StatementActionData;
    }
    const participation =
      form.fields[CONFIRM_FIELD] === "ja" ? null : await getParticipationForAgency(user, id);
    // A closed or answered participation skips the confirmation: submitStatement names the refusal.
    if (participation?.open) {
      const checked = parseStatementForm(body, participation.kind);
      if (checked.status !== "success") {
        const reply = checked.reply();
        return {
          form: "statement",
          values,
          errors: firstErrors(reply.error),
          lastResult: reply,
          message: "Bitte prüfen Sie die markierten Angaben.",
          filesDropped: form.attachments.length > 0,
          nonce,
        } satisfies StatementActionData;
      }
      const valid = checked.value;
      return {
        form: "confirm",
        kind: participation.kind,
        outcome: valid.outcome,
        reasons: valid.reasons,
        conditions: valid.conditions.map((c) => ({ kind: c.kind, text: c.text })),
        fields: Object.entries(form.fields).filter(([name]) => name !== CONFIRM_FIELD),
        nonce,
      } satisfies StatementConfirmData;
    }
    const r = await submitStatement(user, id, { ...values, attachments: form.attachments });
    if (r.ok) return redirect(`/beteiligung/${id}?stellungnahme=abgegeben`);
    if (r.status === 404) notFound(NOT_FOUND);
    return {
      form: "statement",
      values,
      errors: "errors" in r ? r.errors : {},
      message: "message" in r && r.message ? r.message : "Bitte prüfen Sie die markierten Angaben.",
      filesDropped: form.attachments.length > 0,
      nonce,
    } satisfies StatementActionData;
  } finally {
    await form.cleanup();
  }
}
