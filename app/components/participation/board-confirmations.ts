import type { ConfirmRequest } from "~/components/confirm-action";
import { formatDate } from "~/domain/format";

/**
 * What the confirmation pages of the participation board say (issue 14 item 6): each irreversible
 * decision of the clerk names whom it concerns and what follows. Built by the action from the
 * model's dry run (every check passed, nothing written), so the page only asks for what would act.
 */

type Fields = [string, string][];

export function extensionConfirmation(
  decision: "grant" | "refuse",
  facts: { agencyName: string; deadline: Date; previousDeadline: Date },
  fields: Fields,
  note: string,
): ConfirmRequest {
  const told = "Die Stelle wird benachrichtigt. Über den Antrag kann danach nicht erneut entschieden werden.";
  const details = note ? [`Vermerk an die Stelle: ${note}`] : undefined;
  if (decision === "grant") {
    return {
      kind: "grant",
      pageTitle: "Fristverlängerung gewähren?",
      title: "Bitte bestätigen Sie die Fristverlängerung",
      intro: `${facts.agencyName} hat eine längere Frist beantragt.`,
      consequences: [
        `Die Frist von ${facts.agencyName} endet dann am ${formatDate(facts.deadline)} statt am ${formatDate(facts.previousDeadline)}.`,
        "Erinnerung und Fristablauf richten sich nach der neuen Frist.",
        told,
      ],
      confirmLabel: "Ja, Frist verlängern",
      fields,
      details,
    };
  }
  return {
    kind: "refuse",
    pageTitle: "Fristverlängerung ablehnen?",
    title: "Bitte bestätigen Sie die Ablehnung der Fristverlängerung",
    intro: `${facts.agencyName} hat eine längere Frist beantragt.`,
    consequences: [
      `Die Frist von ${facts.agencyName} bleibt der ${formatDate(facts.previousDeadline)}.`,
      told,
    ],
    confirmLabel: "Ja, Fristverlängerung ablehnen",
    fields,
    details,
  };
}

export function refusalConfirmation(
  facts: { agencyName: string; noun: string },
  fields: Fields,
): ConfirmRequest {
  const act = facts.noun === "Einvernehmen" ? "das Einvernehmen" : "die Zustimmung";
  return {
    kind: "accept-refusal",
    pageTitle: "Ablehnung vorschlagen?",
    title: "Bitte bestätigen Sie: Ablehnung vorschlagen",
    intro: `${facts.agencyName} hat ${act} versagt.`,
    consequences: [
      `In der Akte wird vermerkt, dass Sie der Versagung folgen; der Vermerk kann nicht zurückgenommen werden.`,
      "Eine Genehmigung ist so nicht möglich: Der Antrag ist abzulehnen, die Ablehnung bereiten Sie unter „Bescheid“ vor.",
    ],
    confirmLabel: "Ja, Ablehnung vorschlagen",
    fields,
  };
}

export function replacementConfirmation(
  facts: { agencyName: string },
  reasons: string,
  legalBasis: string,
  fields: Fields,
): ConfirmRequest {
  return {
    kind: "replace-consent",
    pageTitle: "Einvernehmen ersetzen?",
    title: "Bitte bestätigen Sie die Ersetzung des Einvernehmens",
    intro: `Das von ${facts.agencyName} versagte Einvernehmen wird ersetzt (${legalBasis}).`,
    consequences: [
      "Die Ersetzung wird mit Ihrer Begründung in der Akte vermerkt und kann nicht zurückgenommen werden.",
      "Die Begründung geht in den Bescheid ein; über den Antrag kann danach wie mit erteiltem Einvernehmen entschieden werden.",
    ],
    confirmLabel: "Ja, Einvernehmen ersetzen",
    fields,
    details: [`Begründung: ${reasons}`],
  };
}
