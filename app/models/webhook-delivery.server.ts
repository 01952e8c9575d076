import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { isWebhookEventType, webhookBody } from "~/domain/webhook-events";
import { webhookHeaders } from "~/domain/webhook-signature";
import { checkWebhookUrlSyntax, type WebhookUrlPolicy } from "~/domain/webhook-url";
import type { PrismaClient } from "~/generated/prisma/client";
import { enqueueInTx } from "~/models/outbox.server";
import { openValue } from "~/models/totp.server";
import { BLOCKED_ADDRESS_CODE, guardedLookup, webhookUrlPolicy } from "~/models/webhook-url.server";
import type { Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { buildJobId } from "~/utils/queue.server";

/**
 * Webhook delivery (issue 16 item 3). When a case event is appended, `enqueueWebhooksInTx` writes —
 * in the same transaction — one WebhookDelivery (with the exact JSON body) and one
 * `webhooks.deliver` outbox job per active subscription of the case's authority that asked for the
 * event type: a rolled-back change sends nothing, a committed one is delivered even if Redis was
 * down. The worker (workers/processors/deliver-webhook.ts) calls `deliverOnce` per BullMQ attempt;
 * every attempt is logged; the Webhook-Id (the delivery id) stays the same across attempts and
 * re-sends, so receivers can deduplicate.
 */

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bytes of the receiver's answer kept per attempt. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface AppendedEvent {
  id: bigint;
  createdAt: Date;
  applicationId: string;
  type: string;
  payload: unknown;
}

export function deliveryJobId(subscriptionId: string, deliveryId: string, resend = 0): string {
  return resend === 0
    ? buildJobId("webhooks.deliver", subscriptionId, deliveryId)
    : buildJobId("webhooks.deliver", subscriptionId, deliveryId, `r${resend}`);
}

/** Called by appendEvent for every event; returns the number of deliveries written. */
export async function enqueueWebhooksInTx(tx: Tx, event: AppendedEvent): Promise<number> {
  const type = event.type;
  if (!isWebhookEventType(type)) return 0;
  // Tenant scope in the query: only subscriptions of the authority the case belongs to.
  const targets = await tx.$queryRaw<
    { subscriptionId: string; authorityId: string; fileNumber: string | null }[]
  >`
    SELECT s."id"::text AS "subscriptionId", a."authorityId"::text AS "authorityId", a."fileNumber"
    FROM "Application" a
    JOIN "WebhookSubscription" s ON s."authorityId" = a."authorityId"
    WHERE a."id" = ${event.applicationId}::uuid AND s."active" AND ${type} = ANY(s."eventTypes")
    ORDER BY s."createdAt"`;
  if (targets.length === 0) return 0;
  const appUrl = env().APP_URL;
  for (const target of targets) {
    const deliveryId = randomUUID();
    await tx.webhookDelivery.create({
      data: {
        id: deliveryId,
        subscriptionId: target.subscriptionId,
        authorityId: target.authorityId,
        caseEventId: event.id,
        applicationId: event.applicationId,
        eventType: type,
        body: webhookBody({
          deliveryId,
          type,
          occurredAt: event.createdAt,
          authorityId: target.authorityId,
          applicationId: event.applicationId,
          fileNumber: target.fileNumber,
          appUrl,
          payload: event.payload,
        }),
      },
    });
    await enqueueInTx(tx, {
      jobName: "webhooks.deliver",
      jobId: deliveryJobId(target.subscriptionId, deliveryId),
      payload: { deliveryId },
    });
  }
  return targets.length;
}

// ---- one HTTP attempt ----------------------------------------------------------------------------

export type PostResult =
  | { kind: "response"; status: number; body: string; durationMs: number }
  | { kind: "error"; code: string; message: string; durationMs: number };

function germanError(err: NodeJS.ErrnoException, timeoutMs: number): { code: string; message: string } {
  const code = err.code ?? "ERROR";
  const known: Record<string, string> = {
    ECONNREFUSED: "Verbindung abgelehnt (Empfänger nicht erreichbar)",
    ECONNRESET: "Verbindung vom Empfänger abgebrochen",
    ENOTFOUND: "Hostname nicht gefunden",
    EAI_AGAIN: "Hostname vorübergehend nicht auflösbar",
    EHOSTUNREACH: "Empfänger nicht erreichbar (keine Route)",
    ENETUNREACH: "Netz nicht erreichbar",
    ETIMEDOUT: `Zeitüberschreitung (keine Antwort nach ${timeoutMs / 1000} s)`,
    [BLOCKED_ADDRESS_CODE]: `Zieladresse nicht erlaubt: ${err.message}`,
  };
  return { code, message: known[code] ?? `Übertragungsfehler (${code}): ${err.message}`.slice(0, 500) };
}

/**
 * POSTs the body once: no redirects followed (a 3xx is a failed attempt), at most `timeoutMs` for
 * the whole exchange, the answer read only up to RESPONSE_EXCERPT_BYTES.
 */
export function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  { policy, timeoutMs = WEBHOOK_TIMEOUT_MS }: { policy: WebhookUrlPolicy; timeoutMs?: number },
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = url.protocol === "https:" ? https : http;
  const payload = Buffer.from(body, "utf8");
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(url, {
      method: "POST",
      agent: false,
      lookup: guardedLookup(policy) as never,
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": String(payload.length),
        "user-agent": "Bauantrag-Webhooks/1.0",
      },
    });
    const timer = setTimeout(() => {
      const err: NodeJS.ErrnoException = new Error("timeout");
      err.code = "ETIMEDOUT";
      finish({ kind: "error", ...germanError(err, timeoutMs), durationMs: elapsed() });
      req.destroy(err);
    }, timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      finish({ kind: "error", ...germanError(err, timeoutMs), durationMs: elapsed() });
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES);
        // PostgreSQL text cannot hold NUL; the excerpt is for reading, not byte-exact.
        const text = excerpt.toString("utf8").replaceAll(String.fromCharCode(0), "");
        finish({ kind: "response", status: res.statusCode ?? 0, body: text, durationMs: elapsed() });
        res.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_EXCERPT_BYTES) done(); // enough read: never buffer a large answer
      });
      res.on("end", done);
      res.on("error", done);
    });
    req.end(payload);
  });
}

