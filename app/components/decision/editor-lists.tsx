import type { FieldMetadata, FormMetadata } from "@conform-to/react";
import { CONDITION_KIND_LABELS, CONDITION_KINDS } from "~/domain/decision";
import type { DecisionEditorValues } from "./editor-values";
import { NEW_ROWS } from "./editor-values";

/**
 * The Bescheid editor's row lists (Nebenbestimmungen, Abweichungen) on Conform's list helpers:
 * `getFieldList` gives the rows, `form.insert`/`form.remove` give the add/remove buttons. These
 * are real submit buttons (`__intent__`): with JavaScript Conform changes the list in the browser,
 * without it the server applies the same intent and answers with the changed rows.
 */

type EditorForm = FormMetadata<DecisionEditorValues>;
type ListField<K extends "conditions" | "deviations"> = FieldMetadata<DecisionEditorValues[K]>;

type ButtonProps = ReturnType<EditorForm["insert"]["getButtonProps"]>;

/** A list button: Conform's intent as the submit button's name and value. */
function ListButton({
  intent,
  variant,
  busy,
  children,
}: {
  intent: ButtonProps;
  variant: "secondary" | "tertiary";
  busy: boolean;
  children: string;
}) {
  return (
    <button type="submit" className={`kern-btn kern-btn--${variant}`} disabled={busy} {...intent}>
      <span className="kern-label">{children}</span>
    </button>
  );
}

export function ConditionsSection({
  form,
  field,
  busy,
}: {
  form: EditorForm;
  field: ListField<"conditions">;
  busy: boolean;
}) {
  const rows = field.getFieldList();
  return (
    <section className="app-section" aria-labelledby="nebenbestimmungen">
      <h2 className="kern-heading-medium" id="nebenbestimmungen">
        Nebenbestimmungen
      </h2>
      {rows.length === 0 ? <p className="kern-body">Keine Nebenbestimmungen.</p> : null}
      <ol className="app-findings" data-testid="decision-conditions">
        {rows.map((row, i) => (
          <li key={row.key} className="app-finding" data-testid="decision-condition">
            <ConditionFields row={row.getFieldset()} n={i + 1} />
            <ListButton
              intent={form.remove.getButtonProps({ name: field.name, index: i })}
              variant="tertiary"
              busy={busy}
            >
              {`Nebenbestimmung ${i + 1} entfernen`}
            </ListButton>
          </li>
        ))}
      </ol>
      <ListButton
        intent={form.insert.getButtonProps({ name: field.name, defaultValue: NEW_ROWS.conditions })}
        variant="secondary"
        busy={busy}
      >
        Nebenbestimmung hinzufügen
      </ListButton>
    </section>
  );
}

type ConditionFieldset = ReturnType<FieldMetadata<DecisionEditorValues["conditions"][number]>["getFieldset"]>;

/** One Nebenbestimmung's inputs; its id and source come back unchanged (the model checks both). */
function ConditionFields({ row, n }: { row: ConditionFieldset; n: number }) {
  const { id, sourceLabel, kind, legalBasis, text, reason } = row;
  const reasonHint = `${reason.id}-hint`;
  return (
    <>
      <input type="hidden" key={id.key} name={id.name} defaultValue={id.initialValue ?? ""} />
      <input
        type="hidden"
        key={sourceLabel.key}
        name={sourceLabel.name}
        defaultValue={sourceLabel.initialValue ?? ""}
      />
      <p className="kern-body kern-body--small" data-testid="condition-source">
        {sourceLabel.initialValue
          ? `Quelle: ${sourceLabel.initialValue}`
          : "Quelle: eigene Nebenbestimmung der Behörde"}
      </p>
      <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor={kind.id}>
            Art ({n}.)
          </label>
          <div className="kern-form-input__select-wrapper">
            <select
              key={kind.key}
              id={kind.id}
              name={kind.name}
              className="kern-form-input__select"
              defaultValue={kind.initialValue}
            >
              {CONDITION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {CONDITION_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="kern-form-input" style={{ flex: "1 1 16rem" }}>
          <label className="kern-label" htmlFor={legalBasis.id}>
            Rechtsgrundlage ({n}.)
          </label>
          <input
            key={legalBasis.key}
            id={legalBasis.id}
            name={legalBasis.name}
            className="kern-form-input__input"
            maxLength={300}
            defaultValue={legalBasis.initialValue}
          />
        </div>
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor={text.id}>
          Text der Nebenbestimmung {n}
        </label>
        <textarea
          key={text.key}
          id={text.id}
          name={text.name}
          className="kern-form-input__input"
          rows={2}
          maxLength={4000}
          defaultValue={text.initialValue}
        />
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor={reason.id}>
          Begründung der Nebenbestimmung {n} (Zweck und Erforderlichkeit)
        </label>
        <div className="kern-hint" id={reasonHint}>
          Steht im Bescheid unter „Begründung – Nebenbestimmungen“. Die Forderung einer beteiligten Stelle
          allein ist keine Begründung: Nennen Sie, welche gesetzliche Voraussetzung sie sichert.
        </div>
        <textarea
          key={reason.key}
          id={reason.id}
          name={reason.name}
          className="kern-form-input__input"
          rows={2}
          maxLength={2000}
          aria-describedby={reasonHint}
          defaultValue={reason.initialValue}
        />
      </div>
    </>
  );
}

export function DeviationsSection({
  form,
  field,
  busy,
}: {
  form: EditorForm;
  field: ListField<"deviations">;
  busy: boolean;
}) {
  const rows = field.getFieldList();
  return (
    <section className="app-section" aria-labelledby="abweichungen">
      <h2 className="kern-heading-medium" id="abweichungen">
        Zugelassene Abweichungen
      </h2>
      {rows.length === 0 ? <p className="kern-body">Keine Abweichungen.</p> : null}
      <ol className="app-findings">
        {rows.map((row, i) => {
          const { text, legalBasis } = row.getFieldset();
          return (
            <li key={row.key} className="app-finding" data-testid="decision-deviation">
              <div className="kern-form-input">
                <label className="kern-label" htmlFor={text.id}>
                  Abweichung {i + 1}
                </label>
                <textarea
                  key={text.key}
                  id={text.id}
                  name={text.name}
                  className="kern-form-input__input"
                  rows={2}
                  maxLength={2000}
                  defaultValue={text.initialValue}
                />
              </div>
              <div className="kern-form-input">
                <label className="kern-label" htmlFor={legalBasis.id}>
                  Rechtsgrundlage der Abweichung {i + 1}
                </label>
                <input
                  key={legalBasis.key}
                  id={legalBasis.id}
                  name={legalBasis.name}
                  className="kern-form-input__input"
                  maxLength={300}
                  defaultValue={legalBasis.initialValue}
                />
              </div>
              <ListButton
                intent={form.remove.getButtonProps({ name: field.name, index: i })}
                variant="tertiary"
                busy={busy}
              >
                {`Abweichung ${i + 1} entfernen`}
              </ListButton>
            </li>
          );
        })}
      </ol>
      <ListButton
        intent={form.insert.getButtonProps({ name: field.name, defaultValue: NEW_ROWS.deviations })}
        variant="secondary"
        busy={busy}
      >
        Abweichung hinzufügen
      </ListButton>
    </section>
  );
}
