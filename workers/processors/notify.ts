import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { formatDateNumeric as formatDate } from "~/domain/format";
import {
  type NotificationDetails,
  type NotificationType,
  parseNotificationDetails,
} from "~/domain/notifications";
import { atAuthority } from "~/domain/wording";
import { createNotificationsInTx, type NewNotification } from "~/models/notification.server";
import { enqueueInTx } from "~/models/outbox.server";
import { env } from "~/utils/env.server";
import { buildJobId, type NotifyPayload } from "~/utils/queue.server";

import type { Processor } from "../types";

/**
 * `system.notify`: in-app notifications (and e-mails when SMTP is configured) for a case event.
 * What each event says to whom is the table NOTIFY_EVENTS below; a new notification adds its
 * details schema to app/domain/notifications.ts and a row here (the type makes a missing row a
 * compile error). The job's details are parsed with that schema first: a job whose details do
 * not fit is logged and dropped (a retry would not make them fit), never half a text sent.
 *
 * Idempotent: every notification has the dedupeKey `<event>:<applicationId>[:<scope>]:<userId>` and every
 * mail a deterministic job id, both written in one transaction — a retried job adds nothing.
 */

/**
 * applicants = accepted members of the application; clerks = clerks of its authority; responsible =
 * the clerk assigned to the case (all clerks of its authority while nobody is assigned or the
 * assigned clerk is disabled); agency = the users of the agency (or Gemeinde) named by
 * `details.agencyId` (participation events).
 */
export type Audience = "applicants" | "clerks" | "agency" | "responsible";

/** "agency" only for notifications whose details name the agency (compile-time). */
type AudienceOf<N extends NotificationType> =
  NotificationDetails<N> extends { agencyId: string } ? Audience : Exclude<Audience, "agency">;

export interface NotifyContext<N extends NotificationType = NotificationType> {
  applicationId: string;
  fileNumber: string;
  title: string;
  authorityName: string;
  appUrl: string;
  details: NotificationDetails<N>;
}

export interface AudienceMessage<N extends NotificationType> {
  audience: AudienceOf<N>;
  title(c: NotifyContext<N>): string;
  body(c: NotifyContext<N>): string;
  /** Relative link inside the app. */
  link(c: NotifyContext<N>): string;
  /** Send this message only when it applies to the event's details (e.g. only to the other side). */
  when?(c: NotifyContext<N>): boolean;
}

export interface EventSpec<N extends NotificationType> {
  /** Whether the user who caused the event is notified too (a submitter wants the confirmation). */
  includeActor: boolean;
  messages: AudienceMessage<N>[];
}

type EventSpecs<K extends NotificationType> = { [N in K]: EventSpec<N> };

/** Participation events (links go to the portal's request). */
export const PARTICIPATION_NOTIFY_EVENTS: EventSpecs<
  | "participation.requested"
  | "participation.reminder"
  | "participation.deemed-consent"
  | "participation.overdue"
  | "participation.extension-decided"
