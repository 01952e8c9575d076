import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { AkteExportSection } from "~/components/case/akte-export";
import { CaseFacts, DeadlinesSection, ProcessingSection } from "~/components/case/case-overview";
import { casePageAction, loadCasePage } from "~/components/case/case-page.server";
import { DocumentsPanel } from "~/components/case/documents-panel";
import { GeneratedDocumentItems } from "~/components/case/generated-documents";
import { BekanntgabeSection, SubmissionBasis } from "~/components/case/parties-section";
import { loadClerkParties } from "~/components/case/parties-section.server";
import { RequestPanel } from "~/components/case/request-panel";
import { CaseTimeline } from "~/components/case/timeline";
import { CommentsSection } from "~/components/comments/comments-section";
import { pinsForVersion } from "~/components/comments/pins";
import { DataSummary } from "~/components/draft/summary";
import { useReadyDocuments } from "~/components/ready-documents";

/**
 * The clerk's case page: facts, deadlines, processing, the latest Nachforderung, documents,
 * generated documents, comments, the application data and the history. Loader and action live in
 * app/components/case/case-page.server.ts, the sections in app/components/case/.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.case.fileNumber ?? "Fall"} – Bauantrag` },
];

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadCasePage(args);
  return { ...page, parties: await loadClerkParties(args) };
}

export function action(args: ActionFunctionArgs) {
  return casePageAction(args);
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
    parties,
    akte,
  } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  // Comment forms report inside the comments section.
  const actionData = posted && "ok" in posted ? posted : null;
  const busy = useNavigation().state === "submitting";
  const requestSent = useSearchParams()[0].get("nachforderung") === "gesendet";
  // Files the workers produce later (XBau messages, Bescheid) appear without a reload (issue 14 item 5).
  useReadyDocuments(c.id, [...generated.map((g) => g.id), ...akte.exportIds], akte.pending);
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
      {requestSent && !actionData ? (
        <Alert tone="success" title="Nachforderung gesendet" announce>
          <p className="kern-body" data-testid="request-sent">
            Die Nachforderung ist an die Antragsseite gegangen. Die Frist steht unten bei der Nachforderung.
          </p>
        </Alert>
      ) : null}
      <CaseFacts c={c} members={members} />
      <SubmissionBasis basis={parties.basis} />
      <BekanntgabeSection data={parties} />
      <DeadlinesSection deadlines={deadlines} />
      <ProcessingSection c={c} clerks={clerks} me={me} busy={busy} />
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
      <AkteExportSection applicationId={c.id} akte={akte} />
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
