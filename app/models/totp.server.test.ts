import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, login, secondFactorStep } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import {
  CHALLENGE_MAX_ATTEMPTS,
  consumeChallenge,
  createChallenge,
  failChallenge,
} from "~/utils/login-challenge.server";
import { createLoginLimiter } from "~/utils/rate-limit.server";
import { createRedis } from "~/utils/redis.server";
import { createSession, resolveSessionToken } from "~/utils/session.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import {
  confirmEnrollment,
  disableTotp,
  ENROLLMENT_EXPIRED_MESSAGE,
  RECOVERY_CODE_COUNT,
  resetTotpByAdmin,
  startEnrollment,
  TOTP_REQUIRED_MESSAGE,
  verifySecondFactor,
  WRONG_CODE_MESSAGE,
} from "./totp.server";

let redis: Redis;
const PASSWORD = "Zwei-Faktor-Test-2026!";
const meta = {
  ip: "2001:db8:1234:5678::1",
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36",
};

beforeAll(() => {
  redis = createRedis({ connectionName: "bauantrag-test-totp" });
});
afterAll(async () => {
  await redis.quit();
  await db().$disconnect();
});

const code = (secret: string, at = Date.now()) =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    timestamp: at,
  });

async function enrolled(roles: ("CLERK" | "ADMIN" | "APPLICANT")[], authorityId: string | null = null) {
  const user = await createTestUser({ roles, authorityId, passwordHash: await hashPassword(PASSWORD) });
  const enrollment = await startEnrollment(user);
  const t0 = Date.now() - 30_000;
  const result = await confirmEnrollment(user.id, enrollment.sealed, code(enrollment.secret, t0), meta, t0);
  if (!result.ok) throw new Error(result.message);
  return { user, secret: enrollment.secret, recoveryCodes: result.recoveryCodes };
}

