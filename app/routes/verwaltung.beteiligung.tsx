import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { NEED_TO_KNOW_KEYS, NEED_TO_KNOW_LABELS, SHAREABLE_TYPES } from "~/domain/need-to-know";
import {
  getParticipationSettings,
  MAX_REMINDER_DAYS,
  saveDocumentDefaults,
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
  if (form.get("intent") === "documents") {
    const r = await saveDocumentDefaults(admin, form);
    if (!r.ok) return { ...r, form: "documents" as const, reminderDays: "" };
    return redirect("/verwaltung/beteiligung?gespeichert=unterlagen");
  }
  const reminderDays = String(form.get("reminderDays") ?? "");
  const r = await saveParticipationSettings(admin, { reminderDays });
  if (!r.ok) return { ...r, form: "reminder" as const, reminderDays };
  return redirect("/verwaltung/beteiligung?gespeichert=1");
}

export default function ParticipationSettingsPage() {
  const s = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const error = a && !a.ok && a.form === "reminder" ? a.message : null;
  const docsError = a && !a.ok && a.form === "documents" ? a.message : null;
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
            {params.get("gespeichert") === "unterlagen"
              ? "Die Voreinstellung der Unterlagen wurde gespeichert."
              : "Die Einstellung wurde gespeichert."}
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
            defaultValue={a && !a.ok && a.form === "reminder" ? a.reminderDays : String(s.reminderDays)}
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

      <DocumentDefaultsSection
        defaults={s.documentDefaults}
        customDefaults={s.customDefaults}
        error={docsError}
        busy={busy}
      />
    </>
  );
}

/** Which document types are preselected per kind of agency (need-to-know), with reset to the product's default. */
function DocumentDefaultsSection({
  defaults,
  customDefaults,
  error,
  busy,
}: {
  defaults: Record<(typeof NEED_TO_KNOW_KEYS)[number], string[]>;
  customDefaults: boolean;
  error: string | null;
  busy: boolean;
}) {
  return (
    <section className="app-section" aria-labelledby="unterlagen-title">
      <h2 className="kern-heading-medium" id="unterlagen-title">
        Unterlagen je Art der Stelle (Need-to-know)
      </h2>
      <p className="kern-body">
        Im Beteiligungsformular sind für jede Stelle nur diese Unterlagenarten vorausgewählt; die
        Sachbearbeitung kann im Einzelfall weitere hinzufügen. Der statistische Erhebungs- und Abgangsbogen
        wird nie weitergegeben und steht deshalb nicht zur Wahl.
        {customDefaults
          ? " Ihre Behörde verwendet eine eigene Voreinstellung."
          : " Es gilt die Voreinstellung des Produkts."}
      </p>
      {error ? (
        <Alert tone="danger" title="Nicht gespeichert" announce>
          <p className="kern-body" data-testid="documents-error">
            {error}
          </p>
        </Alert>
      ) : null}
      <Form method="post" data-testid="document-defaults">
        <input type="hidden" name="intent" value="documents" />
        {NEED_TO_KNOW_KEYS.map((key) => (
          <details key={key} className="app-section" data-testid="defaults-group" data-key={key}>
            <summary className="kern-label">
              {NEED_TO_KNOW_LABELS[key]} – {defaults[key].length} Unterlagenarten
            </summary>
            <fieldset className="kern-fieldset">
              <legend className="kern-label">Vorausgewählt für {NEED_TO_KNOW_LABELS[key]}</legend>
              <div className="kern-fieldset__body">
                {SHAREABLE_TYPES.map((t) => (
                  <div className="kern-form-check" key={t.code}>
                    <input
                      className="kern-form-check__input"
                      type="checkbox"
                      id={`docs-${key}-${t.code}`}
                      name={`docs.${key}`}
                      value={t.code}
                      defaultChecked={defaults[key].includes(t.code)}
                    />
                    <label className="kern-label" htmlFor={`docs-${key}-${t.code}`}>
                      {t.shortLabel} ({t.code})
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </details>
        ))}
        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">Voreinstellung speichern</span>
          </button>
          <button
            type="submit"
            name="reset"
            value="1"
            className="kern-btn kern-btn--secondary"
            disabled={busy}
          >
            <span className="kern-label">Auf die Voreinstellung des Produkts zurücksetzen</span>
          </button>
        </div>
      </Form>
    </section>
  );
}
