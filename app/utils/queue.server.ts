import { createHash } from "node:crypto";
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { NOTIFICATION_TYPES, type NotificationType } from "~/domain/notifications";
import { env } from "./env.server";
import { closeClient, createRedis } from "./redis.server";

/**
 * Queues and the job registry. Producers never call `queue.add` directly: they write an outbox row
 * in the same transaction as the change (app/models/outbox.server.ts, ADR 0002) and the relay adds
 * it here. Jobs are named `domain.verb-noun` (or `domain.verb`, e.g. `system.notify`); every job name maps to exactly one queue and one zod
 * payload schema, checked when the row is written and again by the worker.
 */

/** One BullMQ queue (and one Worker per process) per kind of work, so a flood of one kind cannot starve another. */
export const queueNames = [
  /** Mail and other housekeeping. */
  "system",
  /** Rendering PDFs (Bescheide, Eingangsbestätigungen): CPU heavy. */
  "documents",
  /** Sending packages to participating agencies and collecting their statements. */
  "participation",
  /** Deadline watch (Fristen). */
  "deadlines",
  /** XBau message export. */
  "xbau",
  /** Webhook deliveries to the authorities' systems: a slow receiver must not hold up mail or PDFs. */
  "webhooks",
] as const;
export type QueueName = (typeof queueNames)[number];

// ---- payload schemas ----------------------------------------------------------------------------

export const sendEmailPayload = z.object({
  to: z.union([z.email(), z.array(z.email()).min(1).max(50)]),
  subject: z.string().trim().min(1).max(300),
  text: z.string().min(1).max(200_000),
  html: z.string().max(1_000_000).optional(),
  replyTo: z.email().optional(),
});
export type SendEmailPayload = z.infer<typeof sendEmailPayload>;

/** Renders the Eingangsbestätigung (receipt PDF) of a submitted application from its snapshot. */
export const renderReceiptPayload = z.object({
  applicationId: z.uuid(),
});
export type RenderReceiptPayload = z.infer<typeof renderReceiptPayload>;

/** Builds, validates and stores the XBau baugenehmigung.antrag.0200 message from the snapshot. */
export const exportApplicationPayload = z.object({
  applicationId: z.uuid(),
});
export type ExportApplicationPayload = z.infer<typeof exportApplicationPayload>;

/** The answer to a received XBau 0200/0202: Kernmodul 1120 Eingangsbestätigung (workers/processors/answer-xbau-intake.ts). */
export const answerXbauIntakePayload = z.object({
  inboundMessageId: z.uuid(),
});

/**
 * Renders a decided Bescheid: the Bescheid PDF, the stamped approved plan set and the XBau
 * baugenehmigung.bescheid.0205 message, then informs applicant side, clerks and participants.
 */
export const renderDecisionPayload = z.object({
  decisionId: z.uuid(),
});
export type RenderDecisionPayload = z.infer<typeof renderDecisionPayload>;

/**
 * Renders an agency's statement (Stellungnahme) to PDF and the XBau beteiligung.stellungnahme.0303
 * message, both stored with the participation (workers/processors/render-statement.ts).
 */
export const renderStatementPayload = z.object({
  statementId: z.uuid(),
});
export type RenderStatementPayload = z.infer<typeof renderStatementPayload>;

/** The Nachforderung as a readable letter (workers/processors/render-request-letter.ts). */
export const renderRequestLetterPayload = z.object({
  requestId: z.uuid(),
});
export type RenderRequestLetterPayload = z.infer<typeof renderRequestLetterPayload>;

/**
 * Routes one participation to its agency: package PDF, XBau 0300, status SENT, notification
 * (workers/processors/route-participation.ts). Idempotent per participation.
 */
export const routeParticipationPayload = z.object({
  participationId: z.uuid(),
});
export type RouteParticipationPayload = z.infer<typeof routeParticipationPayload>;

/**
 * The XBau messages of the formal review (workers/processors/export-review-xbau.ts): the 0201 of a
 * Nachforderung (befundliste, frist) or of the confirmation "vollständig", and the 0202 of a
 * Nachreichung. Written through the outbox with the state change it reports.
 */
export const exportReviewPayload = z.discriminatedUnion("message", [
  z.object({ message: z.literal("0201-request"), applicationId: z.uuid(), requestId: z.uuid() }),
  z.object({ message: z.literal("0201-complete"), applicationId: z.uuid() }),
  z.object({ message: z.literal("0202"), applicationId: z.uuid(), requestId: z.uuid() }),
]);
export type ExportReviewPayload = z.infer<typeof exportReviewPayload>;

/**
 * The deep check of a stored document version (`qpdf --check`) after the upload request stored it
 * as PENDING ("wird geprüft"): accepted, or refused with a German reason, a case event and a
 * notification to the uploader (workers/processors/check-version.ts). Repeat-safe per version.
 */
export const checkVersionPayload = z.object({
  versionId: z.uuid(),
});
export type CheckVersionPayload = z.infer<typeof checkVersionPayload>;

