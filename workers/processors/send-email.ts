import type { Processor } from "../types";

/**
 * `system.send-email`: one mail over SMTP. Without SMTP_URL the job completes and says so in the
 * log (in-app notifications carry the message then). SMTP errors throw, so BullMQ retries with
 * backoff; the deterministic job id keeps a retry from being a second, different mail.
 */
export const sendEmail: Processor<"system.send-email"> = async (payload, job, { mailer, log }) => {
  const recipients = Array.isArray(payload.to) ? payload.to.length : 1;
  if (!mailer) {
    log.info({ recipients, subject: payload.subject }, "mail disabled (no SMTP_URL): not sent");
    return { sent: false, reason: "disabled" };
  }
  const info = await mailer.send({
    to: payload.to,
    subject: payload.subject,
    text: payload.text,
    html: payload.html,
    replyTo: payload.replyTo,
    // Same job = same Message-ID, so a receiving system can spot a duplicate after a crash mid-send.
    messageId: messageIdFor(String(job.id)),
  });
  if (info.accepted.length === 0) {
    throw new Error(`SMTP-Server hat keinen Empfänger angenommen (${info.rejected.join(", ")})`);
  }
  log.info(
    { recipients, accepted: info.accepted.length, messageId: info.messageId, jobId: job.id },
    "mail sent",
  );
  return { sent: true, messageId: info.messageId, accepted: info.accepted.length };
};

function messageIdFor(jobId: string): string {
  const local = jobId
    .replace(/[^A-Za-z0-9_.-]/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^\.|\.$/g, "x");
  return `<${local}@bauantrag.invalid>`;
}
