export interface SecurityHistoryItem {
  id: string;
  kindLabel: string;
  methodLabel: string;
  ipPrefix: string | null;
  userAgentFamily: string | null;
  createdAt: string;
  actorName: string | null;
}

const formatter = new Intl.DateTimeFormat("de-DE", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Berlin",
});

/** The security history of one account as a table (newest first). */
export function SecurityHistoryTable({ items, caption }: { items: SecurityHistoryItem[]; caption: string }) {
  if (items.length === 0) return <p className="kern-body">Noch keine Einträge.</p>;
  return (
    <div className="kern-table-responsive">
      <table className="kern-table" data-testid="security-history">
        <caption className="kern-title kern-sr-only">{caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Zeitpunkt
            </th>
            <th scope="col" className="kern-table__header">
              Ereignis
            </th>
            <th scope="col" className="kern-table__header">
              Verfahren
            </th>
            <th scope="col" className="kern-table__header">
              Netz (ungefähr)
            </th>
            <th scope="col" className="kern-table__header">
              Browser
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {items.map((e) => (
            <tr key={e.id} className="kern-table__row">
              <td className="kern-table__cell">{formatter.format(new Date(e.createdAt))}</td>
              <td className="kern-table__cell">
                {e.kindLabel}
                {e.actorName ? ` (durch ${e.actorName})` : ""}
              </td>
              <td className="kern-table__cell">{e.methodLabel}</td>
              <td className="kern-table__cell">{e.ipPrefix ?? "–"}</td>
              <td className="kern-table__cell">{e.userAgentFamily ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
