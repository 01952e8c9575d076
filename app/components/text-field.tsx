import type { InputHTMLAttributes } from "react";

/**
 * KERN text input with its label, an optional hint and the error right below the field.
 * The error is tied to the input with aria-describedby and aria-invalid.
 */
export function TextField({
  id,
  label,
  hint,
  errors,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className">) {
  const error = errors?.[0];
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="kern-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      <input
        {...input}
        id={id}
        className={`kern-form-input__input${error ? " kern-form-input__input--error" : ""}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <p className="kern-error" id={errorId}>
          <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
          <span className="kern-body">{error}</span>
        </p>
      ) : null}
    </div>
  );
}

/**
 * The e-mail address field of the account forms (sign-in, registration, password reset): one
 * place for its type, keyboard and autocomplete hints. `field` is the Conform field of the form.
 */
export function EmailField({
  field,
  autoComplete,
}: {
  field: { id: string; name: string; initialValue?: unknown; errors?: string[] };
  /** "username" where an existing account signs in or is looked up, "email" for a new one. */
  autoComplete: "username" | "email";
}) {
  return (
    <TextField
      id={field.id}
      name={field.name}
      type="email"
      defaultValue={typeof field.initialValue === "string" ? field.initialValue : undefined}
      label="E-Mail-Adresse"
      autoComplete={autoComplete}
      inputMode="email"
      spellCheck={false}
      errors={field.errors}
    />
  );
}
