import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SecurityHistoryTable } from "~/components/account/security-history";
import { RecoveryCodes, TotpEnrollmentForm } from "~/components/account/totp";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { totpCodeSchema } from "~/domain/accounts";
import { historyItems, securityHistoryOf } from "~/models/security-event.server";
import {
  accountSecurityOf,
  confirmEnrollment,
  disableTotp,
  groupedSecret,
  remainingRecoveryCodes,
  secondFactorRequired,
  startEnrollment,
} from "~/models/totp.server";
import { clientIp, requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Konto und Sicherheit – Bauantrag" }];

/**
 * The person's own account security (issue 17 items 3 and 4): the second factor (set up, switch
 * off where the authority does not require it), linked identity providers, and the security
 * history of the account.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const account = await accountSecurityOf(user.id);
  const [history, remaining] = await Promise.all([
    securityHistoryOf(user.id),
    remainingRecoveryCodes(user.id),
  ]);
  let enrollment: { qrDataUrl: string; secret: string; sealed: string } | null = null;
  if (!account.totpEnabledAt) {
    const e = await startEnrollment({ id: user.id, email: account.email });
    enrollment = { qrDataUrl: e.qrDataUrl, secret: groupedSecret(e.secret), sealed: e.sealed };
  }
  return {
    totpEnabledAt: account.totpEnabledAt?.toISOString() ?? null,
    totpRequired: secondFactorRequired(account),
    remainingRecoveryCodes: remaining,
    identities: account.identities.map((i) => ({
      provider: i.provider,
      createdAt: i.createdAt.toISOString(),
      lastUsedAt: i.lastUsedAt.toISOString(),
    })),
    enrollment,
    history: historyItems(history),
  };
}

type ActionResult =
  | { intent: "enroll"; error: string | null; recoveryCodes: string[] | null }
  | { intent: "disable"; error: string | null; recoveryCodes: null };

export async function action({ request, context }: ActionFunctionArgs): Promise<ActionResult> {
  const user = await requireUser(request);
  const meta = { ip: clientIp(context), userAgent: request.headers.get("User-Agent") };
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "enroll") {
    const parsed = totpCodeSchema.safeParse({ code: form.get("code") ?? "" });
    if (!parsed.success) {
      return {
        intent,
        error: parsed.error.issues[0]?.message ?? "Bitte geben Sie den Code ein.",
        recoveryCodes: null,
      };
    }
    const result = await confirmEnrollment(user.id, String(form.get("sealed") ?? ""), parsed.data.code, meta);
    if (!result.ok) return { intent, error: result.message, recoveryCodes: null };
    return { intent, error: null, recoveryCodes: result.recoveryCodes };
  }
  if (intent === "disable") {
    const result = await disableTotp(user.id, meta);
    return { intent, error: result.ok ? null : result.message, recoveryCodes: null };
  }
  return { intent: "disable", error: "Unbekannte Aktion.", recoveryCodes: null };
}

const dateFormat = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });

export default function AccountSecurity() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Konto und Sicherheit"
        lead="Zwei-Faktor-Anmeldung, verknüpfte Anmeldedienste und die Anmeldungen Ihres Kontos."
      />
      <section className="app-section app-stack" aria-labelledby="zwei-faktor">
        <h2 className="kern-heading-medium" id="zwei-faktor">
          Zwei-Faktor-Anmeldung
        </h2>
        {result?.intent === "enroll" && result.recoveryCodes ? (
          <>
            <Alert tone="success" title="Die Authenticator-App ist eingerichtet." announce />
            <RecoveryCodes codes={result.recoveryCodes} />
          </>
        ) : data.totpEnabledAt ? (
          <>
            <p className="kern-body" data-testid="totp-status">
              Eingerichtet seit {dateFormat.format(new Date(data.totpEnabledAt))}. Noch{" "}
              {data.remainingRecoveryCodes} Wiederherstellungscodes übrig.
            </p>
            {result?.intent === "disable" && result.error ? (
              <Alert tone="danger" title="Abschalten nicht möglich">
                <p className="kern-body">{result.error}</p>
              </Alert>
            ) : null}
            {data.totpRequired ? (
              <p className="kern-body">Ihre Behörde verlangt die Zwei-Faktor-Anmeldung.</p>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="disable" />
                <button type="submit" className="kern-btn kern-btn--secondary" disabled={submitting}>
                  <span className="kern-label">Zwei-Faktor-Anmeldung abschalten</span>
                </button>
              </Form>
            )}
          </>
        ) : data.enrollment ? (
          <>
            <p className="kern-body" data-testid="totp-status">
              Nicht eingerichtet.{" "}
              {data.totpRequired
                ? "Ihre Behörde verlangt sie; ohne sie ist die nächste Anmeldung nur mit Einrichtung möglich."
                : "Mit einer Authenticator-App schützen Sie Ihr Konto zusätzlich zum Passwort."}
            </p>
            <TotpEnrollmentForm
              {...data.enrollment}
              error={result?.intent === "enroll" ? result.error : null}
              submitting={submitting}
            />
          </>
        ) : null}
      </section>
      <section className="app-section app-stack" aria-labelledby="anmeldedienste">
        <h2 className="kern-heading-medium" id="anmeldedienste">
          Verknüpfte Anmeldedienste
        </h2>
        {data.identities.length === 0 ? (
          <p className="kern-body">Keine. Sie melden sich mit E-Mail-Adresse und Passwort an.</p>
        ) : (
          <ul className="kern-list" data-testid="identities">
            {data.identities.map((i) => (
              <li key={i.provider}>
                {i.provider}: verknüpft am {dateFormat.format(new Date(i.createdAt))}, zuletzt genutzt am{" "}
                {dateFormat.format(new Date(i.lastUsedAt))}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="app-section app-stack" aria-labelledby="verlauf">
        <h2 className="kern-heading-medium" id="verlauf">
          Sicherheitsverlauf
        </h2>
        <p className="kern-body">
          Anmeldungen und Änderungen an Ihrem Zugang. Der Ort wird nur ungefähr gespeichert (Netz und
          Browser). Wenn Sie einen Eintrag nicht kennen, ändern Sie Ihr Passwort.
        </p>
        <SecurityHistoryTable items={data.history} caption="Sicherheitsverlauf Ihres Kontos" />
      </section>
    </>
  );
}
