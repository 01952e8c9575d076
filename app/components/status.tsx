import { receivedPhrase } from "~/components/paper-intake/intake-channel";
import { caseEventLabel } from "~/domain/case-events";
import { formatDate } from "~/domain/format";
import { tightHintsFor } from "~/domain/tight-sheets";
import type { ApplicationStatus } from "~/generated/prisma/enums";
/** German labels for ApplicationStatus and a KERN badge that shows one. */

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
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

const STATUS_TONES: Record<ApplicationStatus, Tone> = {
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
  return APPLICATION_STATUS_LABELS[status as ApplicationStatus] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = STATUS_TONES[status as ApplicationStatus] ?? "info";
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

/** History label of an event type: from the case-event catalogue; unknown (older) types as they are. */
export function eventLabel(type: string): string {
  return caseEventLabel(type);
}

const SECTION_LABELS: Record<string, string> = {
  general: "Allgemeines",
  bauherr: "Bauherr:in",
  entwurfsverfasser: "Entwurfsverfasser:in",
  plot: "Baugrundstück",
  project: "Vorhaben",
};

const MEMBER_ROLE_NAMES: Record<string, string> = {
  BAUHERR: "Bauherr:in",
  ENTWURFSVERFASSER: "Entwurfsverfasser:in",
  BEVOLLMAECHTIGTER: "Bevollmächtigte:r",
};

/** "2026-03-11" → "11.03.2026"; "" for anything else. */
function isoDay(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
}

/** One line of detail for a history event from its payload (German; empty when there is nothing to add). */
export function eventDetail(type: string, payload: unknown): string {
  const p = (payload && typeof payload === "object" ? payload : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  switch (type) {
    case "application.section-saved": {
      const section = SECTION_LABELS[str(p.section)] ?? str(p.section);
      const fields = Array.isArray(p.fields) ? p.fields.length : 0;
      return `${section}${fields ? ` (${fields === 1 ? "1 Feld" : `${fields} Felder`} geändert)` : ""}`;
    }
    case "application.submitted":
      return p.fileNumber ? `Aktenzeichen ${str(p.fileNumber)}` : "";
    case "intake.offline-registered":
      return isoDay(str(p.receivedOn))
        ? `${receivedPhrase(str(p.channel))} am ${isoDay(str(p.receivedOn))}`
        : "";
    case "member.invited":
    case "member.accepted":
    case "member.revoked":
      return [str(p.email), MEMBER_ROLE_NAMES[str(p.role)] ?? ""].filter(Boolean).join(" als ");
    case "consent.mandate-declared":
      return str(p.filename) ? `Vollmacht: ${str(p.filename)}` : "";
    case "decision.retrieved":
      return isoDay(str(p.bekanntgabe)) ? `bekannt gegeben am ${isoDay(str(p.bekanntgabe))}` : "";
    case "decision.post-delivery-recorded":
      return isoDay(str(p.deliveredOn)) ? `zugestellt am ${isoDay(str(p.deliveredOn))}` : "";
    case "document.uploaded":
      return [str(p.filename), p.versionNumber ? `Version ${str(p.versionNumber)}` : ""]
        .filter(Boolean)
        .join(", ");
    case "application.created":
      return str(p.municipality) ? `Gemeinde ${str(p.municipality)}` : "";
    case "application.complete":
      return str(p.decisionDueAt)
        ? `Entscheidung spätestens am ${formatDate(str(p.decisionDueAt))}`
        : "keine gesetzliche Entscheidungsfrist";
    case "request.sent":
      return str(p.deadline) ? `Frist bis ${formatDate(str(p.deadline))}` : "";
    case "application.withdrawn":
      return str(p.reason) ? `Grund: ${str(p.reason)}` : "";
    // The validity runs from the Bekanntgabe (decision.retrieved / post delivery), not from here.
    case "decision.decided":
      return str(p.kindLabel);
    // The history is shown to the applicant side too: the outcome of a statement stays with the
    // authority (statement files are audience AUTHORITY); only who answered is named.
    case "participation.opened":
    case "participation.answered":
      return str(p.agency);
    case "participation.started":
      return [str(p.agencyName), str(p.deadline) ? `Frist bis ${formatDate(str(p.deadline))}` : ""]
        .filter(Boolean)
        .join(", ");
    case "participation.package-rendered":
    case "participation.cancelled":
    case "participation.sent":
    case "participation.reminded":
    case "participation.deemed-consent":
    case "participation.overdue":
    case "participation.consent-replaced":
    case "participation.refusal-accepted":
      return str(p.agencyName);
    case "participation.extension-granted":
      return [str(p.agencyName), str(p.deadline) ? `neue Frist ${formatDate(str(p.deadline))}` : ""]
        .filter(Boolean)
        .join(", ");
    case "participation.extension-refused":
      return str(p.agencyName);
    case "participation.closed":
      return typeof p.withoutStatement === "number" && p.withoutStatement > 0
        ? `${p.withoutStatement === 1 ? "1 Stelle" : `${p.withoutStatement} Stellen`} ohne Stellungnahme`
        : "";
    case "participation.extension-requested":
      return [str(p.agency), str(p.until) ? `bis ${formatDate(str(p.until))}` : ""]
        .filter(Boolean)
        .join(", ");
    case "xbau.exported":
      return str(p.message);
    case "document.processing-refused":
    case "document.check-refused":
      return str(p.reason); // names the file

    case "decision.plan-stamped":
      return [
        p.pageCount ? (p.pageCount === 1 ? "1 Seite" : `${str(p.pageCount)} Seiten`) : "",
        str(p.sha256) ? `SHA-256 ${str(p.sha256)}` : "",
      ]
        .filter(Boolean)
        .join(" · ");
    case "decision.bescheid-rendered":
      return str(p.sha256) ? `SHA-256 ${str(p.sha256)}` : "";
    case "generated.tight-sheets":
      return [str(p.title), ...tightHintsFor(str(p.kind), p.sheets)].filter(Boolean).join(" · ");
    case "decision.delivered":
      return typeof p.informedAgencies === "number" && p.informedAgencies > 0
        ? `${p.informedAgencies === 1 ? "1 beteiligte Stelle" : `${p.informedAgencies} beteiligte Stellen`} informiert`
        : "";
    default:
      return "";
  }
}
