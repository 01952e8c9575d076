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

/**
 * The agency's statement form: outcome, conditions (rows added/removed by submit buttons so it
 * works without JavaScript), reasons and attachments. Re-keyed by the route on every answer.
 * The Gemeinde's Einvernehmen (kind MUNICIPAL_CONSENT) is its own act: "erteilt" or "versagt" with
 * reasons, no Nebenbestimmungen, no "nicht betroffen"; a Zustimmung required by law has no "nicht
 * betroffen" either.
 */

function outcomeOptions(kind: string) {
  return outcomesFor(kind).map((o) => ({ value: o, label: outcomeLabel(kind, o) }));
}

const KIND_OPTIONS = CONDITION_KINDS.map((k) => ({ value: k, label: CONDITION_KIND_LABELS[k] }));

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
  const errors = data?.errors ?? {};
  const rows = values.conditions.length > 0 ? values.conditions : [{ kind: "", text: "", legalBasis: "" }];
  const err = (name: string) => (errors[name] ? [errors[name] as string] : undefined);
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
      <Form method="post" encType="multipart/form-data" className="app-form" aria-label={title}>
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
          name="outcome"
          legend={consent ? "Gemeindliches Einvernehmen (§ 36 BauGB)" : "Ergebnis der Stellungnahme"}
          options={outcomeOptions(kind)}
          defaultValue={values.outcome}
          errors={err("outcome")}
        />

        {conditionsAllowed(kind) ? (
          <ConditionRows rows={rows} errors={errors} />
        ) : errors.conditions ? (
          <FieldError id="conditions" error={errors.conditions} />
        ) : null}

        <TextAreaField
          id="reasons"
          name="reasons"
          label="Begründung"
          hint={
            consent
              ? "Bei einer Versagung erforderlich: Das Einvernehmen darf nur aus den Gründen der §§ 31, 33, 34 und 35 BauGB versagt werden (§ 36 Abs. 2 Satz 1 BauGB)."
              : "Bei einer Ablehnung erforderlich."
          }
          rows={6}
          defaultValue={values.reasons}
          errors={err("reasons")}
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

/** The conditions fieldset: one row per condition, add/remove by submit buttons (no JavaScript). */
function ConditionRows({
  rows,
  errors,
}: {
  rows: StatementActionData["values"]["conditions"];
  errors: Record<string, string>;
}) {
  const err = (name: string) => (errors[name] ? [errors[name] as string] : undefined);
  return (
    <fieldset className="kern-fieldset app-field-group" id="conditions">
      <legend className="kern-title">Nebenbestimmungen</legend>
      <div className="kern-fieldset__body">
        <p className="kern-hint">
          Bedingungen, Auflagen und Vorbehalte nur bei „Zustimmung mit Nebenbestimmungen“; Hinweise sind bei
          jedem Ergebnis möglich. Leere Zeilen werden nicht übernommen.
        </p>
        {errors.conditions ? <FieldError id="conditions" error={errors.conditions} /> : null}
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity; the form is re-keyed on add/remove
          <fieldset key={i} className="app-parcel" data-testid="condition-row">
            <legend>Nebenbestimmung {i + 1}</legend>
            <div className="app-condition__fields">
              <SelectField
                id={`conditions-${i}-kind`}
                name={`conditions.${i}.kind`}
                label="Art"
                options={KIND_OPTIONS}
                defaultValue={row.kind}
                errors={err(`conditions.${i}.kind`)}
              />
              <TextAreaField
                id={`conditions-${i}-text`}
                name={`conditions.${i}.text`}
                label="Text"
                rows={3}
                defaultValue={row.text}
                errors={err(`conditions.${i}.text`)}
              />
              <TextField
                id={`conditions-${i}-legalBasis`}
                name={`conditions.${i}.legalBasis`}
                label="Rechtsgrundlage (optional)"
                defaultValue={row.legalBasis ?? ""}
                errors={err(`conditions.${i}.legalBasis`)}
                autoComplete="off"
              />
            </div>
            {rows.length > 1 ? (
              <div className="app-parcel__actions">
                <button
                  type="submit"
                  name="intent"
                  value={`remove-condition-${i}`}
                  className="kern-btn kern-btn--tertiary"
                  formNoValidate
                >
                  <span className="kern-icon kern-icon--delete" aria-hidden="true" />
                  <span className="kern-label">Nebenbestimmung {i + 1} entfernen</span>
                </button>
              </div>
            ) : null}
          </fieldset>
        ))}
        {rows.length < MAX_CONDITIONS ? (
          <div>
            <button
              type="submit"
              name="intent"
              value="add-condition"
              className="kern-btn kern-btn--secondary"
              formNoValidate
            >
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
