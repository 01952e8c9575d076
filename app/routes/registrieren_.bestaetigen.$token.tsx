import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import {
  CONFIRMATION_INVALID_MESSAGE,
  confirmRegistration,
  pendingRegistration,
} from "~/models/registration.server";
import { clientIp } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Konto bestätigen – Bauantrag" }];

/**
 * The link from the registration mail (`registrieren_`: not nested in the form page's layout). Opening it only shows the confirmation (mail scanners and
 * link previews open links too); the button's POST creates the account and signs the user in.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const pending = await pendingRegistration(params.token ?? "");
  // The message travels in the data: *.server modules are empty in the browser bundle.
  return { pending, invalid: pending ? null : CONFIRMATION_INVALID_MESSAGE };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await confirmRegistration(params.token ?? "", {
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) return { message: result.message };
  throw redirect(result.redirectTo, { headers: { "Set-Cookie": result.setCookie } });
}

export default function ConfirmRegistration() {
  const { pending, invalid } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const problem = failed?.message ?? invalid;
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Konto bestätigen</h1>
      <div className="app-section app-stack">
        {problem ? (
          <Alert tone="danger" title="Bestätigung nicht möglich">
            <p className="kern-body" data-testid="confirm-error">
              {problem}
            </p>
            <p className="kern-body">
              <Link className="kern-link" to="/registrieren">
                Konto anlegen
              </Link>{" "}
              ·{" "}
              <Link className="kern-link" to="/anmelden">
                Anmelden
              </Link>
            </p>
          </Alert>
        ) : pending ? (
          <>
            <p className="kern-body kern-body--large">
              Guten Tag {pending.displayName}, bestätigen Sie hier Ihr Konto für {pending.email}.
            </p>
            <Form method="post">
              <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
                <span className="kern-label">{submitting ? "Konto wird angelegt …" : "Konto anlegen"}</span>
              </button>
            </Form>
          </>
        ) : null}
      </div>
    </div>
  );
}
