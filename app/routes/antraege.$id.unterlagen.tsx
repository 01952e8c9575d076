import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { CompletenessPanel } from "~/components/completeness-panel";
import { ConfirmAction } from "~/components/confirm-action";
import {
  type DocumentsLoaderData,
  LaterToggle,
  option,
  VersionTable,
} from "~/components/draft/document-versions";
import {
  type DocumentsActionResult,
  documentsPageAction,
  loadDocumentsPage,
} from "~/components/draft/documents-page.server";
import { StepIndicator } from "~/components/step-indicator";
import { UploadField } from "~/components/upload-field";
import { anyPending } from "~/components/version-check-status";
import { DOCUMENT_TYPES, getDocumentType } from "~/domain/document-types";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Unterlagen – ${data?.title || "Antrag"} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadDocumentsPage(args);
}

export function action(args: ActionFunctionArgs) {
  return documentsPageAction(args);
}

export default function DocumentsPage() {
  const loaderData = useLoaderData<typeof loader>();
  const { id, title, editable, documents, items, completeness, uploaded, removed } = loaderData;
  const actionData = useActionData<typeof action>() as DocumentsActionResult | undefined;
  // While a version "wird geprüft", the list asks the server again every few seconds.
  const revalidator = useRevalidator();
  const pending = anyPending(documents);
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [pending, revalidator]);
  const errorFor = (code: string | null, form: DocumentsActionResult["form"]) =>
    actionData && actionData.form === form && actionData.typeCode === code ? actionData.message : null;
  const listedCodes = new Set(items.flatMap((i) => i.codes));
  const uploadedType = uploaded ? getDocumentType(uploaded) : undefined;
  const otherError =
    actionData?.form === "upload" && (actionData.typeCode === null || !listedCodes.has(actionData.typeCode))
      ? actionData.message
      : null;

  if (actionData?.form === "delete-confirm") {
    return <ConfirmDelete applicationId={id} title={title} confirm={actionData} />;
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/antraege/${id}`}>
          Zurück zum Antrag
        </Link>
      </p>
      <PageHeader title="Unterlagen (Bauvorlagen)" />
      <p className="kern-body app-lead">{title || "Antrag ohne Titel"}</p>
      <StepIndicator applicationId={id} current="unterlagen" />

      {!editable ? (
        <Alert tone="info" title="Der Antrag ist eingereicht">
          <p className="kern-body">Unterlagen können jetzt nicht mehr geändert werden.</p>
        </Alert>
      ) : null}
      {removed ? (
        <Alert tone="success" title="Datei entfernt" announce>
          <p className="kern-body" data-testid="version-removed">
            „{removed}“ ist aus dem Entwurf entfernt.
          </p>
        </Alert>
      ) : null}
      {actionData?.form === "delete" ? (
        <Alert tone="danger" title="Nicht entfernt" announce>
          <p className="kern-body">{actionData.message}</p>
        </Alert>
      ) : null}
      {uploadedType ? (
        <Alert tone="success" title="Datei gespeichert">
          <p className="kern-body">
            Die Datei für „{uploadedType.shortLabel}“ wurde gespeichert. Ob sie angenommen wurde oder noch
            geprüft wird, sehen Sie unten bei der Version.
          </p>
        </Alert>
      ) : null}

      <div className="app-documents">
        <div className="app-documents__main app-stack">
          <section className="app-section" aria-labelledby="erforderlich">
            <h2 className="kern-heading-medium" id="erforderlich">
              Erforderliche und empfohlene Unterlagen
            </h2>
            {items.length === 0 ? (
              <p className="kern-body">Nach Ihren bisherigen Angaben sind keine Unterlagen vorgeschrieben.</p>
            ) : null}
            {items.map((item) => (
              <RequiredDocument
                key={item.ruleId}
                item={item}
                loaded={loaderData}
                uploadError={item.codes.map((c) => errorFor(c, "upload")).find(Boolean) ?? null}
                laterError={item.codes.map((c) => errorFor(c, "later")).find(Boolean) ?? null}
              />
            ))}
          </section>

          <OtherDocuments loaded={loaderData} uploadError={otherError} />

          <p className="kern-body">
            <Link className="kern-link" to={`/antraege/${id}/pruefen`}>
              Weiter: Prüfen und einreichen
            </Link>
          </p>
        </div>
        <aside className="app-documents__aside">
          <CompletenessPanel applicationId={id} base={completeness} />
        </aside>
      </div>
    </>
  );
}

/** One document the application needs: its state, its versions, upload and "wird nachgereicht". */
function RequiredDocument({
  item,
  loaded,
  uploadError,
  laterError,
}: {
  item: DocumentsLoaderData["items"][number];
  loaded: DocumentsLoaderData;
  uploadError: string | null;
  laterError: string | null;
}) {
  const { id, editable, documents, maxBytes } = loaded;
  const byCode = new Map(documents.map((d) => [d.typeCode, d]));
  const docs = item.codes.map((c) => byCode.get(c)).filter((d) => d !== undefined);
  // The newest version that was not refused decides: accepted = present, pending = "wird geprüft".
  const current = docs.map((d) => d.versions.find((v) => v.checkStatus !== "REFUSED"));
  const hasFile = current.some((v) => v?.checkStatus === "ACCEPTED");
  const checking = !hasFile && current.some((v) => v?.checkStatus === "PENDING");
  const later = !hasFile && !checking && docs.some((d) => d.toBeSubmittedLater);
  const refused = !hasFile && !checking && !later && docs.some((d) => d.versions.length > 0);
  const primary = item.codes[0]!;
  const types = item.codes.map((c) => getDocumentType(c)).filter((t) => t !== undefined);
  const heading = types.map((t) => t.shortLabel).join(" oder ");
  const status = hasFile
    ? "vorhanden"
    : checking
      ? "wird geprüft"
      : later
        ? "wird nachgereicht"
        : refused
          ? "abgelehnt"
          : item.required
            ? "fehlt"
            : "empfohlen";
  return (
    <article
      className="app-document kern-card"
      id={`dokument-${primary}`}
      data-testid={`dokument-${primary}`}
      data-status={status}
    >
      {item.codes.slice(1).map((c) => (
        <span key={c} id={`dokument-${c}`} />
      ))}
      <div className="kern-card__container">
        <header className="kern-card__header">
          <h3 className="kern-heading-small">{heading}</h3>
          <p className="kern-body kern-body--small">
            <span
              className={`kern-badge kern-badge--${hasFile ? "success" : checking || later ? "info" : refused || item.required ? "danger" : "warning"}`}
            >
              <span className="kern-label kern-label--small">{status}</span>
            </span>{" "}
            {item.required ? "Pflichtunterlage" : "empfohlen"} · {item.legalBasis}
          </p>
        </header>
        <div className="kern-card__body app-stack">
          {!hasFile ? <p className="kern-body">{item.message}</p> : null}
          {docs.map((d) => (
            <VersionTable key={d.id} doc={d} deletable={editable} />
          ))}
          {editable ? (
            <UploadField
              applicationId={id}
              types={types.map(option)}
              maxBytes={maxBytes}
              label={hasFile ? "Neue Version hochladen" : "Datei hochladen"}
              serverError={uploadError}
              idPrefix={`upload-${primary}`}
            />
          ) : null}
          {editable && !hasFile && !checking ? (
            <>
              <LaterToggle code={primary} marked={later} />
              {laterError ? (
                <p className="kern-error" role="alert">
                  <span className="kern-body">{laterError}</span>
                </p>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </article>
  );
}

/** Removing a version is irreversible: a page naming the consequences first (issue 14 item 6). */
function ConfirmDelete({
  applicationId: id,
  title,
  confirm: actionData,
}: {
  applicationId: string;
  title: string | null;
  confirm: Extract<DocumentsActionResult, { form: "delete-confirm" }>;
}) {
  return (
    <>
      <PageHeader title="Datei entfernen?" />
      <p className="kern-body app-lead">{title || "Antrag ohne Titel"}</p>
      <ConfirmAction
        title="Bitte bestätigen Sie das Entfernen"
        intro="Das Entfernen kann nicht rückgängig gemacht werden."
        consequences={[
          `Version ${actionData.versionNumber} („${actionData.filename}“) von „${getDocumentType(actionData.typeCode)?.shortLabel ?? actionData.typeCode}“ wird aus dem Entwurf gelöscht, die Datei selbst auch.`,
          "Im Verlauf des Antrags bleibt vermerkt, dass sie entfernt wurde.",
          "Fehlt die Unterlage danach, erscheint sie wieder in der Vollständigkeitsprüfung.",
        ]}
        confirmLabel="Ja, Datei entfernen"
        fields={actionData.fields}
        cancel={{ href: `/antraege/${id}/unterlagen#dokument-${actionData.typeCode}`, label: "Abbrechen" }}
      />
    </>
  );
}

