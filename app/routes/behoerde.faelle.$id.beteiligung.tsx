import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, ConfirmRequestPage } from "~/components/confirm-action";
import {
  type BoardActionData,
  boardPageAction,
  loadBoardPage,
  type StartSummary,
} from "~/components/participation/board-page.server";
import type { BoardLoaded } from "~/components/participation/board-page-types";
import { BoardSection } from "~/components/participation/board-table";
import { StartForm } from "~/components/participation/start-form";
import { StatusBadge } from "~/components/status";
import { formatDate } from "~/domain/format";
import type { ParticipationProposal } from "~/models/participation.server";

/**
 * Beteiligung of a case (clerk): the suggested agencies with their reasons as pre-checked rows,
 * agencies added from the ones registered under the authority, documents per agency (need-to-know
 * defaults), deadline, question and what is asked for; "Beteiligung starten". Below, the board
 * with each agency's state, deadline, days left, statement, refused consents (Ablehnung vorschlagen
 * / Einvernehmen ersetzen), pending extension requests (gewähren/ablehnen) and packages, and
 * "Beteiligung abschließen". Every irreversible step has its confirmation page and a success
 * notice. Loader and action: app/components/participation/board-page.server.ts; plain forms,
 * everything works without JavaScript.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Beteiligung ${data?.proposal.application.fileNumber ?? ""} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadBoardPage(args);
}

export function action(args: ActionFunctionArgs) {
  return boardPageAction(args);
}

const NOTICES: Record<string, string> = {
  gestartet: "Die Beteiligung wurde gestartet. Die Pakete werden erstellt und den Stellen zugestellt.",
  verlaengert: "Die Frist wurde verlängert; die Stelle wurde benachrichtigt.",
  abgelehnt: "Die Fristverlängerung wurde abgelehnt; die Stelle wurde benachrichtigt.",
  abgeschlossen: "Die Beteiligung ist abgeschlossen. Die Stellen können keine neuen Unterlagen mehr öffnen.",
  ersetzt:
    "Das versagte Einvernehmen ist ersetzt und in der Akte vermerkt. Der Bescheid begründet die Ersetzung.",
  ablehnung:
    "Die Versagung ist in der Akte vermerkt: Eine Genehmigung ist nicht möglich. Bereiten Sie unter „Bescheid“ die Ablehnung vor.",
};

export default function ParticipationPage() {
  const loaded = useLoaderData<typeof loader>();
  const { proposal, board, today, notice, confirmClose } = loaded;
  const actionData = useActionData<typeof action>() as BoardActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const app = proposal.application;
  const lead = `${app.title || "Antrag ohne Titel"}, Aktenzeichen ${app.fileNumber ?? "–"}`;

  if (actionData?.confirmStart) {
    return (
      <StartConfirmation
        lead={lead}
        agencies={actionData.confirmStart.agencies}
        fields={actionData.confirmStart.fields}
      />
    );
  }
  if (actionData?.confirm) {
    return (
      <>
        <PageHeader title={actionData.confirm.pageTitle} lead={lead} />
        <ConfirmRequestPage
          request={actionData.confirm}
          cancel={{ post: true, label: "Zurück zur Beteiligung" }}
        />
      </>
    );
  }
  if (confirmClose) return <CloseConfirmation lead={lead} loaded={loaded} />;

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${app.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader title="Beteiligung" lead={lead} />
      <p className="kern-body">
        Status: <StatusBadge status={app.status} />
      </p>
      {notice && NOTICES[notice] ? (
        <Alert tone="success" title="Erledigt" announce>
          <p className="kern-body" data-testid="participation-notice">
            {NOTICES[notice]}
          </p>
        </Alert>
      ) : null}

      {board.length > 0 ? (
        <BoardSection
          board={board}
          boardMessage={actionData?.boardMessage ?? null}
          draft={actionData?.draft ?? null}
          replacementBasis={proposal.consentReplacementBasis}
          today={today}
          busy={busy}
        />
      ) : null}

      {!proposal.canStart ? (
        board.length === 0 ? (
          <Alert tone="info" title="Beteiligung noch nicht möglich">
            <p className="kern-body">
              Eine Beteiligung kann beginnen, sobald die Vollständigkeit des Antrags bestätigt ist.
            </p>
          </Alert>
        ) : null
      ) : (
        <StartForm
          // A fresh form after each start (the agencies just asked are no longer offered) and after
          // each answer of the action (the posted rows become its defaults).
          key={`${board.map((b) => b.id).join(",")}-${actionData?.nonce ?? "loaded"}`}
          proposal={proposal as unknown as ParticipationProposal}
          initial={actionData?.rows ?? null}
          lastResult={actionData?.lastResult ?? null}
          message={actionData?.message ?? null}
          today={today}
          busy={busy}
          boardCount={board.length}
        />
      )}
    </>
  );
}

/** "Beteiligung starten?": one line per chosen agency with its kind, deadline and documents. */
function StartConfirmation({
  lead,
  agencies,
  fields,
}: {
  lead: string;
  agencies: StartSummary[];
  fields: [string, string][];
}) {
  return (
    <>
      <PageHeader title="Beteiligung starten?" lead={lead} />
      <ConfirmAction
        title="Bitte bestätigen Sie den Start der Beteiligung"
        intro="Eine gestartete Beteiligung kann nicht zurückgenommen werden."
        consequences={[
          `${agencies.length === 1 ? "Eine Stelle erhält" : `${agencies.length} Stellen erhalten`} ein Beteiligungspaket mit den ausgewählten Unterlagen und wird benachrichtigt; die Freigabe der Unterlagen lässt sich nicht zurückholen.`,
          "Die Fristen laufen ab heute; was bei Schweigen bis zum Fristende gilt, steht bei jeder Stelle.",
          "Der Fall wechselt in den Status „Beteiligung“.",
        ]}
        confirmLabel="Ja, Beteiligung jetzt starten"
        fields={fields}
        cancel={{ post: true, label: "Zurück zur Auswahl" }}
      >
        <ul className="kern-list" data-testid="confirm-agencies">
          {agencies.map((a) => (
            <li key={`${a.agency}-${a.deadline}`}>
              {a.agency} – {a.kindLabel}, Frist bis {formatDate(a.deadline)}, {a.documentCount}{" "}
              {a.documentCount === 1 ? "Unterlage" : "Unterlagen"}
              {a.consequence ? `. ${a.consequence}` : ""}
            </li>
          ))}
        </ul>
      </ConfirmAction>
    </>
  );
}

