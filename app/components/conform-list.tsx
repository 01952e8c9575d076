import { type DefaultValue, type FieldMetadata, type FormMetadata, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ReactNode } from "react";
import type { z } from "zod";

/**
 * An editor's list of rows on Conform's list helpers (server side: form-lists.ts): a section with
 * its heading, the rows as an ordered list, each with a "… n entfernen" button, and an add button
 * below. The buttons are real submit buttons carrying Conform's intent (`__intent__`): with
 * JavaScript Conform changes the list in the browser, without it the server applies the same
 * intent and answers with the changed rows. Used by the Bescheid editor (Nebenbestimmungen,
 * Abweichungen) and the Nachforderung (Befunde).
 */

/**
 * The Conform form of an editor with row lists. Its schema never refuses (the model answers in
 * German); parsing in the browser only lets Conform apply its list intents there and submit
 * everything else.
 */
export function useRowListForm<Values extends Record<string, unknown>>(
  id: string,
  schema: z.ZodType<Values>,
  initial: DefaultValue<Values>,
) {
  return useForm<Values>({
    id,
    defaultValue: initial,
    onValidate: ({ formData }) => parseWithZod(formData, { schema, disableAutoCoercion: true }),
  });
}

type ButtonProps = ReturnType<FormMetadata["insert"]["getButtonProps"]>;

/** A list button: Conform's intent as the submit button's name and value. */
function ListButton({
  intent,
  variant,
  disabled,
  children,
}: {
  intent: ButtonProps;
  variant: "secondary" | "tertiary";
  disabled: boolean;
  children: string;
}) {
  return (
    <button type="submit" className={`kern-btn kern-btn--${variant}`} disabled={disabled} {...intent}>
      <span className="kern-label">{children}</span>
    </button>
  );
}

export function RowListSection<Schema extends Record<string, unknown>, Item>({
  id,
  title,
  intro,
  empty,
  form,
  field,
  newRow,
  listTestId,
  rowTestId,
  removeLabel,
  addLabel,
  busy = false,
  maxRows = Number.POSITIVE_INFINITY,
  children: renderRow,
}: {
  /** The heading's id (the section is labelled by it). */
  id: string;
  title: string;
  /** Shown above the rows. */
  intro?: ReactNode;
  /** Shown instead of the rows when there are none. */
  empty?: string;
  form: FormMetadata<Schema>;
  field: FieldMetadata<Item[], Schema>;
  /** A new row's content (the form's; the server inserts the same). */
  newRow: DefaultValue<Item>;
  listTestId?: string;
  rowTestId: string;
  /** The remove button's text for row n (1-based), e.g. "Abweichung 2 entfernen". */
  removeLabel: (n: number) => string;
  addLabel: string;
  /** A submission is under way: the buttons wait. */
  busy?: boolean;
  /** At this many rows the add button is disabled (the server refuses more anyway). */
  maxRows?: number;
  children: (row: FieldMetadata<Item, Schema>, n: number) => ReactNode;
}) {
  const rows = field.getFieldList();
  return (
    <section className="app-section" aria-labelledby={id}>
      <h2 className="kern-heading-medium" id={id}>
        {title}
      </h2>
      {intro}
      {rows.length === 0 && empty ? <p className="kern-body">{empty}</p> : null}
      <ol className="app-findings" data-testid={listTestId}>
        {rows.map((row, i) => (
          <li key={row.key} className="app-finding" data-testid={rowTestId}>
            {renderRow(row, i + 1)}
            <ListButton
              intent={form.remove.getButtonProps({ name: field.name, index: i })}
              variant="tertiary"
              disabled={busy}
            >
              {removeLabel(i + 1)}
            </ListButton>
          </li>
        ))}
      </ol>
      <ListButton
        intent={form.insert.getButtonProps({ name: field.name, defaultValue: newRow })}
        variant="secondary"
        disabled={busy || rows.length >= maxRows}
      >
        {addLabel}
      </ListButton>
    </section>
  );
}

type TextFieldMeta = Pick<FieldMetadata<string>, "key" | "id" | "name" | "initialValue">;

/** A row's value that comes back unchanged (an id, a source, a link to the check): a hidden input. */
export function RowHidden({ field }: { field: TextFieldMeta }) {
  return <input type="hidden" key={field.key} name={field.name} defaultValue={field.initialValue ?? ""} />;
}

/** A row's text area with its label (and a hint the text area is described by). */
export function RowTextArea({
  field,
  label,
  rows,
  maxLength,
  hint,
}: {
  field: TextFieldMeta;
  label: string;
  rows: number;
  maxLength: number;
  hint?: ReactNode;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <div className="kern-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      <textarea
        key={field.key}
        id={field.id}
        name={field.name}
        className="kern-form-input__input"
        rows={rows}
        maxLength={maxLength}
        aria-describedby={hintId}
        defaultValue={field.initialValue}
      />
    </div>
  );
}

/** A row's one-line input with its label. */
export function RowInput({
  field,
  label,
  maxLength,
  grow,
}: {
  field: TextFieldMeta;
  label: string;
  maxLength: number;
  /** Inside a flex row: takes the remaining width (at least 16rem). */
  grow?: boolean;
}) {
  return (
    <div className="kern-form-input" style={grow ? { flex: "1 1 16rem" } : undefined}>
      <label className="kern-label" htmlFor={field.id}>
        {label}
      </label>
      <input
        key={field.key}
        id={field.id}
        name={field.name}
        className="kern-form-input__input"
        maxLength={maxLength}
        defaultValue={field.initialValue}
      />
    </div>
  );
}
