import { UnrecoverableError } from "bullmq";
import { deliverOnce } from "~/models/webhook-delivery.server";
import type { Processor } from "../types";

/**
 * `webhooks.deliver`: one HTTP attempt per BullMQ attempt (app/models/webhook-delivery.server.ts).
 * A failure throws so BullMQ retries with the backoff of the job registry; the last attempt (or a
 * failure retrying cannot fix, e.g. 410 Gone or a refused address) marks the delivery FAILED.
 */
export const deliverWebhookProcessor: Processor<"webhooks.deliver"> = async (
  { deliveryId },
  job,
  { db, log },
) => {
  const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const outcome = await deliverOnce(db, deliveryId, { isLastAttempt });
  switch (outcome.kind) {
    case "skipped":
      log.info({ deliveryId, reason: outcome.reason }, "webhook not sent");
      return { skipped: outcome.reason };
    case "delivered":
      return { status: outcome.status };
    case "failed":
      if (outcome.permanent) throw new UnrecoverableError(`Webhook nicht zugestellt: ${outcome.message}`);
      throw new Error(`Webhook nicht zugestellt: ${outcome.message}`);
  }
};
