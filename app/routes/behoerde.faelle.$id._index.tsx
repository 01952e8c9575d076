import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DocumentsPanel } from "~/components/case/documents-panel";
import { GeneratedDocumentItems } from "~/components/case/generated-documents";
import { CaseTimeline } from "~/components/case/timeline";
import { CommentsSection } from "~/components/comments/comments-section";
import { pinsForVersion } from "~/components/comments/pins";
import { DescriptionList } from "~/components/description-list";
import { DataSummary } from "~/components/draft/summary";
import { procedureLabel, StatusBadge } from "~/components/status";
import { daysLeft, daysLeftLabel } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { formatBytes, formatDate, formatDateTime, isoString } from "~/domain/format";
import { isUuid } from "~/models/application.server";
import { getCaseFileForClerk, listCaseHistoryForClerk, listClerks } from "~/models/case-file.server";
import { commentAction, loadCaseComments } from "~/models/comment.server";
import { readApplicationData } from "~/models/draft.server";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import { getRequestForClerk } from "~/models/request.server";
import { assignCase, confirmComplete, startReview } from "~/models/review.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.case.fileNumber ?? "Fall"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";

function deadlineInfo(at: Date | null, now: Date) {
  return at ? { at, label: daysLeftLabel(at, now), overdue: daysLeft(at, now) < 0 } : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  // The authority is part of the query: another tenant's case is never loaded, so it is a 404.
  const c = await getCaseFileForClerk(user.authorityId, id);
  if (!c) notFound(NOT_FOUND);
  const [events, clerks, comments, generated] = await Promise.all([
    listCaseHistoryForClerk(user.authorityId, c.id).then((events) => events ?? []),
    listClerks(user.authorityId),
    loadCaseComments(user, c.id),
    listGeneratedDocuments(user, c.id),
  ]);
  const latest = c.requests[0] ?? null;
  const req = latest ? await getRequestForClerk(user, c.id, latest.id) : null;
  // Versions that were not there when the latest request was sent are new (highlighted).
  const newVersions = new Set(
    req?.changes.documents.flatMap((d) => d.newVersions.map((v) => v.versionId)) ?? [],
  );
  const now = new Date();
  return {
    me: user.id,
    case: {
      id: c.id,
      title: c.title,
      status: c.status,
      fileNumber: c.fileNumber,
      procedureType: c.procedureType,
      municipality: c.municipality?.name ?? null,
      submittedAt: c.submittedAt,
      completeAt: c.completeAt,
      withdrawnAt: c.withdrawnAt,
      assignedClerkId: c.assignedClerkId,
      createdBy: c.createdBy,
    },
    deadlines: {
      next: deadlineInfo(c.nextDeadlineAt, now),
      decision: deadlineInfo(c.decisionDueAt, now),
      request: latest && latest.status === "OPEN" ? deadlineInfo(latest.deadline, now) : null,
    },
    latestRequest: req
      ? {
          id: req.id,
          status: req.status,
          message: req.message,
          internalNote: req.internalNote,
          bylawReference: req.bylawReference,
          deadline: req.deadline,
          sentAt: req.sentAt,
          answeredAt: req.answeredAt,
          items: req.items,
          changes: {
            fields: req.changes.fields.map((f) => ({
              path: f.path,
              before: displayValue(f.before),
              after: displayValue(f.after),
            })),
            documents: req.changes.documents,
          },
        }
      : null,
    members: c.members.map((m) => ({ role: m.role, name: m.user?.displayName ?? m.user?.email ?? "" })),
    data: readApplicationData(c.data),
    documents: c.documents.map((d) => ({
      id: d.id,
      typeCode: d.typeCode,
      title: d.title || documentTypeLabel(d.typeCode),
      toBeSubmittedLater: d.toBeSubmittedLater,
      versions: d.versions.map((v) => ({
        id: v.id,
        versionNumber: v.versionNumber,
        filename: v.filename,
        mimeType: v.mimeType,
        size: formatBytes(Number(v.sizeBytes)),
        pageCount: v.pageCount,
        createdAt: v.createdAt,
        uploadedBy: v.uploadedBy.displayName,
        isNew: newVersions.has(v.id),
      })),
    })),
    events: events.map((e) => ({
      id: String(e.id),
      type: e.type,
      payload: e.payload,
      createdAt: e.createdAt,
      actor: e.actor?.displayName ?? "System",
    })),
    clerks,
    comments,
    generated,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  const form = await request.formData();
  const commented = await commentAction(user, id, form);
  if (commented) return commented;
  const intent = String(form.get("intent") ?? "");
  if (intent === "assign") {
    const to = String(form.get("clerkId") ?? "");
    const result = await assignCase(user, id, to === "" ? null : to);
    return result.ok ? { ok: true as const, message: "Zuständigkeit gespeichert." } : result;
  }
  if (intent === "start-review") {
    await startReview(user, id);
    return { ok: true as const, message: "Vollständigkeitsprüfung begonnen." };
  }
  if (intent === "confirm-complete") {
    const result = await confirmComplete(user, id);
    if (!result.ok) return result;
    return {
      ok: true as const,
      message: result.decisionDueAt
        ? `Der Antrag ist vollständig. Entscheidung spätestens am ${formatDate(result.decisionDueAt)}.`
        : "Der Antrag ist vollständig. Für dieses Verfahren gilt keine gesetzliche Entscheidungsfrist.",
    };
  }
  return { ok: false as const, message: "Unbekannte Aktion." };
}

export default function CasePage() {
  const {
    case: c,
    deadlines,
    latestRequest,
    members,
    data,
    documents,
    events,
    clerks,
    me,
    comments,
    generated,
  } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  // Comment forms report inside the comments section.
  const actionData = posted && "ok" in posted ? posted : null;
  const busy = useNavigation().state === "submitting";
  const reviewable = c.status === "SUBMITTED" || c.status === "IN_REVIEW";
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/behoerde/posteingang">
          Zurück zum Posteingang
        </Link>
      </p>
      <PageHeader title={c.title || "Antrag ohne Titel"} lead={`Aktenzeichen ${c.fileNumber ?? "–"}`} />
      {actionData ? (
        <Alert
          tone={actionData.ok ? "success" : "danger"}
          title={actionData.ok ? "Erledigt" : "Nicht möglich"}
          announce
        >
          <p className="kern-body" data-testid="case-action-message">
            {actionData.message}
          </p>
        </Alert>
      ) : null}
      <DescriptionList
        items={[
          { label: "Status", value: <StatusBadge status={c.status} /> },
          { label: "Aktenzeichen", value: c.fileNumber ?? "–" },
          { label: "Verfahrensart", value: procedureLabel(c.procedureType) },
          { label: "Gemeinde", value: c.municipality ?? "–" },
          { label: "Eingereicht von", value: `${c.createdBy.displayName} (${c.createdBy.email})` },
          {
            label: "Beteiligte",
            value: members.length ? members.map((m) => `${m.name} (${roleLabel(m.role)})`).join(", ") : "–",
          },
          { label: "Eingang", value: formatDateTime(c.submittedAt) },
          ...(c.completeAt ? [{ label: "Vollständig seit", value: formatDateTime(c.completeAt) }] : []),
          ...(c.withdrawnAt ? [{ label: "Zurückgenommen am", value: formatDateTime(c.withdrawnAt) }] : []),
        ]}
      />
      <section className="app-section" aria-labelledby="fristen" data-testid="deadlines">
        <h2 className="kern-heading-medium" id="fristen">
          Fristen
        </h2>
        <ul className="kern-list">
          <DeadlineRow testId="deadline-request" label="Frist der Nachforderung" info={deadlines.request} />
          <DeadlineRow
            testId="deadline-decision"
            label="Entscheidung spätestens am"
            info={deadlines.decision}
          />
          {!deadlines.request && !deadlines.decision ? (
            deadlines.next ? (
              <DeadlineRow testId="deadline-next" label="Nächste Frist" info={deadlines.next} />
            ) : (
              <li>Zurzeit läuft keine Frist.</li>
            )
          ) : null}
        </ul>
      </section>
      <section className="app-section" aria-labelledby="bearbeitung">
        <h2 className="kern-heading-medium" id="bearbeitung">
          Bearbeitung
        </h2>
        <Form
          method="post"
          className="app-inline-form"
          style={{ display: "flex", gap: "1rem", alignItems: "end", flexWrap: "wrap" }}
        >
          <input type="hidden" name="intent" value="assign" />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="assign-clerk">
              Zuständige Sachbearbeitung
            </label>
            <div className="kern-form-input__select-wrapper">
              <select
                id="assign-clerk"
                name="clerkId"
                className="kern-form-input__select"
                defaultValue={c.assignedClerkId ?? ""}
                key={c.assignedClerkId ?? "none"}
              >
                <option value="">nicht zugewiesen</option>
                {clerks.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.displayName}
                    {k.id === me ? " (ich)" : ""}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">Zuweisen</span>
          </button>
        </Form>
        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap", marginTop: "1rem" }}>
          {c.status === "SUBMITTED" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="start-review" />
              <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
                <span className="kern-label">Prüfung beginnen</span>
              </button>
            </Form>
          ) : null}
          {reviewable ? (
            <Link className="kern-btn kern-btn--primary" to={`/behoerde/faelle/${c.id}/pruefung`}>
              <span className="kern-label">Formelle Prüfung / Nachforderung</span>
            </Link>
          ) : null}
          {reviewable ? (
            <Form method="post">
              <input type="hidden" name="intent" value="confirm-complete" />
              <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
                <span className="kern-label">Vollständigkeit bestätigen</span>
              </button>
            </Form>
          ) : null}
          {["COMPLETE", "PARTICIPATION", "DECISION_PENDING", "DECIDED"].includes(c.status) ? (
            <Link className="kern-btn kern-btn--primary" to={`/behoerde/faelle/${c.id}/beteiligung`}>
              <span className="kern-label">
                {c.status === "COMPLETE"
                  ? "Beteiligung vorbereiten"
                  : "Beteiligung (Stellen und Stellungnahmen)"}
              </span>
            </Link>
          ) : null}
          {["COMPLETE", "PARTICIPATION", "DECISION_PENDING", "DECIDED"].includes(c.status) ? (
            <Link className="kern-btn kern-btn--secondary" to={`/behoerde/faelle/${c.id}/bescheid`}>
              <span className="kern-label">
                {c.status === "DECIDED" ? "Bescheid ansehen" : "Bescheid vorbereiten"}
              </span>
            </Link>
          ) : null}
        </div>
      </section>
      {latestRequest ? <RequestPanel request={latestRequest} /> : null}
      <section className="app-section" aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">
          Unterlagen
        </h2>
        <DocumentsPanel documents={documents} pinsFor={(v) => pinsForVersion(comments.threads, v)} />
      </section>
      <section className="app-section" aria-labelledby="erzeugt">
        <h2 className="kern-heading-medium" id="erzeugt">
          Erzeugte Dokumente und XBau-Nachrichten
        </h2>
        {generated.length === 0 ? (
          <p className="kern-body">Noch keine.</p>
        ) : (
          <ul className="kern-list" data-testid="generated-documents">
            <GeneratedDocumentItems documents={generated} />
          </ul>
        )}
      </section>
      <CommentsSection comments={comments} />
      <section className="app-section" aria-labelledby="angaben">
        <h2 className="kern-heading-medium" id="angaben">
          Angaben
        </h2>
        <DataSummary data={data} headingLevel={3} />
      </section>
      <section className="app-section" aria-labelledby="verlauf">
        <h2 className="kern-heading-medium" id="verlauf">
          Verlauf
        </h2>
        <CaseTimeline events={events} />
      </section>
    </>
  );
}

