import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, SECRET_PREFIX, signWebhook, verifyWebhook } from "./webhook-signature";

describe("Standard Webhooks signature", () => {
  const body = JSON.stringify({
    id: "d1",
    type: "application.submitted",
    data: { fileNumber: "63-2026-00001" },
  });
  const now = Date.UTC(2026, 11, 6, 8, 0, 0);
  const ts = Math.floor(now / 1000);

  it("secrets are whsec_ + base64 of 32 random bytes, each one different", () => {
    const a = generateWebhookSecret();
    expect(a.startsWith(SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(SECRET_PREFIX.length), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it("signs '{id}.{timestamp}.{body}' with HMAC-SHA256 keyed by the decoded secret (recomputed independently)", () => {
    const secret = generateWebhookSecret();
    const key = Buffer.from(secret.slice(6), "base64");
    const expected = createHmac("sha256", key).update(`msg_1.${ts}.${body}`).digest("base64");
    expect(signWebhook(secret, "msg_1", ts, body)).toBe(`v1,${expected}`);
  });

  it("matches the example of the reference libraries (standard-webhooks test vector)", () => {
    // Test vector used by the reference libraries (github.com/standard-webhooks/standard-webhooks,
    // libraries/*): any receiver using one of them verifies what we send.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const signature = signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies with the right secret; fails with a wrong secret, a changed body, id or an old timestamp", () => {
    const secret = generateWebhookSecret();
    const headers = { id: "d1", timestamp: String(ts), signature: signWebhook(secret, "d1", ts, body) };
    expect(verifyWebhook(secret, headers, body, { now })).toBe(true);
    expect(verifyWebhook(generateWebhookSecret(), headers, body, { now })).toBe(false);
    expect(verifyWebhook(secret, headers, body.replace("00001", "00002"), { now })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: "d2" }, body, { now })).toBe(false);
    expect(verifyWebhook(secret, headers, body, { now: now + 10 * 60_000 })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, signature: "v1,AAAA" }, body, { now })).toBe(false);
  });

  it("accepts a header listing several signatures when one matches (rotation)", () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const signature = `${signWebhook(oldSecret, "d1", ts, body)} ${signWebhook(newSecret, "d1", ts, body)}`;
    expect(verifyWebhook(newSecret, { id: "d1", timestamp: String(ts), signature }, body, { now })).toBe(
      true,
    );
  });

  it("refuses an id with a full stop (it would make the signed content ambiguous)", () => {
    expect(() => signWebhook(generateWebhookSecret(), "a.b", ts, body)).toThrow();
  });
});
