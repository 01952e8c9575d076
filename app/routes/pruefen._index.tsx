import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { TextField } from "~/components/text-field";
import { normalizeVerificationCode } from "~/domain/issued-documents";

/** Entry to the public check: the Prüfcode typed from a printed document (GET form, no login). */

export const meta: MetaFunction = () => [{ title: "Dokument prüfen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const raw = new URL(request.url).searchParams.get("code");
  if (raw === null) return { error: null, value: "" };
  const code = normalizeVerificationCode(raw);
  if (!code) {
    return {
      error: "Das ist kein gültiger Prüfcode. Ein Prüfcode hat zwölf Zeichen, z. B. K08Y-RMQA-K0GH.",
      value: raw.slice(0, 40),
    };
  }
  throw redirect(`/pruefen/${code}`);
}

export default function VerifyEntry() {
  const { error, value } = useLoaderData<typeof loader>();
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Dokument prüfen</h1>
      <p className="kern-body kern-body--large app-lead">
        Auf jedem Dokument, das eine Bauaufsichtsbehörde hier ausstellt, stehen ein QR-Code und ein Prüfcode.
        Scannen Sie den QR-Code oder geben Sie den Prüfcode ein.
      </p>
      <div className="app-section app-stack">
        <Form method="get" className="app-stack">
          <TextField
            id="pruefcode"
            name="code"
            label="Prüfcode"
            defaultValue={value}
            autoComplete="off"
            spellCheck={false}
            errors={error ? [error] : undefined}
          />
          <div>
            <button type="submit" className="kern-btn kern-btn--primary">
              <span className="kern-label">Prüfen</span>
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
