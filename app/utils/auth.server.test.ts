import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DISABLED_MESSAGE,
  hashPassword,
  INVALID_CREDENTIALS_MESSAGE,
  login,
  requireUser,
  safeRedirect,
  verifyPassword,
} from "./auth.server";
import { db } from "./db.server";
import { createLoginLimiter } from "./rate-limit.server";
import { createRedis } from "./redis.server";
import { getSession } from "./session.server";
import { createTestUser } from "./test-tenant.server";

let redis: Redis;
const PASSWORD = "Richtig-Geheim-2026";
let hashed: string;

beforeAll(async () => {
  redis = createRedis({ connectionName: "bauantrag-test-auth" });
  hashed = await hashPassword(PASSWORD);
});
afterAll(async () => {
  await redis.quit();
  await db().$disconnect();
});

const limiter = (maxAttempts = 5) =>
  createLoginLimiter(redis, {
    prefix: `test:${randomUUID()}`,
    maxAttempts,
    backoffSeconds: 60,
    windowSeconds: 600,
    ipMaxAttempts: 50,
  });

const attempt = (email: string, password: string, l = limiter()) =>
  login({ email, password, ip: "127.0.0.1", userAgent: "vitest" }, l);

describe("password hashing", () => {
  it("uses argon2id with a random salt and verifies only the right password", async () => {
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword(PASSWORD)).not.toBe(hashed);
    expect(await verifyPassword(hashed, PASSWORD)).toBe(true);
    expect(await verifyPassword(hashed, `${PASSWORD} `)).toBe(false);
    expect(await verifyPassword("not-a-hash", PASSWORD)).toBe(false);
  });
});

describe("login", () => {
  it("creates a session for the right password, case-insensitive e-mail", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: hashed });
    const result = await attempt(user.email.toUpperCase(), PASSWORD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const request = new Request("http://localhost/", {
      headers: { Cookie: result.setCookie.split(";")[0]! },
    });
    expect((await getSession(request))?.user.id).toBe(user.id);
  });

  it("wrong password and unknown e-mail give the identical German message", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: hashed });
    const wrong = await attempt(user.email, "falsch");
    const unknown = await attempt(`nobody-${randomUUID()}@test.bauantrag.invalid`, "falsch");
    expect(wrong).toEqual({ ok: false, message: INVALID_CREDENTIALS_MESSAGE });
    expect(unknown).toEqual({ ok: false, message: INVALID_CREDENTIALS_MESSAGE });
    expect(INVALID_CREDENTIALS_MESSAGE).toBe("E-Mail-Adresse oder Passwort ist falsch.");
  });

  it("a user without a password (external identity only) cannot log in with one", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: null });
    expect(await attempt(user.email, "")).toEqual({ ok: false, message: INVALID_CREDENTIALS_MESSAGE });
  });

  it("disabled users cannot log in; the wrong password does not reveal that they are disabled", async () => {
    const user = await createTestUser({ roles: ["CLERK"], passwordHash: hashed, disabled: true });
    expect(await attempt(user.email, PASSWORD)).toEqual({ ok: false, message: DISABLED_MESSAGE });
    expect(await attempt(user.email, "falsch")).toEqual({ ok: false, message: INVALID_CREDENTIALS_MESSAGE });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("after too many failures even the right password is refused with the waiting time", async () => {
    const user = await createTestUser({ roles: ["APPLICANT"], passwordHash: hashed });
    const l = limiter(3);
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, "falsch", l)).ok).toBe(false);
    const blocked = await attempt(user.email, PASSWORD, l);
    expect(blocked).toEqual({
      ok: false,
      message: "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 1 Minute erneut.",
    });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("of 25 parallel wrong guesses at most the limit reach the password check; the owner elsewhere still logs in", async () => {
    const user = await createTestUser({ roles: ["CLERK"], passwordHash: hashed });
    const l = limiter(5);
    const guesses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        login({ email: user.email, password: `falsch-${i}`, ip: "203.0.113.66", userAgent: "attacker" }, l),
      ),
    );
    const checked = guesses.filter((g) => !g.ok && g.message === INVALID_CREDENTIALS_MESSAGE);
    const throttled = guesses.filter((g) => !g.ok && g.message.startsWith("Zu viele Anmeldeversuche"));
    expect(checked).toHaveLength(5);
    expect(throttled).toHaveLength(20);
    // The real owner, from the office's address, is not locked out by the attacker's guesses.
    const owner = await login(
      { email: user.email, password: PASSWORD, ip: "198.51.100.23", userAgent: "owner" },
      l,
    );
    expect(owner.ok).toBe(true);
  });
});

describe("requireUser and safeRedirect", () => {
  it("redirects to the login page and remembers where the user wanted to go", async () => {
    const thrown = await requireUser(new Request("http://localhost/behoerde/faelle/abc?tab=verlauf")).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(
      "/anmelden?redirectTo=%2Fbehoerde%2Ffaelle%2Fabc%3Ftab%3Dverlauf",
    );
  });

  it.each([
    ["/antraege", "/antraege"],
    ["/antraege?x=1#y", "/antraege?x=1#y"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["/%5Cevil", "/"],
    ["/%5cevil.example", "/"],
    ["/%2F%2Fevil.example", "/"],
    ["/%255Cevil", "/"],
    ["/\t/evil.example", "/"],
    ["https:/evil.example", "/"],
    ["/antraege/%C3%A4nderung", "/antraege/%C3%A4nderung"],
    ["javascript:alert(1)", "/"],
    ["antraege", "/"],
    ["/a\nb", "/"],
    ["", "/"],
    [null, "/"],
  ])("safeRedirect(%j) = %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });
});
