import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { TextField } from "~/components/text-field";
import {
  accountHasPassword,
  clearLinkCookie,
  confirmLink,
  continueOidcSignIn,
  readPendingLink,
} from "~/models/oidc.server";
import { clientIp } from "~/utils/auth.server";
import { oidcProvider } from "~/utils/oidc-config.server";

export const meta: MetaFunction = () => [{ title: "Konto verknüpfen – Bauantrag" }];

/**
 * First sign-in through a provider whose verified e-mail belongs to an existing account: linked
 * only when the person confirms with that account's password.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const found = await readPendingLink(request);
  if (!found) throw redirect("/anmelden");
  return {
    email: found.link.email,
    providerLabel: oidcProvider(found.link.provider)?.label ?? found.link.provider,
    hasPassword: await accountHasPassword(found.link.userId),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const meta = { ip: clientIp(context), userAgent: request.headers.get("User-Agent") };
  const found = await readPendingLink(request);
  if (!found)
    return { error: "Die Verknüpfung ist abgelaufen. Bitte melden Sie sich erneut an.", expired: true };
  const form = await request.formData();
  const password = String(form.get("password") ?? "");
  if (!password) return { error: "Bitte geben Sie das Passwort Ihres Kontos ein.", expired: false };
  const result = await confirmLink(found.token, password.slice(0, 1024), meta);
  if (!result.ok) return { error: result.message, expired: result.expired };
  const provider = oidcProvider(result.link.provider);
  if (!provider) return { error: "Diesen Anmeldedienst gibt es hier nicht mehr.", expired: true };
  const next = await continueOidcSignIn(
    result.link.userId,
    provider,
    result.link.idToken,
    result.link.redirectTo,
    meta,
  );
  const headers = new Headers();
  headers.append("Set-Cookie", await clearLinkCookie());
  for (const cookie of next.cookies) headers.append("Set-Cookie", cookie);
  throw redirect(next.location, { headers });
}

export default function LinkAccount() {
  const { email, providerLabel, hasPassword } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Konto verknüpfen</h1>
      <div className="app-section app-stack">
        <p className="kern-body kern-body--large">
          Für {email} gibt es schon ein Konto in Bauantrag. Wenn es Ihres ist, bestätigen Sie mit seinem
          Passwort, dass Sie sich künftig auch über „{providerLabel}“ anmelden.
        </p>
        {result?.error ? (
          <Alert tone="danger" title="Verknüpfung nicht möglich">
            <p className="kern-body" data-testid="link-error">
              {result.error}
            </p>
          </Alert>
        ) : null}
        {result?.expired ? (
          <p className="kern-body">
            <Link className="kern-link" to="/anmelden">
              Zur Anmeldung
            </Link>
          </p>
        ) : hasPassword ? (
          <Form method="post" className="app-stack">
            <TextField
              id="link-password"
              name="password"
              type="password"
              label="Passwort Ihres Kontos"
              autoComplete="current-password"
            />
            <div>
              <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
                <span className="kern-label">
                  {submitting ? "Wird geprüft …" : "Verknüpfen und anmelden"}
                </span>
              </button>
            </div>
          </Form>
        ) : (
          <p className="kern-body">
            Ihr Konto hat noch kein Passwort. Legen Sie über{" "}
            <Link className="kern-link" to="/passwort-vergessen">
              Passwort vergessen
            </Link>{" "}
            eines fest und melden Sie sich dann erneut über den Anmeldedienst an.
          </p>
        )}
      </div>
    </div>
  );
}
