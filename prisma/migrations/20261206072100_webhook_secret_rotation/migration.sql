-- Webhook secret renewal without downtime: the previous secret (sealed) keeps signing alongside the
-- new one for a grace period (Standard Webhooks 1.0.0, "Webhook headers": several signatures).
ALTER TABLE "WebhookSubscription" ADD COLUMN "previousSecretEnc" TEXT;
ALTER TABLE "WebhookSubscription" ADD COLUMN "previousSecretUntil" TIMESTAMP(3);
