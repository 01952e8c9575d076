import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { Editor } from "~/components/decision/decision-editor";
import {
  type DecisionActionResult,
  decisionPageAction,
  loadDecisionPage,
} from "~/components/decision/decision-page.server";
import { ConfirmDecide, DecidedView, NoDraft } from "~/components/decision/decision-views";
import { procedureLabel, StatusBadge } from "~/components/status";

/**
 * The Bescheid of a case: the draft prepared from the file, its editor, four-eyes approval, the
 * confirmation step and the decided Bescheid. Loader and action live in decision-page.server.ts,
 * the editor and the other views in app/components/decision/.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Bescheid ${data?.case.fileNumber ?? ""} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadDecisionPage(args);
}

export function action(args: ActionFunctionArgs) {
  return decisionPageAction(args);
}

export default function DecisionPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as DecisionActionResult | undefined;
  const [params] = useSearchParams();
  const { case: c, decision } = data;

  const notices: [string, string][] = [
    ["gespeichert", "Der Entwurf wurde gespeichert."],
    ["vorgelegt", "Der Entwurf liegt jetzt zur Freigabe vor."],
    ["freigegeben", "Der Entwurf ist freigegeben und kann erlassen werden."],
  ];
  const notice = actionData ? undefined : notices.find(([k]) => params.get(k))?.[1];

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${c.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader
        title={decision?.status === "DECIDED" ? "Bescheid" : "Bescheid vorbereiten"}
        lead={`${c.title || "Antrag ohne Titel"}, Aktenzeichen ${c.fileNumber ?? "–"}, ${procedureLabel(c.procedureType)}`}
      >
        <StatusBadge status={c.status} />
      </PageHeader>
      {actionData?.message ? (
        <Alert
          tone={actionData.tone ?? "danger"}
          title={actionData.tone === "info" ? "Hinweis" : "Nicht ausgeführt"}
          announce
        >
          <p className="kern-body" data-testid="decision-message">
            {actionData.message}
          </p>
        </Alert>
      ) : null}
      {notice ? (
        <Alert tone="success" title="Erledigt">
          <p className="kern-body" data-testid="decision-notice">
            {notice}
          </p>
        </Alert>
      ) : null}
      {!decision ? (
        <NoDraft refusal={c.refusal} />
      ) : decision.status === "DECIDED" ? (
        <DecidedView data={data} decision={decision} justDecided={params.get("erlassen") === "ok"} />
      ) : params.get("erlassen") === "bestaetigen" && !actionData?.values ? (
        <ConfirmDecide data={data} decision={decision} />
      ) : (
        <Editor data={data} decision={decision} actionData={actionData} />
      )}
    </>
  );
}
