import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec 1.0.0, "Signature scheme"):
 * the secret is shown as `whsec_` + base64 of random bytes (at least 24; we use 32), the HMAC key is
 * the decoded bytes, the signed content is `{webhook-id}.{webhook-timestamp}.{body}` and the header
 * value is `v1,` + base64(HMAC-SHA256). The header may list several space-separated signatures
 * (zero-downtime rotation); a receiver accepts when one matches. Any Standard Webhooks library
 * verifies what this produces.
 */

export const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length < 24) throw new Error("Webhook-Secret zu kurz");
  return key;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  if (id.includes(".")) throw new Error("Webhook-Id darf keinen Punkt enthalten");
  const mac = createHmac("sha256", keyOf(secret))
    .update(`${id}.${timestamp}.${body}`, "utf8")
    .digest("base64");
  return `v1,${mac}`;
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** Headers of one attempt; with several secrets (during a renewal) one signature each, space-separated. */
export function webhookHeaders(
  secrets: string | string[],
  id: string,
  timestamp: number,
  body: string,
): WebhookHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": [secrets]
      .flat()
      .map((secret) => signWebhook(secret, id, timestamp, body))
      .join(" "),
  };
}

/**
 * What a receiver does (and our tests do): recompute, compare in constant time against every `v1`
 * signature of the header, and refuse timestamps outside the tolerance (replay protection).
 */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  { now = Date.now(), toleranceSeconds = 300 } = {},
): boolean {
  const ts = Number(headers.timestamp);
  if (!/^\d{1,12}$/.test(headers.timestamp) || Math.abs(now / 1000 - ts) > toleranceSeconds) return false;
  let expected: Buffer;
  try {
    expected = Buffer.from(signWebhook(secret, headers.id, ts, body).slice(3), "base64");
  } catch {
    return false;
  }
  return headers.signature.split(" ").some((candidate) => {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
