/** German labels for ApplicationStatus and a KERN badge that shows one. */

export const APPLICATION_STATUS_LABELS: Record<string, string> = {
  DRAFT: "Entwurf",
  SUBMITTED: "Eingereicht",
  IN_REVIEW: "In Prüfung",
  INCOMPLETE: "Unvollständig – Nachforderung",
  COMPLETE: "Vollständig",
  PARTICIPATION: "Beteiligung läuft",
  DECISION_PENDING: "Entscheidung in Vorbereitung",
  DECIDED: "Entschieden",
  WITHDRAWN: "Zurückgenommen",
  DEEMED_WITHDRAWN: "Gilt als zurückgenommen",
};

type Tone = "info" | "success" | "warning" | "danger";

const STATUS_TONES: Record<string, Tone> = {
  DRAFT: "info",
  SUBMITTED: "info",
  IN_REVIEW: "info",
  INCOMPLETE: "warning",
  COMPLETE: "success",
  PARTICIPATION: "info",
  DECISION_PENDING: "info",
  DECIDED: "success",
  WITHDRAWN: "danger",
  DEEMED_WITHDRAWN: "danger",
};

export function statusLabel(status: string): string {
  return APPLICATION_STATUS_LABELS[status] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = STATUS_TONES[status] ?? "info";
  return (
    <span className={`kern-badge kern-badge--${tone}`}>
      <span className="kern-label">{statusLabel(status)}</span>
    </span>
  );
}

export const PROCEDURE_LABELS_SHORT: Record<string, string> = {
  BAUGENEHMIGUNG: "Baugenehmigungsverfahren",
  VEREINFACHT: "Vereinfachtes Verfahren",
  GENEHMIGUNGSFREISTELLUNG: "Genehmigungsfreistellung",
  VORBESCHEID: "Vorbescheid",
  BESEITIGUNG: "Beseitigung / Abbruch",
};

export function procedureLabel(code: string): string {
  return PROCEDURE_LABELS_SHORT[code] ?? code;
}

/** History event types; unknown types are shown as they are. Other features add theirs here. */
export const CASE_EVENT_LABELS: Record<string, string> = {
  "application.created": "Antrag angelegt",
  "application.submitted": "Antrag eingereicht",
  "application.file-number-assigned": "Aktenzeichen vergeben",
  "application.receipt-sent": "Eingangsbestätigung versandt",
  "review.started": "Vollständigkeitsprüfung begonnen",
  "review.incomplete": "Nachforderung gestellt",
  "review.complete": "Antrag vollständig",
  "participation.requested": "Fachstelle beteiligt",
  "decision.made": "Entscheidung getroffen",
  "application.withdrawn": "Antrag zurückgenommen",
};

export function eventLabel(type: string): string {
  return CASE_EVENT_LABELS[type] ?? type;
}
