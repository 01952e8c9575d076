import { Alert } from "~/components/alert";
import { formatDate, formatDateTime, isoString } from "~/domain/format";
import type { LoadedRequest } from "./case-page-types";

/**
 * The latest Nachforderung on the clerk's case page: its items with the applicant's answers, the
 * internal note (authority only) and what changed in documents and form values since it was sent.
 */

function requestStatusLabel(status: string): string {
  return (
    { OPEN: "offen", ANSWERED: "beantwortet", CLOSED: "geschlossen", EXPIRED: "Frist abgelaufen" }[status] ??
    status
  );
}

export function RequestPanel({ request: r }: { request: LoadedRequest }) {
  const changed = r.changes.fields.length + r.changes.documents.length;
  return (
    <section className="app-section" aria-labelledby="nachforderung" data-testid="clerk-request">
      <h2 className="kern-heading-medium" id="nachforderung">
        Nachforderung vom {formatDate(r.sentAt)} ({requestStatusLabel(r.status)})
      </h2>
      <p className="kern-body">
        Frist: <time dateTime={isoString(r.deadline)}>{formatDate(r.deadline)}</time>
        {r.answeredAt ? `, beantwortet am ${formatDateTime(r.answeredAt)}` : ""}
        {r.bylawReference ? `, Satzung: ${r.bylawReference}` : ""}
      </p>
      {r.message ? <p className="kern-body">{r.message}</p> : null}
      {r.internalNote ? (
        <Alert tone="info" title="Interner Vermerk (nur Behörde)">
          <p className="kern-body" data-testid="internal-note">
            {r.internalNote}
          </p>
        </Alert>
      ) : null}
      <ol className="app-findings">
        {r.items.map((i) => (
          <li key={i.id} className="app-finding" data-testid="clerk-request-item">
            <span className="kern-body kern-body--bold">
              {i.categoryLabel}: {i.message}
            </span>
            <span className="app-finding__basis">
              {i.answerText ? `Antwort: ${i.answerText}` : "noch keine Antwort in Textform"}
              {i.answeredBy ? ` (${i.answeredBy})` : ""}
            </span>
          </li>
        ))}
      </ol>
      <h3 className="kern-heading-small">Änderungen seit der Nachforderung</h3>
      {changed === 0 ? (
        <p className="kern-body" data-testid="changes-none">
          Seit der Nachforderung hat sich nichts geändert.
        </p>
      ) : (
        <div data-testid="changes" style={{ background: "#fff4ce", padding: "0.75rem" }}>
          {r.changes.documents.length > 0 ? (
            <ul className="kern-list" data-testid="changes-documents">
              {r.changes.documents.map((d) => (
                <li key={d.typeCode}>
                  <strong>{d.title}</strong>: neu{" "}
                  {d.newVersions.map((v, n) => (
                    <span key={v.versionId}>
                      {n > 0 ? ", " : ""}
                      <a className="kern-link" href={`/dateien/${v.versionId}`} download>
                        Version {v.versionNumber} ({v.filename})
                      </a>
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          ) : null}
          {r.changes.fields.length > 0 ? (
            <table className="kern-table kern-table--small" data-testid="changes-fields">
              <caption className="kern-title">Geänderte Angaben</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">
                    Feld
                  </th>
                  <th scope="col" className="kern-table__header">
                    vorher
                  </th>
                  <th scope="col" className="kern-table__header">
                    jetzt
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {r.changes.fields.map((f) => (
                  <tr key={f.path} className="kern-table__row">
                    <td className="kern-table__cell">{f.path}</td>
                    <td className="kern-table__cell">
                      <del>{f.before}</del>
                    </td>
                    <td className="kern-table__cell">
                      <ins>{f.after}</ins>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      )}
    </section>
  );
}
