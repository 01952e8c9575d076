import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { RadioGroup, SelectField } from "~/components/form-fields";
import { TextField } from "~/components/text-field";
import { PROCEDURE_TYPE_LABELS, PROCEDURE_TYPES, type ProcedureType } from "~/domain/application-data";
import { isProfileId, LAND_PROFILES, procedureTypeLabel, resolveProfile } from "~/domain/land-profiles";
import { createDraft, DraftInputError, listMunicipalities } from "~/models/draft.server";
import { requirePermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Neuer Antrag – Bauantrag" }];

function landName(profile: string): string {
  return isProfileId(profile) ? LAND_PROFILES[profile].name : profile;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "create:application:own");
  const municipalities = await listMunicipalities();
  return {
    municipalities: municipalities.map((m) => ({ ...m, landName: landName(m.landProfile) })),
    defaultRole: user.roles.includes("ARCHITECT") ? "ENTWURFSVERFASSER" : "BAUHERR",
  };
}

type Field = "municipalityId" | "procedureType" | "title" | "memberRole";

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "create:application:own");
  const form = await request.formData();
  const values = {
    municipalityId: String(form.get("municipalityId") ?? ""),
    procedureType: String(form.get("procedureType") ?? ""),
    title: String(form.get("title") ?? ""),
    memberRole: String(form.get("memberRole") ?? ""),
  };
  const errors: Partial<Record<Field, string>> = {};
  if (!values.municipalityId)
    errors.municipalityId = "Bitte wählen Sie die Gemeinde, in der das Grundstück liegt.";
  if (!(PROCEDURE_TYPES as readonly string[]).includes(values.procedureType))
    errors.procedureType = "Bitte wählen Sie eine Verfahrensart.";
  if (!values.title.trim()) errors.title = "Bitte geben Sie eine kurze Bezeichnung des Vorhabens ein.";
  if (values.memberRole !== "BAUHERR" && values.memberRole !== "ENTWURFSVERFASSER")
    errors.memberRole = "Bitte wählen Sie, in welcher Rolle Sie den Antrag stellen.";
  if (Object.keys(errors).length > 0) return { errors, values };
  try {
    const { id } = await createDraft(user, {
      municipalityId: values.municipalityId,
      procedureType: values.procedureType as ProcedureType,
      title: values.title,
      memberRole: values.memberRole as "BAUHERR" | "ENTWURFSVERFASSER",
    });
    return redirect(`/antraege/${id}/bearbeiten/bauherr`);
  } catch (error) {
    if (error instanceof DraftInputError) return { errors: { [error.field]: error.message }, values };
    throw error;
  }
}

export default function NewApplication() {
  const { municipalities, defaultRole } = useLoaderData<typeof loader>();
  // Cite the Land's building code, not the MBO model: when every Gemeinde offered here lies in one
  // Land profile, its numbering; otherwise the name of the procedure without a paragraph.
  const profiles = new Set(municipalities.map((m) => m.landProfile));
  const procedureOptionLabel = (p: ProcedureType) =>
    profiles.size === 1
      ? procedureTypeLabel(resolveProfile([...profiles][0] as string), p)
      : PROCEDURE_TYPE_LABELS[p].replace(/\s*\(§[^)]*\)$/, "");
  const actionData = useActionData<typeof action>();
  const errors = (actionData?.errors ?? {}) as Partial<Record<Field, string>>;
  const values = actionData?.values;
  const busy = useNavigation().state === "submitting";
  const err = (f: Field) => (errors[f] ? [errors[f]!] : undefined);
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/antraege">
          Zurück zu „Meine Anträge“
        </Link>
      </p>
      <PageHeader
        title="Neuer Bauantrag"
        lead="Wählen Sie die Gemeinde und die Verfahrensart. Danach führt Sie das Formular Schritt für Schritt durch den Antrag; Sie können jederzeit speichern und später weitermachen."
      />
      {Object.keys(errors).length > 0 ? (
        <Alert tone="danger" title="Bitte prüfen Sie Ihre Angaben">
          <ul className="kern-list">
            {Object.entries(errors).map(([field, message]) => (
              <li key={field}>
                <a className="kern-link" href={`#${field}`}>
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <Form method="post" className="app-form" noValidate>
        <SelectField
          id="municipalityId"
          name="municipalityId"
          label="Gemeinde des Baugrundstücks"
          hint="Die zuständige Bauaufsichtsbehörde und das Landesrecht ergeben sich aus der Gemeinde."
          errors={err("municipalityId")}
          defaultValue={values?.municipalityId ?? ""}
          required
          options={municipalities.map((m) => ({
            value: m.id,
            label: `${m.name} – zuständig: ${m.authorityName} (${m.landName})`,
          }))}
        />
        <RadioGroup
          id="procedureType"
          name="procedureType"
          legend="Verfahrensart"
          hint="Im Zweifel berät Sie Ihre Bauaufsichtsbehörde; die Verfahrensart kann später noch geändert werden."
          errors={err("procedureType")}
          defaultValue={values?.procedureType ?? "VEREINFACHT"}
          options={PROCEDURE_TYPES.map((p) => ({ value: p, label: procedureOptionLabel(p) }))}
        />
        <TextField
          id="title"
          name="title"
          label="Kurze Bezeichnung des Vorhabens"
          hint="Zum Beispiel „Neubau Einfamilienhaus Dorfstraße 5“. So finden Sie den Antrag in Ihrer Liste wieder."
          errors={err("title")}
          defaultValue={values?.title ?? ""}
          autoComplete="off"
          maxLength={200}
          required
        />
        <RadioGroup
          id="memberRole"
          name="memberRole"
          legend="Ich stelle den Antrag als"
          errors={err("memberRole")}
          defaultValue={values?.memberRole ?? defaultRole}
          options={[
            { value: "BAUHERR", label: "Bauherr:in" },
            { value: "ENTWURFSVERFASSER", label: "Entwurfsverfasser:in (Architekt:in, Ingenieur:in)" },
          ]}
        />
        <div className="app-form-actions">
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">Antrag anlegen</span>
            <span className="kern-icon kern-icon--arrow-forward" aria-hidden="true" />
          </button>
        </div>
      </Form>
    </>
  );
}
