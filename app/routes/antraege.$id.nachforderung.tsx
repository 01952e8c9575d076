import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, carriedFields, isConfirmed } from "~/components/confirm-action";
import { FORM_STEPS, type SectionKey, stepForSection } from "~/components/draft/steps";
import { daysLeftLabel } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { formatDate, formatDateTime, isoString } from "~/domain/format";
import { handleUploadRequest } from "~/models/document.server";
import { getDraftForMember } from "~/models/draft.server";
import { answerItem, getOpenRequestForMember, sendAnswer } from "~/models/request.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Nachforderung – ${data?.application.title || "Antrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

function sectionOf(fieldPath: string | null): SectionKey | null {
  const head = (fieldPath ?? "").split(".")[0] ?? "";
  return FORM_STEPS.some((s) => s.section === head) ? (head as SectionKey) : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = params.id ?? "";
  const view = await getDraftForMember(user, id);
  if (!view) notFound(NOT_FOUND);
  const req = await getOpenRequestForMember(user, id);
  const url = new URL(request.url);
  const versionsByCode = new Map(
    view.documents.map((d) => [
      d.typeCode,
      d.versions.map((v) => ({ id: v.id, n: v.versionNumber, at: v.createdAt, filename: v.filename })),
    ]),
  );
  return {
    application: {
      id: view.id,
      title: view.title,
      fileNumber: view.fileNumber,
      authority: view.authority.name,
    },
    request: req
      ? {
          id: req.id,
          message: req.message,
          bylawReference: req.bylawReference,
          deadline: req.deadline,
          deadlineLabel: daysLeftLabel(req.deadline),
          sentAt: req.sentAt,
          items: req.items.map((i) => {
            const section = sectionOf(i.fieldPath);
            const versions = i.documentTypeCode ? (versionsByCode.get(i.documentTypeCode) ?? []) : [];
            return {
              ...i,
              documentLabel: i.documentTypeCode ? documentTypeLabel(i.documentTypeCode) : null,
              editHref: section ? stepForSection(section).href(view.id) : null,
              // Versions uploaded since the request was sent: the item's document is answered.
              newVersions: versions
                .filter((v) => new Date(v.at) > new Date(req.sentAt))
                .map((v) => ({ id: v.id, label: `Version ${v.n} (${v.filename})` })),
            };
          }),
        }
      : null,
    uploaded: url.searchParams.get("hochgeladen"),
    documents: view.documents
      .filter((d) => d.versions.length > 0)
      .map((d) => ({ code: d.typeCode, label: documentTypeLabel(d.typeCode) })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = params.id ?? "";
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    const result = await handleUploadRequest(request, user, id);
    if (result.status === 404) notFound(NOT_FOUND);
    if (result.ok)
      return redirect(`/antraege/${id}/nachforderung?hochgeladen=${encodeURIComponent(result.typeCode)}`);
    return { ok: false as const, itemId: null, message: result.message };
  }
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "answer") {
    const itemId = String(form.get("itemId") ?? "");
    const result = await answerItem(user, id, itemId, { answerText: String(form.get("answerText") ?? "") });
    return result.ok
      ? { ok: true as const, itemId, message: "Antwort gespeichert." }
      : { ok: false as const, itemId, message: result.message };
  }
  if (intent === "send") {
    // Irreversible: the first post shows what sending means; only the confirmation sends.
    if (!isConfirmed(form)) return { kind: "confirm" as const, fields: carriedFields(form) };
    const result = await sendAnswer(user, id, String(form.get("requestId") ?? ""));
    if (result.ok) return redirect(`/antraege/${id}?nachgereicht=1`);
    return { ok: false as const, itemId: null, message: result.message };
  }
  return { ok: false as const, itemId: null, message: "Unbekannte Aktion." };
}

