import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, login } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { createLoginLimiter, FixedWindowLimiter } from "~/utils/rate-limit.server";
import { createRedis } from "~/utils/redis.server";
import { createSession, resolveSessionToken } from "~/utils/session.server";
import { createTestUser } from "~/utils/test-tenant.server";
import {
  RESET_LINK_INVALID_MESSAGE,
  RESET_MAILS_PER_ACCOUNT_AND_HOUR,
  RESET_REQUESTS_PER_IP_AND_HOUR,
  type ResetLimiters,
  requestPasswordReset,
  resetPassword,
  validResetToken,
} from "./password-reset.server";

let redis: Redis;
const OLD = "Altes-Passwort-2026!";
const NEW = "Neues Passwort fuer Moewen 2026";
const meta = {
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
};

beforeAll(() => {
  redis = createRedis({ connectionName: "bauantrag-test-password-reset" });
});
afterAll(async () => {
  await redis.quit();
  await db().$disconnect();
});

function limiters(): ResetLimiters {
  const prefix = `test:reset:${randomUUID()}`;
  return {
    perIp: new FixedWindowLimiter(redis, {
      prefix: `${prefix}:ip`,
      max: RESET_REQUESTS_PER_IP_AND_HOUR + 1,
      windowSeconds: 3600,
    }),
    perAccount: new FixedWindowLimiter(redis, {
      prefix: `${prefix}:account`,
      max: RESET_MAILS_PER_ACCOUNT_AND_HOUR + 1,
      windowSeconds: 3600,
    }),
  };
}

/** Asks for a reset and waits until the mail is prepared (that happens after the answer). */
async function ask(email: string, m: typeof meta, l: ResetLimiters) {
  const result = await requestPasswordReset(email, m, l);
  if (result.ok) await result.settled;
  return result.ok ? { ok: true as const } : result;
}

/** The reset mails the outbox holds for an address (what the worker would send). */
async function mailsTo(email: string) {
  const rows = await db().outboxMessage.findMany({
    where: { jobName: "system.send-email", payload: { path: ["to"], equals: email } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.payload as { to: string; subject: string; text: string });
}

function tokenOf(mail: { text: string }): string {
  const m = /\/passwort-neu\/([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!m) throw new Error(`no reset link in mail: ${mail.text}`);
  return m[1]!;
}

const loginWith = (email: string, password: string) =>
  login(
    { email, password, ...meta },
    createLoginLimiter(redis, { prefix: `test:${randomUUID()}`, maxAttempts: 50, ipMaxAttempts: 500 }),
  );

describe("password reset", () => {
  it("answers the same for unknown addresses and sends nothing", async () => {
    const email = `niemand-${randomUUID()}@test.bauantrag.invalid`;
    expect(await ask(email, meta, limiters())).toEqual({ ok: true });
    expect(await mailsTo(email)).toEqual([]);
  });

  it("mails a single-use link valid one hour; the new password works, the old one and all sessions end", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: await hashPassword(OLD) });
    const other = await createSession(user.id, meta);
    const l = limiters();
    expect(await ask(user.email.toUpperCase(), meta, l)).toEqual({ ok: true });
    const [mail] = await mailsTo(user.email);
    expect(mail?.subject).toBe("Passwort zurücksetzen – Bauantrag-Portal");
    expect(mail?.text).toContain("60 Minuten gültig");
    const token = tokenOf(mail!);
    // Only the hash is stored.
    expect(await db().passwordResetToken.count({ where: { id: token } })).toBe(0);
    const row = await db().passwordResetToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(59 * 60_000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(60 * 60_000 + 1000);

    expect(await validResetToken(token)).toMatchObject({ email: user.email });
    // Not valid an hour later.
    expect(await validResetToken(token, new Date(Date.now() + 61 * 60_000))).toBeNull();
    expect(await resetPassword(token, NEW, meta, new Date(Date.now() + 61 * 60_000))).toEqual({
      ok: false,
      message: RESET_LINK_INVALID_MESSAGE,
    });

    expect(await resetPassword(token, NEW, meta)).toEqual({ ok: true, userId: user.id });
    expect(await resolveSessionToken(other.token)).toBeNull();
    expect((await loginWith(user.email, OLD)).ok).toBe(false);
    expect((await loginWith(user.email, NEW)).ok).toBe(true);
    // Single use.
    expect(await validResetToken(token)).toBeNull();
    expect(await resetPassword(token, "Noch ein anderes Passwort 99", meta)).toEqual({
      ok: false,
      message: RESET_LINK_INVALID_MESSAGE,
    });
    const kinds = (
      await db().securityEvent.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } })
    ).map((e) => [e.kind, e.ipPrefix, e.userAgentFamily]);
    expect(kinds).toContainEqual(["PASSWORD_RESET_REQUESTED", "203.0.113.0/24", "Firefox unter Linux"]);
    expect(kinds).toContainEqual(["PASSWORD_RESET", "203.0.113.0/24", "Firefox unter Linux"]);
  });

  it("lets only one of two concurrent submissions of the same link through, and voids older links", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: await hashPassword(OLD) });
    const l = limiters();
    await ask(user.email, meta, l);
    await ask(user.email, meta, l);
    const [first, second] = (await mailsTo(user.email)).map(tokenOf);
    const results = await Promise.all([
      resetPassword(second!, "Erstes neues Passwort 2026", meta),
      resetPassword(second!, "Zweites neues Passwort 2026", meta),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await validResetToken(first!)).toBeNull();
  });

  it("is rate limited: per address with a German message, per account silently", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: await hashPassword(OLD) });
    const l = limiters();
    for (let i = 0; i < RESET_MAILS_PER_ACCOUNT_AND_HOUR + 2; i++) {
      expect(await ask(user.email, meta, l)).toEqual({ ok: true });
    }
    expect(await mailsTo(user.email)).toHaveLength(RESET_MAILS_PER_ACCOUNT_AND_HOUR);
    for (let i = RESET_MAILS_PER_ACCOUNT_AND_HOUR + 2; i < RESET_REQUESTS_PER_IP_AND_HOUR; i++) {
      expect((await ask(`x${i}-${user.email}`, meta, l)).ok).toBe(true);
    }
    const blocked = await ask(user.email, meta, l);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok)
      expect(blocked.message).toMatch(
        /^Von Ihrem Anschluss wurden zu viele Links .* in 60 Minuten erneut\.$/,
      );
    // Another address is not affected.
    expect(await ask(user.email, { ...meta, ip: "198.51.100.1" }, l)).toEqual({ ok: true });
  });

  it("sends nothing for a disabled account", async () => {
    const user = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await hashPassword(OLD),
      disabled: true,
    });
    expect(await ask(user.email, meta, limiters())).toEqual({ ok: true });
    expect(await mailsTo(user.email)).toEqual([]);
  });
});
