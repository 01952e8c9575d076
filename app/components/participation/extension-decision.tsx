import { Form } from "@remix-run/react";
import { IntentButton } from "~/components/intent-button";
import { berlinDate } from "~/domain/deadlines";
import { formatDate } from "~/domain/format";
import type { BoardDraft } from "./board-page.server";

/**
 * The clerk's decision on an agency's request for a longer deadline (board row): new deadline
 * (the requested one by default), a note to the agency, "gewähren" or "ablehnen". Both lead to a
 * confirmation page first; what was typed comes back after a refusal or "Zurück" (`draft`).
 */
export function ExtensionDecisionForm({
  extension: e,
  draft,
  today,
  busy,
}: {
  extension: { id: string; requestedDeadline: string; reason: string };
  draft: BoardDraft | null;
  today: string;
  busy: boolean;
}) {
  return (
    <div data-testid="extension-request">
      <p className="kern-body kern-body--small">
        Fristverlängerung bis {formatDate(e.requestedDeadline)} beantragt: „{e.reason}“
      </p>
      <Form method="post">
        <input type="hidden" name="extensionId" value={e.id} />
        <div className="kern-form-input">
          <label className="kern-label" htmlFor={`ext-${e.id}-deadline`}>
            Neue Frist
          </label>
          <input
            id={`ext-${e.id}-deadline`}
            name="deadline"
            type="date"
            className="kern-form-input__input"
            min={today}
            defaultValue={draft?.deadline || berlinDate(new Date(e.requestedDeadline))}
          />
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor={`ext-${e.id}-note`}>
            Vermerk an die Stelle (optional)
          </label>
          <input
            id={`ext-${e.id}-note`}
            name="note"
            className="kern-form-input__input"
            maxLength={2000}
            defaultValue={draft?.note ?? ""}
          />
        </div>
        <IntentButton intent="grant" variant="primary" disabled={busy}>
          Fristverlängerung gewähren …
        </IntentButton>{" "}
        <IntentButton intent="refuse" variant="secondary" disabled={busy}>
          Fristverlängerung ablehnen …
        </IntentButton>
      </Form>
    </div>
  );
}