/** "Beteiligung abschließen?": names the agencies that have not answered yet. */
function CloseConfirmation({ lead, loaded }: { lead: string; loaded: BoardLoaded }) {
  const open = loaded.board.filter((b) => !b.closedAt);
  const waiting = open.filter((b) => !b.statement && b.status !== "DEEMED_CONSENT");
  return (
    <>
      <PageHeader title="Beteiligung abschließen?" lead={lead} />
      <ConfirmAction
        title="Bitte bestätigen Sie den Abschluss der Beteiligung"
        intro="Der Abschluss kann nicht rückgängig gemacht werden."
        consequences={[
          "Die beteiligten Stellen können die Unterlagen des Falls nicht mehr öffnen und keine Stellungnahme mehr abgeben; ihre Stellungnahmen und Pakete bleiben erhalten.",
          "Der Fall geht in die Entscheidung; eine neue Beteiligung in dieser Runde ist nicht mehr möglich.",
          waiting.length > 0
            ? `Noch ohne Antwort: ${waiting.map((b) => b.agencyName).join(", ")}.`
            : "Alle Stellen haben geantwortet oder ihre Frist ist mit Fiktion abgelaufen.",
        ]}
        confirmLabel="Ja, Beteiligung jetzt abschließen"
        fields={[["intent", "close"]]}
        cancel={{
          href: `/behoerde/faelle/${loaded.proposal.application.id}/beteiligung`,
          label: "Abbrechen",
        }}
      />
    </>
  );
}
