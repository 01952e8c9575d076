import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { RequestEditor } from "~/components/review/request-editor";
import { initialRequest } from "~/components/review/request-form";
import { ConfirmComplete, ConfirmSendRequest } from "~/components/review/review-confirmations";
import {
  loadReviewPage,
  type ReviewActionResult,
  reviewPageAction,
} from "~/components/review/review-page.server";

/**
 * The formal review of a case: the findings to request (proposed by the automatic check), the
 * Nachforderung and its confirmation, and the confirmation of completeness. Loader and action
 * live in app/components/review/review-page.server.ts, the form in request-editor.tsx.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Formelle Prüfung ${data?.case.fileNumber ?? ""} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadReviewPage(args);
}

export function action(args: ActionFunctionArgs) {
  return reviewPageAction(args);
}

export default function ReviewPage() {
  const {
    case: c,
    completion,
    proposal,
    defaultDeadline,
    today,
    documentTypes,
    categories,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ReviewActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const reviewable = c.status === "SUBMITTED" || c.status === "IN_REVIEW";
  const lead = `${c.title || "Antrag ohne Titel"}, Aktenzeichen ${c.fileNumber ?? "–"}`;

  if (actionData?.confirm) return <ConfirmSendRequest lead={lead} confirm={actionData.confirm} />;
  if (completion && reviewable) {
    return (
      <ConfirmComplete
        caseId={c.id}
        lead={lead}
        completion={completion}
        openFindings={proposal.map((p) => p.message)}
      />
    );
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${c.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader title="Formelle Prüfung" lead={lead} />
      {!reviewable ? (
        <Alert tone="info" title="Keine Prüfung möglich">
          <p className="kern-body">Dieser Fall ist nicht (mehr) in der Vollständigkeitsprüfung.</p>
        </Alert>
      ) : null}
      {actionData?.message ? (
        <Alert tone="danger" title="Nachforderung nicht gesendet" announce>
          <p className="kern-body" data-testid="review-error">
            {actionData.message}
          </p>
        </Alert>
      ) : null}
      <RequestEditor
        // Every answer of the server is a new form: the answered values become the defaults.
        key={actionData?.nonce ?? "loaded"}
        initial={actionData?.values ?? initialRequest(proposal, defaultDeadline)}
        proposed={proposal.length}
        categories={categories}
        documentTypes={documentTypes}
        today={today}
        busy={busy}
        reviewable={reviewable}
      />
    </>
  );
}
