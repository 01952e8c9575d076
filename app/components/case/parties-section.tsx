import { Form } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { BekanntgabeSummary, type BekanntgabeViewData } from "~/components/application/parties-panels";
import { SelectField } from "~/components/form-fields";
import { TextField } from "~/components/text-field";
import { formatDateTime } from "~/domain/format";

/**
 * The clerk's case page, issue 14: what the submission rests on (the Bauherr's confirmation or the
 * Entwurfsverfasser's declared Vollmacht) and the Bekanntgabe of the Bescheid, with the warning
 * when it was not retrieved in time and the form to record the Zustellung by post.
 */

export interface ClerkPartiesData {
  caseId: string;
  basis: {
    kind: string;
    byName: string;
    at: string;
    filename: string | null;
    applicationVersion: number | null;
  } | null;
  bekanntgabe: BekanntgabeViewData | null;
  postMethods: { value: string; label: string }[];
  today: string;
  recorded: boolean;
  mayRecord: boolean;
}

export function SubmissionBasis({ basis }: { basis: ClerkPartiesData["basis"] }) {
  if (!basis) return null;
  return (
    <section className="app-section" aria-labelledby="einreichungsgrundlage">
      <h2 className="kern-heading-medium" id="einreichungsgrundlage">
        Antragsberechtigung
      </h2>
      <p className="kern-body" data-testid="submission-basis">
        {basis.kind === "OWNER_CONFIRMATION" ? (
          <>
            Die Bauherrschaft ({basis.byName}) hat den Antrag im Portal am {formatDateTime(basis.at)} zur
            Einreichung bestätigt{basis.applicationVersion ? ` (Fassung ${basis.applicationVersion})` : ""}.
          </>
        ) : basis.kind === "MANDATE" ? (
          <>
            Eingereicht mit Vollmacht der Bauherrschaft: erklärt von {basis.byName} am{" "}
            {formatDateTime(basis.at)}
            {basis.filename ? `, Unterlage „${basis.filename}“ (bei den Unterlagen)` : ""}.
          </>
        ) : (
          <>Die Bauherrschaft ({basis.byName}) hat selbst eingereicht.</>
        )}
      </p>
    </section>
  );
}

export function BekanntgabeSection({ data }: { data: ClerkPartiesData }) {
  const view = data.bekanntgabe;
  if (!view) return null;
  const canRecord = data.mayRecord && view.via !== "RETRIEVAL" && !view.postDelivery;
  return (
    <section className="app-section app-stack" aria-labelledby="bekanntgabe-heading">
      <h2 className="kern-heading-medium" id="bekanntgabe-heading">
        Bekanntgabe des Bescheids
      </h2>
      {data.recorded ? (
        <Alert tone="success" title="Zustellung erfasst" announce>
          <p className="kern-body">Die Zustellung ist erfasst; die Fristen laufen ab diesem Tag.</p>
        </Alert>
      ) : null}
      <BekanntgabeSummary view={view} audience="clerk" />
      {canRecord ? (
        <details className="kern-body" open={view.notRetrievedInTime}>
          <summary>Zustellung auf anderem Weg erfassen</summary>
          <Form
            method="post"
            action={`/behoerde/faelle/${data.caseId}/bekanntgabe`}
            className="app-stack"
            data-testid="post-delivery-form"
          >
            <SelectField
              id="post-method"
              name="method"
              label="Art der Zustellung"
              placeholder="Bitte wählen"
              required
              defaultValue=""
              options={data.postMethods}
            />
            <TextField
              id="post-date"
              name="deliveredOn"
              label="Zugestellt am"
              type="date"
              max={data.today}
              required
            />
            <TextField id="post-note" name="note" label="Vermerk (optional)" type="text" maxLength={1000} />
            <button type="submit" className="kern-btn kern-btn--secondary">
              <span className="kern-label">Zustellung erfassen …</span>
            </button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