/** Documents beyond the required ones, and the upload of any other kind. */
function OtherDocuments({
  loaded,
  uploadError,
}: {
  loaded: DocumentsLoaderData;
  uploadError: string | null;
}) {
  const { id, editable, otherDocuments, maxBytes } = loaded;
  return (
    <section className="app-section" aria-labelledby="weitere">
      <h2 className="kern-heading-medium" id="weitere">
        Weitere Unterlagen
      </h2>
      {otherDocuments.length === 0 ? (
        <p className="kern-body">Sie haben keine weiteren Unterlagen hochgeladen.</p>
      ) : (
        otherDocuments.map((d) => (
          <article key={d.id} className="app-document" id={`dokument-${d.typeCode}`}>
            <h3 className="kern-heading-small">
              {getDocumentType(d.typeCode)?.shortLabel ?? d.title}
              {d.toBeSubmittedLater && d.versions.length === 0 ? " – wird nachgereicht" : ""}
            </h3>
            <VersionTable doc={d} deletable={editable} />
            {editable && d.toBeSubmittedLater && d.versions.length === 0 ? (
              <LaterToggle code={d.typeCode} marked />
            ) : null}
          </article>
        ))
      )}
      {editable ? (
        <UploadField
          applicationId={id}
          types={DOCUMENT_TYPES.map(option)}
          maxBytes={maxBytes}
          label="Weitere Unterlage hochladen"
          serverError={uploadError}
          idPrefix="upload-weitere"
        />
      ) : null}
    </section>
  );
}
