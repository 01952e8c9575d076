import { Form, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { formatBytes, formatDateTime, isoString } from "~/domain/format";

export interface AkteExportView {
  latest: {
    id: string;
    filename: string;
    sizeBytes: number;
    sha256: string;
    createdAt: Date | string;
    current: boolean;
  } | null;
  pending: boolean;
  failed: { at: Date | string; reason: string } | null;
  older: number;
  exportIds: string[];
}

/**
 * "Akte exportieren" on the clerk's case page (issue 16 item 4): asks the worker for the complete
 * file as one ZIP and offers the newest export for download; older ones are superseded and only
 * counted. Works without JavaScript (a plain form post; the page's readiness poll or a reload
 * shows the finished export).
 */
export function AkteExportSection({ applicationId, akte }: { applicationId: string; akte: AkteExportView }) {
  const asked = useSearchParams()[0].get("akte");
  const href = `/behoerde/faelle/${applicationId}/akte`;
  return (
    <section className="app-section" aria-labelledby="akte">
      <h2 className="kern-heading-medium" id="akte">
        Akte exportieren
      </h2>
      <p className="kern-body">
        Die vollständige Akte als ZIP-Datei zur Übergabe an ein Dokumentenmanagementsystem oder Archiv: alle
        Unterlagen mit allen Fassungen, erzeugte Dokumente, XBau-Nachrichten und der Verlauf, dazu ein
        Aktenverzeichnis (PDF/A), ein maschinenlesbares Verzeichnis (akte.json) und die Prüfsummen
        (SHA256SUMS).
      </p>
      {asked === "angefordert" ? (
        <Alert tone="success" title="Export angefordert" announce>
          <p className="kern-body" data-testid="akte-requested">
            Die Akte wird zusammengestellt. Sie erhalten eine Benachrichtigung, sobald der Export bereitsteht.
          </p>
        </Alert>
      ) : asked === "unveraendert" ? (
        <Alert tone="info" title="Kein neuer Export nötig" announce>
          <p className="kern-body" data-testid="akte-unchanged">
            Seit dem letzten Export hat sich an der Akte nichts geändert; es gilt der bestehende Export.
          </p>
        </Alert>
      ) : null}
      {akte.pending ? (
        <p className="kern-body" data-testid="akte-pending">
          Ein Export wird gerade erstellt.
        </p>
      ) : null}
      {akte.failed ? (
        <Alert tone="danger" title="Export fehlgeschlagen">
          <p className="kern-body" data-testid="akte-failed">
            Der Export vom <time dateTime={isoString(akte.failed.at)}>{formatDateTime(akte.failed.at)}</time>{" "}
            konnte nicht erstellt werden{akte.failed.reason ? `: ${akte.failed.reason}` : "."} Sie können ihn
            erneut anfordern.
          </p>
        </Alert>
      ) : null}
      {akte.latest ? (
        <p className="kern-body" data-testid="akte-latest">
          <a className="kern-link" href={`${href}?datei=${akte.latest.id}`} download>
            <span className="kern-icon kern-icon--download" aria-hidden="true" /> {akte.latest.filename}
          </a>{" "}
          ({formatBytes(akte.latest.sizeBytes)}, erstellt{" "}
          <time dateTime={isoString(akte.latest.createdAt)}>{formatDateTime(akte.latest.createdAt)}</time>
          {akte.latest.current ? ", aktueller Stand" : ", die Akte hat sich seitdem geändert"}
          {akte.older > 0
            ? `; ersetzt ${akte.older} ältere${akte.older === 1 ? "n Export" : " Exporte"}`
            : ""}
          )
          <br />
          <span className="kern-body--small">
            SHA-256: <code>{akte.latest.sha256}</code>
          </span>
        </p>
      ) : akte.pending ? null : (
        <p className="kern-body">Noch kein Export.</p>
      )}
      <Form method="post" action={href} reloadDocument>
        <button type="submit" className="kern-btn kern-btn--secondary" data-testid="akte-export">
          <span className="kern-label">Akte exportieren</span>
        </button>
      </Form>
    </section>
  );
}
