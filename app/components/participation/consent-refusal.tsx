import { Form } from "@remix-run/react";
import { IntentButton } from "~/components/intent-button";
import type { BoardDraft } from "./board-page.server";

/**
 * What the clerk does with a refused Einvernehmen/Zustimmung (board row): follow it (the permit is
 * refused: "Ablehnung vorschlagen", the Bescheid draft opens as Ablehnung) or — for the Gemeinde's
 * Einvernehmen only — replace it (Ersetzung, with the reasons the Bescheid gives and the
 * confirmation that the Gemeinde was heard). Plain forms; both lead to a confirmation page first
 * and are recorded in the case history. What was typed comes back after a refusal or "Zurück".
 */
export function ConsentRefusalActions({
  participationId,
  kind,
  agencyName,
  replacementBasis,
  draft,
  busy,
}: {
  participationId: string;
  kind: string;
  agencyName: string;
  replacementBasis: string;
  draft: BoardDraft | null;
  busy: boolean;
}) {
  const municipal = kind === "MUNICIPAL_CONSENT";
  const id = `refusal-${participationId}`;
  return (
    <div data-testid="consent-refusal">
      <p className="kern-body kern-body--small">
        <strong>{municipal ? "Einvernehmen versagt." : "Zustimmung versagt."}</strong> Eine Genehmigung ist so
        nicht möglich.
      </p>
      <Form method="post">
        <input type="hidden" name="participationId" value={participationId} />
        <IntentButton intent="accept-refusal" variant="secondary" disabled={busy}>
          Ablehnung vorschlagen …
        </IntentButton>
      </Form>
      {municipal ? (
        <Form method="post" aria-labelledby={`${id}-title`}>
          <input type="hidden" name="participationId" value={participationId} />
          <p className="kern-body kern-body--small" id={`${id}-title`}>
            Einvernehmen ersetzen ({replacementBasis}), wenn es rechtswidrig versagt wurde:
          </p>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor={`${id}-reasons`}>
              Begründung der Ersetzung (geht in den Bescheid ein)
            </label>
            <textarea
              id={`${id}-reasons`}
              name="reasons"
              className="kern-form-input__input"
              rows={3}
              maxLength={8000}
              defaultValue={draft?.reasons ?? ""}
            />
          </div>
          <div className="kern-form-check">
            <input
              className="kern-form-check__input"
              type="checkbox"
              id={`${id}-heard`}
              name="heard"
              defaultChecked={draft?.heard ?? false}
            />
            <label className="kern-label" htmlFor={`${id}-heard`}>
              {agencyName} wurde angehört und hatte Gelegenheit, erneut über das Einvernehmen zu entscheiden.
            </label>
          </div>
          <IntentButton intent="replace-consent" variant="secondary" disabled={busy}>
            Einvernehmen ersetzen …
          </IntentButton>
        </Form>
      ) : null}
    </div>
  );
}