export default function RequestPage() {
  const { application, request: req, uploaded, documents } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const actionData = posted && "ok" in posted ? posted : undefined;
  const busy = useNavigation().state === "submitting";
  if (posted && "kind" in posted && req) {
    const open = req.items.filter((i) => !i.answeredAt && i.newVersions.length === 0);
    return (
      <>
        <PageHeader
          title="Nachreichung absenden?"
          lead={`${application.title || "Antrag ohne Titel"}, Aktenzeichen ${application.fileNumber ?? "–"}`}
        />
        <ConfirmAction
          title="Bitte bestätigen Sie das Absenden der Nachreichung"
          intro="Das Absenden kann nicht rückgängig gemacht werden."
          consequences={[
            `Ihre Antworten, geänderten Angaben und neuen Fassungen von Unterlagen gehen an ${application.authority}; die Bauaufsicht prüft den Antrag erneut.`,
            "Danach können Sie Angaben und Unterlagen nicht mehr ändern, bis die Bauaufsicht erneut etwas nachfordert.",
            open.length === 0
              ? `Zu allen ${req.items.length} nachgeforderten Punkten liegt eine Antwort oder eine neue Fassung vor.`
              : `Noch ohne Antwort und ohne neue Fassung: ${open.map((i) => `Punkt ${i.position}`).join(", ")}. Die Bauaufsicht kann diese Punkte erneut nachfordern.`,
          ]}
          confirmLabel="Ja, Nachreichung jetzt absenden"
          fields={posted.fields}
          cancel={{ href: `/antraege/${application.id}/nachforderung`, label: "Zurück zur Nachforderung" }}
        />
      </>
    );
  }
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/antraege/${application.id}`}>
          Zurück zum Antrag
        </Link>
      </p>
      <PageHeader
        title="Nachforderung der Bauaufsicht"
        lead={`${application.title || "Antrag ohne Titel"}, Aktenzeichen ${application.fileNumber ?? "–"}`}
      />
      {!req ? (
        <Alert tone="info" title="Keine offene Nachforderung">
          <p className="kern-body">Zu diesem Antrag ist zurzeit keine Nachforderung offen.</p>
        </Alert>
      ) : (
        <>
          {uploaded ? (
            <Alert tone="success" title="Hochgeladen" announce>
              <p className="kern-body">
                Die neue Fassung von „{documentTypeLabel(uploaded)}“ ist gespeichert.
              </p>
            </Alert>
          ) : null}
          {actionData && !actionData.itemId ? (
            <Alert
              tone={actionData.ok ? "success" : "danger"}
              title={actionData.ok ? "Gespeichert" : "Nicht möglich"}
              announce
            >
              <p className="kern-body" data-testid="request-error">
                {actionData.message}
              </p>
            </Alert>
          ) : null}
          <section className="app-section" data-testid="member-request">
            <p className="kern-body">
              {application.authority} hat am {formatDateTime(req.sentAt)} folgende Punkte nachgefordert.
              Frist:{" "}
              <strong>
                <time dateTime={isoString(req.deadline)}>{formatDate(req.deadline)}</time>
              </strong>{" "}
              ({req.deadlineLabel}).
            </p>
            {req.message ? (
              <p className="kern-body" data-testid="request-message">
                {req.message}
              </p>
            ) : null}
            {req.bylawReference ? (
              <p className="kern-body">Rechtsgrundlage / Satzung: {req.bylawReference}</p>
            ) : null}
            <ol className="app-findings">
              {req.items.map((i) => (
                <RequestItem key={i.id} item={i} actionData={actionData} busy={busy} />
              ))}
            </ol>
          </section>
          {documents.length > 0 ? <NewVersionSection documents={documents} busy={busy} /> : null}
          <section className="app-section" aria-labelledby="absenden">
            <h2 className="kern-heading-medium" id="absenden">
              Nachreichung absenden
            </h2>
            <p className="kern-body">
              Wenn alle Punkte erledigt sind, senden Sie die Nachreichung ab. Danach können Sie bis zur
              nächsten Nachforderung nichts mehr ändern.
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="send" />
              <input type="hidden" name="requestId" value={req.id} />
              <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
                <span className="kern-label">Nachreichung absenden</span>
              </button>
            </Form>
          </section>
        </>
      )}
    </>
  );
}

type RequestData = ReturnType<typeof useLoaderData<typeof loader>>;
type RequestActionData = { ok: boolean; itemId: string | null; message: string } | undefined;

/** One requested point: a new version of its document, a link to change the data, the answer. */
function RequestItem({
  item: i,
  actionData,
  busy,
}: {
  item: NonNullable<RequestData["request"]>["items"][number];
  actionData: RequestActionData;
  busy: boolean;
}) {
  return (
    <li className="app-finding" data-testid="member-request-item" id={`punkt-${i.position}`}>
      <span className="kern-body kern-body--bold">
        {i.categoryLabel}: {i.message}
      </span>
      {i.documentLabel ? (
        <div>
          <p className="kern-body">
            Unterlage: {i.documentLabel}
            {i.newVersions.length > 0
              ? ` – neu hochgeladen: ${i.newVersions.map((v) => v.label).join(", ")}`
              : ""}
          </p>
          <Form method="post" encType="multipart/form-data" className="app-inline-form">
            <input type="hidden" name="typeCode" value={i.documentTypeCode ?? ""} />
            <div className="kern-form-input">
              <label className="kern-label" htmlFor={`file-${i.id}`}>
                Neue Fassung: {i.documentLabel}
              </label>
              <input
                id={`file-${i.id}`}
                name="file"
                type="file"
                accept="application/pdf,image/jpeg,image/png"
                className="kern-form-input__input"
                required
              />
            </div>
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-label">Datei hochladen</span>
            </button>
          </Form>
        </div>
      ) : null}
      {i.editHref ? (
        <p className="kern-body">
          <Link className="kern-link" to={i.editHref}>
            Angaben ändern
          </Link>
        </p>
      ) : null}
      <Form method="post" className="app-inline-form">
        <input type="hidden" name="intent" value="answer" />
        <input type="hidden" name="itemId" value={i.id} />
        <div className="kern-form-input">
          <label className="kern-label" htmlFor={`answer-${i.id}`}>
            Antwort zu Punkt {i.position}
          </label>
          <textarea
            id={`answer-${i.id}`}
            name="answerText"
            className="kern-form-input__input"
            rows={3}
            maxLength={5000}
            defaultValue={i.answerText ?? ""}
          />
        </div>
        <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
          <span className="kern-label">Antwort speichern</span>
        </button>
        {actionData?.itemId === i.id ? (
          <p className="kern-body" role="status" data-testid="answer-status">
            {actionData.message}
          </p>
        ) : i.answeredAt ? (
          <p className="kern-body kern-body--small">
            Beantwortet {formatDateTime(i.answeredAt)}
            {i.answeredBy ? ` von ${i.answeredBy}` : ""}
          </p>
        ) : null}
      </Form>
    </li>
  );
}

/** A revised version of a document already submitted (the authority sees what is new). */
function NewVersionSection({ documents, busy }: { documents: RequestData["documents"]; busy: boolean }) {
  return (
    <section className="app-section" aria-labelledby="neue-fassung">
      <h2 className="kern-heading-medium" id="neue-fassung">
        Neue Fassung einer Unterlage
      </h2>
      <p className="kern-body">
        Sie können auch überarbeitete Fassungen bereits eingereichter Unterlagen (z. B. geänderte Pläne)
        hochladen. Die Bauaufsicht sieht, was seit der Nachforderung neu ist.
      </p>
      <Form
        method="post"
        encType="multipart/form-data"
        className="app-inline-form"
        data-testid="new-version-form"
      >
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="new-version-type">
            Unterlage
          </label>
          <div className="kern-form-input__select-wrapper">
            <select id="new-version-type" name="typeCode" className="kern-form-input__select" required>
              {documents.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="new-version-file">
            Datei
          </label>
          <input
            id="new-version-file"
            name="file"
            type="file"
            accept="application/pdf,image/jpeg,image/png"
            className="kern-form-input__input"
            required
          />
        </div>
        <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
          <span className="kern-label">Neue Fassung hochladen</span>
        </button>
      </Form>
    </section>
  );
}
