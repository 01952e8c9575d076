import { getFormProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { TextAreaField } from "~/components/form-fields";
import { TextField } from "~/components/text-field";
import { formatDate } from "~/domain/format";
import type { ExtensionActionData } from "./participation-page-types";
import { parseExtensionRequest } from "./statement-schema";

/**
 * The agency's request for a longer deadline; the building authority decides on it. Conform with
 * the shared zod schema: date and reasons checked in the browser and again on the server, the
 * model checks the date against the current deadline.
 */
export function ExtensionForm({
  data,
  pending,
  minDate,
  busy,
}: {
  data?: ExtensionActionData;
  pending: { requestedDeadline: string | Date; reason: string } | null;
  minDate: string;
  busy: boolean;
}) {
  const errors = data?.errors ?? {};
  const [form, fields] = useForm({
    id: "extension-request",
    lastResult: data?.lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseExtensionRequest(formData),
  });
  const fieldErrors = (name: "until" | "reason") =>
    fields[name].errors ?? (errors[name] ? [errors[name] as string] : undefined);
  return (
    <section aria-labelledby="fristverlaengerung" className="app-section">
      <h2 id="fristverlaengerung" className="kern-heading-medium">
        Fristverlängerung beantragen
      </h2>
      {pending ? (
        <p className="kern-body">
          Sie haben eine Verlängerung bis zum {formatDate(pending.requestedDeadline)} beantragt. Die
          Bauaufsichtsbehörde hat noch nicht entschieden.
        </p>
      ) : (
        <>
          {data?.message ? (
            <Alert tone="danger" title="Die Fristverlängerung wurde nicht beantragt">
              {data.message}
            </Alert>
          ) : null}
          <Form
            method="post"
            className="app-form"
            aria-label="Fristverlängerung beantragen"
            {...getFormProps(form)}
          >
            <input type="hidden" name="intent" value="request-extension" />
            <TextField
              id="extension-until"
              name={fields.until.name}
              type="date"
              label="Gewünschtes Fristende"
              hint={`Frühestens der ${formatDate(minDate)}; die Bauaufsichtsbehörde entscheidet über den Antrag.`}
              defaultValue={data?.values.until ?? ""}
              errors={fieldErrors("until")}
            />
            <TextAreaField
              id="extension-reason"
              name={fields.reason.name}
              label="Begründung der Fristverlängerung"
              rows={3}
              defaultValue={data?.values.reason ?? ""}
              errors={fieldErrors("reason")}
            />
            <div className="app-form-actions">
              <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
                <span className="kern-label">Fristverlängerung beantragen</span>
              </button>
            </div>
          </Form>
        </>
      )}
    </section>
  );
}
