import { useState } from "react";
import { formatDateTime, isoString } from "~/domain/format";
import { type PagePin, PdfViewer } from "../pdf/pdf-viewer";
import { VersionCompare } from "../pdf/version-compare";
import { type VersionCheck, VersionCheckStatus } from "../version-check-status";

export interface CaseDocumentVersion {
  id: string;
  versionNumber: number;
  filename: string;
  mimeType: string;
  size: string;
  pageCount: number | null;
  createdAt: Date | string;
  uploadedBy: string;
  /** New since the last request was sent (shown highlighted). */
  isNew?: boolean;
  /** The deep check and archivability warnings (VersionCheckStatus); absent = accepted, none. */
  checkStatus?: VersionCheck["checkStatus"];
  checkMessage?: string | null;
  archiveWarnings?: string[];
}

export interface CaseDocument {
  id: string;
  typeCode: string;
  title: string;
  toBeSubmittedLater: boolean;
  versions: CaseDocumentVersion[];
}

type View = { kind: "view"; versionId: string } | { kind: "compare"; documentId: string } | null;

/**
 * The case's documents with all versions: download, view in the browser (pdf.js) and compare two
 * versions of a plan. Downloads work without JavaScript; viewer and comparison need it.
 */
export function DocumentsPanel({
  documents,
  pinsFor,
  onView,
  renderBeside,
}: {
  documents: CaseDocument[];
  pinsFor?: (versionId: string) => PagePin[];
  onView?: (versionId: string | null) => void;
  /** Extra content next to the viewer (e.g. the comments of the shown version). */
  renderBeside?: (version: CaseDocumentVersion, doc: CaseDocument) => React.ReactNode;
}) {
  const [view, setViewState] = useState<View>(null);
  const setView = (v: View) => {
    setViewState(v);
    onView?.(v?.kind === "view" ? v.versionId : null);
  };
  const shown =
    view?.kind === "view"
      ? documents.flatMap((d) => d.versions.map((v) => ({ d, v }))).find((x) => x.v.id === view.versionId)
      : null;
  const compared = view?.kind === "compare" ? documents.find((d) => d.id === view.documentId) : null;

  return (
    <>
      {documents.length === 0 ? (
        <p className="kern-body">Keine Unterlagen.</p>
      ) : (
        <ul className="app-findings" data-testid="case-documents">
          {documents.map((d) => (
            <li key={d.id} className="app-finding" data-testid={`case-document-${d.typeCode}`}>
              <span className="kern-body kern-body--bold">{d.title}</span>
              {d.toBeSubmittedLater && d.versions.length === 0 ? (
                <span className="app-finding__basis">wird nachgereicht</span>
              ) : null}
              {d.versions.length >= 2 && d.versions.every((v) => v.mimeType === "application/pdf") ? (
                <button
                  type="button"
                  className="kern-btn kern-btn--tertiary"
                  onClick={() => setView({ kind: "compare", documentId: d.id })}
                  data-testid={`compare-${d.typeCode}`}
                >
                  <span className="kern-label">Fassungen vergleichen</span>
                </button>
              ) : null}
              <ul className="kern-list">
                {d.versions.map((v) => (
                  <VersionItem
                    key={v.id}
                    doc={d}
                    version={v}
                    onShow={() => setView({ kind: "view", versionId: v.id })}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {shown ? (
        <section className="app-section" aria-labelledby="ansicht" data-testid="document-view">
          <h3 className="kern-heading-small" id="ansicht">
            {shown.d.title}, Version {shown.v.versionNumber}
          </h3>
          <button type="button" className="kern-btn kern-btn--secondary" onClick={() => setView(null)}>
            <span className="kern-label">Ansicht schließen</span>
          </button>
          <div style={{ display: "flex", flexWrap: "wrap", gap: "1.5rem", alignItems: "flex-start" }}>
            <div style={{ flex: "1 1 560px", minWidth: 0 }}>
              <PdfViewer
                key={shown.v.id}
                url={`/dateien/${shown.v.id}`}
                title={`${shown.d.title}, Version ${shown.v.versionNumber}`}
                pins={pinsFor?.(shown.v.id)}
              />
            </div>
            {renderBeside ? <div style={{ flex: "1 1 320px" }}>{renderBeside(shown.v, shown.d)}</div> : null}
          </div>
        </section>
      ) : null}
      {compared ? (
        <section className="app-section" aria-labelledby="vergleich">
          <h3 className="kern-heading-small" id="vergleich">
            {compared.title}: Fassungen vergleichen
          </h3>
          <button type="button" className="kern-btn kern-btn--secondary" onClick={() => setView(null)}>
            <span className="kern-label">Vergleich schließen</span>
          </button>
          <VersionCompare
            key={compared.id}
            title={compared.title}
            versions={compared.versions.map((v) => ({
              id: v.id,
              label: `Version ${v.versionNumber} (${v.filename})`,
              url: `/dateien/${v.id}`,
            }))}
          />
        </section>
      ) : null}
    </>
  );
}

/** One version of a document: its facts, "Anzeigen" for a PDF, the download and the check status. */
function VersionItem({
  doc: d,
  version: v,
  onShow,
}: {
  doc: CaseDocument;
  version: CaseDocumentVersion;
  onShow: () => void;
}) {
  return (
    <li
      data-testid="case-document-version"
      data-new={v.isNew ? "true" : undefined}
      style={v.isNew ? { background: "#fff4ce", padding: "0.25rem" } : undefined}
    >
      {v.isNew ? (
        <span className="kern-badge kern-badge--warning">
          <span className="kern-label">neu seit Nachforderung</span>
        </span>
      ) : null}{" "}
      Version {v.versionNumber}: {v.filename} ({v.size}
      {v.pageCount ? `, ${v.pageCount} ${v.pageCount === 1 ? "Seite" : "Seiten"}` : ""}),{" "}
      <time dateTime={isoString(v.createdAt)}>{formatDateTime(v.createdAt)}</time>, {v.uploadedBy}{" "}
      {v.mimeType === "application/pdf" ? (
        <button
          type="button"
          className="kern-btn kern-btn--tertiary"
          onClick={onShow}
          aria-label={`${d.title}, Version ${v.versionNumber} anzeigen`}
        >
          <span className="kern-label">Anzeigen</span>
        </button>
      ) : null}{" "}
      <a className="kern-link" href={`/dateien/${v.id}`} download>
        Herunterladen
      </a>{" "}
      <VersionCheckStatus
        version={{
          checkStatus: v.checkStatus ?? "ACCEPTED",
          checkMessage: v.checkMessage ?? null,
          archiveWarnings: v.archiveWarnings ?? [],
        }}
      />
    </li>
  );
}