> = {
  "participation.requested": {
    includeActor: false,
    messages: [
      {
        audience: "agency",
        title: (c) => `Bitte um Stellungnahme – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.authorityName} beteiligt Sie am Bauantrag „${c.title}“ und bittet um Ihre Stellungnahme` +
          ` bis zum ${formatDate(c.details.deadline)}. ` +
          "Das Beteiligungspaket mit den Unterlagen finden Sie im Portal.",
        link: (c) => `/beteiligung/${c.details.participationId}`,
      },
    ],
  },
  "participation.reminder": {
    includeActor: false,
    messages: [
      {
        audience: "agency",
        title: (c) => `Erinnerung: Frist zur Stellungnahme – Az. ${c.fileNumber}`,
        body: (c) =>
          `Die Frist für Ihre Stellungnahme zum Bauantrag „${c.title}“ endet am ${formatDate(c.details.deadline)}.` +
          (c.details.silenceIsConsent
            ? c.details.consentNoun === "Einvernehmen"
              ? " Wird das Einvernehmen bis dahin nicht verweigert, gilt es als erteilt."
              : " Wird die Zustimmung bis dahin nicht verweigert, gilt sie als erteilt."
            : " Eine später eingehende Stellungnahme ist nicht fristgerecht und bleibt unberücksichtigt, es sei denn, sie ist für die Rechtmäßigkeit der Entscheidung von Bedeutung."),
        link: (c) => `/beteiligung/${c.details.participationId}`,
      },
    ],
  },
  "participation.deemed-consent": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) =>
          `${c.details.consentNoun} gilt als erteilt – ${c.details.agencyName}, Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.agencyName} hat sich zum Bauantrag „${c.title}“ nicht bis zum ` +
          `${formatDate(c.details.deadline)} geäußert. ${c.details.consentNoun === "Einvernehmen" ? "Das Einvernehmen" : "Die Zustimmung"} gilt als erteilt (${c.details.legalBasis}).`,
        link: (c) => `/behoerde/faelle/${c.applicationId}/beteiligung`,
      },
      {
        audience: "agency",
        title: (c) => `Frist abgelaufen: ${c.details.consentNoun} gilt als erteilt – Az. ${c.fileNumber}`,
        body: (c) =>
          `Die Frist zum Bauantrag „${c.title}“ ist abgelaufen. ${c.details.consentNoun === "Einvernehmen" ? "Ihr Einvernehmen" : "Ihre Zustimmung"} gilt als erteilt.`,
        link: (c) => `/beteiligung/${c.details.participationId}`,
      },
    ],
  },
  "participation.overdue": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Stellungnahme nicht fristgerecht – ${c.details.agencyName}, Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.agencyName} hat zum Bauantrag „${c.title}“ bis zum ` +
          `${formatDate(c.details.deadline)} keine Stellungnahme abgegeben. ` +
          "Keine Fiktion: Eine später eingehende Stellungnahme bleibt unberücksichtigt, es sei denn, sie ist für die " +
          `Rechtmäßigkeit der Entscheidung von Bedeutung (${c.details.legalBasis}).`,
        link: (c) => `/behoerde/faelle/${c.applicationId}/beteiligung`,
      },
    ],
  },
  "participation.extension-decided": {
    includeActor: false,
    messages: [
      {
        audience: "agency",
        title: (c) =>
          `${c.details.granted ? "Fristverlängerung gewährt" : "Fristverlängerung abgelehnt"} – Az. ${c.fileNumber}`,
        body: (c) =>
          c.details.granted
            ? `${c.authorityName} hat Ihre Frist zum Bauantrag „${c.title}“ bis zum ${formatDate(c.details.deadline)} verlängert.`
            : `${c.authorityName} hat Ihren Antrag auf Fristverlängerung zum Bauantrag „${c.title}“ abgelehnt. ` +
              `Die Frist endet weiterhin am ${formatDate(c.details.deadline)}.`,
        link: (c) => `/beteiligung/${c.details.participationId}`,
      },
    ],
  },
};

export const NOTIFY_EVENTS: EventSpecs<NotificationType> = {
  "application.submitted": {
    includeActor: true,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Ihr Bauantrag ist eingegangen – Az. ${c.fileNumber}`,
        body: (c) =>
          `Der Bauantrag „${c.title}“ ist ${atAuthority(c.authorityName)} eingegangen und hat das Aktenzeichen ${c.fileNumber}. ` +
          "Die Eingangsbestätigung (PDF) finden Sie auf der Seite des Antrags.",
        link: (c) => `/antraege/${c.applicationId}`,
      },
      {
        audience: "clerks",
        title: (c) => `Neuer Bauantrag eingegangen – Az. ${c.fileNumber}`,
        body: (c) => `„${c.title}“ ist eingegangen und wartet auf die Vollständigkeitsprüfung.`,
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
    ],
  },
  "request.sent": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Nachforderung zu Ihrem Bauantrag – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.authorityName} benötigt zum Bauantrag „${c.title}“ weitere Angaben oder Unterlagen` +
          ` bis zum ${formatDate(c.details.deadline)}. ` +
          "Bitte beantworten Sie die Nachforderung online.",
        link: (c) => `/antraege/${c.applicationId}/nachforderung`,
      },
    ],
  },
  "request.answered": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Nachforderung beantwortet – Az. ${c.fileNumber}`,
        body: (c) => `Zu „${c.title}“ wurden Unterlagen oder Angaben nachgereicht. Bitte prüfen Sie erneut.`,
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
      {
        audience: "applicants",
        title: (c) => `Nachreichung übermittelt – Az. ${c.fileNumber}`,
        body: (c) =>
          `Ihre Antwort zur Nachforderung für „${c.title}“ ist ${atAuthority(c.authorityName)} eingegangen.`,
        link: (c) => `/antraege/${c.applicationId}`,
      },
    ],
  },
  "request.expired": {
    includeActor: true,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Frist abgelaufen – gilt als zurückgenommen? Az. ${c.fileNumber}`,
        body: (c) =>
          `Die Frist der Nachforderung zu „${c.title}“ ist abgelaufen, ohne dass eine Antwort eingegangen ist. ` +
          "Bitte entscheiden Sie, ob der Antrag als zurückgenommen gilt.",
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
      {
        audience: "applicants",
        title: (c) => `Frist der Nachforderung abgelaufen – Az. ${c.fileNumber}`,
        body: (c) =>
          `Die Frist der Nachforderung zu „${c.title}“ ist abgelaufen. Der Antrag kann als zurückgenommen gelten. ` +
          `Bitte wenden Sie sich umgehend an ${c.authorityName}.`,
        link: (c) => `/antraege/${c.applicationId}/nachforderung`,
      },
    ],
  },
  "application.withdrawn": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Antrag zurückgenommen – Az. ${c.fileNumber}`,
        body: (c) => `Der Bauantrag „${c.title}“ wurde von der Antragsseite zurückgenommen.`,
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
      {
        audience: "applicants",
        title: (c) => `Antrag zurückgenommen – Az. ${c.fileNumber}`,
        body: (c) => `Der Bauantrag „${c.title}“ wurde zurückgenommen.`,
        link: (c) => `/antraege/${c.applicationId}`,
      },
    ],
  },
  "application.deemed-withdrawn": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Antrag gilt als zurückgenommen – Az. ${c.fileNumber}`,
        body: (c) =>
          `Die Frist der Nachforderung zum Bauantrag „${c.title}“ ist ohne Antwort abgelaufen. ` +
          `${c.authorityName} hat festgestellt, dass der Antrag als zurückgenommen gilt.`,
        link: (c) => `/antraege/${c.applicationId}`,
      },
    ],
  },
  "application.complete": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Ihr Bauantrag ist vollständig – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.authorityName} hat den Bauantrag „${c.title}“ als vollständig bestätigt.` +
          (c.details.decisionDueAt
            ? ` Über den Antrag ist spätestens am ${formatDate(c.details.decisionDueAt)} zu entscheiden.`
            : ""),
        link: (c) => `/antraege/${c.applicationId}`,
      },
    ],
  },
  // A SHARED comment goes to the applicant side (except its author) and, when the applicant side
  // wrote it, to the clerks; an INTERNAL one to the clerks only — never to the applicant side.
  "comment.created": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        when: (c) => c.details.visibility !== "INTERNAL",
        title: (c) =>
          c.details.side === "authority"
            ? `Neuer Kommentar der Behörde – Az. ${c.fileNumber}`
            : `Neuer Kommentar zu Ihrem Bauantrag – Az. ${c.fileNumber}`,
        body: (c) =>
          c.details.side === "authority"
            ? `${c.authorityName} hat zum Bauantrag „${c.title}“ einen Kommentar geschrieben.`
            : `Zum Bauantrag „${c.title}“ hat eine beteiligte Person einen Kommentar geschrieben.`,
        link: (c) => `/antraege/${c.applicationId}#kommentare`,
      },
      {
        audience: "clerks",
        when: (c) => c.details.side === "applicant" || c.details.visibility === "INTERNAL",
        title: (c) =>
          c.details.visibility === "INTERNAL"
            ? `Neuer interner Kommentar – Az. ${c.fileNumber}`
            : `Neuer Kommentar der Antragsseite – Az. ${c.fileNumber}`,
        body: (c) =>
          c.details.visibility === "INTERNAL"
            ? `Zu „${c.title}“ gibt es einen neuen internen Kommentar (nur Behörde).`
            : `Zu „${c.title}“ hat die Antragsseite einen Kommentar geschrieben.`,
        link: (c) => `/behoerde/faelle/${c.applicationId}#kommentare`,
      },
    ],
  },
  // Four-eyes: the other clerks of the authority learn that a draft waits for their approval.
  "decision.approval-requested": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Bescheidentwurf zur Freigabe – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.drafterName} bittet um die Freigabe des ` +
          `Bescheidentwurfs zu „${c.title}“ (Vier-Augen-Prinzip).`,
        link: (c) => `/behoerde/faelle/${c.applicationId}/bescheid`,
      },
    ],
  },
  "decision.approved": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Bescheidentwurf freigegeben – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.approverName} hat den Bescheidentwurf zu „${c.title}“ ` +
          "freigegeben. Er kann jetzt erlassen werden.",
        link: (c) => `/behoerde/faelle/${c.applicationId}/bescheid`,
      },
    ],
  },
  // Written by documents.render-decision once the Bescheid and the approved plans are stored.
  // § 63 Abs. 2 Satz 3 LBauO M-V: the Mitteilung to the Bauherr (the wording follows the statute).
  "decision.replacement-notice": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Mitteilung: Einvernehmen der Gemeinde versagt – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.authorityName} teilt Ihnen zum Bauantrag „${c.title}“ mit, dass die Gemeinde` +
          `${c.details.agencyName ? ` (${c.details.agencyName})` : ""} ihr nach dem Baugesetzbuch erforderliches ` +
          `Einvernehmen versagt hat und die Ersetzung${c.details.replacementBasis ? ` nach ${c.details.replacementBasis}` : ""} erfolgen soll. ` +
          `Die Genehmigung gilt deshalb nicht nach Ablauf der Entscheidungsfrist als erteilt (${c.details.legalBasis}). ` +
          "Über den Antrag wird nach dem Ersetzungsverfahren entschieden.",
        link: (c) => `/antraege/${c.applicationId}`,
      },
    ],
  },
  // The provision period ended without a retrieval: the responsible clerk(s) must act.
  "decision.not-retrieved": {
    includeActor: false,
    messages: [
      {
        audience: "responsible",
        title: (c) => `Bescheid nicht abgerufen – Az. ${c.fileNumber}`,
        body: (c) =>
          `Der Bescheid zu „${c.title}“ wurde bis zum ${formatDate(c.details.periodEnd)} nicht aus dem Portal abgerufen ` +
          `(${c.details.legalBasis}). Er ist damit nicht bekannt gegeben; bitte geben Sie ihn auf anderem Weg ` +
          "bekannt (z. B. Zustellung per Post) und erfassen Sie die Zustellung auf der Seite des Falls.",
        link: (c) => `/behoerde/faelle/${c.applicationId}#bekanntgabe-heading`,
      },
    ],
  },
  "decision.delivered": {
    includeActor: false,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Ihr Bescheid liegt vor – Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.authorityName} hat über den Bauantrag „${c.title}“ entschieden` +
          `${c.details.kindLabel ? ` (${c.details.kindLabel})` : ""}. ` +
          "Den Bescheid und die genehmigten Bauvorlagen können Sie auf der Seite des Antrags herunterladen.",
        link: (c) => `/antraege/${c.applicationId}`,
      },
      {
        audience: "clerks",
        title: (c) => `Bescheid zugestellt – Az. ${c.fileNumber}`,
        body: (c) =>
          `Der Bescheid zu „${c.title}“ ist erstellt und der Antragsseite zugestellt; ` +
          "die genehmigten Bauvorlagen sind gestempelt.",
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
    ],
  },
  // One job per Gemeinde/agency that was asked in the case (scope = agencyId).
  "decision.announced": {
    includeActor: false,
    messages: [
      {
        audience: "agency",
        title: (c) => `Entscheidung zum Bauantrag Az. ${c.fileNumber} getroffen`,
        body: (c) =>
          `${c.authorityName} hat über den Bauantrag „${c.title}“, an dem Sie beteiligt waren, entschieden` +
          `${c.details.kindLabel ? `: ${c.details.kindLabel}` : ""}.`,
        link: () => "/beteiligung",
      },
    ],
  },
  "participation.answered": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Stellungnahme eingegangen – ${c.details.agencyName}, Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.agencyName} hat zum Bauantrag „${c.title}“ Stellung genommen` +
          `${c.details.outcome ? ` (${c.details.outcome})` : ""}. Die Stellungnahme liegt in der Akte.`,
        link: (c) => `/behoerde/faelle/${c.applicationId}/beteiligung`,
      },
    ],
  },
  "participation.extension-requested": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `Fristverlängerung beantragt – ${c.details.agencyName}, Az. ${c.fileNumber}`,
        body: (c) =>
          `${c.details.agencyName} bittet zum Bauantrag „${c.title}“ um Verlängerung der Frist ` +
          `vom ${formatDate(c.details.deadline)} bis zum ${formatDate(c.details.until)}. ` +
          "Bitte entscheiden Sie über den Antrag.",
        link: (c) => `/behoerde/faelle/${c.applicationId}/beteiligung`,
      },
    ],
  },
  "xbau.skipped": {
    includeActor: false,
    messages: [
      {
        audience: "clerks",
        title: (c) => `XBau-Nachricht nicht erstellt – Az. ${c.fileNumber}`,
        body: (c) =>
          `Die XBau-Nachricht ${c.details.message} zum Bauantrag „${c.title}“ wurde nicht erstellt: ` +
          `${c.details.reason} Ohne Kennung könnte kein empfangendes System ` +
          "sie zuordnen. Das Verfahren selbst läuft weiter; nach dem Eintragen der Kennung wird die Nachricht beim " +
          "nächsten Schritt des Verfahrens wieder erstellt.",
        link: (c) => `/behoerde/faelle/${c.applicationId}`,
      },
    ],
  },
  "generated.tight-sheets": {
    includeActor: false,
    messages: [
      {
        audience: "responsible",
        title: (c) => `Stempel ohne freien Platz – Az. ${c.fileNumber}`,
        body: (c) =>
          `In „${c.details.title}“ zum Bauantrag „${c.title}“ fand der Stempel oder der Prüfvermerk nicht überall ` +
          `einen freien Bereich: ${c.details.hints} Die Datei ist gesiegelt und gültig; bitte sehen Sie die ` +
          "genannten Blätter an, bevor sie versandt werden.",
        link: (c) => `/behoerde/faelle/${c.applicationId}#bescheid`,
      },
    ],
  },
  ...PARTICIPATION_NOTIFY_EVENTS,
};

