import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Alert } from "~/components/alert";
import { RadioGroup, SelectField } from "~/components/form-fields";
import { EmailField, TextField } from "~/components/text-field";
import { LAENDER, LAND_NAMES } from "~/domain/application-data";
import { registrationSchema } from "~/domain/registration";
import { CONFIRMATION_TTL_HOURS, PASSWORD_MIN_LENGTH, registerUser } from "~/models/registration.server";
import { clientIp, getUser } from "~/utils/auth.server";
import { passwordWeakness } from "~/utils/password-strength.server";
import { safeRedirect } from "~/utils/safe-redirect";

export const meta: MetaFunction = () => [{ title: "Konto anlegen – Bauantrag" }];

const LAND_OPTIONS = LAENDER.map((l) => ({ value: l, label: LAND_NAMES[l] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"), "/");
  if (await getUser(request)) throw redirect(redirectTo);
  const email = url.searchParams.get("email");
  return {
    redirectTo: redirectTo === "/" ? "" : redirectTo,
    email: email && email.length <= 254 ? email : "",
    // Sent as data: *.server modules are empty in the browser bundle.
    passwordMinLength: PASSWORD_MIN_LENGTH,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: registrationSchema });
  if (submission.status !== "success") {
    return submission.reply({ hideFields: ["password"] });
  }
  const { password, displayName, email } = submission.value;
  const weakness = passwordWeakness(password, [displayName, email]);
  if (weakness) {
    return submission.reply({ fieldErrors: { password: [weakness] }, hideFields: ["password"] });
  }
  const result = await registerUser(submission.value, {
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) {
    return submission.reply({ formErrors: [result.message], hideFields: ["password"] });
  }
  // The same answer whether the address is new or already has an account (issue 11).
  return { sent: result.email, validHours: CONFIRMATION_TTL_HOURS };
}

export default function Register() {
  const { redirectTo, email, passwordMinLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const sent = actionData && "sent" in actionData ? actionData : null;
  const lastResult = actionData && !("sent" in actionData) ? actionData : undefined;
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "registrieren",
    lastResult,
    defaultValue: { email },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: registrationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  // After a failed attempt the password field starts empty again, as it does without JavaScript.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (lastResult) setAttempt((n) => n + 1);
  }, [lastResult]);
  const loginHref = redirectTo ? `/anmelden?${new URLSearchParams({ redirectTo })}` : "/anmelden";

  if (sent) return <ConfirmationSent email={sent.sent} validHours={sent.validHours} loginHref={loginHref} />;

  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Konto anlegen</h1>
      <p className="kern-body kern-body--large app-lead">
        Mit einem Konto stellen Sie Bauanträge online, laden Bauvorlagen hoch und verfolgen den Stand Ihres
        Verfahrens. Konten für Mitarbeitende von Behörden legt die Administration der Behörde an.
      </p>
      <div className="app-section app-stack">
        {form.errors ? (
          <Alert tone="danger" title="Konto konnte nicht angelegt werden" id={form.errorId}>
            <p className="kern-body" data-testid="register-error">
              {form.errors[0]}
            </p>
            <p className="kern-body">
              <Link className="kern-link" to={loginHref}>
                Zur Anmeldung
              </Link>
            </p>
          </Alert>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="app-stack">
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <TextField
            id={fields.displayName.id}
            name={fields.displayName.name}
            defaultValue={fields.displayName.initialValue}
            label="Vor- und Nachname"
            autoComplete="name"
            errors={fields.displayName.errors}
          />
          <EmailField field={fields.email} autoComplete="email" />
          <TextField
            key={`password-${attempt}`}
            id={fields.password.id}
            name={fields.password.name}
            type="password"
            label="Passwort"
            hint={`Mindestens ${passwordMinLength} Zeichen und schwer zu erraten, z. B. mehrere ungewöhnliche Wörter.`}
            autoComplete="new-password"
            minLength={passwordMinLength}
            errors={fields.password.errors}
          />
          <RadioGroup
            id={fields.role.id}
            name={fields.role.name}
            legend="Ich wirke mit als"
            defaultValue={fields.role.initialValue as string | undefined}
            errors={fields.role.errors}
            options={[
              { value: "APPLICANT", label: "Bauherr:in / Antragsteller:in" },
              { value: "ARCHITECT", label: "Entwurfsverfasser:in (Architekt:in, Ingenieur:in)" },
            ]}
          />
          <fieldset className="kern-fieldset app-field-group">
            <legend className="kern-title">Nur für Entwurfsverfasser:innen</legend>
            <div className="kern-fieldset__body app-stack">
              <TextField
                id={fields.chamberNumber.id}
                name={fields.chamberNumber.name}
                defaultValue={fields.chamberNumber.initialValue}
                label="Mitgliedsnummer der Kammer"
                hint="Architekten- oder Ingenieurkammer, z. B. AK-MV 1234."
                errors={fields.chamberNumber.errors}
              />
              <SelectField
                id={fields.chamberLand.id}
                name={fields.chamberLand.name}
                defaultValue={fields.chamberLand.initialValue as string | undefined}
                label="Land der Kammer"
                options={LAND_OPTIONS}
                errors={fields.chamberLand.errors}
              />
            </div>
          </fieldset>
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
              <span className="kern-label">{submitting ? "Konto wird angelegt …" : "Konto anlegen"}</span>
            </button>
          </div>
        </Form>
        <p className="kern-body">
          Sie haben schon ein Konto?{" "}
          <Link className="kern-link" to={loginHref}>
            Anmelden
          </Link>
        </p>
      </div>
    </div>
  );
}

/** After registering: the confirmation link went out (the same answer for a new or a known address). */
function ConfirmationSent({
  email,
  validHours,
  loginHref,
}: {
  email: string;
  validHours: number;
  loginHref: string;
}) {
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Bitte bestätigen Sie Ihre E-Mail-Adresse</h1>
      <div className="app-section app-stack">
        <Alert tone="success" title="E-Mail verschickt" announce>
          <p className="kern-body" data-testid="register-sent">
            Wir haben eine E-Mail an {email} geschickt. Öffnen Sie den Link darin, um Ihr Konto anzulegen. Der
            Link ist {validHours} Stunden gültig.
          </p>
        </Alert>
        <p className="kern-body">
          Keine E-Mail erhalten? Prüfen Sie den Spam-Ordner. Wenn Sie schon ein Konto haben,{" "}
          <Link className="kern-link" to={loginHref}>
            melden Sie sich an
          </Link>
          .
        </p>
      </div>
    </div>
  );
}
