import type { FieldMetadata, FormMetadata } from "@conform-to/react";
import { RowHidden, RowInput, RowListSection, RowTextArea } from "~/components/conform-list";
import { CONDITION_KIND_LABELS, CONDITION_KINDS } from "~/domain/decision";
import type { DecisionEditorValues } from "./editor-values";
import { NEW_ROWS } from "./editor-values";

/**
 * The Bescheid editor's row lists (Nebenbestimmungen, Abweichungen) as Conform row lists
 * (~/components/conform-list.tsx: add/remove buttons that work with and without JavaScript).
 */

type EditorForm = FormMetadata<DecisionEditorValues>;
type ListField<K extends "conditions" | "deviations"> = FieldMetadata<
  DecisionEditorValues[K],
  DecisionEditorValues
>;

export function ConditionsSection({
  form,
  field,
  busy,
}: {
  form: EditorForm;
  field: ListField<"conditions">;
  busy: boolean;
}) {
  return (
    <RowListSection
      id="nebenbestimmungen"
      title="Nebenbestimmungen"
      empty="Keine Nebenbestimmungen."
      form={form}
      field={field}
      newRow={NEW_ROWS.conditions}
      listTestId="decision-conditions"
      rowTestId="decision-condition"
      removeLabel={(n) => `Nebenbestimmung ${n} entfernen`}
      addLabel="Nebenbestimmung hinzufügen"
      busy={busy}
    >
      {(row, n) => <ConditionFields row={row.getFieldset()} n={n} />}
    </RowListSection>
  );
}

type ConditionFieldset = ReturnType<FieldMetadata<DecisionEditorValues["conditions"][number]>["getFieldset"]>;

/** One Nebenbestimmung's inputs; its id and source come back unchanged (the model checks both). */
function ConditionFields({ row, n }: { row: ConditionFieldset; n: number }) {
  const { id, sourceLabel, kind, legalBasis, text, reason } = row;
  return (
    <>
      <RowHidden field={id} />
      <RowHidden field={sourceLabel} />
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
        <RowInput field={legalBasis} label={`Rechtsgrundlage (${n}.)`} maxLength={300} grow />
      </div>
      <RowTextArea field={text} label={`Text der Nebenbestimmung ${n}`} rows={2} maxLength={4000} />
      <RowTextArea
        field={reason}
        label={`Begründung der Nebenbestimmung ${n} (Zweck und Erforderlichkeit)`}
        rows={2}
        maxLength={2000}
        hint="Steht im Bescheid unter „Begründung – Nebenbestimmungen“. Die Forderung einer beteiligten Stelle allein ist keine Begründung: Nennen Sie, welche gesetzliche Voraussetzung sie sichert."
      />
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
  return (
    <RowListSection
      id="abweichungen"
      title="Zugelassene Abweichungen"
      empty="Keine Abweichungen."
      form={form}
      field={field}
      newRow={NEW_ROWS.deviations}
      rowTestId="decision-deviation"
      removeLabel={(n) => `Abweichung ${n} entfernen`}
      addLabel="Abweichung hinzufügen"
      busy={busy}
    >
      {(row, n) => {
        const { text, legalBasis } = row.getFieldset();
        return (
          <>
            <RowTextArea field={text} label={`Abweichung ${n}`} rows={2} maxLength={2000} />
            <RowInput field={legalBasis} label={`Rechtsgrundlage der Abweichung ${n}`} maxLength={300} />
          </>
        );
      }}
    </RowListSection>
  );
}
