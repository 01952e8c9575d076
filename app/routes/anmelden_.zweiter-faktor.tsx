import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { RecoveryCodes, TotpEnrollmentForm } from "~/components/account/totp";
import { Alert } from "~/components/alert";
import { TextField } from "~/components/text-field";
import { totpCodeSchema } from "~/domain/accounts";
import { rememberOidc } from "~/models/oidc.server";
import { recordSecurityEvent } from "~/models/security-event.server";
import {
  confirmEnrollment,
  groupedSecret,
  startEnrollmentOf,
  verifySecondFactor,
  WRONG_CODE_MESSAGE,
} from "~/models/totp.server";
import { clientIp, finishSignIn } from "~/utils/auth.server";
import {
  clearChallengeCookie,
  consumeChallenge,
  failChallenge,
  readChallenge,
} from "~/utils/login-challenge.server";
import { safeRedirect } from "~/utils/safe-redirect";

export const meta: MetaFunction = () => [{ title: "Zweiter Faktor – Bauantrag" }];

interface ActionResult {
  error: string | null;
  expired: boolean;
  recoveryCodes: string[] | null;
  next?: string;
}

const EXPIRED_MESSAGE = "Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.";
const TOO_MANY_MESSAGE = "Zu viele falsche Codes. Bitte melden Sie sich erneut an.";

/**
 * Second step of a sign-in (issue 17 item 3): the first factor (password or identity provider)
 * was right; no session exists yet. `verify`: enter a TOTP or recovery code. `enroll`: the
 * authority requires the factor and the account has none yet, so it is set up here first.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const found = await readChallenge(request);
  if (!found) throw redirect("/anmelden");
  const { challenge } = found;
  if (challenge.mode === "verify") return { mode: "verify" as const, enrollment: null };
  const e = await startEnrollmentOf(challenge.userId);
  return {
    mode: "enroll" as const,
    enrollment: { qrDataUrl: e.qrDataUrl, secret: groupedSecret(e.secret), sealed: e.sealed },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const meta = { ip: clientIp(context), userAgent: request.headers.get("User-Agent") };
  const found = await readChallenge(request);
  if (!found) return { error: EXPIRED_MESSAGE, expired: true, recoveryCodes: null };
  const { token, challenge } = found;
  const form = await request.formData();
  const parsed = totpCodeSchema.safeParse({ code: form.get("code") ?? "" });
  if (!parsed.success) {
    return {
      error: parsed.error.issues[0]?.message ?? WRONG_CODE_MESSAGE,
      expired: false,
      recoveryCodes: null,
    };
  }
  const code = parsed.data.code;

  if (challenge.mode === "enroll") {
    const result = await confirmEnrollment(challenge.userId, String(form.get("sealed") ?? ""), code, meta);
    if (!result.ok) return { error: result.message, expired: false, recoveryCodes: null };
    if (!(await consumeChallenge(token)))
      return { error: EXPIRED_MESSAGE, expired: true, recoveryCodes: null };
    const headers = new Headers();
    headers.append(
      "Set-Cookie",
      await finishSignIn(challenge.userId, `${challenge.method}+totp`, meta, rememberOidc(challenge.oidc)),
    );
    headers.append("Set-Cookie", await clearChallengeCookie());
    return data(
      {
        error: null,
        expired: false,
        recoveryCodes: result.recoveryCodes,
        next: safeRedirect(challenge.redirectTo, "/"),
      },
      { headers },
    );
  }

  const check = await verifySecondFactor(challenge.userId, code, meta);
  if (!check.ok) {
    await recordSecurityEvent({
      userId: challenge.userId,
      kind: "LOGIN_SECOND_FACTOR_FAILED",
      method: challenge.method,
      meta,
    });
    const stillOpen = await failChallenge(token);
    if (!stillOpen) {
      return data(
        { error: TOO_MANY_MESSAGE, expired: true, recoveryCodes: null },
        { headers: { "Set-Cookie": await clearChallengeCookie() } },
      );
    }
    return { error: WRONG_CODE_MESSAGE, expired: false, recoveryCodes: null };
  }
  if (!(await consumeChallenge(token))) return { error: EXPIRED_MESSAGE, expired: true, recoveryCodes: null };
  const headers = new Headers();
  headers.append(
    "Set-Cookie",
    await finishSignIn(
      challenge.userId,
      `${challenge.method}+${check.method}`,
      meta,
      rememberOidc(challenge.oidc),
    ),
  );
  headers.append("Set-Cookie", await clearChallengeCookie());
  throw redirect(safeRedirect(challenge.redirectTo, "/"), { headers });
}

export default function SecondFactor() {
  const { mode, enrollment } = useLoaderData<typeof loader>();
  // `data()` with headers is not inferred without the single-fetch type augmentation.
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const submitting = useNavigation().state === "submitting";

  if (result?.recoveryCodes) {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Zwei-Faktor-Anmeldung eingerichtet</h1>
        <div className="app-section app-stack">
          <Alert tone="success" title="Die Authenticator-App ist eingerichtet." announce />
          <RecoveryCodes codes={result.recoveryCodes} next={result.next ?? "/"} />
        </div>
      </div>
    );
  }
  if (result?.expired) {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Zweiter Faktor</h1>
        <div className="app-section app-stack">
          <Alert tone="danger" title="Anmeldung nicht möglich">
            <p className="kern-body" data-testid="second-factor-error">
              {result.error}
            </p>
          </Alert>
          <p className="kern-body">
            <Link className="kern-link" to="/anmelden">
              Zur Anmeldung
            </Link>
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">
        {mode === "enroll" ? "Zwei-Faktor-Anmeldung einrichten" : "Zweiter Faktor"}
      </h1>
      <p className="kern-body kern-body--large app-lead">
        {mode === "enroll"
          ? "Ihre Behörde verlangt für die Anmeldung einen zweiten Faktor. Richten Sie dazu jetzt eine Authenticator-App ein."
          : "Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein oder einen Ihrer Wiederherstellungscodes."}
      </p>
      <div className="app-section app-stack">
        {enrollment ? (
          <TotpEnrollmentForm {...enrollment} error={result?.error} submitting={submitting} />
        ) : (
          <Form method="post" className="app-stack">
            <input type="hidden" name="intent" value="verify" />
            <TextField
              id="second-factor-code"
              name="code"
              label="Code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              maxLength={12}
              errors={result?.error ? [result.error] : undefined}
            />
            <div>
              <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
                <span className="kern-label">{submitting ? "Wird geprüft …" : "Anmelden"}</span>
              </button>
            </div>
          </Form>
        )}
        <p className="kern-body">
          Gerät verloren und keine Wiederherstellungscodes? Die Administration Ihrer Behörde kann die
          Zwei-Faktor-Anmeldung zurücksetzen.
        </p>
      </div>
    </div>
  );
}
