import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { getDraftForMember } from "~/models/draft.server";
import { WITHDRAWABLE_STATUSES, withdrawApplication } from "~/models/withdrawal.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

/**
 * "Antrag zurücknehmen" as its own page (issue 14 item 6): the reason is entered first, the next
 * post shows the confirmation page naming the consequences, only the confirmed post withdraws.
 * Works without JavaScript (plain form posts); "Zurück" returns to the filled form. Membership is
 * checked in every query (getDraftForMember, withdrawApplication).
 */

export const meta: MetaFunction = () => [{ title: "Antrag zurücknehmen – Bauantrag" }];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";
const MAX_REASON = 2000;

async function loadWithdrawable(request: Request, id: string) {
  const user = await requireUser(request);
  const view = await getDraftForMember(user, id);
  if (!view) notFound(NOT_FOUND);
  return {
    user,
    application: {
      id: view.id,
      title: view.title,
      fileNumber: view.fileNumber,
      authority: view.authority.name,
      withdrawable: (WITHDRAWABLE_STATUSES as readonly string[]).includes(view.status),
    },
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { application } = await loadWithdrawable(request, params.id ?? "");
  return { application };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = params.id ?? "";
  const { user, application } = await loadWithdrawable(request, id);
  const form = await request.formData();
  const reason = String(form.get("reason") ?? "");
  if (!application.withdrawable) {
    return {
      kind: "error" as const,
      message: "Dieser Antrag kann nicht (mehr) zurückgenommen werden.",
      reason,
    };
  }
  if (reason.trim().length > MAX_REASON) {
    return {
      kind: "error" as const,
      message: `Der Grund ist zu lang (höchstens ${MAX_REASON} Zeichen).`,
      reason,
    };
  }
  if (isCancelled(form)) return { kind: "back" as const, reason };
  if (!isConfirmed(form)) return { kind: "confirm" as const, fields: carriedFields(form), reason };
  const result = await withdrawApplication(user, id, { reason });
  if (result.ok) return redirect(`/antraege/${id}?zurueckgenommen=1`);
  return { kind: "error" as const, message: result.message, reason };
}

export default function WithdrawPage() {
  const { application } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const lead = `${application.title || "Antrag ohne Titel"}, Aktenzeichen ${application.fileNumber ?? "–"}`;

  if (posted?.kind === "confirm") {
    return (
      <>
        <PageHeader title="Antrag zurücknehmen?" lead={lead} />
        <ConfirmAction
          title="Bitte bestätigen Sie die Rücknahme des Antrags"
          intro="Die Rücknahme kann nicht rückgängig gemacht werden."
          consequences={[
            `Das Verfahren bei ${application.authority} endet; über den Antrag wird nicht mehr entschieden.`,
            "Die Bauaufsicht und alle Beteiligten werden benachrichtigt; die Rücknahme wird in der Akte vermerkt.",
            "Soll das Vorhaben doch verwirklicht werden, ist ein neuer Antrag nötig.",
          ]}
          confirmLabel="Ja, Antrag verbindlich zurücknehmen"
          fields={posted.fields}
          cancel={{ post: true, label: "Zurück" }}
        >
          {posted.reason.trim() ? (
            <p className="kern-body" data-testid="withdraw-reason">
              Grund: {posted.reason.trim()}
            </p>
          ) : null}
        </ConfirmAction>
      </>
    );
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/antraege/${application.id}`}>
          Zurück zum Antrag
        </Link>
      </p>
      <PageHeader title="Antrag zurücknehmen" lead={lead} />
      {posted?.kind === "error" ? (
        <Alert tone="danger" title="Nicht zurückgenommen" announce>
          <p className="kern-body" data-testid="withdraw-error">
            {posted.message}
          </p>
        </Alert>
      ) : null}
      {application.withdrawable ? (
        <Form method="post" className="app-form">
          <p className="kern-body">
            Mit der Rücknahme endet das Verfahren. Auf der nächsten Seite sehen Sie, was das bedeutet, und
            bestätigen die Rücknahme.
          </p>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="withdraw-reason">
              Grund (optional)
            </label>
            <textarea
              id="withdraw-reason"
              name="reason"
              className="kern-form-input__input"
              rows={3}
              maxLength={MAX_REASON}
              defaultValue={posted?.reason ?? ""}
            />
          </div>
          <div className="app-form-actions">
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-label">Weiter zur Bestätigung</span>
            </button>
          </div>
        </Form>
      ) : (
        <p className="kern-body">Dieser Antrag kann nicht (mehr) zurückgenommen werden.</p>
      )}
    </>
  );
}
