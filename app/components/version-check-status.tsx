/**
 * The check state of one stored document version, beside the version in the applicant's documents
 * list and on the clerk's case page: "wird geprüft" while the worker's deep check runs, "abgelehnt"
 * with the German reason, and the upload-time archivability warnings (not a refusal, issue 13).
 */
export interface VersionCheck {
  checkStatus: "PENDING" | "ACCEPTED" | "REFUSED";
  checkMessage: string | null;
  archiveWarnings: string[];
}

export function VersionCheckStatus({ version }: { version: VersionCheck }) {
  const { checkStatus, checkMessage, archiveWarnings } = version;
  if (checkStatus === "ACCEPTED" && archiveWarnings.length === 0) return null;
  return (
    <span className="app-version-check" data-testid="version-check" data-check-status={checkStatus}>
      {checkStatus === "PENDING" ? (
        <span className="kern-badge kern-badge--info">
          <span className="kern-label kern-label--small">wird geprüft</span>
        </span>
      ) : null}
      {checkStatus === "REFUSED" ? (
        <>
          <span className="kern-badge kern-badge--danger">
            <span className="kern-label kern-label--small">abgelehnt</span>
          </span>{" "}
          <span className="kern-body kern-body--small" data-testid="version-check-reason">
            {checkMessage ?? "Die Datei konnte nicht geprüft werden."} Diese Fassung zählt nicht als
            eingereicht.
          </span>
        </>
      ) : null}
      {archiveWarnings.length > 0 ? (
        <span className="kern-body kern-body--small" data-testid="archive-warnings">
          {" "}
          <span className="kern-badge kern-badge--warning">
            <span className="kern-label kern-label--small">Hinweis zur Archivierung</span>
          </span>{" "}
          {archiveWarnings.join(" ")}
        </span>
      ) : null}
    </span>
  );
}

/** Whether any version still waits for its check (the page then reloads its data now and then). */
export function anyPending(documents: { versions: { checkStatus: string }[] }[]): boolean {
  return documents.some((d) => d.versions.some((v) => v.checkStatus === "PENDING"));
}
