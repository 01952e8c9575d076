import { formatDateTime, isoString } from "~/domain/format";
import { eventDetail, eventLabel } from "../status";

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
                {eventLabel(e.type)}
              </td>
              <td className="kern-table__cell" data-label="Einzelheiten">
                {eventDetail(e.type, e.payload) || "–"}
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
