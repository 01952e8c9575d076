import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { GeneratedDocumentItems } from "~/components/case/generated-documents";
import { CommentsSection } from "~/components/comments/comments-section";
import { CompletenessPanel, evaluateBase, toCompletenessBase } from "~/components/completeness-panel";
import { DecisionSection } from "~/components/decision/decision-section";
import { DescriptionList } from "~/components/description-list";
import { ALL_STEPS, stepForSection } from "~/components/draft/steps";
import { DataSummary } from "~/components/draft/summary";
import { SelectField } from "~/components/form-fields";
import { eventDetail, eventLabel, procedureLabel, StatusBadge } from "~/components/status";
import { TextField } from "~/components/text-field";
import { documentTypeLabel } from "~/domain/document-types";
import { formatBytes, formatDate, formatDateTime, isoString } from "~/domain/format";
import { getSubmittedSnapshotForMember, listCaseHistoryForMember } from "~/models/case-file.server";
import { commentAction, loadCaseComments } from "~/models/comment.server";
import { getDecidedDecision } from "~/models/decision.server";
import { completenessInputFor, getDraftForMember, readApplicationData } from "~/models/draft.server";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import { inviteMember, MEMBER_ROLE_LABELS, MEMBER_ROLES } from "~/models/member.server";
import { getOpenRequestForMember } from "~/models/request.server";
import { readSnapshot } from "~/models/submission.server";
import { WITHDRAWABLE_STATUSES, withdrawApplication } from "~/models/withdrawal.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.application.title || "Antrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

/** Files of the Bescheid; the decision section lists them. */
const DECISION_FILE_KINDS: ReadonlySet<string> = new Set(["BESCHEID", "APPROVED_PLAN", "XBAU_0205"]);

