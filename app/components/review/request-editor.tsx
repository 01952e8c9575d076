import { type FieldMetadata, type FormMetadata, getFormProps } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { RowHidden, RowListSection, RowTextArea, useRowListForm } from "~/components/conform-list";
import {
  MAX_REQUEST_ITEMS,
  NEW_REQUEST_ITEM,
  type ReviewRequestValues,
  reviewRequestSchema,
} from "./request-form";

/**
 * The Nachforderung form of the formal review: one Conform form on the shared schema
 * (request-form.ts). The findings are a Conform list: "Weiteren Punkt hinzufügen" and "Punkt n
 * entfernen" are list intent buttons — with JavaScript Conform changes the rows in the browser,
 * without it the server applies the same intent and answers with the typed values.
 */

type Option = { code: string; label: string };
type RequestForm = FormMetadata<ReviewRequestValues>;
type ItemFields = ReturnType<FieldMetadata<ReviewRequestValues["items"][number]>["getFieldset"]>;

export function RequestEditor({
  initial,
  categories,
  documentTypes,
  today,
  busy,
  reviewable,
  proposed,
}: {
  initial: ReviewRequestValues;
  /** How many findings the automatic check proposed. */
  proposed: number;
  categories: Option[];
  documentTypes: Option[];
  today: string;
  busy: boolean;
  reviewable: boolean;
}) {
  const [form, fields] = useRowListForm("review-request", reviewRequestSchema, initial);
  return (
    <Form method="post" data-testid="review-form" {...getFormProps(form)}>
      {/* Enter in a field sends (to the confirmation page), not the first row's remove button. */}
      <button type="submit" className="app-default-submit" tabIndex={-1} aria-hidden="true">
        Nachforderung senden
      </button>
      <FindingsSection
        form={form}
        field={fields.items}
        categories={categories}
        documentTypes={documentTypes}
        proposed={proposed}
      />
      <LetterSection initial={initial} today={today}>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy || !reviewable}>
          <span className="kern-label">Nachforderung senden</span>
        </button>
      </LetterSection>
    </Form>
  );
}

function FindingsSection({
  form,
  field,
  categories,
  documentTypes,
  proposed,
}: {
  form: RequestForm;
  field: FieldMetadata<ReviewRequestValues["items"], ReviewRequestValues>;
  categories: Option[];
  documentTypes: Option[];
  proposed: number;
}) {
  return (
    <RowListSection
      id="befunde"
      title="Befunde"
      intro={
        <p className="kern-body">
          Vorgeschlagen aus der automatischen Prüfung ({proposed}). Entfernen Sie, was nicht nachgefordert
          werden soll, und ergänzen Sie eigene Punkte. Leere Punkte werden ignoriert.
        </p>
      }
      form={form}
      field={field}
      newRow={NEW_REQUEST_ITEM}
      listTestId="review-items"
      rowTestId="review-item"
      removeLabel={(n) => `Punkt ${n} entfernen`}
      addLabel="Weiteren Punkt hinzufügen"
      maxRows={MAX_REQUEST_ITEMS}
    >
      {(row, n) => (
        <ItemFields item={row.getFieldset()} n={n} categories={categories} documentTypes={documentTypes} />
      )}
    </RowListSection>
  );
}

/** One finding's inputs; its rule and field path come back unchanged (they link it to the check). */
function ItemFields({
  item,
  n,
  categories,
  documentTypes,
}: {
  item: ItemFields;
  n: number;
  categories: Option[];
  documentTypes: Option[];
}) {
  const { keep, category, documentTypeCode, message, ruleId, fieldPath } = item;
  return (
    <>
      <RowHidden field={ruleId} />
      <RowHidden field={fieldPath} />
      <div className="kern-form-check">
        <input
          className="kern-form-check__input"
          type="checkbox"
          key={keep.key}
          id={keep.id}
          name={keep.name}
          defaultChecked={keep.initialValue === "on"}
        />
        <label className="kern-label" htmlFor={keep.id}>
          Punkt {n} nachfordern
        </label>
      </div>
      <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
        <Select field={category} label="Befundart" options={categories} />
        <Select field={documentTypeCode} label="Betroffene Unterlage" options={documentTypes} none="keine" />
      </div>
      <RowTextArea field={message} label="Was fehlt oder ist mangelhaft?" rows={2} maxLength={2000} />
    </>
  );
}

function Select({
  field,
  label,
  options,
  none,
}: {
  field: FieldMetadata<string>;
  label: string;
  options: Option[];
  none?: string;
}) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={field.id}>
        {label}
      </label>
      <div className="kern-form-input__select-wrapper">
        <select
          key={field.key}
          id={field.id}
          name={field.name}
          className="kern-form-input__select"
          defaultValue={field.initialValue ?? ""}
        >
          {none !== undefined ? <option value="">{none}</option> : null}
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function LetterSection({
  initial,
  today,
  children,
}: {
  initial: ReviewRequestValues;
  today: string;
  children: ReactNode;
}) {
  return (
    <section className="app-section" aria-labelledby="anschreiben">
      <h2 className="kern-heading-medium" id="anschreiben">
        Nachforderung
      </h2>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="message">
          Anschreiben an Antragsteller:in und Entwurfsverfasser:in
        </label>
        <textarea
          id="message"
          name="message"
          className="kern-form-input__input"
          rows={4}
          maxLength={5000}
          defaultValue={initial.message}
        />
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="bylawReference">
          Örtliche Satzung (optional)
        </label>
        <input
          id="bylawReference"
          name="bylawReference"
          className="kern-form-input__input"
          maxLength={300}
          defaultValue={initial.bylawReference}
        />
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="deadline">
          Frist
        </label>
        <input
          id="deadline"
          name="deadline"
          type="date"
          className="kern-form-input__input"
          min={today}
          required
          defaultValue={initial.deadline}
        />
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="internalNote">
          Interner Vermerk (nur für die Behörde sichtbar)
        </label>
        <textarea
          id="internalNote"
          name="internalNote"
          className="kern-form-input__input"
          rows={3}
          maxLength={5000}
          defaultValue={initial.internalNote}
        />
      </div>
      {children}
    </section>
  );
}
