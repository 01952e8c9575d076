import { PageHeader } from "~/components/app-shell";
import { ConfirmAction } from "~/components/confirm-action";
import { formatDate } from "~/domain/format";
import type { ReviewActionResult } from "./review-page.server";

/**
 * The two irreversible steps of the formal review, each on its own page naming the consequences:
 * sending the Nachforderung, and confirming completeness (which starts the decision deadline).
 */

export function ConfirmSendRequest({
  lead,
  confirm,
}: {
  lead: string;
  confirm: NonNullable<ReviewActionResult["confirm"]>;
}) {
  return (
    <>
      <PageHeader title="Nachforderung senden?" lead={lead} />
      <ConfirmAction
        title="Bitte bestätigen Sie das Senden der Nachforderung"
        intro="Eine gesendete Nachforderung kann nicht zurückgeholt werden."
        consequences={[
          `${confirm.items.length === 1 ? "Ein Punkt geht" : `${confirm.items.length} Punkte gehen`} an Antragsteller:in und Entwurfsverfasser:in (Benachrichtigung und XBau-Nachricht 0201).`,
          `Frist für die Nachreichung: ${formatDate(confirm.deadline)}.`,
          "Der Fall gilt bis zur Nachreichung als unvollständig; Angaben und Unterlagen können in dieser Zeit von der Antragsseite geändert werden.",
        ]}
        confirmLabel="Ja, Nachforderung jetzt senden"
        fields={confirm.fields}
        cancel={{ post: true, label: "Zurück zur Bearbeitung" }}
      >
        <ol className="kern-list" data-testid="confirm-items">
          {confirm.items.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the posted order is the item number
            <li key={i}>{m}</li>
          ))}
        </ol>
      </ConfirmAction>
    </>
  );
}

export function ConfirmComplete({
  caseId,
  lead,
  completion,
  openFindings,
}: {
  caseId: string;
  lead: string;
  completion: { dueAt: string | null; months: number | null; fiction: boolean; legalBasis: string | null };
  /** What the automatic check still reports. */
  openFindings: string[];
}) {
  return (
    <>
      <PageHeader title="Vollständigkeit bestätigen?" lead={lead} />
      <ConfirmAction
        title="Bitte bestätigen Sie die Vollständigkeit"
        intro="Die Bestätigung kann nicht rückgängig gemacht werden."
        consequences={[
          "Der Antrag gilt als vollständig; Antragsteller:in und Entwurfsverfasser:in werden benachrichtigt (XBau-Nachricht 0201).",
          completion.dueAt
            ? `Die Entscheidungsfrist beginnt heute: Entscheidung spätestens am ${formatDate(completion.dueAt)} (${completion.months} ${completion.months === 1 ? "Monat" : "Monate"}, ${completion.legalBasis})${completion.fiction ? "; danach gilt die Genehmigung als erteilt" : ""}.`
            : "Für dieses Verfahren setzt das Land keine Entscheidungsfrist; es läuft keine Frist an.",
          "Eine Nachforderung über die formelle Prüfung ist danach nicht mehr möglich.",
          ...(openFindings.length > 0
            ? [
                `Die automatische Prüfung meldet noch ${openFindings.length === 1 ? "einen offenen Punkt" : `${openFindings.length} offene Punkte`}: ${openFindings.join("; ")}.`,
              ]
            : []),
        ]}
        confirmLabel="Ja, Vollständigkeit jetzt bestätigen"
        fields={[["intent", "confirm-complete"]]}
        action={`/behoerde/faelle/${caseId}?index`}
        cancel={{ href: `/behoerde/faelle/${caseId}`, label: "Abbrechen" }}
      />
    </>
  );
}