// ---- one delivery attempt (worker) ---------------------------------------------------------------

export type DeliveryOutcome =
  /** Nothing to do: delivery gone (subscription deleted) or already delivered. */
  | { kind: "skipped"; reason: string }
  | { kind: "delivered"; status: number }
  /** Failed; `permanent` = retrying cannot help (deactivated, 410 Gone, unreadable secret, URL refused). */
  | { kind: "failed"; message: string; permanent: boolean; final: boolean };

export interface DeliverOptions {
  /** The last attempt BullMQ will make: a failure marks the delivery FAILED. */
  isLastAttempt: boolean;
  policy?: WebhookUrlPolicy;
  timeoutMs?: number;
}

export async function deliverOnce(
  db: PrismaClient,
  deliveryId: string,
  { isLastAttempt, policy = webhookUrlPolicy(), timeoutMs = WEBHOOK_TIMEOUT_MS }: DeliverOptions,
): Promise<DeliveryOutcome> {
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: {
      id: true,
      status: true,
      body: true,
      subscription: {
        select: {
          id: true,
          url: true,
          secretEnc: true,
          active: true,
          previousSecretEnc: true,
          previousSecretUntil: true,
        },
      },
    },
  });
  if (!delivery) return { kind: "skipped", reason: "Zustellung gelöscht (Empfänger entfernt)" };
  if (delivery.status === "DELIVERED") return { kind: "skipped", reason: "bereits zugestellt" };
  const sub = delivery.subscription;
  const startedAt = new Date();

  const refuse = async (message: string) => {
    await recordAttempt(db, deliveryId, { startedAt, durationMs: 0, error: message, final: true });
    return { kind: "failed" as const, message, permanent: true, final: true };
  };
  if (!sub.active) return refuse("Empfänger deaktiviert – nicht gesendet");
  const secret = openValue(sub.secretEnc);
  if (!secret)
    return refuse("Signaturschlüssel nicht lesbar (wurde SESSION_SECRET geändert?) – Schlüssel erneuern");
  // During a renewal's grace period the previous secret signs too, so the receiver keeps verifying
  // until it has stored the new one (Standard Webhooks: several signatures, one must match).
  const previous =
    sub.previousSecretEnc && sub.previousSecretUntil && sub.previousSecretUntil > new Date()
      ? openValue(sub.previousSecretEnc)
      : null;
  const url = checkWebhookUrlSyntax(sub.url, policy);
  if (!url.ok) return refuse(`URL nicht erlaubt: ${url.message}`);

  const timestamp = Math.floor(Date.now() / 1000);
  const result = await postWebhook(
    url.url,
    { ...webhookHeaders(previous ? [secret, previous] : secret, delivery.id, timestamp, delivery.body) },
    delivery.body,
    { policy, timeoutMs },
  );

  if (result.kind === "response" && result.status >= 200 && result.status < 300) {
    await recordAttempt(db, deliveryId, {
      startedAt,
      durationMs: result.durationMs,
      httpStatus: result.status,
      responseBody: result.body,
      delivered: true,
    });
    return { kind: "delivered", status: result.status };
  }

  // 410 Gone: the receiver says it wants no more webhooks (Standard Webhooks): switch it off.
  const gone = result.kind === "response" && result.status === 410;
  const blocked = result.kind === "error" && result.code === BLOCKED_ADDRESS_CODE;
  const permanent = gone || blocked;
  const final = permanent || isLastAttempt;
  const message =
    result.kind === "response"
      ? `HTTP ${result.status}${result.status >= 300 && result.status < 400 ? " (Weiterleitungen werden nicht verfolgt)" : ""}`
      : result.message;
  await recordAttempt(db, deliveryId, {
    startedAt,
    durationMs: result.durationMs,
    httpStatus: result.kind === "response" ? result.status : null,
    responseBody: result.kind === "response" ? result.body : null,
    error: result.kind === "error" ? result.message : null,
    final,
  });
  if (gone) {
    await db.webhookSubscription.update({
      where: { id: sub.id },
      data: {
        active: false,
        disabledReason: "Der Empfänger hat mit 410 Gone geantwortet und wurde deaktiviert.",
      },
    });
  }
  return { kind: "failed", message, permanent, final };
}

async function recordAttempt(
  db: PrismaClient,
  deliveryId: string,
  a: {
    startedAt: Date;
    durationMs: number;
    httpStatus?: number | null;
    responseBody?: string | null;
    error?: string | null;
    delivered?: boolean;
    final?: boolean;
  },
): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.webhookDeliveryAttempt.create({
      data: {
        deliveryId,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        httpStatus: a.httpStatus ?? null,
        responseBody: a.responseBody ?? null,
        error: a.error ?? null,
        succeeded: a.delivered === true,
      },
    }),
    db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        attemptCount: { increment: 1 },
        lastAttemptAt: a.startedAt,
        ...(a.delivered
          ? { status: "DELIVERED", deliveredAt: now, failedAt: null }
          : a.final
            ? { status: "FAILED", failedAt: now }
            : {}),
      },
    }),
  ]);
}
