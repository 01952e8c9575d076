import { Alert } from "~/components/alert";

/** One offered event type as the admin page shows it. */
export interface EventOption {
  type: string;
  label: string;
}

export type FieldErrors = Partial<Record<"url" | "description" | "eventTypes" | "form", string>>;

/**
 * The receiver fields (URL, label, event types) shared by "anlegen" and "ändern". Errors are shown
 * at their field and the entered values come back, so nothing typed is lost.
 */
export function WebhookFields({
  options,
  values,
  errors,
}: {
  options: EventOption[];
  values: { url: string; description: string; eventTypes: string[] };
  errors?: FieldErrors;
}) {
  return (
    <>
      <div className={`kern-form-input${errors?.url ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="webhook-url">
          Empfänger-URL
        </label>
        <div className="kern-hint" id="webhook-url-hint">
          https-Adresse des Fachverfahrens, an die jedes Ereignis per POST gesendet wird.
        </div>
        {errors?.url ? (
          <p className="kern-error" id="webhook-url-error" role="alert">
            {errors.url}
          </p>
        ) : null}
        <input
          className="kern-form-input__input"
          id="webhook-url"
          name="url"
          type="url"
          inputMode="url"
          required
          maxLength={2000}
          defaultValue={values.url}
          aria-describedby={errors?.url ? "webhook-url-hint webhook-url-error" : "webhook-url-hint"}
          aria-invalid={errors?.url ? true : undefined}
        />
      </div>
      <div className={`kern-form-input${errors?.description ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="webhook-description">
          Bezeichnung (optional)
        </label>
        {errors?.description ? (
          <p className="kern-error" id="webhook-description-error" role="alert">
            {errors.description}
          </p>
        ) : null}
        <input
          className="kern-form-input__input"
          id="webhook-description"
          name="description"
          type="text"
          maxLength={200}
          defaultValue={values.description}
          aria-invalid={errors?.description ? true : undefined}
        />
      </div>
      <fieldset
        className="kern-fieldset"
        aria-describedby={errors?.eventTypes ? "webhook-events-error" : undefined}
      >
        <legend className="kern-label">Ereignisse</legend>
        {errors?.eventTypes ? (
          <p className="kern-error" id="webhook-events-error" role="alert">
            {errors.eventTypes}
          </p>
        ) : null}
        <div className="kern-fieldset__body">
          {options.map((o) => (
            <div className="kern-form-check" key={o.type}>
              <input
                className="kern-form-check__checkbox"
                type="checkbox"
                id={`event-${o.type}`}
                name="eventTypes"
                value={o.type}
                defaultChecked={values.eventTypes.includes(o.type)}
              />
              <label className="kern-label" htmlFor={`event-${o.type}`}>
                {o.label} <code>{o.type}</code>
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </>
  );
}

/** The signing secret, shown once right after creating or renewing it. */
export function SecretOnce({ secret, title }: { secret: string; title: string }) {
  return (
    <Alert tone="warning" title={title}>
      <p className="kern-body">
        Dieser Signaturschlüssel wird nur jetzt angezeigt. Hinterlegen Sie ihn im Fachverfahren, um die
        Kopfzeile <code>Webhook-Signature</code> zu prüfen (Standard Webhooks, HMAC-SHA256).
      </p>
      <p className="kern-body">
        <code data-testid="webhook-secret" style={{ wordBreak: "break-all" }}>
          {secret}
        </code>
      </p>
    </Alert>
  );
}

export function formValues(form: FormData) {
  return {
    url: String(form.get("url") ?? "").slice(0, 4000),
    description: String(form.get("description") ?? "").slice(0, 1000),
    eventTypes: form.getAll("eventTypes").map(String).slice(0, 100),
  };
}
