import { Form, Link } from "@remix-run/react";

export interface CallLogRow {
  id: string;
  clientName: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  at: string;
}

const dateTime = (iso: string) =>
  new Date(iso).toLocaleString("de-DE", {
    timeZone: "Europe/Berlin",
    dateStyle: "medium",
    timeStyle: "medium",
  });

/** The call log of the authority's API clients, newest first, paged backwards ("Ältere Aufrufe"). */
export function ApiCallLog({
  rows,
  nextBefore,
  clientFilter,
  clients,
}: {
  rows: CallLogRow[];
  nextBefore: string | null;
  clientFilter: string | null;
  clients: { id: string; name: string }[];
}) {
  const older = new URLSearchParams();
  if (clientFilter) older.set("zugang", clientFilter);
  if (nextBefore) older.set("vor", nextBefore);
  return (
    <>
      {clients.length > 0 ? (
        <Form method="get" className="kern-stack">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="log-client">
              Zugang
            </label>
            <select
              className="kern-form-input__select"
              id="log-client"
              name="zugang"
              defaultValue={clientFilter ?? ""}
            >
              <option value="">Alle Zugänge</option>
              {clients.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button className="kern-btn kern-btn--secondary" type="submit">
            <span className="kern-label">Anzeigen</span>
          </button>
        </Form>
      ) : null}
      {rows.length === 0 ? (
        <p className="kern-body">Keine Aufrufe.</p>
      ) : (
        <table className="kern-table">
          <caption className="kern-sr-only">Aufrufe der API, neueste zuerst</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th className="kern-table__header" scope="col">
                Zeit
              </th>
              <th className="kern-table__header" scope="col">
                Zugang
              </th>
              <th className="kern-table__header" scope="col">
                Anfrage
              </th>
              <th className="kern-table__header" scope="col">
                Status
              </th>
              <th className="kern-table__header" scope="col">
                Dauer
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {rows.map((r) => (
              <tr className="kern-table__row" key={r.id}>
                <td className="kern-table__cell">{dateTime(r.at)}</td>
                <td className="kern-table__cell">{r.clientName}</td>
                <td className="kern-table__cell">
                  <code>
                    {r.method} {r.path}
                  </code>
                </td>
                <td className="kern-table__cell">{r.status}</td>
                <td className="kern-table__cell">{r.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore ? (
        <p className="kern-body">
          <Link className="kern-link" to={`?${older.toString()}`}>
            Ältere Aufrufe
          </Link>
        </p>
      ) : null}
    </>
  );
}
