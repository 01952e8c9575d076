import { Form } from "@remix-run/react";
import { API_SCOPE_LABELS, isApiScope } from "~/api/scopes";

export interface ApiClientRow {
  id: string;
  name: string;
  scopes: string[];
  keyPrefix: string;
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const dateTime = (iso: string | null) =>
  iso
    ? new Date(iso).toLocaleString("de-DE", {
        timeZone: "Europe/Berlin",
        dateStyle: "medium",
        timeStyle: "short",
      })
    : "–";

/** The authority's API clients with rotation and revocation (revocation needs a confirmation tick). */
export function ApiClientTable({ clients, busy }: { clients: ApiClientRow[]; busy: boolean }) {
  if (clients.length === 0) return <p className="kern-body">Noch keine API-Zugänge angelegt.</p>;
  return (
    <table className="kern-table">
      <caption className="kern-sr-only">API-Zugänge der Behörde</caption>
      <thead className="kern-table__head">
        <tr className="kern-table__row">
          <th className="kern-table__header" scope="col">
            Name
          </th>
          <th className="kern-table__header" scope="col">
            Berechtigungen
          </th>
          <th className="kern-table__header" scope="col">
            Schlüssel
          </th>
          <th className="kern-table__header" scope="col">
            Angelegt / erneuert
          </th>
          <th className="kern-table__header" scope="col">
            Zuletzt benutzt
          </th>
          <th className="kern-table__header" scope="col">
            Aktionen
          </th>
        </tr>
      </thead>
      <tbody className="kern-table__body">
        {clients.map((c) => (
          <tr className="kern-table__row" key={c.id}>
            <td className="kern-table__cell">{c.name}</td>
            <td className="kern-table__cell">
              <ul className="kern-list">
                {c.scopes.map((s) => (
                  <li key={s} title={isApiScope(s) ? API_SCOPE_LABELS[s] : undefined}>
                    <code>{s}</code>
                  </li>
                ))}
              </ul>
            </td>
            <td className="kern-table__cell">
              <code>{c.keyPrefix}</code>
            </td>
            <td className="kern-table__cell">
              {dateTime(c.createdAt)}
              {c.rotatedAt ? ` / ${dateTime(c.rotatedAt)}` : ""}
            </td>
            <td className="kern-table__cell">{dateTime(c.lastUsedAt)}</td>
            <td className="kern-table__cell">
              {c.revokedAt ? (
                <span>Widerrufen am {dateTime(c.revokedAt)}</span>
              ) : (
                <div className="kern-stack">
                  <Form method="post">
                    <input type="hidden" name="intent" value="rotate" />
                    <input type="hidden" name="clientId" value={c.id} />
                    <button className="kern-btn kern-btn--secondary" type="submit" disabled={busy}>
                      <span className="kern-label">Schlüssel erneuern</span>
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="clientId" value={c.id} />
                    <div className="kern-form-check">
                      <input
                        className="kern-form-check__checkbox"
                        type="checkbox"
                        id={`revoke-${c.id}`}
                        name="bestaetigt"
                        value="ja"
                        required
                      />
                      <label className="kern-label" htmlFor={`revoke-${c.id}`}>
                        Endgültig widerrufen – Anfragen mit diesem Schlüssel werden abgewiesen
                      </label>
                    </div>
                    <button className="kern-btn kern-btn--secondary" type="submit" disabled={busy}>
                      <span className="kern-label">Widerrufen</span>
                    </button>
                  </Form>
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