interface Recipient {
  id: string;
  email: string;
}

type NotifyDb = Parameters<Processor<"system.notify">>[2]["db"];

async function recipientsFor(
  db: NotifyDb,
  audience: Audience,
  app: { id: string; authorityId: string; assignedClerkId: string | null },
  details: NotificationDetails<NotificationType>,
): Promise<Recipient[]> {
  if (audience === "agency") {
    // Only notifications whose schema requires agencyId may address an agency (AudienceOf).
    const agencyId = "agencyId" in details ? details.agencyId : undefined;
    if (typeof agencyId !== "string" || agencyId === "") {
      throw new UnrecoverableError("Benachrichtigung an eine Fachstelle ohne details.agencyId");
    }
    return db.user.findMany({
      where: { authorityId: agencyId, roles: { has: "AGENCY" }, disabledAt: null },
      select: { id: true, email: true },
    });
  }
  if (audience === "applicants") {
    const members = await db.applicationMember.findMany({
      where: {
        applicationId: app.id,
        invitationState: "ACCEPTED",
        userId: { not: null },
        user: { disabledAt: null },
      },
      select: { user: { select: { id: true, email: true } } },
    });
    return members.flatMap((m) => (m.user ? [m.user] : []));
  }
  if (audience === "responsible" && app.assignedClerkId) {
    const assigned = await db.user.findMany({
      where: {
        id: app.assignedClerkId,
        authorityId: app.authorityId,
        roles: { has: "CLERK" },
        disabledAt: null,
      },
      select: { id: true, email: true },
    });
    if (assigned.length > 0) return assigned;
  }
  return db.user.findMany({
    where: { authorityId: app.authorityId, roles: { has: "CLERK" }, disabledAt: null },
    select: { id: true, email: true },
  });
}