const GENERATED_KINDS: { kind: string; label: string }[] = [
  { kind: "RECEIPT", label: "Eingangsbestätigung (PDF)" },
  { kind: "XBAU_0200", label: "XBau-Nachricht baugenehmigung.antrag.0200 (XML)" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) notFound(NOT_FOUND);
  // Access is established above (membership); history and generated files of this application only.
  const [events, generated, openRequest, comments] = await Promise.all([
    listCaseHistoryForMember(user, view.id).then((events) => events ?? []),
    // Only the files the applicant side may read (audience CASE).
    view.editable ? Promise.resolve([]) : listGeneratedDocuments(user, view.id),
    view.editable ? Promise.resolve(null) : getOpenRequestForMember(user, view.id),
    // Comments start with the submission (the authority has nothing to talk about before).
    view.status === "DRAFT" ? Promise.resolve(null) : loadCaseComments(user, view.id),
  ]);
  const snapshot = readSnapshot(view.editable ? null : await getSubmittedSnapshotForMember(user, view.id));
  const url = new URL(request.url);
  return {
    application: {
      id: view.id,
      title: view.title,
      status: view.status,
      fileNumber: view.fileNumber,
      procedureType: view.procedureType,
      authority: view.authority.name,
      municipality: view.municipality?.name ?? null,
      submittedAt: view.submittedAt,
      updatedAt: view.updatedAt,
      editable: view.editable,
      withdrawable: (WITHDRAWABLE_STATUSES as readonly string[]).includes(view.status),
    },
    openRequest: openRequest
      ? { deadline: openRequest.deadline, items: openRequest.items.length, sentAt: openRequest.sentAt }
      : null,
    justAnswered: url.searchParams.get("nachgereicht") === "1",
    comments,
    me: { id: user.id, role: view.myRole },
    members: view.members.map((m) => ({
      id: m.id,
      label: m.displayName ?? m.email,
      email: m.email,
      role: MEMBER_ROLE_LABELS[m.role] ?? m.role,
      pending: m.invitationState === "PENDING",
    })),
    documents: view.documents.map((d) => ({
      id: d.id,
      typeCode: d.typeCode,
      title: d.title || documentTypeLabel(d.typeCode),
      toBeSubmittedLater: d.toBeSubmittedLater && d.versions.length === 0,
      versions: d.versions.map((v) => ({
        id: v.id,
        versionNumber: v.versionNumber,
        filename: v.filename,
        size: formatBytes(v.sizeBytes),
        sha256: v.sha256,
        pageCount: v.pageCount,
        createdAt: v.createdAt,
        uploadedBy: v.uploadedBy,
      })),
    })),
    base: view.editable ? toCompletenessBase(completenessInputFor(view)) : null,
    data: snapshot ? readApplicationData(snapshot.data) : view.data,
    openItems: snapshot?.openItems ?? [],
    generated: GENERATED_KINDS.map((g) => {
      const doc = generated.find((x) => x.kind === g.kind);
      return {
        kind: g.kind,
        label: g.label,
        doc: doc ? { id: doc.id, filename: doc.filename, size: formatBytes(Number(doc.sizeBytes)) } : null,
      };
    }),
    // Everything else produced later (XBau messages of the review, …), oldest first; the decision's
    // files are shown in the decision section instead.
    moreGenerated: generated.filter(
      (d) => !GENERATED_KINDS.some((g) => g.kind === d.kind) && !DECISION_FILE_KINDS.has(d.kind),
    ),
    events: events.map((e) => ({
      id: String(e.id),
      label: eventLabel(e.type),
      detail: eventDetail(e.type, e.payload),
      actor: e.actor?.displayName ?? "System",
      createdAt: e.createdAt,
    })),
    justSubmitted: url.searchParams.get("eingereicht") === "1",
    decision: view.status === "DECIDED" ? await getDecidedDecision(user, view.id) : null,
    roleOptions: MEMBER_ROLES.map((r) => ({ value: r, label: MEMBER_ROLE_LABELS[r] })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  const commented = await commentAction(user, params.id ?? "", form);
  if (commented) return commented;
  if (form.get("intent") === "withdraw") {
    if (form.get("confirm") !== "on") {
      return {
        invited: null,
        error: null,
        values: null,
        withdrawError: "Bitte bestätigen Sie die Rücknahme.",
      };
    }
    const result = await withdrawApplication(user, params.id ?? "", {
      reason: String(form.get("reason") ?? ""),
    });
    if (result.ok) return redirect(`/antraege/${params.id}?zurueckgenommen=1`);
    return { invited: null, error: null, values: null, withdrawError: result.message };
  }
  const email = String(form.get("email") ?? "").trim();
  const role = String(form.get("role") ?? "");
  const result = await inviteMember(user, params.id ?? "", { email, role });
  if (result.ok) return { invited: email, error: null, values: null, withdrawError: null };
  return { invited: null, error: result.message, values: { email, role }, withdrawError: null };
}

export default function ApplicationPage() {
  const data = useLoaderData<typeof loader>();
  const { application } = data;
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/antraege">
          Zurück zu „Meine Anträge“
        </Link>
      </p>
      {data.justSubmitted && application.fileNumber ? (
        <Alert tone="success" title="Antrag eingereicht" announce>
          <p className="kern-body" data-testid="submitted-message">
            Ihr Antrag ist bei {application.authority} eingegangen. Aktenzeichen:{" "}
            <strong data-testid="file-number">{application.fileNumber}</strong>. Die Eingangsbestätigung steht
            unten zum Herunterladen bereit, sobald sie erstellt ist.
          </p>
        </Alert>
      ) : null}
      <PageHeader title={application.title || "Antrag ohne Titel"}>
        {application.editable ? (
          <Link className="kern-btn kern-btn--primary" to={`/antraege/${application.id}/bearbeiten/bauherr`}>
            <span className="kern-label">Antrag bearbeiten</span>
          </Link>
        ) : null}
      </PageHeader>
      <DescriptionList
        items={[
          { label: "Status", value: <StatusBadge status={application.status} /> },
          { label: "Aktenzeichen", value: application.fileNumber ?? "wird bei Einreichung vergeben" },
          { label: "Verfahrensart", value: procedureLabel(application.procedureType) },
          { label: "Gemeinde", value: application.municipality ?? "–" },
          { label: "Bauaufsichtsbehörde", value: application.authority },
          { label: "Eingereicht am", value: formatDateTime(application.submittedAt) },
          { label: "Zuletzt geändert", value: formatDateTime(application.updatedAt) },
        ]}
      />
      {data.openRequest ? (
        <Alert tone="warning" title="Nachforderung der Bauaufsicht" announce>
          <p className="kern-body" data-testid="open-request">
            Die Bauaufsicht fordert{" "}
            {data.openRequest.items === 1 ? "einen Punkt" : `${data.openRequest.items} Punkte`} nach. Frist:{" "}
            {formatDate(data.openRequest.deadline)}.{" "}
            <Link className="kern-link" to={`/antraege/${application.id}/nachforderung`}>
              Nachforderung ansehen und beantworten
            </Link>
          </p>
        </Alert>
      ) : null}
      {data.justAnswered ? (
        <Alert tone="success" title="Nachreichung gesendet" announce>
          <p className="kern-body" data-testid="answer-sent">
            Ihre Nachreichung ist bei der Bauaufsicht eingegangen.
          </p>
        </Alert>
      ) : null}
      {application.editable ? <DraftOverview /> : <SubmittedOverview />}
      {data.comments ? <CommentsSection comments={data.comments} /> : null}
      <Members />
      {application.withdrawable ? <Withdraw /> : null}
      <Timeline />
    </>
  );
}

function DraftOverview() {
  const { application, base } = useLoaderData<typeof loader>();
  const result = base ? evaluateBase(base) : null;
  const openFor = (slug: string) =>
    result?.findings.filter(
      (f) =>
        f.blocking &&
        (slug === "unterlagen"
          ? f.section === "documents"
          : f.section !== "documents" &&
            f.section !== "procedure" &&
            stepForSection(f.section).slug === slug),
    ).length ?? 0;
  return (
    <div className="app-form-layout app-section">
      <section aria-labelledby="schritte">
        <h2 className="kern-heading-medium" id="schritte">
          Schritte
        </h2>
        <ol className="app-findings">
          {ALL_STEPS.map((s, i) => {
            const open = s.slug === "pruefen" ? 0 : openFor(s.slug);
            return (
              <li key={s.slug} className="app-finding">
                <Link className="kern-link" to={s.href(application.id)}>
                  {i + 1}. {s.title}
                </Link>
                <span className="app-finding__basis">
                  {s.slug === "pruefen"
                    ? "Zusammenfassung, dann einreichen"
                    : open > 0
                      ? `${open} offen`
                      : "vollständig"}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
      {base ? (
        <aside aria-label="Vollständigkeit des Antrags">
          <CompletenessPanel applicationId={application.id} base={base} />
        </aside>
      ) : null}
    </div>
  );
}

function SubmittedOverview() {
  const { application, documents, openItems, generated, moreGenerated, data, decision } =
    useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const pending = generated.some((g) => !g.doc);
  // The worker renders the receipt and the XBau message after submission; poll until both are there.
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(t);
  }, [pending, revalidator]);
  return (
    <>
      {pending ? (
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      {decision ? <DecisionSection decision={decision} /> : null}
      <section className="app-section" aria-labelledby="downloads">
        <h2 className="kern-heading-medium" id="downloads">
          Dokumente zum Antrag
        </h2>
        <ul className="kern-list" data-testid="generated-documents">
          {generated.map((g) => (
            <li key={g.kind}>
              {g.doc ? (
                <a
                  className="kern-link"
                  href={`/erzeugt/${g.doc.id}`}
                  download
                  data-testid={`download-${g.kind}`}
                >
                  <span className="kern-icon kern-icon--download" aria-hidden="true" /> {g.label} (
                  {g.doc.size})
                </a>
              ) : (
                <span data-testid={`pending-${g.kind}`}>{g.label}: wird erstellt …</span>
              )}
            </li>
          ))}
          <GeneratedDocumentItems documents={moreGenerated} />
        </ul>
      </section>
      {openItems.length > 0 ? (
        <section className="app-section" aria-labelledby="offene-punkte">
          <h2 className="kern-heading-medium" id="offene-punkte">
            Offene Punkte ({openItems.length})
          </h2>
          <p className="kern-body">Diese Unterlagen haben Sie als „wird nachgereicht“ angegeben:</p>
          <ul className="app-findings" data-testid="open-items">
            {openItems.map((o) => (
              <li key={o.ruleId} className="app-finding app-finding--missing-document">
                {o.message}
                <span className="app-finding__basis">{o.legalBasis}</span>
              </li>
            ))}
          </ul>
          <p className="kern-body">
            <Link className="kern-link" to={`/antraege/${application.id}/unterlagen`}>
              Unterlagen nachreichen
            </Link>
          </p>
        </section>
      ) : null}
      <section className="app-section" aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">
          Unterlagen
        </h2>
        {documents.length === 0 ? (
          <p className="kern-body">Keine Unterlagen.</p>
        ) : (
          <ul className="app-findings">
            {documents.map((d) => (
              <li key={d.id} className="app-finding">
                <span className="kern-body kern-body--bold">{d.title}</span>
                {d.toBeSubmittedLater ? <span className="app-finding__basis">wird nachgereicht</span> : null}
                <ul className="kern-list">
                  {d.versions.map((v) => (
                    <li key={v.id}>
                      <a className="kern-link" href={`/dateien/${v.id}`}>
                        {v.filename}
                      </a>{" "}
                      – Version {v.versionNumber}, {v.size}
                      {v.pageCount ? `, ${v.pageCount} ${v.pageCount === 1 ? "Seite" : "Seiten"}` : ""},{" "}
                      {formatDateTime(v.createdAt)}, {v.uploadedBy}
                      <span className="app-finding__basis">SHA-256: {v.sha256}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="app-section" aria-labelledby="angaben">
        <h2 className="kern-heading-medium" id="angaben">
          Eingereichte Angaben
        </h2>
        <DataSummary data={data} headingLevel={3} />
      </section>
    </>
  );
}

/** The result of the invitation / withdrawal forms (comment forms report in their own section). */
function usePageActionData() {
  const data = useActionData<typeof action>();
  return data && "invited" in data ? data : null;
}

function Members() {
  const { application, members, roleOptions } = useLoaderData<typeof loader>();
  const actionData = usePageActionData();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="app-section" aria-labelledby="beteiligte">
      <h2 className="kern-heading-medium" id="beteiligte">
        Beteiligte
      </h2>
      <ul className="kern-list" data-testid="members">
        {members.map((m) => (
          <li key={m.id}>
            {m.label} – {m.role}
            {m.pending ? ` (Einladung an ${m.email} offen)` : ""}
          </li>
        ))}
      </ul>
      {application.editable ? (
        <>
          <h3 className="kern-heading-small">Person einladen</h3>
          <p className="kern-body">
            Laden Sie die andere Seite ein (Bauherr:in bzw. Entwurfsverfasser:in). Die Person erhält einen
            Link per E-Mail und kann den Antrag danach sehen und bearbeiten.
          </p>
          {actionData?.invited ? (
            <Alert tone="success" title="Einladung verschickt">
              <p className="kern-body" data-testid="invite-success">
                Die Einladung an {actionData.invited} ist unterwegs.
              </p>
            </Alert>
          ) : null}
          <Form method="post" className="app-inline-form" key={actionData?.invited ?? "invite"}>
            <TextField
              id="invite-email"
              name="email"
              label="E-Mail-Adresse"
              type="email"
              autoComplete="off"
              inputMode="email"
              required
              defaultValue={actionData?.values?.email ?? ""}
              errors={actionData?.error ? [actionData.error] : undefined}
            />
            <SelectField
              id="invite-role"
              name="role"
              label="Rolle"
              placeholder="Rolle wählen"
              defaultValue={actionData?.values?.role ?? "BAUHERR"}
              options={roleOptions}
            />
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-icon kern-icon--mail" aria-hidden="true" />
              <span className="kern-label">Einladen</span>
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}

function Withdraw() {
  const actionData = usePageActionData();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="app-section" aria-labelledby="ruecknahme">
      <h2 className="kern-heading-medium" id="ruecknahme">
        Antrag zurücknehmen
      </h2>
      <details className="kern-accordion" open={Boolean(actionData?.withdrawError)}>
        <summary className="kern-accordion__header">
          <span className="kern-title">Antrag zurücknehmen …</span>
        </summary>
        <div className="kern-accordion__body">
          <p className="kern-body">
            Mit der Rücknahme endet das Verfahren. Die Bauaufsicht wird benachrichtigt. Das lässt sich nicht
            rückgängig machen.
          </p>
          {actionData?.withdrawError ? (
            <Alert tone="danger" title="Nicht zurückgenommen" announce>
              <p className="kern-body" data-testid="withdraw-error">
                {actionData.withdrawError}
              </p>
            </Alert>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="withdraw" />
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="withdraw-reason">
                Grund (optional)
              </label>
              <textarea
                id="withdraw-reason"
                name="reason"
                className="kern-form-input__input"
                rows={2}
                maxLength={2000}
              />
            </div>
            <div className="kern-form-check">
              <input
                className="kern-form-check__input"
                type="checkbox"
                id="withdraw-confirm"
                name="confirm"
                required
              />
              <label className="kern-label" htmlFor="withdraw-confirm">
                Ja, ich nehme den Antrag verbindlich zurück.
              </label>
            </div>
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-label">Antrag zurücknehmen</span>
            </button>
          </Form>
        </div>
      </details>
    </section>
  );
}

function Timeline() {
  const { events } = useLoaderData<typeof loader>();
  return (
    <section className="app-section" aria-labelledby="verlauf">
      <h2 className="kern-heading-medium" id="verlauf">
        Verlauf
      </h2>
      <ol className="app-timeline" data-testid="timeline">
        {[...events].reverse().map((e) => (
          <li key={e.id} className="app-timeline__item">
            <span className="kern-body kern-body--bold">{e.label}</span>
            {e.detail ? <span className="kern-body"> – {e.detail}</span> : null}
            <span className="app-timeline__meta">
              <time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time> · {e.actor}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
