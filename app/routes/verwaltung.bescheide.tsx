import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { getDecisionSettings, saveDecisionSettings } from "~/models/decision-settings.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Bescheide – Verwaltung – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  return getDecisionSettings(admin);
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const values = {
    fourEyesDecision: form.get("fourEyesDecision") === "on",
    legalRemedyText: String(form.get("legalRemedyText") ?? ""),
    feeScheduleJson: String(form.get("feeScheduleJson") ?? ""),
    letter: {
      orgUnit: String(form.get("orgUnit") ?? ""),
      phone: String(form.get("phone") ?? ""),
      officeHours: String(form.get("officeHours") ?? ""),
      paymentPayee: String(form.get("paymentPayee") ?? ""),
      paymentIban: String(form.get("paymentIban") ?? ""),
      paymentBic: String(form.get("paymentBic") ?? ""),
      paymentDueDays: String(form.get("paymentDueDays") ?? ""),
      paymentReferenceFormat: String(form.get("paymentReferenceFormat") ?? ""),
    },
  };
  const r = await saveDecisionSettings(admin, values);
  if (!r.ok) return { ...r, values };
  return redirect("/verwaltung/bescheide?gespeichert=1");
}

export default function DecisionSettingsPage() {
  const s = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const v = a?.values ?? s;
  const letter = a?.values.letter ?? s.letter;
  const error = (field: string) => (a && !a.ok && a.field === field ? a.message : null);
  const field = (
    name: keyof typeof letter,
    label: string,
    hint?: string,
    extra: { maxLength?: number; inputMode?: "numeric" } = {},
  ) => (
    <LetterField
      name={name}
      label={label}
      hint={hint}
      value={letter[name]}
      error={error(name)}
      maxLength={extra.maxLength ?? 300}
      inputMode={extra.inputMode}
    />
  );
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader title="Bescheide" lead={`Einstellungen für Entscheidungen von ${s.name}.`} />
      {params.get("gespeichert") && !a ? (
        <Alert tone="success" title="Gespeichert">
          <p className="kern-body" data-testid="settings-saved">
            Die Einstellungen wurden gespeichert.
          </p>
        </Alert>
      ) : null}
      {a && !a.ok ? (
        <Alert tone="danger" title="Nicht gespeichert">
          <p className="kern-body">{a.message}</p>
        </Alert>
      ) : null}
      <Form method="post">
        <section className="app-section" aria-labelledby="vier-augen">
          <h2 className="kern-heading-medium" id="vier-augen">
            Vier-Augen-Prinzip
          </h2>
          <div className="kern-form-check">
            <input
              className="kern-form-check__input"
              type="checkbox"
              id="fourEyesDecision"
              name="fourEyesDecision"
              defaultChecked={v.fourEyesDecision}
            />
            <label className="kern-label" htmlFor="fourEyesDecision">
              Bescheide erst nach Freigabe durch eine zweite Sachbearbeiter:in erlassen
            </label>
          </div>
        </section>
        <section className="app-section" aria-labelledby="briefkopf">
          <h2 className="kern-heading-medium" id="briefkopf">
            Briefkopf
          </h2>
          {field(
            "orgUnit",
            "Organisationseinheit",
            "Steht unter dem Namen der Behörde, z. B. „Fachdienst Bauordnung“.",
          )}
          {field("phone", "Telefon", undefined, { maxLength: 60 })}
          {field("officeHours", "Sprechzeiten", "z. B. „Di 9–12 und 13–18 Uhr, Do 9–12 Uhr“")}
        </section>
        <section className="app-section" aria-labelledby="zahlung">
          <h2 className="kern-heading-medium" id="zahlung">
            Zahlung der Gebühren
          </h2>
          {field("paymentPayee", "Zahlungsempfänger", "z. B. „Landkreis Nordwestmecklenburg, Kreiskasse“")}
          {field(
            "paymentIban",
            "IBAN",
            "Wird auf Prüfziffern geprüft und im Bescheid in Vierergruppen gedruckt.",
            {
              maxLength: 42,
            },
          )}
          {field("paymentBic", "BIC", undefined, { maxLength: 11 })}
          {field("paymentDueDays", "Zahlungsfrist in Tagen nach dem Bescheiddatum", undefined, {
            maxLength: 3,
            inputMode: "numeric",
          })}
          {field(
            "paymentReferenceFormat",
            "Format des Kassenzeichens",
            "Platzhalter wie beim Aktenzeichen: {YYYY} Jahr, {NNNNNN} laufende Nummer je Jahr (eindeutig je Behörde).",
            { maxLength: 60 },
          )}
        </section>
        <TextSettingsSections
          legalRemedyText={v.legalRemedyText}
          feeScheduleJson={v.feeScheduleJson}
          defaultLegalRemedy={s.defaultLegalRemedy}
          defaultFeeScheduleJson={s.defaultFeeScheduleJson}
          error={error}
        />
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">Einstellungen speichern</span>
        </button>
      </Form>
    </>
  );
}

