import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { getXbauSettings, saveXbauSettings, type XbauIdentityInput } from "~/models/xbau-settings.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "XBau-Kennungen – Verwaltung – Bauantrag" }];

const KIND_LABELS: Record<string, string> = {
  BAUAUFSICHT: "Bauaufsichtsbehörde",
  GEMEINDE: "Gemeinde",
  FACHSTELLE: "Fachstelle",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  return { rows: await getXbauSettings(admin) };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const ids = form.getAll("id").map(String).slice(0, 500);
  const entries: XbauIdentityInput[] = ids.map((id) => ({
    id,
    prefix: String(form.get(`prefix-${id}`) ?? ""),
    code: String(form.get(`code-${id}`) ?? ""),
    registeredName: String(form.get(`name-${id}`) ?? ""),
  }));
  const r = await saveXbauSettings(admin, entries);
  if (!r.ok) return { ...r, values: entries };
  return redirect("/verwaltung/xbau?gespeichert=1");
}

export default function XbauSettingsPage() {
  const { rows } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const value = (id: string, key: "prefix" | "code" | "registeredName") => {
    const entered = a?.values.find((v) => v.id === id);
    const row = rows.find((r) => r.id === id);
    return entered ? entered[key] : (row?.[key] ?? "");
  };
  const invalid = (id: string, field: string) =>
    a && !a.ok && a.id === id && a.field === field ? true : undefined;
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader
        title="XBau-Kennungen"
        lead="Unter diesen Kennungen sind die Behörden im Deutschen Verwaltungsdiensteverzeichnis (DVDV) eingetragen. XBau-Nachrichten (Antrag, Nachforderung, Beteiligung, Stellungnahme, Bescheid) werden nur mit eingetragenen Kennungen erzeugt."
      />
      {params.get("gespeichert") && !a ? (
        <Alert tone="success" title="Gespeichert">
          <p className="kern-body" data-testid="settings-saved">
            Die Kennungen wurden gespeichert.
          </p>
        </Alert>
      ) : null}
      {a && !a.ok ? (
        <Alert tone="danger" title="Nicht gespeichert">
          <p className="kern-body" data-testid="xbau-error">
            {a.message}
          </p>
        </Alert>
      ) : null}
      <Alert tone="info" title="Woher kommen die Kennungen?">
        <p className="kern-body">
          Präfix und Kennung vergibt die Registrierung im DVDV (z. B. „psw“ und „13074000“ ergibt
          „psw:13074000“). Das Präfix hat drei Kleinbuchstaben, die Kennung nur Ziffern. Sie werden nicht aus
          dem Gemeindeschlüssel abgeleitet. Beide Felder leer lassen, wenn eine Behörde nicht eingetragen ist.
        </p>
      </Alert>
      <Form method="post">
        {rows.map((r) => (
          <fieldset className="kern-fieldset app-section" key={r.id} data-testid={`xbau-${r.id}`}>
            <legend className="kern-label">
              {r.name} ({r.own ? "eigene Behörde" : (KIND_LABELS[r.kind] ?? r.kind)})
            </legend>
            <input type="hidden" name="id" value={r.id} />
            <div className="kern-form-input">
              <label className="kern-label" htmlFor={`prefix-${r.id}`}>
                DVDV-Präfix
              </label>
              <input
                className="kern-form-input__input"
                id={`prefix-${r.id}`}
                name={`prefix-${r.id}`}
                maxLength={3}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={invalid(r.id, "prefix")}
                defaultValue={value(r.id, "prefix")}
              />
            </div>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor={`code-${r.id}`}>
                DVDV-Kennung
              </label>
              <input
                className="kern-form-input__input"
                id={`code-${r.id}`}
                name={`code-${r.id}`}
                maxLength={40}
                inputMode="numeric"
                autoComplete="off"
                aria-invalid={invalid(r.id, "code")}
                defaultValue={value(r.id, "code")}
              />
            </div>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor={`name-${r.id}`}>
                Name im DVDV (leer: Name der Behörde)
              </label>
              <input
                className="kern-form-input__input"
                id={`name-${r.id}`}
                name={`name-${r.id}`}
                maxLength={200}
                aria-invalid={invalid(r.id, "name")}
                defaultValue={value(r.id, "registeredName")}
              />
            </div>
          </fieldset>
        ))}
        <button className="kern-btn kern-btn--primary" type="submit" disabled={busy}>
          <span className="kern-label">{busy ? "Wird gespeichert …" : "Kennungen speichern"}</span>
        </button>
      </Form>
    </>
  );
}
