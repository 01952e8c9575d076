import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import {
  BauherrFields,
  EntwurfsverfasserFields,
  PlotFields,
  ProjectFields,
  type Values,
} from "~/components/draft/step-fields";
import { FieldGroup, RadioGroup, SelectField } from "~/components/form-fields";
import {
  parsePaperIntake,
  SCAN_SLOTS,
  scanField,
  scanTypeField,
} from "~/components/paper-intake/form-schema";
import { INTAKE_CHANNEL_LABELS, INTAKE_CHANNELS } from "~/components/paper-intake/intake-channel";
import {
  type IntakeActionData as ActionData,
  loadPaperIntakePage,
  paperIntakeAction,
} from "~/components/paper-intake/intake-page.server";
import { procedureLabel } from "~/components/status";
import { TextField } from "~/components/text-field";
import { PROCEDURE_TYPES } from "~/domain/application-data";
import { formatBytes } from "~/domain/format";

/**
 * Posteingang → "Papierantrag erfassen" (issue 16 item 2): a clerk registers an application that
 * arrived on paper or by e-mail — Eingangsart, Eingangsdatum, the online form's four sections and
 * the scanned files, each assigned to a kind of Bauvorlage. The body is streamed (multipart): text
 * fields are kept up to 20 KB each, each scan goes to a temp file up to UPLOAD_MAX_BYTES; the checks
 * and the case creation are in app/models/paper-intake.server.ts, which stores all or nothing.
 * Works without JavaScript (Flurstück rows are added by a submit button, as in the online form).
 */

export const meta: MetaFunction = () => [{ title: "Papierantrag erfassen – Bauantrag" }];

const FORM_ID = "papierantrag";
export function loader(args: LoaderFunctionArgs) {
  return loadPaperIntakePage(args);
}

export function action(args: ActionFunctionArgs) {
  return paperIntakeAction(args);
}

const passThrough = z.any();

export default function PaperIntakePage() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  return (
    <>
      <PageHeader
        title="Papierantrag erfassen"
        lead="Ein Bauantrag, der auf Papier oder per E-Mail eingegangen ist, wird mit dem Eingangsdatum und den eingescannten Unterlagen zu einem Vorgang mit Aktenzeichen und durchläuft dieselbe Vollständigkeitsprüfung wie ein Online-Antrag."
      >
        <Link className="kern-link" to="/behoerde/posteingang">
          Zurück zum Posteingang
        </Link>
      </PageHeader>
      <IntakeForm
        // A re-rendered post is a new form: the posted values become the defaults.
        key={actionData?.nonce ?? "loaded"}
        loaded={loaded}
        actionData={actionData}
      />
    </>
  );
}

function IntakeForm({
  loaded,
  actionData,
}: {
  loaded: ReturnType<typeof useLoaderData<typeof loader>>;
  actionData: ActionData | undefined;
}) {
  const busy = useNavigation().state === "submitting";
  const values = actionData?.values ?? {};
  const [form] = useForm({
    id: FORM_ID,
    lastResult: actionData?.lastResult ?? undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate({ formData, submitter }) {
      const intent = submitter && "value" in submitter ? String(submitter.value) : "";
      if (intent === "add-parcel" || intent.startsWith("remove-parcel-")) {
        return parseWithZod(formData, { schema: passThrough });
      }
      return parsePaperIntake(formData);
    },
  });
  const errors = form.allErrors as Errors;
  const section = (key: "bauherr" | "entwurfsverfasser" | "plot" | "project") => ({
    section: key,
    values: (values[key] ?? {}) as Values,
    errors,
    buildingCode: loaded.buildingCode,
    authorityAgs: loaded.authorityAgs,
    namePrefix: `${key}.`,
  });
  const hasErrors = !!actionData && (actionData.formErrors.length > 0 || Object.keys(errors).length > 0);
  return (
    <>
      <IntakeNotices actionData={actionData} hasErrors={hasErrors} />
      <Form
        method="post"
        encType="multipart/form-data"
        {...getFormProps(form)}
        className="app-form"
        aria-label="Papierantrag erfassen"
      >
        {/* Enter in a field registers (the first submit button is the default). */}
        <button
          type="submit"
          name="intent"
          value="register"
          className="app-default-submit"
          tabIndex={-1}
          aria-hidden="true"
        >
          Erfassen
        </button>
        <EntryFields loaded={loaded} values={values} errors={errors} />
        <FieldGroup legend="Bauherr:in" id="f-bauherr">
          <BauherrFields ctx={section("bauherr")} />
        </FieldGroup>
        <FieldGroup legend="Entwurfsverfasser:in (falls angegeben)" id="f-entwurfsverfasser">
          <EntwurfsverfasserFields ctx={section("entwurfsverfasser")} />
        </FieldGroup>
        <FieldGroup legend="Baugrundstück" id="f-plot">
          <PlotFields ctx={section("plot")} />
        </FieldGroup>
        <FieldGroup legend="Vorhaben" id="f-project">
          <ProjectFields ctx={section("project")} />
        </FieldGroup>
        <ScanFields loaded={loaded} values={values} errors={errors} />
        <div className="app-form-actions">
          <button
            type="submit"
            name="intent"
            value="register"
            className="kern-btn kern-btn--primary"
            disabled={busy}
          >
            <span className="kern-label">{busy ? "Wird geprüft …" : "Antrag erfassen"}</span>
          </button>
        </div>
      </Form>
    </>
  );
}