export function mailText(message: { title: string; body: string }, url: string): string {
  return `${message.body}\n\n${url}\n\n--\nDiese Nachricht wurde automatisch vom Bauantrag-Portal versandt.\n`;
}

type Outgoing = NewNotification & { email: string };

/** The notifications of one job: per message of the event, its recipients (each user once). */
async function composeNotifications<N extends NotificationType>(
  db: NotifyDb,
  payload: NotifyPayload & { event: N },
  app: { id: string; authorityId: string; assignedClerkId: string | null },
  ctx: NotifyContext<N>,
): Promise<Outgoing[]> {
  const spec: EventSpec<N> = NOTIFY_EVENTS[payload.event];
  const notifications: Outgoing[] = [];
  const seen = new Set<string>();
  for (const message of spec.messages) {
    if (message.when && !message.when(ctx)) continue;
    for (const r of await recipientsFor(db, message.audience, app, ctx.details)) {
      if (!spec.includeActor && r.id === payload.actorId) continue;
      // One notification per user and event, even if someone is both member and clerk.
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      notifications.push({
        userId: r.id,
        email: r.email,
        applicationId: app.id,
        type: payload.event,
        title: message.title(ctx),
        body: message.body(ctx),
        link: message.link(ctx),
        dedupeKey: `${payload.event}:${app.id}:${payload.scope ? `${payload.scope}:` : ""}${r.id}`,
      });
    }
  }
  return notifications;
}