describe("TOTP enrollment", () => {
  it("stores the secret only after a right first code, encrypted, with hashed single-use recovery codes", async () => {
    const user = await createTestUser({ roles: ["CLERK"], passwordHash: await hashPassword(PASSWORD) });
    const enrollment = await startEnrollment(user);
    expect(enrollment.uri).toMatch(/^otpauth:\/\/totp\/Bauantrag:.*secret=[A-Z2-7]+/);
    expect(enrollment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(await confirmEnrollment(user.id, enrollment.sealed, "000000", meta)).toEqual({
      ok: false,
      message: WRONG_CODE_MESSAGE,
    });
    // A sealed enrollment of someone else, or a tampered one, is refused.
    const other = await createTestUser({ roles: ["CLERK"] });
    expect(await confirmEnrollment(other.id, enrollment.sealed, code(enrollment.secret), meta)).toEqual({
      ok: false,
      message: ENROLLMENT_EXPIRED_MESSAGE,
    });
    expect(
      (await confirmEnrollment(user.id, `${enrollment.sealed}x`, code(enrollment.secret), meta)).ok,
    ).toBe(false);
    // Expired after 15 minutes.
    const late = Date.now() + 16 * 60_000;
    expect(
      (await confirmEnrollment(user.id, enrollment.sealed, code(enrollment.secret, late), meta, late)).ok,
    ).toBe(false);

    const result = await confirmEnrollment(user.id, enrollment.sealed, code(enrollment.secret), meta);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpEnabledAt).not.toBeNull();
    expect(row.totpSecretEnc).not.toContain(enrollment.secret);
    const hashes = await db().recoveryCode.findMany({ where: { userId: user.id } });
    expect(hashes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(hashes.every((h) => h.codeHash.startsWith("$argon2id$"))).toBe(true);
    const events = await db().securityEvent.findMany({ where: { userId: user.id } });
    expect(events.map((e) => [e.kind, e.ipPrefix, e.userAgentFamily])).toEqual([
      ["TOTP_ENABLED", "2001:db8:1234::/48", "Chrome unter Windows"],
    ]);
  });
});

describe("sign-in with the second factor", () => {
  const limiter = () =>
    createLoginLimiter(redis, { prefix: `test:${randomUUID()}`, maxAttempts: 50, ipMaxAttempts: 500 });

  it("creates no session after the password alone; a code is accepted once, a recovery code once", async () => {
    const { user, secret, recoveryCodes } = await enrolled(["CLERK"]);
    const before = await db().session.count({ where: { userId: user.id } });
    const result = await login({ email: user.email, password: PASSWORD, ...meta }, limiter());
    expect(result).toMatchObject({ ok: true, next: "second-factor" });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(before);

    const now = code(secret);
    expect(await verifySecondFactor(user.id, "123456", meta)).toEqual({ ok: false });
    expect(await verifySecondFactor(user.id, now, meta)).toEqual({ ok: true, method: "totp" });
    // Replay of the same code (or concurrently) is refused.
    expect(await verifySecondFactor(user.id, now, meta)).toEqual({ ok: false });
    const next = code(secret, Date.now() + 30_000);
    const both = await Promise.all([
      verifySecondFactor(user.id, next, meta),
      verifySecondFactor(user.id, next, meta),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);

    const recovery = recoveryCodes[0]!;
    expect(await verifySecondFactor(user.id, recovery.toLowerCase(), meta)).toEqual({
      ok: true,
      method: "recovery",
    });
    expect(await verifySecondFactor(user.id, recovery, meta)).toEqual({ ok: false });
    expect(await verifySecondFactor(user.id, "ABCDE-FGHJK", meta)).toEqual({ ok: false });
  });

  it("requires set-up for clerks and admins of an authority that requires it, not for applicants", async () => {
    const tenant = await createTestTenant("totp");
    await db().authority.update({ where: { id: tenant.id }, data: { staffTotpRequired: true } });
    const clerk = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id });
    const agency = await createTestUser({ roles: ["AGENCY"], authorityId: tenant.id });
    const applicant = await createTestUser({ roles: ["APPLICANT"] });
    expect(await secondFactorStep(clerk.id)).toBe("enroll");
    expect(await secondFactorStep(agency.id)).toBeNull();
    expect(await secondFactorStep(applicant.id)).toBeNull();
    const { user } = await enrolled(["ADMIN"], tenant.id);
    expect(await secondFactorStep(user.id)).toBe("verify");
    // Required: the person cannot switch it off.
    expect(await disableTotp(user.id, meta)).toEqual({ ok: false, message: TOTP_REQUIRED_MESSAGE });
  });

  it("ends a challenge after too many wrong codes and uses a challenge up once", async () => {
    const cookie = await createChallenge(
      { userId: randomUUID(), method: "password", mode: "verify", redirectTo: "/" },
      redis,
    );
    const token = decodeURIComponent(/=([^;]+)/.exec(cookie)![1]!);
    // The cookie value is signed: "<base64 JSON>.<signature>".
    const raw = JSON.parse(Buffer.from(token.split(".")[0]!, "base64").toString("utf8")) as string;
    for (let i = 1; i < CHALLENGE_MAX_ATTEMPTS; i++) expect(await failChallenge(raw, redis)).toBe(true);
    expect(await failChallenge(raw, redis)).toBe(false);
    expect(await consumeChallenge(raw, redis)).toBeNull();
  });
});

describe("reset by the authority's admin", () => {
  it("only for accounts of the admin's own authority; ends the sessions and is recorded with the admin", async () => {
    const tenant = await createTestTenant("totp-reset");
    const otherTenant = await createTestTenant("totp-other");
    const admin = await createTestUser({ roles: ["ADMIN"], authorityId: tenant.id });
    const foreignAdmin = await createTestUser({ roles: ["ADMIN"], authorityId: otherTenant.id });
    const { user } = await enrolled(["CLERK"], tenant.id);
    const session = await createSession(user.id, meta);

    expect(await resetTotpByAdmin({ id: foreignAdmin.id, authorityId: otherTenant.id }, user.id, meta)).toBe(
      false,
    );
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();

    expect(await resetTotpByAdmin({ id: admin.id, authorityId: tenant.id }, user.id, meta)).toBe(true);
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect([row.totpEnabledAt, row.totpSecretEnc]).toEqual([null, null]);
    expect(await db().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await resolveSessionToken(session.token)).toBeNull();
    const event = await db().securityEvent.findFirstOrThrow({
      where: { userId: user.id, kind: "TOTP_RESET_BY_ADMIN" },
    });
    expect(event.actorId).toBe(admin.id);
    expect(event.authorityId).toBe(tenant.id);
  });
});
