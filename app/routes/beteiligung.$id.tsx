import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { ExtensionForm } from "~/components/agency/extension-form";
import {
  loadParticipationPage,
  participationPageAction,
} from "~/components/agency/participation-page.server";
import type { ParticipationActionData } from "~/components/agency/participation-page-types";
import {
  DocumentsSection,
  ProjectSection,
  RequestSection,
  StatementSection,
} from "~/components/agency/participation-sections";
import { AttachmentsField, StatementForm } from "~/components/agency/statement-form";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction } from "~/components/confirm-action";
import { formatDate } from "~/domain/format";
import { consentNoun } from "~/domain/participation";
import { conditionKindLabel, outcomeLabel } from "~/domain/statements";

/**
 * An agency's participation (Beteiligung): the request, the project, the released documents and
 * package, the statement form and the extension request. Loader and action live in
 * app/components/agency/participation-page.server.ts, the sections and forms beside it.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Beteiligung ${data?.participation.summary.fileNumber ?? ""} – Bauantrag` },
];

export function loader(args: LoaderFunctionArgs) {
  return loadParticipationPage(args);
}

export function action(args: ActionFunctionArgs) {
  return participationPageAction(args);
}

export default function ParticipationPage() {
  const { participation: p, maxUploadLabel, minExtensionDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ParticipationActionData | undefined;
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const s = p.summary;

  if (actionData?.form === "confirm" && p.open) {
    const consent = actionData.kind === "MUNICIPAL_CONSENT";
    return (
      <>
        <PageHeader
          title={consent ? "Entscheidung über das Einvernehmen abgeben?" : "Stellungnahme abgeben?"}
          lead={`Bauantrag ${s.fileNumber} · ${s.projectTitle || "Bauvorhaben"} · an ${s.authorityName}`}
        />
        <ConfirmAction
          title={
            consent
              ? "Bitte bestätigen Sie Ihre Entscheidung über das Einvernehmen"
              : "Bitte bestätigen Sie Ihre Stellungnahme"
          }
          intro={`Ergebnis: ${outcomeLabel(actionData.kind, actionData.outcome)}.`}
          consequences={[
            `${consent ? "Die Entscheidung" : "Die Stellungnahme"} geht sofort an ${s.authorityName} und wird in der Akte des Falls vermerkt.`,
            consent
              ? "Sie kann danach nicht mehr geändert oder zurückgenommen werden; ein versagtes Einvernehmen kann nur die Bauaufsicht ersetzen."
              : "Sie kann danach nicht mehr geändert oder zurückgenommen werden.",
            "Die Bauaufsicht erhält dazu ein PDF mit Ihren Angaben und den Anlagen.",
          ]}
          confirmLabel={
            consent ? "Ja, Entscheidung verbindlich abgeben" : "Ja, Stellungnahme verbindlich abgeben"
          }
          fields={actionData.fields}
          encType="multipart/form-data"
          formContent={<AttachmentsField maxUploadLabel={maxUploadLabel} />}
          cancel={{ post: true, label: "Zurück zum Formular" }}
        >
          {actionData.conditions.length > 0 ? (
            <ul className="kern-list" data-testid="confirm-conditions">
              {actionData.conditions.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the posted order is the condition number
                <li key={i}>
                  {conditionKindLabel(c.kind)}: {c.text}
                </li>
              ))}
            </ul>
          ) : null}
          {actionData.reasons ? (
            <p className="kern-body" data-testid="confirm-reasons">
              Begründung: {actionData.reasons}
            </p>
          ) : null}
        </ConfirmAction>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={`Beteiligung zum Bauantrag ${s.fileNumber}`}
        lead={`${s.projectTitle || "Bauvorhaben"} · angefragt von ${s.authorityName} · ${p.statusLabel}`}
      >
        <Link className="kern-link" to="/beteiligung">
          Zurück zur Übersicht
        </Link>
      </PageHeader>

      {search.get("stellungnahme") === "abgegeben" && p.statement ? (
        <Alert tone="success" title="Stellungnahme abgegeben">
          Ihre Stellungnahme ist bei {s.authorityName} eingegangen. Das PDF der Stellungnahme wird erstellt
          und erscheint unten.
        </Alert>
      ) : null}
      {search.get("verlaengerung") === "beantragt" && p.pendingExtension ? (
        <Alert tone="success" title="Fristverlängerung beantragt">
          {s.authorityName} entscheidet über Ihren Antrag; Sie werden benachrichtigt.
        </Alert>
      ) : null}
      {p.status === "DEEMED_CONSENT" ? (
        <Alert tone="info" title={`${consentNoun(p.kind)} gilt als erteilt`}>
          Die Frist ist am {formatDate(p.deadline)} ohne Stellungnahme abgelaufen. {p.silenceConsequence}
        </Alert>
      ) : null}
      {p.closedAt ? (
        <Alert tone="info" title="Beteiligung abgeschlossen">
          Die Beteiligung wurde am {formatDate(p.closedAt)} abgeschlossen. Ihre Stellungnahme und das
          Beteiligungspaket bleiben abrufbar; die Unterlagen des Antrags sind nicht mehr freigegeben.
        </Alert>
      ) : null}

      <RequestSection p={p} />
      <ProjectSection p={p} />
      <DocumentsSection p={p} />
      <StatementSection p={p} />

      {p.open ? (
        <>
          <StatementForm
            key={actionData?.form === "statement" ? actionData.nonce : "initial"}
            data={actionData?.form === "statement" ? actionData : undefined}
            busy={busy}
            maxUploadLabel={maxUploadLabel}
            kind={p.kind}
          />
          <ExtensionForm
            key={actionData?.form === "extension" ? actionData.nonce : "initial-extension"}
            data={actionData?.form === "extension" ? actionData : undefined}
            pending={p.pendingExtension}
            minDate={minExtensionDate}
            busy={busy}
          />
        </>
      ) : null}
    </>
  );
}