/**
 * The complete case file as one ZIP (workers/processors/export-akte.ts): documents with every
 * version, generated files, XBau messages, history, akte.json, Aktenverzeichnis.pdf, SHA256SUMS.
 * `upToEventId` is the last case event (other than the export's own) when the clerk asked: one
 * export per state of the file, so a double click or a retry never builds a second one.
 */
export const exportAktePayload = z.object({
  applicationId: z.uuid(),
  requestedById: z.uuid(),
  upToEventId: z.string().regex(/^\d{1,19}$/),
});
export type ExportAktePayload = z.infer<typeof exportAktePayload>;

/** Notifications (in-app + e-mail when SMTP is configured); catalogue in app/domain/notifications.ts. */
export const notifyEvents = NOTIFICATION_TYPES;
export type NotifyEvent = NotificationType;

/**
 * Notifies the members of an application and the clerks of its authority about an event. The
 * worker derives recipients and texts from the application; `actorId` is the user who caused it
 * (left out of the recipients), `details` carries the notification's values. This envelope keeps
 * `details` a flat record: producers type them per notification (`notifyInTx`) and the worker
 * parses them with the notification's schema, dropping a job whose details do not fit.
 */
export const notifyPayload = z.object({
  applicationId: z.uuid(),
  event: z.enum(notifyEvents),
  actorId: z.uuid().optional(),
  /**
   * Distinguishes repeated events of the same kind on one application (e.g. the request id for
   * "request.sent"); part of the notification dedupe key and the mail job id.
   */
  scope: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type NotifyPayload = z.infer<typeof notifyPayload>;

/**
 * Deadline watch: marks open requests whose deadline passed (once) and notifies both sides.
 * Repeatable (scheduled by the worker process); `now` (ISO) only for tests and manual runs.
 */
export const checkRequestDeadlinesPayload = z.object({
  now: z.iso.datetime({ offset: true }).optional(),
});
export type CheckRequestDeadlinesPayload = z.infer<typeof checkRequestDeadlinesPayload>;

/** Daily housekeeping: deletes expired sessions. `now` (ISO) only for tests and manual runs. */
export const deleteExpiredSessionsPayload = z.object({
  now: z.iso.datetime({ offset: true }).optional(),
});
export type DeleteExpiredSessionsPayload = z.infer<typeof deleteExpiredSessionsPayload>;

/**
 * POSTs one stored webhook delivery (body, Webhook-Id = delivery id) to its subscription's URL,
 * signed per Standard Webhooks; 2xx = delivered, otherwise BullMQ retries with backoff
 * (workers/processors/deliver-webhook.ts). Repeat-safe: a delivered delivery is not sent again.
 */
export const deliverWebhookPayload = z.object({
  deliveryId: z.uuid(),
});
export type DeliverWebhookPayload = z.infer<typeof deliverWebhookPayload>;

/** Liveness proof of the worker: the processor stamps the time in Redis (workers/processors/heartbeat.ts). */
export const heartbeatPayload = z.object({});

// ---- registry -----------------------------------------------------------------------------------

interface JobDefinition<S extends z.ZodType = z.ZodType> {
  queue: QueueName;
  schema: S;
  /** Overrides of `defaultJobOptions` for this job (e.g. fewer attempts). */
  options?: JobsOptions;
}

function defineJobs<T extends Record<string, JobDefinition>>(jobs: T): T {
  for (const name of Object.keys(jobs)) {
    if (!/^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*$/.test(name)) {
      throw new Error(`Job-Name "${name}" folgt nicht dem Muster domain.verb(-noun)`);
    }
  }
  return jobs;
}

export const jobs = defineJobs({
  "system.send-email": { queue: "system", schema: sendEmailPayload },
  "system.notify": { queue: "system", schema: notifyPayload },
  "system.delete-expired-sessions": {
    queue: "system",
    schema: deleteExpiredSessionsPayload,
    // The next night's run retries anyway.
    options: { attempts: 1, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
  },
  "system.heartbeat": {
    queue: "system",
    schema: heartbeatPayload,
    // Stale beats are worthless: no retries, keep almost no history.
    options: { attempts: 1, removeOnComplete: { count: 5 }, removeOnFail: { count: 5 } },
  },
  "documents.render-receipt": { queue: "documents", schema: renderReceiptPayload },
  "documents.render-decision": { queue: "documents", schema: renderDecisionPayload },
  "documents.render-statement": { queue: "documents", schema: renderStatementPayload },
  "documents.render-request-letter": { queue: "documents", schema: renderRequestLetterPayload },
  "documents.check-version": { queue: "documents", schema: checkVersionPayload },
  // Streams every file of a case once; a long job, so fewer attempts than a quick render.
  "documents.export-akte": { queue: "documents", schema: exportAktePayload, options: { attempts: 3 } },
  "xbau.export-application": { queue: "xbau", schema: exportApplicationPayload },
  "xbau.export-review": { queue: "xbau", schema: exportReviewPayload },
  "xbau.answer-intake": { queue: "xbau", schema: answerXbauIntakePayload },
  "participation.route-package": { queue: "participation", schema: routeParticipationPayload },
  "webhooks.deliver": {
    queue: "webhooks",
    schema: deliverWebhookPayload,
    // Retry schedule from WEBHOOK_MAX_ATTEMPTS / WEBHOOK_BACKOFF_MS, read when the relay adds the job
    // (default: 8 attempts, exponential from ~11 min, about a day in all), with jitter so retries of
    // many deliveries do not hit a recovering receiver at the same moment.
    get options(): JobsOptions {
      return {
        attempts: env().WEBHOOK_MAX_ATTEMPTS,
        backoff: { type: "exponential", delay: env().WEBHOOK_BACKOFF_MS, jitter: 0.2 },
      };
    },
  },
  "deadlines.check-requests": {
    queue: "deadlines",
    schema: checkRequestDeadlinesPayload,
    // The next scheduled run retries anyway; keep the history short.
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  },
});

export type JobName = keyof typeof jobs;
export type JobPayload<N extends JobName> = z.infer<(typeof jobs)[N]["schema"]>;

export const jobNames = Object.keys(jobs) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name);
}

export function queueOf(jobName: JobName): QueueName {
  return jobs[jobName].queue;
}

/** Validates (and normalises, e.g. trims) a payload; throws a ZodError when it does not fit. */
export function parsePayload<N extends JobName>(jobName: N, payload: unknown): JobPayload<N> {
  return jobs[jobName].schema.parse(payload) as JobPayload<N>;
}

export function safeParsePayload<N extends JobName>(
  jobName: N,
  payload: unknown,
): { success: true; data: JobPayload<N> } | { success: false; error: z.ZodError } {
  const result = jobs[jobName].schema.safeParse(payload);
  return result.success
    ? { success: true, data: result.data as JobPayload<N> }
    : { success: false, error: result.error };
}

// ---- job options and ids ------------------------------------------------------------------------

/**
 * Completed jobs are kept for a day: BullMQ ignores an add whose job id already exists, which is
 * what makes the relay exactly-once — but only while the job is still stored. A day is far longer
 * than any relay retry window; the count bound keeps Redis memory flat under load.
 */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 20_000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
};

