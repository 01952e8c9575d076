import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { TextField } from "~/components/text-field";
import { newPasswordSchema } from "~/domain/accounts";
import { PASSWORD_MIN_LENGTH } from "~/domain/registration";
import { RESET_LINK_INVALID_MESSAGE, resetPassword, validResetToken } from "~/models/password-reset.server";
import { clientIp } from "~/utils/auth.server";
import { passwordWeakness } from "~/utils/password-strength.server";

export const meta: MetaFunction = () => [{ title: "Neues Passwort – Bauantrag" }];

/**
 * The link from the reset mail. Opening it only checks the token (mail scanners open links too);
 * the form's POST uses it up.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const account = await validResetToken(params.token ?? "");
  return {
    account: account ? { email: account.email } : null,
    invalid: account ? null : RESET_LINK_INVALID_MESSAGE,
    passwordMinLength: PASSWORD_MIN_LENGTH,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: newPasswordSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password", "confirm"] });
  const account = await validResetToken(params.token ?? "");
  if (!account) return submission.reply({ formErrors: [RESET_LINK_INVALID_MESSAGE] });
  const weakness = passwordWeakness(submission.value.password, [account.email, account.displayName]);
  if (weakness) {
    return submission.reply({ fieldErrors: { password: [weakness] }, hideFields: ["password", "confirm"] });
  }
  const result = await resetPassword(params.token ?? "", submission.value.password, {
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) return submission.reply({ formErrors: [result.message] });
  throw redirect("/anmelden?passwort=neu");
}

export default function NewPassword() {
  const { account, invalid, passwordMinLength } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "passwort-neu",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
    shouldValidate: "onSubmit",
  });
  const problem = form.errors?.[0] ?? invalid;
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Neues Passwort festlegen</h1>
      <div className="app-section app-stack">
        {problem ? (
          <Alert tone="danger" title="Zurücksetzen nicht möglich" id={form.errorId}>
            <p className="kern-body" data-testid="reset-error">
              {problem}
            </p>
            <p className="kern-body">
              <Link className="kern-link" to="/passwort-vergessen">
                Neuen Link anfordern
              </Link>
            </p>
          </Alert>
        ) : null}
        {account ? (
          <>
            <p className="kern-body kern-body--large">
              Legen Sie ein neues Passwort für {account.email} fest. Danach sind Sie auf allen Geräten
              abgemeldet und melden sich mit dem neuen Passwort an.
            </p>
            <Form method="post" {...getFormProps(form)} className="app-stack">
              <TextField
                id={fields.password.id}
                name={fields.password.name}
                type="password"
                label="Neues Passwort"
                hint={`Mindestens ${passwordMinLength} Zeichen und schwer zu erraten, z. B. mehrere ungewöhnliche Wörter.`}
                autoComplete="new-password"
                minLength={passwordMinLength}
                errors={fields.password.errors}
              />
              <TextField
                id={fields.confirm.id}
                name={fields.confirm.name}
                type="password"
                label="Neues Passwort wiederholen"
                autoComplete="new-password"
                errors={fields.confirm.errors}
              />
              <div>
                <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
                  <span className="kern-label">
                    {submitting ? "Wird gespeichert …" : "Passwort speichern"}
                  </span>
                </button>
              </div>
            </Form>
          </>
        ) : null}
      </div>
    </div>
  );
}