function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "boolean") return v ? "ja" : "nein";
  if (typeof v === "string" || typeof v === "number") return String(v);
  return JSON.stringify(v);
}

type LoadedRequest = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["latestRequest"]>;

function RequestPanel({ request: r }: { request: LoadedRequest }) {
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

const ROLE_LABELS: Record<string, string> = {
  BAUHERR: "Bauherr:in",
  ENTWURFSVERFASSER: "Entwurfsverfasser:in",
  BEVOLLMAECHTIGTER: "Bevollmächtigte:r",
};
function roleLabel(role: string) {
  return ROLE_LABELS[role] ?? role;
}

function requestStatusLabel(status: string): string {
  return (
    { OPEN: "offen", ANSWERED: "beantwortet", CLOSED: "geschlossen", EXPIRED: "Frist abgelaufen" }[status] ??
    status
  );
}

function DeadlineRow({
  label,
  info,
  testId,
}: {
  label: string;
  info: { at: Date | string; label: string; overdue: boolean } | null;
  testId: string;
}) {
  if (!info) return null;
  return (
    <li data-testid={testId}>
      {label}: <time dateTime={isoString(info.at)}>{formatDate(info.at)}</time>{" "}
      <span className={`kern-badge kern-badge--${info.overdue ? "danger" : "info"}`}>
        <span className="kern-label">{info.label}</span>
      </span>
    </li>
  );
}
