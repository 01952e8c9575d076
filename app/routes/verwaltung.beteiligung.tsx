import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import {
  getParticipationSettings,
  MAX_REMINDER_DAYS,
  saveParticipationSettings,
} from "~/models/participation-settings.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Beteiligung – Verwaltung – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  return { ...(await getParticipationSettings(admin)), maxDays: MAX_REMINDER_DAYS };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const reminderDays = String(form.get("reminderDays") ?? "");
  const r = await saveParticipationSettings(admin, { reminderDays });
  if (!r.ok) return { ...r, reminderDays };
  return redirect("/verwaltung/beteiligung?gespeichert=1");
}

export default function ParticipationSettingsPage() {
  const s = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const error = a && !a.ok ? a.message : null;
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader title="Beteiligung" lead={`Einstellungen für Beteiligungen von ${s.name}.`} />
      {params.get("gespeichert") && !a ? (
        <Alert tone="success" title="Gespeichert">
          <p className="kern-body" data-testid="settings-saved">
            Die Einstellung wurde gespeichert.
          </p>
        </Alert>
      ) : null}
      <Form method="post">
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="reminderDays">
            Erinnerung an die Fachstellen (Tage vor Fristende)
          </label>
          <div className="kern-hint" id="reminderDays-hint">
            Die Fachstellen und Gemeinden werden so viele Tage vor Ablauf ihrer Frist einmal erinnert. 0
            schaltet die Erinnerung ab; höchstens {s.maxDays} Tage.
          </div>
          <input
            id="reminderDays"
            name="reminderDays"
            className="kern-form-input__input"
            inputMode="numeric"
            style={{ maxWidth: "8rem" }}
            aria-describedby={error ? "reminderDays-hint reminderDays-error" : "reminderDays-hint"}
            aria-invalid={error ? true : undefined}
            defaultValue={a && !a.ok ? a.reminderDays : String(s.reminderDays)}
          />
          {error ? (
            <p className="kern-error" id="reminderDays-error">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">Speichern</span>
        </button>
      </Form>
    </>
  );
}
