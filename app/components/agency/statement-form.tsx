import { type FieldMetadata, getFormProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { FieldError, RadioGroup, SelectField, TextAreaField } from "~/components/form-fields";
import { IntentButton } from "~/components/intent-button";
import { TextField } from "~/components/text-field";
import {
  CONDITION_KIND_LABELS,
  CONDITION_KINDS,
  conditionsAllowed,
  MAX_ATTACHMENTS,
  MAX_CONDITIONS,
  outcomeLabel,
  outcomesFor,
} from "~/domain/statements";
import type { StatementActionData } from "./participation-page-types";
import { parseStatementForm, type ValidStatement } from "./statement-schema";

/**
 * The agency's statement form: outcome, conditions, reasons (attachments are chosen on the
 * confirmation page). Conform with the shared zod schema (statement-schema.ts): field errors on
 * blur and from the server next to the field; the Nebenbestimmungen are a Conform list whose
 * add/remove buttons are plain submits without JavaScript (the action answers with the rows).
 * Re-keyed by the route on every answer. The Gemeinde's Einvernehmen (kind MUNICIPAL_CONSENT) is
 * its own act: "erteilt" or "versagt" with reasons, no Nebenbestimmungen, no "nicht betroffen"; a
 * Zustimmung required by law has no "nicht betroffen" either.
 */

function outcomeOptions(kind: string) {
  return outcomesFor(kind).map((o) => ({ value: o, label: outcomeLabel(kind, o) }));
}

const KIND_OPTIONS = CONDITION_KINDS.map((k) => ({ value: k, label: CONDITION_KIND_LABELS[k] }));
const BLANK_ROW = { kind: "", text: "", legalBasis: "" };

type FormShape = { outcome: string; reasons: string; conditions: (typeof BLANK_ROW)[] };

export function StatementForm({
  data,
  busy,
  maxUploadLabel,
  kind = "AGENCY_STATEMENT",
}: {
  data?: StatementActionData;
  busy: boolean;
  maxUploadLabel: string;
  kind?: string;
}) {
  const consent = kind === "MUNICIPAL_CONSENT";
  const title = consent ? "Über das Einvernehmen entscheiden" : "Stellungnahme abgeben";
  const submitLabel = consent ? "Entscheidung über das Einvernehmen abgeben …" : "Stellungnahme abgeben …";
  const values = data?.values ?? { outcome: "", reasons: "", conditions: [] };
  const rows = values.conditions.length > 0 ? values.conditions : conditionsAllowed(kind) ? [BLANK_ROW] : [];
  const [form, fields] = useForm<FormShape, ValidStatement>({
    id: "statement-form",
    defaultValue: {
      outcome: values.outcome,
      reasons: values.reasons,
      conditions: rows.map((r) => ({ kind: r.kind, text: r.text, legalBasis: r.legalBasis ?? "" })),
    },
    lastResult: data?.lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseStatementForm(formData, kind),
  });
  const errors = data?.errors ?? {};
  return (
    <section aria-labelledby="stellungnahme-abgeben" className="app-section">
      <h2 id="stellungnahme-abgeben" className="kern-heading-medium">
        {title}
      </h2>
      {data?.message ? (
        <Alert tone="danger" title="Die Stellungnahme wurde nicht abgegeben">
          {data.message}
        </Alert>
      ) : null}
      {data?.filesDropped && !errors.attachments ? (
        <Alert tone="warning" title="Bitte Anlagen erneut auswählen" announce>
          Ausgewählte Dateien bleiben beim Hinzufügen oder Entfernen einer Nebenbestimmung nicht erhalten.
        </Alert>
      ) : null}
      <Form
        method="post"
        encType="multipart/form-data"
        className="app-form"
        aria-label={title}
        {...getFormProps(form)}
      >
        <button
          type="submit"
          name="intent"
          value="submit-statement"
          className="app-default-submit"
          tabIndex={-1}
          aria-hidden="true"
        >
          {submitLabel}
        </button>
        <RadioGroup
          id="outcome"
          name={fields.outcome.name}
          legend={consent ? "Gemeindliches Einvernehmen (§ 36 BauGB)" : "Ergebnis der Stellungnahme"}
          options={outcomeOptions(kind)}
          defaultValue={values.outcome}
          errors={fields.outcome.errors}
        />

        {conditionsAllowed(kind) ? (
          <ConditionRows
            list={fields.conditions}
            insert={form.insert.getButtonProps({ name: fields.conditions.name, defaultValue: BLANK_ROW })}
            remove={(index) => form.remove.getButtonProps({ name: fields.conditions.name, index })}
          />
        ) : fields.conditions.errors ? (
          <FieldError id="conditions" error={fields.conditions.errors[0]} />
        ) : null}

        <TextAreaField
          id="reasons"
          name={fields.reasons.name}
          label="Begründung"
          hint={
            consent
              ? "Bei einer Versagung erforderlich: Das Einvernehmen darf nur aus den Gründen der §§ 31, 33, 34 und 35 BauGB versagt werden (§ 36 Abs. 2 Satz 1 BauGB)."
              : "Bei einer Ablehnung erforderlich."
          }
          rows={6}
          defaultValue={values.reasons}
          errors={fields.reasons.errors}
        />

        {errors.attachments ? <FieldError id="attachments" error={errors.attachments} /> : null}
        <p className="kern-body">
          Auf der nächsten Seite prüfen Sie Ihre Angaben, fügen Anlagen hinzu (PDF, JPEG oder PNG, je bis{" "}
          {maxUploadLabel}) und geben {consent ? "die Entscheidung" : "die Stellungnahme"} verbindlich ab.
          {consent
            ? " Die Entscheidung über das Einvernehmen kann danach nicht mehr geändert werden."
            : " Eine abgegebene Stellungnahme kann danach nicht mehr geändert werden."}
        </p>
        <div className="app-form-actions">
          <IntentButton intent="submit-statement" variant="primary" disabled={busy}>
            {submitLabel}
          </IntentButton>
        </div>
      </Form>
    </section>
  );
}

type ButtonProps = ReturnType<ReturnType<typeof useForm>[0]["insert"]["getButtonProps"]>;

/** The conditions fieldset: one row per condition, a Conform list (plain submits without JavaScript). */
function ConditionRows({
  list,
  insert,
  remove,
}: {
  list: FieldMetadata<FormShape["conditions"]>;
  insert: ButtonProps;
  remove: (index: number) => ButtonProps;
}) {
  const rows = list.getFieldList();
  return (
    <fieldset className="kern-fieldset app-field-group" id="conditions">
      <legend className="kern-title">Nebenbestimmungen</legend>
      <div className="kern-fieldset__body">
        <p className="kern-hint">
          Bedingungen, Auflagen und Vorbehalte nur bei „Zustimmung mit Nebenbestimmungen“; Hinweise sind bei
          jedem Ergebnis möglich. Leere Zeilen werden nicht übernommen.
        </p>
        {list.errors ? <FieldError id="conditions" error={list.errors[0]} /> : null}
        {rows.map((row, i) => {
          const f = row.getFieldset();
          return (
            <fieldset key={row.key} className="app-parcel" data-testid="condition-row">
              <legend>Nebenbestimmung {i + 1}</legend>
              <div className="app-condition__fields">
                <SelectField
                  id={`conditions-${i}-kind`}
                  name={f.kind.name}
                  key={f.kind.key}
                  label="Art"
                  options={KIND_OPTIONS}
                  defaultValue={String(f.kind.initialValue ?? "")}
                  errors={f.kind.errors}
                />
                <TextAreaField
                  id={`conditions-${i}-text`}
                  name={f.text.name}
                  key={f.text.key}
                  label="Text"
                  rows={3}
                  defaultValue={String(f.text.initialValue ?? "")}
                  errors={f.text.errors}
                />
                <TextField
                  id={`conditions-${i}-legalBasis`}
                  name={f.legalBasis.name}
                  key={f.legalBasis.key}
                  label="Rechtsgrundlage (optional)"
                  defaultValue={String(f.legalBasis.initialValue ?? "")}
                  errors={f.legalBasis.errors}
                  autoComplete="off"
                />
              </div>
              {rows.length > 1 ? (
                <div className="app-parcel__actions">
                  <button {...remove(i)} className="kern-btn kern-btn--tertiary" formNoValidate>
                    <span className="kern-icon kern-icon--delete" aria-hidden="true" />
                    <span className="kern-label">Nebenbestimmung {i + 1} entfernen</span>
                  </button>
                </div>
              ) : null}
            </fieldset>
          );
        })}
        {rows.length < MAX_CONDITIONS ? (
          <div>
            <button {...insert} className="kern-btn kern-btn--secondary" formNoValidate>
              <span className="kern-icon kern-icon--add" aria-hidden="true" />
              <span className="kern-label">Weitere Nebenbestimmung hinzufügen</span>
            </button>
          </div>
        ) : null}
      </div>
    </fieldset>
  );
}

/**
 * The attachments input (several files), on the confirmation page: the browser does not keep a
 * file choice across answers, so files are chosen at the moment of sending.
 */
export function AttachmentsField({ error, maxUploadLabel }: { error?: string; maxUploadLabel: string }) {
  const errors = { attachments: error };
  return (
    <div className={`kern-form-input${errors.attachments ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor="attachments">
        Anlagen (optional)
      </label>
      <div className="kern-hint" id="attachments-hint">
        PDF, JPEG oder PNG; höchstens {MAX_ATTACHMENTS} Dateien zu je {maxUploadLabel}.
      </div>
      <input
        id="attachments"
        name="attachments"
        type="file"
        multiple
        accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        className="kern-form-input__input"
        aria-describedby={`attachments-hint${errors.attachments ? " attachments-error" : ""}`}
        aria-invalid={errors.attachments ? true : undefined}
      />
      <FieldError id="attachments" error={errors.attachments} />
    </div>
  );
}
