import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { ConfirmAction, carriedFields, isConfirmed } from "~/components/confirm-action";
import { findRevocableInvitation, MEMBER_ROLE_LABELS, revokeInvitation } from "~/models/member.server";
import { confirmAsOwner, declareMandate } from "~/models/submission-consent.server";
import { requireUser } from "~/utils/auth.server";

/**
 * Parties of an application (issue 14), posted from the case page /antraege/:id: the Bauherr
 * confirms the application for submission, the Entwurfsverfasser declares the Vollmacht, a member
 * withdraws an open invitation (irreversible, so through a confirmation page that names the
 * invited person; only the confirmed post withdraws). Success goes back to the case page with a notice; a refusal is
 * shown here with the way back (nothing typed is lost: the forms are a checkbox and a button).
 */

export const meta: MetaFunction = () => [{ title: "Beteiligte – Bauantrag" }];

// No redirect here: after a post Remix reloads this route's data, and a redirect would replace the
// confirmation page (or the refusal) with the case page. A direct visit shows the way back.
export async function loader(_args: LoaderFunctionArgs) {
  return null;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const declared = form.get("declared") === "on";
  if (intent === "confirm-owner") {
    const r = await confirmAsOwner(user, id, {
      declared,
      expectedVersion: Number(form.get("expectedVersion")),
    });
    if (r.ok) return redirect(`/antraege/${id}?beteiligte=bestaetigt`);
    return { message: r.message };
  }
  if (intent === "declare-mandate") {
    const r = await declareMandate(user, id, { declared });
    if (r.ok) return redirect(`/antraege/${id}?beteiligte=vollmacht`);
    return { message: r.message };
  }
  if (intent === "revoke-invitation") {
    const memberId = String(form.get("memberId") ?? "");
    if (!isConfirmed(form)) {
      const open = await findRevocableInvitation(user, id, memberId);
      if (!open.ok) return { message: open.message };
      return {
        confirm: { fields: carriedFields(form), email: open.email, roleLabel: MEMBER_ROLE_LABELS[open.role] },
      };
    }
    const r = await revokeInvitation(user, id, memberId);
    if (r.ok) return redirect(`/antraege/${id}?beteiligte=zurueckgezogen`);
    return { message: r.message };
  }
  return { message: "Diese Aktion gibt es nicht." };
}

export default function PartiesAction() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  if (data && "confirm" in data) {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Einladung zurückziehen?</h1>
        <ConfirmAction
          title="Bitte bestätigen Sie das Zurückziehen der Einladung"
          intro={`Einladung an ${data.confirm.email} (${data.confirm.roleLabel}).`}
          consequences={[
            "Der Einladungslink wird ungültig; die eingeladene Person kann den Antrag damit nicht mehr öffnen.",
            "Die Einladung verschwindet aus ihrer Liste und ihren Benachrichtigungen; das Zurückziehen wird im Verlauf vermerkt.",
            "Das lässt sich nicht rückgängig machen – soll die Person doch mitwirken, laden Sie sie neu ein.",
          ]}
          confirmLabel="Ja, Einladung zurückziehen"
          fields={data.confirm.fields}
          cancel={{ href: `/antraege/${id ?? ""}`, label: "Abbrechen" }}
        />
      </div>
    );
  }
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Beteiligte</h1>
      <div className="app-section">
        <Alert tone="danger" title="Nicht möglich" announce>
          <p className="kern-body" data-testid="parties-error">
            {data && "message" in data ? data.message : "Diese Aktion gibt es nicht."}
          </p>
        </Alert>
        <p className="kern-body">
          <Link className="kern-link" to={`/antraege/${id ?? ""}`}>
            Zurück zum Antrag
          </Link>
        </p>
      </div>
    </div>
  );
}