export const notifyProcessor: Processor<"system.notify"> = async (payload, _job, { db, mailer, log }) => {
  if (!NOTIFY_EVENTS[payload.event])
    throw new UnrecoverableError(`Kein Benachrichtigungstext für ${payload.event}`);
  const details = parseNotificationDetails(payload.event, payload.details);
  if (!details.success) {
    // A producer bypassed notifyInTx or an old job: retrying cannot fix it, a text with holes helps nobody.
    log.error(
      { event: payload.event, applicationId: payload.applicationId, issues: z.prettifyError(details.error) },
      "notification dropped: details do not fit the notification's schema",
    );
    return { dropped: true, recipients: 0, created: 0, mails: 0 };
  }
  const app = await db.application.findUnique({
    where: { id: payload.applicationId },
    select: {
      id: true,
      authorityId: true,
      assignedClerkId: true,
      fileNumber: true,
      title: true,
      authority: { select: { name: true } },
    },
  });
  if (!app) throw new UnrecoverableError(`Antrag ${payload.applicationId} gibt es nicht`);

  const ctx: NotifyContext = {
    applicationId: app.id,
    fileNumber: app.fileNumber ?? "–",
    title: app.title || "Bauantrag",
    authorityName: app.authority.name,
    appUrl: env().APP_URL.replace(/\/+$/, ""),
    details: details.data,
  };
  const notifications = await composeNotifications(db, payload, app, ctx);
  // Mail only when this worker can send it; otherwise the in-app notification carries the message.
  const sendMail = mailer !== null;
  // A few inserts, yet under a loaded database Prisma's default 5 s expired here once (CI e2e log).
  const { created, mails } = await db.$transaction(
    async (tx) => {
      const created = await createNotificationsInTx(
        tx,
        notifications.map(({ email: _email, ...n }) => n),
      );
      let mails = 0;
      if (sendMail) {
        for (const n of notifications) {
          const added = await enqueueInTx(tx, {
            jobName: "system.send-email",
            jobId: payload.scope
              ? buildJobId("system.send-email", app.id, payload.event, payload.scope, n.userId)
              : buildJobId("system.send-email", app.id, payload.event, n.userId),
            payload: {
              to: n.email,
              subject: n.title,
              text: mailText({ title: n.title, body: n.body ?? "" }, `${ctx.appUrl}${n.link}`),
            },
          });
          if (added) mails++;
        }
      }
      return { created, mails };
    },
    { timeout: 15_000 },
  );
  log.info({ event: payload.event, recipients: notifications.length, created, mails }, "notified");
  return { recipients: notifications.length, created, mails };
};
