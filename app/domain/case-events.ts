import { z } from "zod";
import type { NotificationType } from "./notifications";
import { tightSheetsSchema } from "./tight-sheets";

/**
 * The catalogue of case events (the Akte): per type its German label, whether the applicant side
 * sees it in its history, the zod schema of its payload and the notification it causes. Adding an
 * event means adding one entry here; `appendEvent` accepts only these keys (a compile error
 * otherwise), the history labels and the applicant-side filter come from here, and a transition
 * that records an event sends its notification from here.
 *
 * Payload schemas are loose objects: they name and type the fields readers rely on (history
 * details, XBau builders, statistics); extra fields are kept.
 *
 * Need-to-know (DOMAIN.md): assignment, agencies opening or answering, statements, extension
 * requests, reminders and decision drafts are the authority's business; `applicantVisible` is
 * false for them.
 */

/** Notifications of the `system.notify` job (catalogue: app/domain/notifications.ts). */
export type CaseNotification = NotificationType;

export interface CaseEventSpec {
  label: string;
  /** true/false, or decided by the payload (XBau messages between authorities stay hidden). */
  applicantVisible: boolean | ((payload: unknown) => boolean);
  schema: z.ZodType;
  /** The notification this event causes, if any. */
  notifies: CaseNotification | null;
}

const iso = z.string();
const id = z.string();
const loose = z.looseObject;

/** XBau messages the applicant side sees in its history (the others go between authorities). */
const APPLICANT_VISIBLE_XBAU_MESSAGES: ReadonlySet<string> = new Set([
  "baugenehmigung.antrag.0200",
  "baugenehmigung.formellePruefung.0201",
  "baugenehmigung.antragGeaendert.0202",
  "baugenehmigung.bescheid.0205",
]);

const generated = { generatedDocumentId: id, sha256: z.string() };
const participationRef = { participationId: id, agencyName: z.string().optional() };

