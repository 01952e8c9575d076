import { Link } from "@remix-run/react";
import { formatDate, isoString } from "~/domain/format";
import { procedureLabel, StatusBadge } from "./status";

export interface ApplicationRow {
  id: string;
  title: string;
  status: string;
  fileNumber: string | null;
  procedureType: string;
  submittedAt: Date | string | null;
  updatedAt: Date | string;
  authority: { name: string };
  createdBy?: { displayName: string };
}

/** KERN table of applications; on a phone it scrolls sideways inside its wrapper. */
export function ApplicationTable({
  caption,
  rows,
  hrefFor,
  showAuthority = false,
  showApplicant = false,
}: {
  caption: string;
  rows: ApplicationRow[];
  hrefFor: (id: string) => string;
  showAuthority?: boolean;
  showApplicant?: boolean;
}) {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table app-table-stack">
        <caption className="kern-title kern-sr-only">{caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Vorhaben
            </th>
            <th scope="col" className="kern-table__header">
              Aktenzeichen
            </th>
            <th scope="col" className="kern-table__header">
              Status
            </th>
            {showApplicant ? (
              <th scope="col" className="kern-table__header">
                Eingereicht von
              </th>
            ) : null}
            {showAuthority ? (
              <th scope="col" className="kern-table__header">
                Behörde
              </th>
            ) : null}
            <th scope="col" className="kern-table__header">
              {showApplicant ? "Eingang" : "Zuletzt geändert"}
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {rows.map((row) => {
            const date = showApplicant ? row.submittedAt : row.updatedAt;
            return (
              <tr key={row.id} className="kern-table__row">
                <td className="kern-table__cell">
                  <Link className="kern-link" to={hrefFor(row.id)}>
                    {row.title || "Ohne Titel"}
                  </Link>
                  <div className="kern-body kern-body--small kern-body--muted">
                    {procedureLabel(row.procedureType)}
                  </div>
                </td>
                <td className="kern-table__cell" data-label="Aktenzeichen">
                  {row.fileNumber ?? "noch keins"}
                </td>
                <td className="kern-table__cell" data-label="Status">
                  <StatusBadge status={row.status} />
                </td>
                {showApplicant ? (
                  <td className="kern-table__cell" data-label="Eingereicht von">
                    {row.createdBy?.displayName ?? "–"}
                  </td>
                ) : null}
                {showAuthority ? (
                  <td className="kern-table__cell" data-label="Behörde">
                    {row.authority.name}
                  </td>
                ) : null}
                <td className="kern-table__cell" data-label={showApplicant ? "Eingang" : "Zuletzt geändert"}>
                  {date ? <time dateTime={isoString(date)}>{formatDate(date)}</time> : "–"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="kern-card">
      <div className="kern-card__container">
        <div className="kern-card__header">
          <h2 className="kern-title">{title}</h2>
        </div>
        <div className="kern-card__body">
          <p className="kern-body">{children}</p>
        </div>
      </div>
    </div>
  );
}