function ScanSlot({
  index,
  documentTypes,
  typeValue,
  errors,
}: {
  index: number;
  documentTypes: { value: string; label: string }[];
  typeValue: string;
  errors?: string[];
}) {
  const error = errors?.[0];
  const fileId = `f-${scanField(index)}`;
  return (
    <fieldset className="app-parcel" data-testid="scan-slot">
      <legend>Unterlage {index + 1}</legend>
      {/* The type comes first: the multipart parser hands it to the file that follows. */}
      <SelectField
        id={`f-${scanTypeField(index)}`}
        name={scanTypeField(index)}
        label="Art der Unterlage"
        defaultValue={typeValue}
        options={documentTypes}
      />
      <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={fileId}>
          Datei
        </label>
        <input
          id={fileId}
          className={`kern-form-input__input${error ? " kern-form-input__input--error" : ""}`}
          type="file"
          name={scanField(index)}
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${fileId}-error` : undefined}
        />
        {error ? (
          <p className="kern-error" id={`${fileId}-error`} data-testid={`${scanField(index)}-error`}>
            <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
            <span className="kern-body">{error}</span>
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Errors = Record<string, string[] | undefined>;
const str = (v: unknown) => (typeof v === "string" ? v : "");

function IntakeNotices({
  actionData,
  hasErrors,
}: {
  actionData: ActionData | undefined;
  hasErrors: boolean;
}) {
  return (
    <>
      {hasErrors ? (
        <Alert tone="danger" title="Der Antrag wurde nicht erfasst">
          {actionData?.formErrors.length ? (
            <ul className="kern-list" data-testid="paper-intake-form-errors">
              {actionData.formErrors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : (
            <p className="kern-body">Bitte prüfen Sie die markierten Angaben. Die Hinweise stehen am Feld.</p>
          )}
          <p className="kern-body">Es wurde nichts gespeichert.</p>
        </Alert>
      ) : null}
      {actionData?.filesDropped ? (
        <Alert tone="warning" title="Dateien erneut auswählen">
          <p className="kern-body" data-testid="paper-intake-files-dropped">
            Die ausgewählten Dateien wurden nicht gespeichert. Bitte wählen Sie sie vor dem Erfassen erneut
            aus.
          </p>
        </Alert>
      ) : null}
    </>
  );
}

/** Eingangsart, Eingangsdatum and the procedure: what makes the paper a case. */
function EntryFields({ loaded, values, errors }: { loaded: Loaded; values: Values; errors: Errors }) {
  return (
    <>
      <FieldGroup legend="Eingang" id="f-eingang">
        <RadioGroup
          id="f-channel"
          name="channel"
          legend="Eingangsart"
          errors={errors.channel}
          defaultValue={str(values.channel)}
          horizontal
          options={INTAKE_CHANNELS.map((c) => ({ value: c, label: INTAKE_CHANNEL_LABELS[c] }))}
        />
        <TextField
          id="f-receivedOn"
          name="receivedOn"
          type="date"
          label="Eingangsdatum"
          hint="Datum des Eingangsstempels bzw. des E-Mail-Eingangs. Fristen und das Prüfziel laufen ab diesem Tag."
          min={loaded.earliest}
          max={loaded.today}
          errors={errors.receivedOn}
          defaultValue={str(values.receivedOn)}
          autoComplete="off"
        />
      </FieldGroup>
      <FieldGroup legend="Verfahren" id="f-verfahren">
        <TextField
          id="f-title"
          name="title"
          label="Bezeichnung des Vorhabens"
          hint="Wie auf dem Antrag angegeben, z. B. „Neubau Einfamilienhaus Lindenweg 7“."
          errors={errors.title}
          defaultValue={str(values.title)}
          autoComplete="off"
        />
        <SelectField
          id="f-procedureType"
          name="procedureType"
          label="Verfahrensart"
          errors={errors.procedureType}
          defaultValue={str(values.procedureType)}
          options={PROCEDURE_TYPES.map((p) => ({ value: p, label: procedureLabel(p) }))}
        />
        <SelectField
          id="f-municipalityId"
          name="municipalityId"
          label="Gemeinde des Baugrundstücks"
          errors={errors.municipalityId}
          defaultValue={str(values.municipalityId)}
          options={loaded.municipalities.map((m) => ({ value: m.id, label: m.name }))}
        />
      </FieldGroup>
    </>
  );
}

/** One slot per scanned document, each with its kind of Bauvorlage. */
function ScanFields({ loaded, values, errors }: { loaded: Loaded; values: Values; errors: Errors }) {
  return (
    <FieldGroup legend="Eingescannte Unterlagen" id="f-files">
      <p className="kern-hint">
        Je Unterlage eine Datei (PDF, auch mehrseitig; Fotos und sonstige Anlagen auch als JPEG oder PNG),
        höchstens {formatBytes(loaded.maxFileBytes)} je Datei. Die Dateien werden wie Uploads von
        Antragsteller:innen geprüft.
      </p>
      {errors.files?.[0] ? (
        <p className="kern-error" id="f-files-error">
          <span className="kern-body">{errors.files[0]}</span>
        </p>
      ) : null}
      {Array.from({ length: SCAN_SLOTS }, (_, i) => (
        <ScanSlot
          // biome-ignore lint/suspicious/noArrayIndexKey: fixed slots, no identity
          key={i}
          index={i}
          documentTypes={loaded.documentTypes}
          typeValue={str(values[scanTypeField(i)])}
          errors={errors[scanField(i)]}
        />
      ))}
    </FieldGroup>
  );
}
