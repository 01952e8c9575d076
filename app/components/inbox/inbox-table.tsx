import { Form, Link, useSearchParams } from "@remix-run/react";
import { procedureLabel, StatusBadge } from "~/components/status";
import { formatDate, isoString } from "~/domain/format";
import type { InboxRow, LoadedInbox } from "./inbox-page-types";

/** The inbox list: one row per case with its deadline and assignment forms, and the page links. */

type Clerks = LoadedInbox["clerks"];

export function InboxTable({
  rows,
  me,
  clerks,
  assigning,
}: {
  rows: InboxRow[];
  me: string;
  clerks: Clerks;
  assigning: boolean;
}) {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table app-table-stack" data-testid="inbox-table">
        <caption className="kern-title kern-sr-only">Fälle im Posteingang</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Aktenzeichen / Vorhaben
            </th>
            <th scope="col" className="kern-table__header">
              Bauherr:in / Adresse
            </th>
            <th scope="col" className="kern-table__header">
              Status
            </th>
            <th scope="col" className="kern-table__header">
              Nächste Frist
            </th>
            <th scope="col" className="kern-table__header">
              Zuständig
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {rows.map((r) => (
            <InboxTableRow key={r.id} r={r} me={me} clerks={clerks} assigning={assigning} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InboxTableRow({
  r,
  me,
  clerks,
  assigning,
}: {
  r: InboxRow;
  me: string;
  clerks: Clerks;
  assigning: boolean;
}) {
  return (
    <tr className="kern-table__row" data-testid="inbox-row">
      <td className="kern-table__cell" data-label="Aktenzeichen / Vorhaben">
        <Link className="kern-link" to={`/behoerde/faelle/${r.id}`}>
          <strong>{r.fileNumber ?? "ohne Aktenzeichen"}</strong>
          <br />
          {r.title || "Antrag ohne Titel"}
        </Link>
        <br />
        <span className="kern-body kern-body--small">
          {procedureLabel(r.procedureType)}
          {r.municipalityName ? `, ${r.municipalityName}` : ""}, Eingang {formatDate(r.submittedAt)}
          {r.intakeChannel ? ` (${r.intakeChannel === "EMAIL" ? "per E-Mail" : "auf Papier"})` : ""}
        </span>
      </td>
      <td className="kern-table__cell" data-label="Bauherr:in / Adresse">
        {r.applicantName ?? "–"}
        <br />
        <span className="kern-body kern-body--small">{r.plotAddress ?? ""}</span>
      </td>
      <td className="kern-table__cell" data-label="Status">
        <StatusBadge status={r.status} />
      </td>
      <td className="kern-table__cell" data-label="Nächste Frist">
        {r.nextDeadlineAt ? (
          <>
            <time dateTime={isoString(r.nextDeadlineAt)}>{formatDate(r.nextDeadlineAt)}</time>
            {r.status === "SUBMITTED" || r.status === "IN_REVIEW" ? (
              // No legal deadline runs yet: the target for the completeness check (issue 14 item 5).
              <span className="kern-body kern-body--small" data-testid="inbox-review-target">
                {" "}
                (Ziel Vollständigkeitsprüfung)
              </span>
            ) : null}
            <br />
            <span className={r.overdue ? "kern-badge kern-badge--danger" : "kern-body kern-body--small"}>
              {r.overdue ? <span className="kern-label">{r.deadlineLabel}</span> : r.deadlineLabel}
            </span>
          </>
        ) : (
          "–"
        )}
      </td>
      <td className="kern-table__cell" data-label="Zuständig">
        <span data-testid="inbox-assignee">
          {r.assignedClerkId === me ? "ich" : (r.assignedClerkName ?? "nicht zugewiesen")}
        </span>
        <AssignForms
          caseId={r.id}
          fileNumber={r.fileNumber ?? r.title}
          assignedClerkId={r.assignedClerkId}
          me={me}
          clerks={clerks}
          disabled={assigning}
        />
      </td>
    </tr>
  );
}

export function InboxPagination({ page, pageCount }: { page: number; pageCount: number }) {
  const [params] = useSearchParams();
  const hrefForPage = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("seite", String(p));
    return `?${next.toString()}`;
  };
  return (
    <nav aria-label="Seiten" className="app-section" data-testid="inbox-pagination">
      <ul style={{ display: "flex", gap: "1rem", listStyle: "none", padding: 0 }}>
        {page > 1 ? (
          <li>
            <Link className="kern-link" to={hrefForPage(page - 1)} rel="prev">
              Vorherige Seite
            </Link>
          </li>
        ) : null}
        <li className="kern-body">
          Seite {page} von {pageCount}
        </li>
        {page < pageCount ? (
          <li>
            <Link className="kern-link" to={hrefForPage(page + 1)} rel="next">
              Nächste Seite
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** "Mir zuweisen" and a choice of any clerk of the authority, each a plain form post. */
function AssignForms({
  caseId,
  fileNumber,
  assignedClerkId,
  me,
  clerks,
  disabled,
}: {
  caseId: string;
  fileNumber: string;
  assignedClerkId: string | null;
  me: string;
  clerks: { id: string; displayName: string }[];
  disabled: boolean;
}) {
  return (
    <>
      {assignedClerkId !== me ? (
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="caseId" value={caseId} />
          <input type="hidden" name="clerkId" value="me" />
          <button
            type="submit"
            className="kern-btn kern-btn--tertiary"
            disabled={disabled}
            aria-label={`Fall ${fileNumber} mir zuweisen`}
          >
            <span className="kern-label">Mir zuweisen</span>
          </button>
        </Form>
      ) : null}
      <details>
        <summary className="kern-body kern-body--small">Zuweisung ändern</summary>
        <Form method="post" preventScrollReset style={{ display: "flex", gap: "0.5rem", alignItems: "end" }}>
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="caseId" value={caseId} />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor={`assign-${caseId}`}>
              Zuständig für {fileNumber}
            </label>
            <div className="kern-form-input__select-wrapper">
              <select
                id={`assign-${caseId}`}
                name="clerkId"
                className="kern-form-input__select"
                defaultValue={assignedClerkId ?? ""}
                key={assignedClerkId ?? "none"}
              >
                <option value="">nicht zugewiesen</option>
                {clerks.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                    {c.id === me ? " (ich)" : ""}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={disabled}>
            <span className="kern-label">Zuweisen</span>
          </button>
        </Form>
      </details>
    </>
  );
}