export function jobOptions(jobName: JobName): JobsOptions {
  return { ...defaultJobOptions, ...(jobs[jobName] as JobDefinition).options };
}

const MAX_JOB_ID_LENGTH = 200;

/**
 * Deterministic job id from the job name and the parts that make the work unique, e.g.
 * `buildJobId("system.send-email", applicationId, "eingang")` →
 * `system.send-email__<applicationId>__eingang`. Never contains ':' (BullMQ uses it in keys) and
 * never is a bare integer (BullMQ rejects those); very long ids are shortened with a hash.
 */
export function buildJobId(jobName: JobName, ...parts: (string | number | bigint)[]): string {
  if (parts.length === 0) throw new Error("buildJobId braucht mindestens einen Bestandteil");
  const clean = [jobName, ...parts].map((p) => {
    const s = String(p)
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/_{2,}/g, "_");
    if (s === "") throw new Error("buildJobId: leerer Bestandteil");
    return s;
  });
  const id = clean.join("__");
  if (id.length <= MAX_JOB_ID_LENGTH) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 32);
  return `${id.slice(0, MAX_JOB_ID_LENGTH - 34)}__${hash}`;
}

// ---- queues -------------------------------------------------------------------------------------

export interface Queues {
  readonly prefix: string;
  get(name: QueueName): Queue;
  close(): Promise<void>;
}

export interface CreateQueuesOptions {
  /** Key prefix in Redis; defaults to env().QUEUE_PREFIX. Tests pass a random one. */
  prefix?: string;
  /** Shared producer connection; when omitted one is created (and closed by `close()`). */
  connection?: Redis;
}

export function createQueues({ prefix = env().QUEUE_PREFIX, connection }: CreateQueuesOptions = {}): Queues {
  const ownConnection = connection ? undefined : createRedis({ connectionName: "bauantrag-producer" });
  const conn = connection ?? (ownConnection as Redis);
  const open = new Map<QueueName, Queue>();
  return {
    prefix,
    get(name) {
      let queue = open.get(name);
      if (!queue) {
        queue = new Queue(name, { connection: conn, prefix, defaultJobOptions });
        // Errors surface on the add() promise; without a listener EventEmitter would throw.
        queue.on("error", () => {});
        open.set(name, queue);
      }
      return queue;
    },
    async close() {
      const all = [...open.values()];
      open.clear();
      await Promise.allSettled(all.map((q) => q.close()));
      if (ownConnection) await closeClient(ownConnection);
    },
  };
}

const g = globalThis as unknown as { __queues?: Queues };

/** Process-wide producer queues with env().QUEUE_PREFIX. */
export function queues(): Queues {
  g.__queues ??= createQueues();
  return g.__queues;
}

export async function closeQueues(): Promise<void> {
  const q = g.__queues;
  g.__queues = undefined;
  await q?.close();
}
