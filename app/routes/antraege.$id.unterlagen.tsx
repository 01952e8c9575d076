import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { CompletenessPanel, toCompletenessBase } from "~/components/completeness-panel";
import { ConfirmAction, carriedFields, isConfirmed } from "~/components/confirm-action";
import { StepIndicator } from "~/components/step-indicator";
import { type TypeOption, UploadField } from "~/components/upload-field";
import { anyPending, VersionCheckStatus } from "~/components/version-check-status";
import { evaluateCompleteness } from "~/domain/completeness";
import { DOCUMENT_TYPES, type DocumentType, getDocumentType } from "~/domain/document-types";
import { formatBytes, formatDateTime } from "~/domain/format";
import {
  deleteDraftDocumentVersion,
  handleUploadRequest,
  setToBeSubmittedLater,
} from "~/models/document.server";
import { completenessInputFor, type DraftDocument, getDraftForMember } from "~/models/draft.server";
import { env } from "~/utils/env.server";
import { notFound, requirePermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Unterlagen – ${data?.title || "Antrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

interface RequiredItem {
  ruleId: string;
  codes: string[];
  required: boolean;
  message: string;
  legalBasis: string;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) notFound(NOT_FOUND);

  const input = completenessInputFor(view);
  // Every document rule that applies to this application (evaluated as if nothing were uploaded),
  // so uploaded ones stay listed with their versions.
  const applicable = evaluateCompleteness({ ...input, documents: [] }).findings.filter(
    (f) => f.kind === "document",
  );
  const items: RequiredItem[] = applicable.map((f) => ({
    ruleId: f.ruleId,
    codes: [...(f.documentTypeCodes ?? [])],
    required: f.severity === "missing-document",
    message: f.message,
    legalBasis: f.legalBasis,
  }));
  const listed = new Set(items.flatMap((i) => i.codes));
  const url = new URL(request.url);
  return {
    id: view.id,
    title: view.title,
    status: view.status,
    editable: view.editable,
    documents: view.documents,
    items,
    otherDocuments: view.documents.filter(
      (d) => !listed.has(d.typeCode) && (d.versions.length > 0 || d.toBeSubmittedLater),
    ),
    completeness: toCompletenessBase(input),
    maxBytes: env().UPLOAD_MAX_BYTES,
    uploaded: url.searchParams.get("hochgeladen"),
    removed: url.searchParams.get("entfernt"),
  };
}

type ActionResult =
  | { typeCode: string | null; form: "upload" | "later" | "delete"; message: string }
  | {
      typeCode: string;
      form: "delete-confirm";
      message: string;
      fields: [string, string][];
      filename: string;
      versionNumber: string;
    };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "upload:document:own");
  const id = params.id ?? "";
  const contentType = request.headers.get("content-type") ?? "";

  if (contentType.startsWith("multipart/form-data")) {
    const result = await handleUploadRequest(request, user, id);
    if (result.status === 404) notFound(NOT_FOUND);
    if (result.ok) {
      // Post/redirect/get: a reload does not upload the file again.
      return redirect(
        `/antraege/${id}/unterlagen?hochgeladen=${encodeURIComponent(result.typeCode)}#dokument-${result.typeCode}`,
      );
    }
    return data<ActionResult>(
      { typeCode: result.typeCode, form: "upload", message: result.message },
      { status: result.status, headers: result.status === 413 ? { Connection: "close" } : undefined },
    );
  }

  const form = await request.formData();
  const typeCode = String(form.get("typeCode") ?? "");
  const intent = form.get("intent");
  if (intent === "delete-version") {
    // Irreversible: a confirmation page first (issue 14 item 6); only drafts, never once submitted.
    if (!isConfirmed(form)) {
      return data<ActionResult>({
        typeCode,
        form: "delete-confirm",
        message: "",
        fields: carriedFields(form),
        filename: String(form.get("filename") ?? ""),
        versionNumber: String(form.get("versionNumber") ?? ""),
      });
    }
    const removed = await deleteDraftDocumentVersion(user, id, String(form.get("versionId") ?? ""));
    if (!removed.ok) {
      return data<ActionResult>({ typeCode, form: "delete", message: removed.message }, { status: 400 });
    }
    return redirect(
      `/antraege/${id}/unterlagen?entfernt=${encodeURIComponent(removed.filename)}#dokument-${typeCode}`,
    );
  }
  if (intent !== "later" && intent !== "not-later") {
    return data<ActionResult>({ typeCode, form: "later", message: "Unbekannte Aktion." }, { status: 400 });
  }
  const result = await setToBeSubmittedLater(user, id, typeCode, intent === "later");
  if (!result.ok) {
    return data<ActionResult>({ typeCode, form: "later", message: result.message }, { status: 400 });
  }
  return redirect(`/antraege/${id}/unterlagen#dokument-${typeCode}`);
}

function acceptFor(t: DocumentType): string {
  return t.mimeTypes.includes("image/jpeg")
    ? "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png"
    : "application/pdf,.pdf";
}

function option(t: DocumentType): TypeOption {
  return { code: t.code, label: `${t.shortLabel} (${t.code})`, accept: acceptFor(t) };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type DocumentRow = LoaderData["documents"][number];

function VersionTable({ doc, deletable }: { doc: DocumentRow | DraftDocument; deletable: boolean }) {
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

function LaterToggle({ code, marked }: { code: string; marked: boolean }) {
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

export default function DocumentsPage() {
  const loaderData = useLoaderData<typeof loader>();
  const { id, title, editable, documents, items, otherDocuments, completeness, maxBytes, uploaded, removed } =
    loaderData;
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
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
  const byCode = new Map(documents.map((d) => [d.typeCode, d]));
  const errorFor = (code: string | null, form: ActionResult["form"]) =>
    actionData && actionData.form === form && actionData.typeCode === code ? actionData.message : null;
  const listedCodes = new Set(items.flatMap((i) => i.codes));
  const uploadedType = uploaded ? getDocumentType(uploaded) : undefined;
  const otherError =
    actionData?.form === "upload" && (actionData.typeCode === null || !listedCodes.has(actionData.typeCode))
      ? actionData.message
      : null;

  if (actionData?.form === "delete-confirm") {
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
            {items.map((item) => {
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
              const laterError = item.codes.map((c) => errorFor(c, "later")).find(Boolean);
              const uploadError = item.codes.map((c) => errorFor(c, "upload")).find(Boolean);
              return (
                <article
                  key={item.ruleId}
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
            })}
          </section>

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
                serverError={otherError}
                idPrefix="upload-weitere"
              />
            ) : null}
          </section>

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
