import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { EmailField } from "~/components/text-field";
import { forgotPasswordSchema } from "~/domain/accounts";
import { RESET_TTL_MINUTES, requestPasswordReset } from "~/models/password-reset.server";
import { clientIp, getUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Passwort vergessen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/konto/sicherheit");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: forgotPasswordSchema });
  if (submission.status !== "success") {
    return { result: submission.reply(), sent: false, minutes: RESET_TTL_MINUTES };
  }
  const result = await requestPasswordReset(submission.value.email, {
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) {
    return {
      result: submission.reply({ formErrors: [result.message] }),
      sent: false,
      minutes: RESET_TTL_MINUTES,
    };
  }
  return { result: submission.reply({ resetForm: true }), sent: true, minutes: RESET_TTL_MINUTES };
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "passwort-vergessen",
    lastResult: data?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Passwort vergessen</h1>
      <p className="kern-body kern-body--large app-lead">
        Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, mit dem Sie ein neues
        Passwort festlegen.
      </p>
      <div className="app-section app-stack">
        {data?.sent ? (
          <Alert tone="success" title="E-Mail ist unterwegs" announce>
            <p className="kern-body" data-testid="reset-sent">
              Wenn es zu dieser Adresse ein Konto gibt, erhalten Sie in wenigen Minuten eine E-Mail mit einem
              Link. Er ist {data.minutes} Minuten gültig. Schauen Sie bitte auch im Spam-Ordner nach.
            </p>
          </Alert>
        ) : null}
        {form.errors ? (
          <Alert tone="danger" title="Anforderung nicht möglich" id={form.errorId}>
            <p className="kern-body">{form.errors[0]}</p>
          </Alert>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="app-stack">
          <EmailField field={fields.email} autoComplete="username" />
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
              <span className="kern-label">{submitting ? "Wird gesendet …" : "Link anfordern"}</span>
            </button>
          </div>
        </Form>
        <p className="kern-body">
          <Link className="kern-link" to="/anmelden">
            Zurück zur Anmeldung
          </Link>
        </p>
      </div>
    </div>
  );
}
