import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { Members, Withdraw } from "~/components/application/application-forms";
import { DraftOverview, SubmittedOverview, Timeline } from "~/components/application/application-overview";
import { applicationPageAction, loadApplicationPage } from "~/components/application/application-page.server";
import { BekanntgabeSummary, SubmissionConsentPanel } from "~/components/application/parties-panels";
import { CommentsSection } from "~/components/comments/comments-section";
import { DescriptionList } from "~/components/description-list";
import { procedureLabel, StatusBadge } from "~/components/status";
import { formatDate, formatDateTime } from "~/domain/format";

/**
 * An application's page for its members: status, open request, the draft's steps or the submitted
 * file, comments, members, withdrawal and history. Loader and action live in
 * app/components/application/application-page.server.ts, the sections and forms beside it.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.application.title || "Antrag"} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadApplicationPage(args);
}

export function action(args: ActionFunctionArgs) {
  return applicationPageAction(args);
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
      {data.justWithdrawn ? (
        <Alert tone="success" title="Antrag zurückgenommen" announce>
          <p className="kern-body" data-testid="withdrawn-message">
            Der Antrag ist zurückgenommen; das Verfahren ist beendet. Die Bauaufsicht wurde benachrichtigt.
          </p>
        </Alert>
      ) : null}
      {data.partiesMessage ? (
        <Alert tone="success" title="Erledigt" announce>
          <p className="kern-body" data-testid="parties-message">
            {data.partiesMessage}
          </p>
        </Alert>
      ) : null}
      {data.consent ? (
        <SubmissionConsentPanel
          applicationId={application.id}
          version={data.version}
          myRole={data.me.role}
          consent={data.consent}
          ownerDeclaration={data.declarations.owner}
          mandateDeclaration={data.declarations.mandate}
          message={null}
        />
      ) : null}
      {data.bekanntgabe ? (
        <section className="app-section" aria-labelledby="bekanntgabe-heading">
          <h2 className="kern-heading-medium" id="bekanntgabe-heading">
            Bekanntgabe und Fristen
          </h2>
          <BekanntgabeSummary view={data.bekanntgabe} audience="applicant" />
        </section>
      ) : null}
      {application.editable ? <DraftOverview /> : <SubmittedOverview />}
      {data.comments ? <CommentsSection comments={data.comments} /> : null}
      <Members />
      {application.withdrawable ? <Withdraw /> : null}
      <Timeline />
    </>
  );
}
