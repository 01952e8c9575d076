import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import type { TypeOption } from "~/components/upload-field";
import { VersionCheckStatus } from "~/components/version-check-status";
import type { DocumentType } from "~/domain/document-types";
import { getDocumentType } from "~/domain/document-types";
import { formatBytes, formatDateTime } from "~/domain/format";
import type { DraftDocument } from "~/models/draft.server";
import type { loadDocumentsPage } from "./documents-page.server";

/** Parts of a draft's documents page: a document's version table and its "wird nachgereicht" toggle. */

function acceptFor(t: DocumentType): string {
  return t.mimeTypes.includes("image/jpeg")
    ? "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png"
    : "application/pdf,.pdf";
}

export function option(t: DocumentType): TypeOption {
  return { code: t.code, label: `${t.shortLabel} (${t.code})`, accept: acceptFor(t) };
}

export type DocumentsLoaderData = ReturnType<typeof useLoaderData<typeof loadDocumentsPage>>;
type DocumentRow = DocumentsLoaderData["documents"][number];

export function VersionTable({ doc, deletable }: { doc: DocumentRow | DraftDocument; deletable: boolean }) {
  if (doc.versions.length === 0) return null;
  const label = getDocumentType(doc.typeCode)?.shortLabel ?? doc.title;
  return (
    <div className="app-table-wrapper">
      <table className="kern-table app-table--stacked" data-testid={`versions-${doc.typeCode}`}>
        <caption className="kern-body kern-body--small">Hochgeladene Versionen: {label}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th className="kern-table__header" scope="col">
              Version
            </th>
            <th className="kern-table__header" scope="col">
              Datei
            </th>
            <th className="kern-table__header" scope="col">
              Größe
            </th>
            <th className="kern-table__header" scope="col">
              Seiten
            </th>
            <th className="kern-table__header" scope="col">
              SHA-256
            </th>
            <th className="kern-table__header" scope="col">
              Hochgeladen
            </th>
            <th className="kern-table__header" scope="col">
              Prüfung
            </th>
            {deletable ? (
              <th className="kern-table__header" scope="col">
                <span className="kern-sr-only">Entfernen</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {doc.versions.map((v) => (
            <tr className="kern-table__row" key={v.id}>
              <td className="kern-table__cell" data-label="Version">
                {v.versionNumber}
              </td>
              <td className="kern-table__cell" data-label="Datei">
                <a className="kern-link" href={`/dateien/${v.id}`} download={v.filename}>
                  {v.filename}
                </a>
              </td>
              <td className="kern-table__cell" data-label="Größe">
                {formatBytes(v.sizeBytes, { precise: true })}
              </td>
              <td className="kern-table__cell" data-label="Seiten">
                {v.pageCount ?? "–"}
              </td>
              <td className="kern-table__cell" data-label="SHA-256">
                <abbr title={v.sha256}>
                  <code>{v.sha256.slice(0, 12)}…</code>
                </abbr>
              </td>
              <td className="kern-table__cell" data-label="Hochgeladen">
                {formatDateTime(v.createdAt)}
                <br />
                {v.uploadedBy}
              </td>
              <td className="kern-table__cell" data-label="Prüfung">
                {v.checkStatus === "ACCEPTED" && v.archiveWarnings.length === 0 ? "angenommen" : null}
                <VersionCheckStatus version={v} />
              </td>
              {deletable ? (
                <td className="kern-table__cell" data-label="Entfernen">
                  <Form method="post" preventScrollReset>
                    <input type="hidden" name="intent" value="delete-version" />
                    <input type="hidden" name="versionId" value={v.id} />
                    <input type="hidden" name="typeCode" value={doc.typeCode} />
                    <input type="hidden" name="filename" value={v.filename} />
                    <input type="hidden" name="versionNumber" value={String(v.versionNumber)} />
                    <button type="submit" className="kern-btn kern-btn--tertiary">
                      <span className="kern-label">
                        Entfernen
                        <span className="kern-sr-only">
                          : Version {v.versionNumber}, {v.filename}
                        </span>
                      </span>
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LaterToggle({ code, marked }: { code: string; marked: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("typeCode") === code;
  return (
    <Form method="post" className="app-later" preventScrollReset>
      <input type="hidden" name="typeCode" value={code} />
      <input type="hidden" name="intent" value={marked ? "not-later" : "later"} />
      <button type="submit" className="kern-btn kern-btn--tertiary" disabled={busy}>
        <span className="kern-label">
          {marked ? "Markierung „wird nachgereicht“ aufheben" : "Als „wird nachgereicht“ markieren"}
        </span>
      </button>
    </Form>
  );
}
