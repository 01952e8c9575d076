import { formatDate, formatDateTime, isoString } from "../format";
import { eventDetail, eventLabel } from "../status";

/** Labels of the review events (issue 4); everything else comes from status.tsx. */
const REVIEW_EVENT_LABELS: Record<string, string> = {
  "review.started": "Vollständigkeitsprüfung begonnen",
  "request.sent": "Nachforderung gestellt",
  "request.answered": "Nachforderung beantwortet (Nachreichung)",
  "request.item-answered": "Punkt der Nachforderung beantwortet",
  "request.expired": "Frist der Nachforderung abgelaufen",
  "request.closed": "Nachforderung geschlossen",
  "application.complete": "Antrag vollständig",
  "case.assigned": "Zuständigkeit geändert",
  "application.withdrawn": "Antrag zurückgenommen",
  "comment.added": "Kommentar",
};

export function caseEventLabel(type: string): string {
  return REVIEW_EVENT_LABELS[type] ?? eventLabel(type);
}

export function caseEventDetail(type: string, payload: unknown): string {
  const p = (payload && typeof payload === "object" ? payload : {}) as Record<string, unknown>;
  switch (type) {
    case "application.complete":
      return typeof p.decisionDueAt === "string"
        ? `Entscheidung spätestens am ${formatDate(p.decisionDueAt)}`
        : "keine gesetzliche Entscheidungsfrist";
    case "request.sent":
      return typeof p.deadline === "string" ? `Frist bis ${formatDate(p.deadline)}` : "";
    case "application.withdrawn":
      return typeof p.reason === "string" && p.reason ? `Grund: ${p.reason}` : "";
    default:
      return eventDetail(type, payload);
  }
}

export interface TimelineEvent {
  id: string;
  type: string;
  payload: unknown;
  createdAt: Date | string;
  actor: string;
}

/** The case history as a table, newest first. */
export function CaseTimeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return <p className="kern-body">Noch keine Einträge.</p>;
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--small app-table-stack" data-testid="timeline">
        <caption className="kern-title kern-sr-only">Verlauf des Falls, neueste Einträge zuerst</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Zeitpunkt
            </th>
            <th scope="col" className="kern-table__header">
              Ereignis
            </th>
            <th scope="col" className="kern-table__header">
              Einzelheiten
            </th>
            <th scope="col" className="kern-table__header">
              durch
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {[...events].reverse().map((e) => (
            <tr key={e.id} className="kern-table__row" data-type={e.type}>
              <td className="kern-table__cell" data-label="Zeitpunkt">
                <time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time>
              </td>
              <td className="kern-table__cell" data-label="Ereignis">
                {caseEventLabel(e.type)}
              </td>
              <td className="kern-table__cell" data-label="Einzelheiten">
                {caseEventDetail(e.type, e.payload) || "–"}
              </td>
              <td className="kern-table__cell" data-label="durch">
                {e.actor}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
