import { Form } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { IntentButton } from "~/components/intent-button";
import { formatDate } from "~/domain/format";
import { conditionKindLabel } from "~/domain/statements";
import type { BoardDraft } from "./board-page.server";
import type { BoardRowView } from "./board-page-types";
import { ConsentRefusalActions } from "./consent-refusal";
import { ExtensionDecisionForm } from "./extension-decision";

/**
 * "Beteiligte Stellen": each agency's state, deadline, days left, statement (or what its silence
 * means), files, and the clerk's decisions on the row (refused consent, extension requests), then
 * "Beteiligung abschließen". Every decision posts to its confirmation page first.
 */

export function BoardSection({
  board,
  boardMessage,
  draft,
  replacementBasis,
  today,
  busy,
}: {
  board: BoardRowView[];
  boardMessage: string | null;
  draft: BoardDraft | null;
  replacementBasis: string;
  today: string;
  busy: boolean;
}) {
  const anyOpen = board.some((b) => !b.closedAt);
  return (
    <section className="app-section" aria-labelledby="board-title">
      <h2 className="kern-heading-medium" id="board-title">
        Beteiligte Stellen
      </h2>
      {boardMessage ? (
        <Alert tone="danger" title="Nicht ausgeführt" announce>
          <p className="kern-body" data-testid="board-error">
            {boardMessage}
          </p>
        </Alert>
      ) : null}
      <div style={{ overflowX: "auto" }}>
        <table className="kern-table" data-testid="participation-board">
          <caption className="kern-title">Stand der Beteiligung</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              {["Stelle", "Status", "Frist", "Tage", "Stellungnahme", "Aktionen"].map((h) => (
                <th className="kern-table__header" scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {board.map((b) => (
              <tr className="kern-table__row" key={b.id} data-testid="board-row" data-agency={b.agencyName}>
                <th className="kern-table__cell" scope="row">
                  {b.agencyName}
                  <br />
                  <small className="kern-body kern-body--small">
                    {b.kindLabel} · {b.documentCount} Unterlagen
                  </small>
                </th>
                <td className="kern-table__cell">
                  <span className={`kern-badge kern-badge--${b.stateTone}`} data-testid="board-state">
                    <span className="kern-label">{b.stateLabel}</span>
                  </span>
                </td>
                <td className="kern-table__cell">{formatDate(b.deadline)}</td>
                <td className="kern-table__cell" data-testid="board-days">
                  {b.daysLeft === null ? "–" : b.daysLeft < 0 ? `${-b.daysLeft} überfällig` : b.daysLeft}
                </td>
                <td className="kern-table__cell" data-testid="board-statement">
                  <StatementCell b={b} />
                </td>
                <td className="kern-table__cell">
                  {b.consentRefused ? (
                    <ConsentRefusalActions
                      participationId={b.id}
                      kind={b.kind}
                      agencyName={b.agencyName}
                      replacementBasis={replacementBasis}
                      draft={draft?.id === b.id ? draft : null}
                      busy={busy}
                    />
                  ) : null}
                  {b.replacedAt ? (
                    <p className="kern-body kern-body--small" data-testid="consent-replaced">
                      Ersetzt am {formatDate(b.replacedAt)}: {b.replacementReasons}
                    </p>
                  ) : null}
                  {b.pendingExtensions.map((e) => (
                    <ExtensionDecisionForm
                      key={e.id}
                      extension={e}
                      draft={draft?.id === e.id ? draft : null}
                      today={today}
                      busy={busy}
                    />
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {anyOpen ? (
        <Form method="post" className="app-section">
          <p className="kern-body">
            Schließen Sie die Beteiligung, wenn alle Stellungnahmen vorliegen oder die Fristen abgelaufen
            sind. Die Stellen behalten ihre Stellungnahme und das Paket, können aber keine Unterlagen des
            Falls mehr öffnen.
          </p>
          <IntentButton intent="close" variant="secondary" disabled={busy}>
            Beteiligung abschließen …
          </IntentButton>
        </Form>
      ) : (
        <p className="kern-body" data-testid="participation-closed">
          Die Beteiligung ist abgeschlossen.
        </p>
      )}
    </section>
  );
}

/** The statement of a row, or what the missing answer means (fiction or "nicht fristgerecht"). */
function StatementCell({ b }: { b: BoardRowView }) {
  return (
    <>
      {b.statement ? (
        <>
          <strong>{b.statement.outcomeLabel}</strong>
          {b.statement.late ? (
            <span className="kern-badge kern-badge--warning" data-testid="statement-late">
              <span className="kern-label">nicht fristgerecht</span>
            </span>
          ) : null}
          {b.statement.conditions.length > 0 ? (
            <ul className="kern-list">
              {b.statement.conditions.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: conditions are immutable and ordered
                <li key={i}>
                  {conditionKindLabel(c.kind)}: {c.text}
                </li>
              ))}
            </ul>
          ) : null}
          {b.statement.reasons ? <p className="kern-body kern-body--small">{b.statement.reasons}</p> : null}
        </>
      ) : b.status === "DEEMED_CONSENT" ? (
        <span>Keine Antwort – {b.kindLabel} gilt als erteilt</span>
      ) : b.overdue && !b.silenceIsConsent ? (
        <span data-testid="statement-missing">
          Keine Stellungnahme bis zum Fristende – nicht fristgerecht, keine Fiktion. Eine später eingehende
          Stellungnahme bleibt unberücksichtigt, es sei denn, sie ist für die Rechtmäßigkeit der Entscheidung
          von Bedeutung.
        </span>
      ) : (
        "–"
      )}
      {b.files.length > 0 ? (
        <ul className="kern-list" data-testid="board-files">
          {b.files.map((f) => (
            <li key={f.id}>
              <a className="kern-link" href={f.href} download>
                {f.kindLabel}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
