import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { Alert } from "~/components/alert";
import { EmailField, TextField } from "~/components/text-field";
import { oidcErrorMessage } from "~/models/oidc.server";
import { clientIp, getUser, login, safeRedirect } from "~/utils/auth.server";
import { logger } from "~/utils/logger.server";
import { oidcProviders } from "~/utils/oidc-config.server";

export const meta: MetaFunction = () => [{ title: "Anmelden – Bauantrag" }];

const loginSchema = z.object({
  email: z
    .string({ error: "Bitte geben Sie Ihre E-Mail-Adresse ein." })
    .trim()
    .max(254, "Die E-Mail-Adresse ist zu lang.")
    .pipe(z.email("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")),
  password: z.string({ error: "Bitte geben Sie Ihr Passwort ein." }).max(1024, "Das Passwort ist zu lang."),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"), "/");
  if (await getUser(request)) throw redirect(redirectTo);
  let providers: { id: string; label: string }[] = [];
  try {
    providers = oidcProviders().map((p) => ({ id: p.id, label: p.label }));
  } catch (err) {
    // A broken OIDC_PROVIDERS must not take password sign-in down with it.
    logger.error({ err }, "OIDC_PROVIDERS invalid");
  }
  return {
    loggedOut: url.searchParams.get("abgemeldet") === "1",
    passwordChanged: url.searchParams.get("passwort") === "neu",
    providers,
    providerError: oidcErrorMessage(url.searchParams.get("oidc"), url.searchParams.get("anbieter")),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") {
    return submission.reply({ hideFields: ["password"] });
  }
  const result = await login({
    email: submission.value.email,
    password: submission.value.password,
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
    redirectTo: submission.value.redirectTo,
  });
  if (!result.ok) {
    return submission.reply({ formErrors: [result.message], hideFields: ["password"] });
  }
  if (result.next === "second-factor") {
    throw redirect("/anmelden/zweiter-faktor", { headers: { "Set-Cookie": result.setCookie } });
  }
  throw redirect(safeRedirect(submission.value.redirectTo, "/"), {
    headers: { "Set-Cookie": result.setCookie },
  });
}

export default function Login() {
  const { loggedOut, passwordChanged, providers, providerError } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "anmelden",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const redirectTo = searchParams.get("redirectTo") ?? "";
  // After a failed attempt the password field starts empty again, as it does without JavaScript.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (lastResult) setAttempt((n) => n + 1);
  }, [lastResult]);

  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Anmelden</h1>
      <p className="kern-body kern-body--large app-lead">
        Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an, um Bauanträge zu stellen oder zu
        bearbeiten.
      </p>
      <div className="app-section app-stack">
        {loggedOut && !form.errors ? (
          <Alert tone="success" title="Sie haben sich abgemeldet." announce />
        ) : null}
        {passwordChanged && !form.errors ? (
          <Alert tone="success" title="Ihr neues Passwort ist gespeichert." announce>
            <p className="kern-body" data-testid="password-changed">
              Sie wurden auf allen Geräten abgemeldet. Bitte melden Sie sich mit dem neuen Passwort an.
            </p>
          </Alert>
        ) : null}
        {providerError && !form.errors ? (
          <Alert tone="danger" title="Anmeldung über den Anmeldedienst nicht möglich">
            <p className="kern-body" data-testid="oidc-error">
              {providerError}
            </p>
          </Alert>
        ) : null}
        {providers.length > 0 ? (
          <div className="app-stack">
            {providers.map((p) => (
              <div key={p.id}>
                <a
                  className="kern-btn kern-btn--secondary"
                  href={`/anmelden/oidc/${p.id}${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`}
                >
                  <span className="kern-label">Anmelden mit {p.label}</span>
                </a>
              </div>
            ))}
            <p className="kern-body">oder mit E-Mail-Adresse und Passwort:</p>
          </div>
        ) : null}
        {form.errors ? (
          <Alert tone="danger" title="Anmeldung nicht möglich" id={form.errorId}>
            <p className="kern-body" data-testid="login-error">
              {form.errors[0]}
            </p>
          </Alert>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="app-stack">
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <EmailField field={fields.email} autoComplete="username" />
          <TextField
            key={`password-${attempt}`}
            id={fields.password.id}
            name={fields.password.name}
            type="password"
            label="Passwort"
            autoComplete="current-password"
            errors={fields.password.errors}
          />
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
              <span className="kern-label">{submitting ? "Anmeldung läuft …" : "Anmelden"}</span>
            </button>
          </div>
        </Form>
        <p className="kern-body">
          <Link className="kern-link" to="/passwort-vergessen">
            Passwort vergessen?
          </Link>
        </p>
        <p className="kern-body">
          Noch kein Konto?{" "}
          <Link
            className="kern-link"
            to={redirectTo ? `/registrieren?${new URLSearchParams({ redirectTo })}` : "/registrieren"}
          >
            Konto anlegen
          </Link>
        </p>
      </div>
    </div>
  );
}