/** One text input of the letterhead or payment settings, with its hint and error. */
function LetterField({
  name,
  label,
  hint,
  value,
  error,
  maxLength,
  inputMode,
}: {
  name: string;
  label: string;
  hint?: string;
  value: string;
  error: string | null;
  maxLength: number;
  inputMode?: "numeric";
}) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={name}>
        {label}
      </label>
      {hint ? (
        <div className="kern-hint" id={`${name}-hint`}>
          {hint}
        </div>
      ) : null}
      <input
        id={name}
        name={name}
        className="kern-form-input__input"
        defaultValue={value}
        aria-describedby={hint ? `${name}-hint` : undefined}
        aria-invalid={error ? true : undefined}
        maxLength={maxLength}
        inputMode={inputMode}
      />
      {error ? <p className="kern-error">{error}</p> : null}
    </div>
  );
}

/** The authority's own Rechtsbehelfsbelehrung and fee schedule (empty: the Land profile's). */
function TextSettingsSections({
  legalRemedyText,
  feeScheduleJson,
  defaultLegalRemedy,
  defaultFeeScheduleJson,
  error,
}: {
  legalRemedyText: string;
  feeScheduleJson: string;
  defaultLegalRemedy: string;
  defaultFeeScheduleJson: string;
  error: (field: string) => string | null;
}) {
  return (
    <>
      <section className="app-section" aria-labelledby="belehrung">
        <h2 className="kern-heading-medium" id="belehrung">
          Rechtsbehelfsbelehrung
        </h2>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="legalRemedyText">
            Eigener Text (leer: Text des Landesprofils)
          </label>
          <div className="kern-hint" id="legalRemedyText-hint">
            Platzhalter: {"{behoerde}"} für den Namen, {"{anschrift}"} für die Anschrift der Behörde. Vorgabe
            des Landesprofils: „{defaultLegalRemedy}“
          </div>
          <textarea
            id="legalRemedyText"
            name="legalRemedyText"
            className="kern-form-input__input"
            rows={6}
            style={{ minHeight: "9rem" }}
            maxLength={5000}
            aria-describedby="legalRemedyText-hint"
            aria-invalid={error("legalRemedyText") ? true : undefined}
            defaultValue={legalRemedyText}
          />
          {error("legalRemedyText") ? <p className="kern-error">{error("legalRemedyText")}</p> : null}
        </div>
      </section>
      <section className="app-section" aria-labelledby="gebuehren">
        <h2 className="kern-heading-medium" id="gebuehren">
          Gebührenordnung
        </h2>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="feeScheduleJson">
            Eigene Gebührenordnung als JSON (leer: Vorgabe des Landesprofils)
          </label>
          <div className="kern-hint" id="feeScheduleJson-hint">
            Beträge in Cent, Sätze in Promille der Baukosten. Die Vorgabe des Landesprofils ist unten als
            Vorlage angegeben; ihre Werte sind fachlich noch zu prüfen.
          </div>
          <textarea
            id="feeScheduleJson"
            name="feeScheduleJson"
            className="kern-form-input__input"
            rows={16}
            style={{ minHeight: "16rem", fontFamily: "monospace" }}
            aria-describedby="feeScheduleJson-hint"
            aria-invalid={error("feeScheduleJson") ? true : undefined}
            defaultValue={feeScheduleJson}
          />
          {error("feeScheduleJson") ? <p className="kern-error">{error("feeScheduleJson")}</p> : null}
        </div>
        <details>
          <summary className="kern-body">Vorgabe des Landesprofils anzeigen</summary>
          <pre className="kern-body--small" style={{ whiteSpace: "pre-wrap" }}>
            {defaultFeeScheduleJson}
          </pre>
        </details>
      </section>
    </>
  );
}
