import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { SelectField } from "~/components/form-fields";
import { TextField } from "~/components/text-field";
import type { applicationPageAction, loadApplicationPage } from "./application-page.server";

/** The forms of an application's page: inviting the other side and withdrawing the application. */

/** The result of the invitation / withdrawal forms (comment forms report in their own section). */
function usePageActionData() {
  const data = useActionData<typeof applicationPageAction>();
  return data && "invited" in data ? data : null;
}

export function Members() {
  const { application, members, roleOptions } = useLoaderData<typeof loadApplicationPage>();
  const actionData = usePageActionData();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="app-section" aria-labelledby="beteiligte">
      <h2 className="kern-heading-medium" id="beteiligte">
        Beteiligte
      </h2>
      <ul className="kern-list" data-testid="members">
        {members.map((m) => (
          <li key={m.id} data-testid="member">
            {m.label} – {m.role}
            {m.pending ? ` (Einladung an ${m.email} offen)` : ""}
            {m.pending ? (
              <Form
                method="post"
                action={`/antraege/${application.id}/beteiligte`}
                className="app-inline-form"
              >
                <input type="hidden" name="intent" value="revoke-invitation" />
                <input type="hidden" name="memberId" value={m.id} />
                <button type="submit" className="kern-btn kern-btn--tertiary" disabled={busy}>
                  <span className="kern-label">
                    Einladung zurückziehen …<span className="kern-sr-only"> ({m.email})</span>
                  </span>
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {application.editable ? (
        <>
          <h3 className="kern-heading-small">Person einladen</h3>
          <p className="kern-body">
            Laden Sie die andere Seite ein (Bauherr:in bzw. Entwurfsverfasser:in). Die Person erhält einen
            Link per E-Mail und kann den Antrag danach sehen und bearbeiten.
          </p>
          {actionData?.invited ? (
            <Alert tone="success" title="Einladung verschickt">
              <p className="kern-body" data-testid="invite-success">
                Die Einladung an {actionData.invited} ist unterwegs.
              </p>
            </Alert>
          ) : null}
          <Form method="post" className="app-inline-form" key={actionData?.invited ?? "invite"}>
            <TextField
              id="invite-email"
              name="email"
              label="E-Mail-Adresse"
              type="email"
              autoComplete="off"
              inputMode="email"
              required
              defaultValue={actionData?.values?.email ?? ""}
              errors={actionData?.error ? [actionData.error] : undefined}
            />
            <SelectField
              id="invite-role"
              name="role"
              label="Rolle"
              placeholder="Rolle wählen"
              defaultValue={actionData?.values?.role ?? "BAUHERR"}
              options={roleOptions}
            />
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-icon kern-icon--mail" aria-hidden="true" />
              <span className="kern-label">Einladen</span>
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}

export function Withdraw() {
  const { application } = useLoaderData<typeof loadApplicationPage>();
  // Irreversible: its own page with a confirmation step (issue 14 item 6), also without JavaScript.
  return (
    <section className="app-section" aria-labelledby="ruecknahme">
      <h2 className="kern-heading-medium" id="ruecknahme">
        Antrag zurücknehmen
      </h2>
      <p className="kern-body">
        Mit der Rücknahme endet das Verfahren. Die Bauaufsicht wird benachrichtigt. Das lässt sich nicht
        rückgängig machen.
      </p>
      <Link className="kern-btn kern-btn--secondary" to={`/antraege/${application.id}/zuruecknehmen`}>
        <span className="kern-label">Antrag zurücknehmen …</span>
      </Link>
    </section>
  );
}