export const CASE_EVENTS = {
  "application.created": {
    label: "Antrag angelegt",
    applicantVisible: true,
    schema: loose({ municipality: z.string().optional() }),
    notifies: null,
  },
  "application.section-saved": {
    label: "Angaben gespeichert",
    applicantVisible: true,
    schema: loose({ section: z.string(), fields: z.array(z.string()).optional() }),
    notifies: null,
  },
  "member.invited": {
    label: "Person eingeladen",
    applicantVisible: true,
    schema: loose({ email: z.string(), role: z.string() }),
    notifies: null,
  },
  "member.accepted": {
    label: "Einladung angenommen",
    applicantVisible: true,
    schema: loose({ role: z.string().optional() }),
    notifies: null,
  },
  "member.revoked": {
    label: "Einladung zurückgezogen",
    applicantVisible: true,
    schema: loose({ email: z.string(), role: z.string() }),
    notifies: null,
  },
  // The Bauherr's declaration in the portal that the application may be submitted (issue 14).
  "consent.owner-confirmed": {
    label: "Bauherr:in hat den Antrag zur Einreichung bestätigt",
    applicantVisible: true,
    schema: loose({ applicationVersion: z.number(), declaration: z.string() }),
    notifies: null,
  },
  // The Entwurfsverfasser's declaration that a Vollmacht of the Bauherr exists (file attached).
  "consent.mandate-declared": {
    label: "Vollmacht der Bauherrschaft erklärt",
    applicantVisible: true,
    schema: loose({ documentVersionId: id, filename: z.string(), declaration: z.string() }),
    notifies: null,
  },
  // First retrieval of the Bescheid by one recipient (§ 41 Abs. 2a VwVfG).
  "decision.retrieved": {
    label: "Bescheid abgerufen",
    applicantVisible: true,
    schema: loose({ decisionId: id, bekanntgabe: z.string(), role: z.string().nullable() }),
    notifies: null,
  },
  // The provision period (§ 41 Abs. 2a Satz 4 VwVfG / Land VwVfG) ended without a retrieval and
  // without another Bekanntgabe: the deadline worker warns the responsible clerk(s) once.
  "decision.not-retrieved": {
    label: "Bescheid nicht innerhalb der Frist abgerufen – Bekanntgabe auf anderem Weg nötig",
    applicantVisible: false,
    schema: loose({ decisionId: id, providedAt: iso, periodEnd: z.string(), legalBasis: z.string() }),
    notifies: "decision.not-retrieved",
  },
  // Bekanntgabe another way after the Bescheid was not retrieved (post with Zustellung).
  "decision.post-delivery-recorded": {
    label: "Zustellung des Bescheids per Post erfasst",
    applicantVisible: true,
    schema: loose({ decisionId: id, method: z.string(), deliveredOn: z.string() }),
    notifies: null,
  },
  "document.uploaded": {
    label: "Unterlage hochgeladen",
    applicantVisible: true,
    schema: loose({ filename: z.string(), versionNumber: z.number() }),
    notifies: null,
  },
  // The deep check after storing (workers/processors/check-version.ts) refused the file: the
  // version is "abgelehnt", counts as missing, is never routed or stamped; the uploader is told.
  "document.check-refused": {
    label: "Unterlage bei der Prüfung abgelehnt",
    applicantVisible: true,
    schema: loose({ filename: z.string(), versionId: id, versionNumber: z.number(), reason: z.string() }),
    notifies: null,
  },
  // A wrongly uploaded file removed from a draft (never once submitted; issue 14 item 6).
  "document.version-deleted": {
    label: "Unterlage aus dem Entwurf entfernt",
    applicantVisible: true,
    schema: loose({ filename: z.string(), versionNumber: z.number() }),
    notifies: null,
  },
  "document.marked-later": {
    label: "Unterlage wird nachgereicht",
    applicantVisible: true,
    schema: loose({}),
    notifies: null,
  },
  "document.unmarked-later": {
    label: "Nachreichung zurückgenommen",
    applicantVisible: true,
    schema: loose({}),
    notifies: null,
  },
  "receipt.rendered": {
    label: "Eingangsbestätigung erstellt",
    applicantVisible: true,
    schema: loose(generated),
    notifies: null,
  },
  "xbau.exported": {
    label: "XBau-Nachricht erstellt",
    applicantVisible: (payload) => {
      const message = (payload as { message?: unknown } | null)?.message;
      return typeof message === "string" && APPLICANT_VISIBLE_XBAU_MESSAGES.has(message);
    },
    schema: loose({ ...generated, message: z.string() }),
    notifies: null,
  },
  "xbau.skipped": {
    label: "XBau-Nachricht nicht erstellt (XBau-Kennung fehlt)",
    applicantVisible: false,
    schema: loose({ message: z.string(), reason: z.string(), sourceKey: z.string() }),
    notifies: "xbau.skipped",
  },
  "xbau.received": {
    label: "XBau-Nachricht empfangen",
    applicantVisible: false,
    schema: loose({ message: z.string(), messageId: z.string(), sender: z.string(), documents: z.number() }),
    notifies: null,
  },
  // Paper and e-mail intake (issue 16 item 2): recorded with "application.submitted" by the clerk
  // who registered the case; the Eingangsart and Eingangsdatum are the applicant's business too.
  "intake.offline-registered": {
    label: "Antrag aus Papier- oder E-Mail-Eingang erfasst",
    applicantVisible: true,
    schema: loose({ channel: z.enum(["PAPER", "EMAIL"]), receivedOn: iso, documents: z.number() }),
    notifies: null,
  },
  "application.submitted": {
    label: "Antrag eingereicht",
    applicantVisible: true,
    schema: loose({ fileNumber: z.string(), role: z.string() }),
    notifies: "application.submitted",
  },
  "review.started": {
    label: "Vollständigkeitsprüfung begonnen",
    applicantVisible: true,
    schema: loose({}),
    notifies: null,
  },
  "request.sent": {
    label: "Nachforderung gestellt",
    applicantVisible: true,
    schema: loose({ requestId: id, deadline: iso }),
    notifies: "request.sent",
  },
  "request.letter-rendered": {
    label: "Nachforderungsschreiben erstellt",
    applicantVisible: true,
    schema: loose({ requestId: id, ...generated }),
    notifies: null,
  },
  "request.answered": {
    label: "Nachforderung beantwortet (Nachreichung)",
    applicantVisible: true,
    schema: loose({ requestId: id }),
    notifies: "request.answered",
  },
  "request.expired": {
    label: "Frist der Nachforderung abgelaufen",
    applicantVisible: true,
    schema: loose({ requestId: id, deadline: iso }),
    notifies: "request.expired",
  },
  "request.closed": {
    label: "Nachforderung geschlossen",
    applicantVisible: true,
    schema: loose({ requestId: id }),
    notifies: null,
  },
  "application.complete": {
    label: "Antrag vollständig",
    applicantVisible: true,
    schema: loose({ completeAt: iso, decisionDueAt: iso.nullable() }),
    notifies: "application.complete",
  },
  "case.assigned": {
    label: "Zuständigkeit geändert",
    applicantVisible: false,
    schema: loose({}),
    notifies: null,
  },
  "participation.started": {
    label: "Beteiligung gestartet",
    applicantVisible: true,
    schema: loose({ participationId: id, agencyId: id, agencyName: z.string(), deadline: iso }),
    notifies: null,
  },
  "participation.package-rendered": {
    label: "Beteiligungspaket erstellt",
    applicantVisible: false,
    schema: loose(generated),
    notifies: null,
  },
  "participation.sent": {
    label: "Beteiligung zugestellt",
    applicantVisible: false,
    schema: loose({ ...participationRef, agencyId: id }),
    notifies: "participation.requested",
  },
  "participation.opened": {
    label: "Beteiligung von der Fachstelle geöffnet",
    applicantVisible: false,
    schema: loose({ participationId: id, agency: z.string() }),
    notifies: null,
  },
  "participation.answered": {
    label: "Stellungnahme abgegeben",
    applicantVisible: false,
    schema: loose({ participationId: id, statementId: id, agency: z.string(), outcome: z.string() }),
    notifies: "participation.answered",
  },
  "participation.extension-requested": {
    label: "Fristverlängerung beantragt",
    applicantVisible: false,
    schema: loose({ participationId: id, extensionId: id, agency: z.string(), until: iso }),
    notifies: "participation.extension-requested",
  },
  "participation.reminded": {
    label: "Erinnerung an die Frist der Stellungnahme",
    applicantVisible: false,
    schema: loose({ ...participationRef, deadline: iso }),
    notifies: "participation.reminder",
  },
  "participation.deemed-consent": {
    label: "Zustimmung bzw. Einvernehmen gilt als erteilt (Fristablauf)",
    applicantVisible: false,
    schema: loose({ ...participationRef, deadline: iso }),
    notifies: "participation.deemed-consent",
  },
  "participation.overdue": {
    label: "Stellungnahme nicht fristgerecht (Frist abgelaufen, keine Fiktion)",
    applicantVisible: false,
    schema: loose({ ...participationRef, deadline: iso }),
    notifies: "participation.overdue",
  },
  "participation.extension-granted": {
    label: "Fristverlängerung gewährt",
    applicantVisible: false,
    schema: loose({ ...participationRef, extensionId: id, deadline: iso }),
    notifies: "participation.extension-decided",
  },
  "participation.extension-refused": {
    label: "Fristverlängerung abgelehnt",
    applicantVisible: false,
    schema: loose({ ...participationRef, extensionId: id, deadline: iso }),
    notifies: "participation.extension-decided",
  },
  "participation.closed": {
    label: "Beteiligung abgeschlossen",
    applicantVisible: true,
    schema: loose({ participations: z.number(), withoutStatement: z.number() }),
    notifies: null,
  },
  "participation.cancelled": {
    label: "Beteiligung nicht versandt (Antrag zurückgenommen)",
    applicantVisible: false,
    schema: loose(participationRef),
    notifies: null,
  },
  // A refused Einvernehmen/Zustimmung: the Bauaufsicht replaces it (Ersetzung, § 36 Abs. 2 Satz 3
  // BauGB with the Land's provision) or proposes to refuse the permit.
  "participation.consent-replaced": {
    label: "Versagtes Einvernehmen bzw. versagte Zustimmung ersetzt",
    applicantVisible: false,
    schema: loose({ ...participationRef, reasons: z.string(), legalBasis: z.string() }),
    notifies: null,
  },
  "participation.refusal-accepted": {
    label: "Versagung übernommen: Ablehnung des Antrags vorgeschlagen",
    applicantVisible: false,
    schema: loose({ ...participationRef, noun: z.string() }),
    notifies: null,
  },
  // § 63 Abs. 2 Satz 3 LBauO M-V (profile: decision.replacementNoticeExcludesFiction): the Bauherr is
  // told within the deadline that the Gemeinde refused its Einvernehmen and it is to be replaced;
  // from then on no Genehmigungsfiktion runs (app/models/decision-fiction.server.ts).
  "decision.replacement-notice-sent": {
    label: "Mitteilung an Bauherr:in: Einvernehmen der Gemeinde versagt, Ersetzung soll erfolgen",
    applicantVisible: true,
    schema: loose({
      ...participationRef,
      sentAt: iso,
      legalBasis: z.string(),
      decisionDueAt: iso.nullable(),
    }),
    // The Mitteilung itself: the applicant side is told in the app (and by mail when configured).
    notifies: "decision.replacement-notice",
  },
  // § 63 Abs. 2 Satz 4 LBauO M-V (profile: decision.associationParticipationExcludesDeadline): the
  // clerk records whether Verbände must take part; while they must, no decision deadline runs.
  "application.association-participation": {
    label: "Verbandsbeteiligung (Entscheidungsfrist)",
    applicantVisible: true,
    schema: loose({ required: z.boolean(), legalBasis: z.string(), decisionDueAt: iso.nullable() }),
    notifies: null,
  },
  // A stored file the worker refused to decode (app/utils/file-checks.server.ts: e.g. a huge
  // image uploaded before the check existed); the job failed for good, the clerk reads why.
  "document.processing-refused": {
    label: "Unterlage konnte nicht verarbeitet werden",
    applicantVisible: false,
    schema: loose({ filename: z.string(), reason: z.string(), versionId: id.optional() }),
    notifies: null,
  },
  "statement.rendered": {
    label: "Stellungnahme als PDF erstellt",
    applicantVisible: false,
    schema: loose(generated),
    notifies: null,
  },
  "decision.drafted": {
    label: "Bescheidentwurf angelegt",
    applicantVisible: false,
    schema: loose({ decisionId: id }),
    notifies: null,
  },
  "decision.draft-saved": {
    label: "Bescheidentwurf gespeichert",
    applicantVisible: false,
    schema: loose({ decisionId: id }),
    notifies: null,
  },
  "decision.submitted-for-approval": {
    label: "Bescheid zur Freigabe vorgelegt",
    applicantVisible: false,
    schema: loose({ decisionId: id }),
    notifies: "decision.approval-requested",
  },
  "decision.approved": {
    label: "Bescheid freigegeben (Vier-Augen-Prinzip)",
    applicantVisible: false,
    schema: loose({ decisionId: id }),
    notifies: "decision.approved",
  },
  "decision.decided": {
    label: "Bescheid erlassen",
    applicantVisible: true,
    schema: loose({ decisionId: id, kind: z.string(), kindLabel: z.string(), decidedAt: iso }),
    notifies: null,
  },
  "decision.bescheid-rendered": {
    label: "Bescheid erstellt",
    applicantVisible: true,
    schema: loose(generated),
    notifies: null,
  },
  "decision.plan-stamped": {
    label: "Genehmigte Bauvorlage gestempelt",
    applicantVisible: true,
    schema: loose(generated),
    notifies: null,
  },
  // An issued PDF (mostly a stamped plan) where the stamp or the verification mark found no free
  // area on some sheets (issue 13 item 5): compact stamp, stamp over the drawing, or a one-line
  // mark. The clerk's to check; the applicant side sees the file, not this note.
  "generated.tight-sheets": {
    label: "Stempel oder Prüfvermerk ohne freien Platz – Blätter prüfen",
    applicantVisible: false,
    schema: loose({
      generatedDocumentId: id,
      kind: z.string(),
      title: z.string(),
      sheets: tightSheetsSchema.min(1),
      decisionId: id.optional(),
    }),
    notifies: "generated.tight-sheets",
  },
  "decision.delivered": {
    label: "Bescheid zugestellt",
    applicantVisible: true,
    schema: loose({ decisionId: id }),
    notifies: "decision.delivered",
  },
  "application.withdrawn": {
    label: "Antrag zurückgenommen",
    applicantVisible: true,
    schema: loose({ reason: z.string().nullable(), previousStatus: z.string() }),
    notifies: "application.withdrawn",
  },
  "application.deemed-withdrawn": {
    label: "Antrag gilt als zurückgenommen",
    applicantVisible: true,
    schema: loose({ requestId: id, deadline: iso }),
    notifies: "application.deemed-withdrawn",
  },
  // Akte export (issue 16 item 4): the authority's own hand-over copy, not the applicant's business.
  "akte.export-requested": {
    label: "Aktenexport angefordert",
    applicantVisible: false,
    schema: loose({ upToEventId: z.string() }),
    notifies: null,
  },
  "akte.exported": {
    label: "Akte exportiert (ZIP mit Aktenverzeichnis)",
    applicantVisible: false,
    schema: loose({ ...generated, upToEventId: z.string(), files: z.number(), notExported: z.number() }),
    notifies: null,
  },
  // The export job gave up (last attempt, or a permanent error): the page stops saying "wird
  // erstellt" and the same state of the file can be exported again.
  "akte.export-failed": {
    label: "Aktenexport fehlgeschlagen",
    applicantVisible: false,
    schema: loose({ upToEventId: z.string(), reason: z.string() }),
    notifies: null,
  },
} as const satisfies Record<string, CaseEventSpec>;

export type CaseEventType = keyof typeof CASE_EVENTS;
export type CaseEventPayload<T extends CaseEventType> = z.input<(typeof CASE_EVENTS)[T]["schema"]>;

export function isCaseEventType(type: string): type is CaseEventType {
  return Object.hasOwn(CASE_EVENTS, type);
}

/** German label of an event type; an unknown (older) type is shown as it is. */
export function caseEventLabel(type: string): string {
  return isCaseEventType(type) ? CASE_EVENTS[type].label : type;
}

/** Whether the applicant side sees this event; unknown types stay hidden (need-to-know). */
export function isApplicantVisibleEvent(type: string, payload: unknown): boolean {
  if (!isCaseEventType(type)) return false;
  const visible: CaseEventSpec["applicantVisible"] = CASE_EVENTS[type].applicantVisible;
  return typeof visible === "function" ? visible(payload) : visible;
}
