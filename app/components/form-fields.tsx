import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/**
 * KERN form controls beyond the plain text input (see text-field.tsx): select, textarea, radio
 * groups and Ja/Nein questions. Each shows its label, an optional hint and the first error right
 * below the control, tied to it with aria-describedby/aria-invalid.
 */

function describedBy(id: string, hint?: ReactNode, error?: string) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p className="kern-error" id={`${id}-error`}>
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
      <span className="kern-body">{error}</span>
    </p>
  );
}

function Hint({ id, hint }: { id: string; hint?: ReactNode }) {
  return hint ? (
    <div className="kern-hint" id={`${id}-hint`}>
      {hint}
    </div>
  ) : null;
}

export function SelectField({
  id,
  label,
  hint,
  errors,
  options,
  placeholder = "Bitte wählen",
  ...select
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  options: { value: string; label: string }[];
  placeholder?: string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "className">) {
  const error = errors?.[0];
  return (
    <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <div className="kern-form-input__select-wrapper">
        <select
          {...select}
          id={id}
          className={`kern-form-input__select${error ? " kern-form-input__select--error" : ""}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
        >
          <option value="">{placeholder}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <FieldError id={id} error={error} />
    </div>
  );
}

export function TextAreaField({
  id,
  label,
  hint,
  errors,
  ...textarea
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "className">) {
  const error = errors?.[0];
  return (
    <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <textarea
        rows={5}
        {...textarea}
        id={id}
        className={`kern-form-input__input app-textarea${error ? " kern-form-input__input--error" : ""}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

/** Radio buttons in a KERN fieldset; `legend` is the question. */
export function RadioGroup({
  id,
  name,
  legend,
  hint,
  errors,
  options,
  defaultValue,
  horizontal = false,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: ReactNode;
  errors?: string[];
  options: { value: string; label: string }[];
  defaultValue?: string;
  horizontal?: boolean;
}) {
  const error = errors?.[0];
  return (
    <fieldset
      className={`kern-fieldset${error ? " kern-fieldset--error" : ""}`}
      id={id}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend className="kern-label">{legend}</legend>
      <Hint id={id} hint={hint} />
      <div className={`kern-fieldset__body${horizontal ? " kern-fieldset__body--horizontal" : ""}`}>
        {options.map((o) => {
          const optionId = `${id}-${o.value.toLowerCase()}`;
          return (
            <div key={o.value} className={`kern-form-check${error ? " kern-form-check--error" : ""}`}>
              <input
                className={`kern-form-check__radio${error ? " kern-form-check__radio--error" : ""}`}
                type="radio"
                id={optionId}
                name={name}
                value={o.value}
                defaultChecked={defaultValue === o.value}
              />
              <label className="kern-label" htmlFor={optionId}>
                {o.label}
              </label>
            </div>
          );
        })}
      </div>
      <FieldError id={id} error={error} />
    </fieldset>
  );
}

/** A Ja/Nein question (posted as "true"/"false"; unanswered posts nothing). */
export function YesNoField({
  defaultValue,
  ...props
}: {
  id: string;
  name: string;
  legend: string;
  hint?: ReactNode;
  errors?: string[];
  defaultValue?: boolean | string | null;
}) {
  const value =
    defaultValue === true || defaultValue === "true"
      ? "true"
      : defaultValue === false || defaultValue === "false"
        ? "false"
        : undefined;
  return (
    <RadioGroup
      {...props}
      horizontal
      defaultValue={value}
      options={[
        { value: "true", label: "Ja" },
        { value: "false", label: "Nein" },
      ]}
    />
  );
}

/** A group of fields under a heading (KERN fieldset with a visible legend). */
export function FieldGroup({ legend, id, children }: { legend: string; id?: string; children: ReactNode }) {
  return (
    <fieldset className="kern-fieldset app-field-group" id={id}>
      <legend className="kern-title">{legend}</legend>
      <div className="kern-fieldset__body">{children}</div>
    </fieldset>
  );
}
