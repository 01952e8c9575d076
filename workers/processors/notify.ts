import { UnrecoverableError } from "bullmq";
import { createNotificationsInTx, type NewNotification } from "~/models/notification.server";
import { enqueueInTx } from "~/models/outbox.server";
import { env } from "~/utils/env.server";
import { buildJobId, type NotifyEvent, type NotifyPayload } from "~/utils/queue.server";
import type { Processor } from "../types";

/**
 * `system.notify`: in-app notifications (and e-mails when SMTP is configured) for a case event.
 * What each event says to whom is the table NOTIFY_EVENTS below; a new event adds a row there
 * (and its name to `notifyEvents` in the job registry).
 *
 * Idempotent: every notification has the dedupeKey `<event>:<applicationId>:<userId>` and every
 * mail a deterministic job id, both written in one transaction — a retried job adds nothing.
 */

export type Audience = "applicants" | "clerks";

export interface NotifyContext {
  applicationId: string;
  fileNumber: string;
  title: string;
  authorityName: string;
  appUrl: string;
  details: NotifyPayload["details"];
}

export interface AudienceMessage {
  audience: Audience;
  title(c: NotifyContext): string;
  body(c: NotifyContext): string;
  /** Relative link inside the app. */
  link(c: NotifyContext): string;
}

export interface EventSpec {
  /** Whether the user who caused the event is notified too (a submitter wants the confirmation). */
  includeActor: boolean;
  messages: AudienceMessage[];
}

export const NOTIFY_EVENTS: Record<NotifyEvent, EventSpec> = {
  "application.submitted": {
    includeActor: true,
    messages: [
      {
        audience: "applicants",
        title: (c) => `Ihr Bauantrag ist eingegangen – Az. ${c.fileNumber}`,
        body: (c) =>
          `Der Bauantrag „${c.title}“ ist bei ${c.authorityName} eingegangen und hat das Aktenzeichen ${c.fileNumber}. ` +
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
};

interface Recipient {
  id: string;
  email: string;
}

async function recipientsFor(
  db: Parameters<Processor<"system.notify">>[2]["db"],
  audience: Audience,
  app: { id: string; authorityId: string },
): Promise<Recipient[]> {
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
  return db.user.findMany({
    where: { authorityId: app.authorityId, roles: { has: "CLERK" }, disabledAt: null },
    select: { id: true, email: true },
  });
}

export function mailText(message: { title: string; body: string }, url: string): string {
  return `${message.body}\n\n${url}\n\n--\nDiese Nachricht wurde automatisch vom Bauantrag-Portal versandt.\n`;
}

export const notifyProcessor: Processor<"system.notify"> = async (payload, _job, { db, mailer, log }) => {
  const spec = NOTIFY_EVENTS[payload.event];
  if (!spec) throw new UnrecoverableError(`Kein Benachrichtigungstext für ${payload.event}`);
  const app = await db.application.findUnique({
    where: { id: payload.applicationId },
    select: {
      id: true,
      authorityId: true,
      fileNumber: true,
      title: true,
      authority: { select: { name: true } },
    },
  });
  if (!app) throw new UnrecoverableError(`Antrag ${payload.applicationId} gibt es nicht`);

  const ctx: NotifyContext = {
    applicationId: app.id,
    fileNumber: app.fileNumber ?? String(payload.details?.fileNumber ?? "–"),
    title: app.title || "Bauantrag",
    authorityName: app.authority.name,
    appUrl: env().APP_URL.replace(/\/+$/, ""),
    details: payload.details,
  };

  const notifications: (NewNotification & { email: string })[] = [];
  const seen = new Set<string>();
  for (const message of spec.messages) {
    for (const r of await recipientsFor(db, message.audience, app)) {
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
        dedupeKey: `${payload.event}:${app.id}:${r.id}`,
      });
    }
  }

  // Mail only when this worker can send it; otherwise the in-app notification carries the message.
  const sendMail = mailer !== null;
  const { created, mails } = await db.$transaction(async (tx) => {
    const created = await createNotificationsInTx(
      tx,
      notifications.map(({ email: _email, ...n }) => n),
    );
    let mails = 0;
    if (sendMail) {
      for (const n of notifications) {
        const added = await enqueueInTx(tx, {
          jobName: "system.send-email",
          jobId: buildJobId("system.send-email", app.id, payload.event, n.userId),
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
  });
  log.info({ event: payload.event, recipients: notifications.length, created, mails }, "notified");
  return { recipients: notifications.length, created, mails };
};
