import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { revokeInvitation } from "~/models/member.server";
import { confirmAsOwner, declareMandate } from "~/models/submission-consent.server";
import { requireUser } from "~/utils/auth.server";

/**
 * Parties of an application (issue 14), posted from the case page /antraege/:id: the Bauherr
 * confirms the application for submission, the Entwurfsverfasser declares the Vollmacht, a member
 * withdraws an open invitation. Success goes back to the case page with a notice; a refusal is
 * shown here with the way back (nothing typed is lost: the forms are a checkbox and a button).
 */

export const meta: MetaFunction = () => [{ title: "Beteiligte – Bauantrag" }];

export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/antraege/${params.id ?? ""}`);
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
    const r = await revokeInvitation(user, id, String(form.get("memberId") ?? ""));
    if (r.ok) return redirect(`/antraege/${id}?beteiligte=zurueckgezogen`);
    return { message: r.message };
  }
  return { message: "Diese Aktion gibt es nicht." };
}

export default function PartiesAction() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Beteiligte</h1>
      <div className="app-section">
        <Alert tone="danger" title="Nicht möglich" announce>
          <p className="kern-body" data-testid="parties-error">
            {data?.message ?? "Diese Aktion gibt es nicht."}
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
