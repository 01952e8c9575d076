import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { DescriptionList } from "~/components/description-list";
import { formatDateLong } from "~/domain/format";
import { acceptInvitation, getInvitation } from "~/models/member.server";
import { normalizeEmail } from "~/models/user.server";
import { getUser, requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Einladung zu einem Bauantrag – Bauantrag" }];

/** The page carries a secret token: not for shared caches (the app already sends Referrer-Policy same-origin). */
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const [invitation, user] = await Promise.all([getInvitation(token), getUser(request)]);
  const here = new URL(request.url).pathname;
  if (!invitation) return { state: "invalid" as const, user: user ? { email: user.email } : null };
  const info = {
    applicationTitle: invitation.applicationTitle,
    authorityName: invitation.authorityName,
    invitedBy: invitation.invitedBy,
    email: invitation.email,
    roleLabel: invitation.roleLabel,
    expiresAt: invitation.expiresAt ? formatDateLong(invitation.expiresAt) : null,
  };
  if (invitation.expired)
    return { state: "expired" as const, info, user: user ? { email: user.email } : null };
  return {
    state: "open" as const,
    info,
    user: user ? { email: user.email, matches: normalizeEmail(user.email) === invitation.email } : null,
    loginHref: `/anmelden?${new URLSearchParams({ redirectTo: here })}`,
    registerHref: `/registrieren?${new URLSearchParams({ redirectTo: here, email: invitation.email })}`,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const result = await acceptInvitation(user, params.token ?? "");
  if (result.ok) throw redirect(`/antraege/${result.applicationId}`);
  return { message: result.message };
}

export default function Invitation() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";

  if (data.state === "invalid") {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Einladung</h1>
        <div className="app-section">
          <Alert tone="warning" title="Diese Einladung ist nicht mehr gültig">
            <p className="kern-body">
              Der Link ist ungültig oder die Einladung wurde bereits angenommen. Bitten Sie die Person, die
              Sie eingeladen hat, um eine neue Einladung.
            </p>
            {data.user ? (
              <p className="kern-body">
                <Link className="kern-link" to="/antraege">
                  Zu Ihren Anträgen
                </Link>
              </p>
            ) : null}
          </Alert>
        </div>
      </div>
    );
  }

  const { info } = data;
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Einladung zum Bauantrag</h1>
      <div className="app-section app-stack">
        <div data-testid="invitation-details">
          <DescriptionList
            items={[
              { label: "Vorhaben", value: info.applicationTitle },
              { label: "Zuständige Behörde", value: info.authorityName },
              ...(info.invitedBy ? [{ label: "Eingeladen von", value: info.invitedBy }] : []),
              { label: "Ihre Rolle", value: info.roleLabel },
              { label: "Eingeladene E-Mail-Adresse", value: info.email },
              ...(info.expiresAt ? [{ label: "Gültig bis", value: info.expiresAt }] : []),
            ]}
          />
        </div>

        {data.state === "expired" ? (
          <Alert tone="warning" title="Diese Einladung ist abgelaufen">
            <p className="kern-body">
              Bitten Sie die Person, die Sie eingeladen hat, um eine neue Einladung.
            </p>
          </Alert>
        ) : (
          <>
            {actionData?.message ? (
              <Alert tone="danger" title="Einladung konnte nicht angenommen werden">
                <p className="kern-body" data-testid="invitation-error">
                  {actionData.message}
                </p>
              </Alert>
            ) : null}
            {data.user ? (
              <>
                {data.user.matches ? null : (
                  <Alert tone="warning" title="Sie sind mit einer anderen E-Mail-Adresse angemeldet">
                    <p className="kern-body">
                      Sie sind als {data.user.email} angemeldet. Die Einladung gilt für {info.email}. Melden
                      Sie sich ab und mit dieser Adresse wieder an, um die Einladung anzunehmen.
                    </p>
                  </Alert>
                )}
                <Form method="post">
                  <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
                    <span className="kern-label">
                      {submitting ? "Wird angenommen …" : "Einladung annehmen"}
                    </span>
                  </button>
                </Form>
              </>
            ) : (
              <div className="app-stack">
                <p className="kern-body">
                  Um die Einladung anzunehmen, melden Sie sich mit der E-Mail-Adresse {info.email} an. Wenn
                  Sie noch kein Konto haben, legen Sie eines mit dieser Adresse an.
                </p>
                <p className="kern-body">
                  <Link className="kern-btn kern-btn--primary" to={data.loginHref}>
                    <span className="kern-label">Anmelden</span>
                  </Link>{" "}
                  <Link className="kern-btn kern-btn--secondary" to={data.registerHref}>
                    <span className="kern-label">Konto anlegen</span>
                  </Link>
                </p>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
