import { isWebhookEventType, type WebhookEventType } from "~/domain/webhook-events";
import { generateWebhookSecret } from "~/domain/webhook-signature";
import type { WebhookUrlPolicy } from "~/domain/webhook-url";
import { enqueueInTx } from "~/models/outbox.server";
import { sealValue } from "~/models/totp.server";
import { deliveryJobId } from "~/models/webhook-delivery.server";
import { checkWebhookUrl, webhookUrlPolicy } from "~/models/webhook-url.server";
import { db } from "~/utils/db.server";

/**
 * Webhook subscriptions of one authority, managed by its admin (/verwaltung/webhooks). Every
 * function takes the admin's authorityId and puts it into the query itself: another authority's
 * subscription is "not found", never readable or changeable. The signing secret is returned only
 * by create and rotate (shown once) and stored sealed with the TOTP/seal helper.
 */

export const MAX_SUBSCRIPTIONS_PER_AUTHORITY = 20;
export const MAX_DESCRIPTION_LENGTH = 200;
export const DELIVERIES_PER_PAGE = 25;

export interface SubscriptionInput {
  url: string;
  description: string;
  eventTypes: string[];
}

export type InputCheck =
  | { ok: true; value: { url: string; description: string; eventTypes: WebhookEventType[] } }
  | { ok: false; errors: Partial<Record<"url" | "description" | "eventTypes", string>> };

export async function checkSubscriptionInput(
  input: SubscriptionInput,
  policy: WebhookUrlPolicy = webhookUrlPolicy(),
): Promise<InputCheck> {
  const errors: Partial<Record<"url" | "description" | "eventTypes", string>> = {};
  const url = await checkWebhookUrl(input.url, policy);
  if (!url.ok) errors.url = url.message;
  const description = input.description.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    errors.description = `Die Bezeichnung ist zu lang (höchstens ${MAX_DESCRIPTION_LENGTH} Zeichen).`;
  }
  const unknown = input.eventTypes.filter((t) => !isWebhookEventType(t));
  const eventTypes = [...new Set(input.eventTypes.filter(isWebhookEventType))];
  if (unknown.length > 0)
    errors.eventTypes = "Unbekanntes Ereignis ausgewählt. Bitte laden Sie die Seite neu.";
  else if (eventTypes.length === 0) errors.eventTypes = "Bitte wählen Sie mindestens ein Ereignis aus.";
  if (!url.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { url: url.url.toString(), description, eventTypes } };
}

const listSelect = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  active: true,
  disabledReason: true,
  secretRotatedAt: true,
  previousSecretUntil: true,
  createdAt: true,
} as const;

export function listSubscriptions(authorityId: string) {
  return db().webhookSubscription.findMany({
    where: { authorityId },
    select: listSelect,
    orderBy: { createdAt: "asc" },
  });
}

export function getSubscription(authorityId: string, id: string) {
  return db().webhookSubscription.findFirst({ where: { id, authorityId }, select: listSelect });
}

export type CreateResult =
  | { ok: true; id: string; secret: string }
  | { ok: false; errors: Partial<Record<"url" | "description" | "eventTypes" | "form", string>> };

export async function createSubscription(
  admin: { id: string; authorityId: string },
  input: SubscriptionInput,
  policy?: WebhookUrlPolicy,
): Promise<CreateResult> {
  const checked = await checkSubscriptionInput(input, policy);
  if (!checked.ok) return checked;
  const count = await db().webhookSubscription.count({ where: { authorityId: admin.authorityId } });
  if (count >= MAX_SUBSCRIPTIONS_PER_AUTHORITY) {
    return {
      ok: false,
      errors: { form: `Höchstens ${MAX_SUBSCRIPTIONS_PER_AUTHORITY} Empfänger je Behörde.` },
    };
  }
  const secret = generateWebhookSecret();
  const row = await db().webhookSubscription.create({
    data: {
      authorityId: admin.authorityId,
      createdById: admin.id,
      url: checked.value.url,
      description: checked.value.description,
      eventTypes: checked.value.eventTypes,
      secretEnc: sealValue(secret),
    },
    select: { id: true },
  });
  return { ok: true, id: row.id, secret };
}

export async function updateSubscription(
  authorityId: string,
  id: string,
  input: SubscriptionInput,
  policy?: WebhookUrlPolicy,
): Promise<
  { ok: true } | { ok: false; errors: Partial<Record<"url" | "description" | "eventTypes" | "form", string>> }
