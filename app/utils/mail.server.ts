import nodemailer from "nodemailer";
import { env } from "./env.server";

/**
 * Outgoing mail over SMTP (SMTP_URL, e.g. smtp://user:pass@mail.example:587 or smtps://…:465).
 * Only workers send mail (job `system.send-email`); web requests enqueue it via the outbox.
 * No SMTP_URL = mail disabled: the job completes and logs that nothing was sent.
 */

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  /** `<id@domain>`; set by callers that need a stable id (a retried job sends the same one). */
  messageId?: string;
}

export interface Mailer {
  readonly from: string;
  send(message: MailMessage): Promise<{ messageId: string; accepted: string[]; rejected: string[] }>;
  close(): void;
}

export function createMailer(smtpUrl: string, from: string = env().MAIL_FROM): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // Pooled: a worker sending many mails reuses connections.
    pool: true,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    from,
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      const addresses = (list: unknown) =>
        Array.isArray(list) ? list.map((a) => (typeof a === "string" ? a : String(a?.address))) : [];
      return {
        messageId: info.messageId,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
      };
    },
    close() {
      transport.close();
    },
  };
}

/** Mailer from env(), or null when SMTP_URL is not configured. */
export function mailerFromEnv(): Mailer | null {
  const url = env().SMTP_URL;
  return url ? createMailer(url) : null;
}