> {
  const checked = await checkSubscriptionInput(input, policy);
  if (!checked.ok) return checked;
  const { count } = await db().webhookSubscription.updateMany({
    where: { id, authorityId },
    data: checked.value,
  });
  return count === 1 ? { ok: true } : { ok: false, errors: { form: "Empfänger nicht gefunden." } };
}

/** How long the previous secret keeps signing after a renewal. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600_000;

/**
 * A new secret (shown once, like at creation). The previous one keeps signing alongside it for
 * PREVIOUS_SECRET_GRACE_MS, so deliveries verify while the receiver switches over; `immediately`
 * (a leaked secret) drops it at once.
 */
export async function rotateSecret(
  authorityId: string,
  id: string,
  { immediately = false }: { immediately?: boolean } = {},
): Promise<string | null> {
  const secret = generateWebhookSecret();
  const now = new Date();
  return db().$transaction(async (tx) => {
    const current = await tx.webhookSubscription.findFirst({
      where: { id, authorityId },
      select: { secretEnc: true },
    });
    if (!current) return null;
    await tx.webhookSubscription.update({
      where: { id },
      data: {
        secretEnc: sealValue(secret),
        secretRotatedAt: now,
        previousSecretEnc: immediately ? null : current.secretEnc,
        previousSecretUntil: immediately ? null : new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS),
      },
    });
    return secret;
  });
}

export async function setActive(authorityId: string, id: string, active: boolean): Promise<boolean> {
  const { count } = await db().webhookSubscription.updateMany({
    where: { id, authorityId },
    data: { active, disabledReason: null },
  });
  return count === 1;
}

/** Deletes the subscription with its delivery log; queued attempts find nothing and stop. */
export async function deleteSubscription(authorityId: string, id: string): Promise<boolean> {
  const { count } = await db().webhookSubscription.deleteMany({ where: { id, authorityId } });
  return count === 1;
}

export async function listDeliveries(authorityId: string, subscriptionId: string, page: number) {
  const where = { subscriptionId, authorityId };
  const [total, rows] = await Promise.all([
    db().webhookDelivery.count({ where }),
    db().webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * DELIVERIES_PER_PAGE,
      take: DELIVERIES_PER_PAGE,
      select: {
        id: true,
        eventType: true,
        applicationId: true,
        status: true,
        attemptCount: true,
        resendCount: true,
        createdAt: true,
        deliveredAt: true,
        failedAt: true,
        attempts: {
          orderBy: { id: "asc" },
          select: {
            id: true,
            startedAt: true,
            durationMs: true,
            httpStatus: true,
            error: true,
            responseBody: true,
            succeeded: true,
          },
        },
      },
    }),
  ]);
  return { total, pages: Math.max(1, Math.ceil(total / DELIVERIES_PER_PAGE)), rows };
}

/**
 * "Erneut senden" for a FAILED delivery: back to PENDING and a new outbox job (job id with the
 * re-send number) in one transaction; same Webhook-Id and body as before.
 */
export async function resendDelivery(
  authorityId: string,
  subscriptionId: string,
  deliveryId: string,
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: deliveryId, subscriptionId, authorityId, status: "FAILED" },
      data: { status: "PENDING", failedAt: null, resendCount: { increment: 1 } },
    });
    if (count !== 1) return false;
    const row = await tx.webhookDelivery.findUniqueOrThrow({
      where: { id: deliveryId },
      select: { resendCount: true },
    });
    await enqueueInTx(tx, {
      jobName: "webhooks.deliver",
      jobId: deliveryJobId(subscriptionId, deliveryId, row.resendCount),
      payload: { deliveryId },
    });
    return true;
  });
}

/** Delivered / pending / failed deliveries per subscription of one authority. */
export async function deliveryCounts(authorityId: string) {
  const rows = await db().webhookDelivery.groupBy({
    by: ["subscriptionId", "status"],
    where: { authorityId },
    _count: { _all: true },
  });
  const counts = new Map<string, { DELIVERED: number; PENDING: number; FAILED: number }>();
  for (const r of rows) {
    const c = counts.get(r.subscriptionId) ?? { DELIVERED: 0, PENDING: 0, FAILED: 0 };
    c[r.status] = r._count._all;
    counts.set(r.subscriptionId, c);
  }
  return counts;
}
