import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "./db.server";
import {
  createSession,
  deleteExpiredSessions,
  destroySession,
  getSession,
  hashToken,
  resolveSessionToken,
  SESSION_COOKIE_NAME,
  sessionCookie,
} from "./session.server";
import { createTestTenant, createTestUser } from "./test-tenant.server";

let tenant: Awaited<ReturnType<typeof createTestTenant>>;
let user: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  tenant = await createTestTenant("session");
  user = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id, displayName: "Sina Session" });
});

afterAll(async () => {
  await db().$disconnect();
});

function requestWithCookie(setCookie: string): Request {
  const pair = setCookie.split(";")[0]!;
  return new Request("http://localhost/", { headers: { Cookie: pair } });
}

describe("sessions in PostgreSQL", () => {
  it("stores only the sha256 of the token and resolves the user from the cookie", async () => {
    const s = await createSession(user.id, { ip: "127.0.0.1", userAgent: "vitest" });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(s.sessionId).toBe(hashToken(s.token));
    const row = await db().session.findUnique({ where: { id: s.sessionId } });
    expect(row?.userId).toBe(user.id);
    expect(await db().session.findUnique({ where: { id: s.token } })).toBeNull();

    expect(s.cookie).toContain(`${SESSION_COOKIE_NAME}=`);
    expect(s.cookie).toContain("HttpOnly");
    expect(s.cookie).toContain("SameSite=Lax");
    expect(s.cookie).toContain("Path=/");
    expect(s.cookie).not.toContain(s.token); // signed and encoded, not the bare token

    const resolved = await getSession(requestWithCookie(s.cookie));
    expect(resolved?.user.id).toBe(user.id);
    expect(resolved?.user.displayName).toBe("Sina Session");
    expect(resolved?.user.authority?.id).toBe(tenant.id);
    expect(resolved?.user).not.toHaveProperty("passwordHash");
  });

  it("rejects a tampered cookie signature", async () => {
    const s = await createSession(user.id);
    const forged = `${SESSION_COOKIE_NAME}=${encodeURIComponent(btoa(JSON.stringify(s.token)))}.AAAA`;
    expect(await getSession(new Request("http://localhost/", { headers: { Cookie: forged } }))).toBeNull();
    expect(await sessionCookie().parse(forged)).toBeNull();
  });

  it("an expired session resolves to nothing and is cleaned up by deleteExpiredSessions", async () => {
    const s = await createSession(user.id);
    await db().session.update({
      where: { id: s.sessionId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await resolveSessionToken(s.token)).toBeNull();
    expect(await deleteExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await db().session.findUnique({ where: { id: s.sessionId } })).toBeNull();
  });

  it("slides: activity after a minute moves lastSeenAt and expiresAt forward", async () => {
    const s = await createSession(user.id);
    const before = await db().session.findUniqueOrThrow({ where: { id: s.sessionId } });
    // Within the touch interval nothing is written.
    await resolveSessionToken(s.token, new Date(before.lastSeenAt.getTime() + 10_000));
    const unchanged = await db().session.findUniqueOrThrow({ where: { id: s.sessionId } });
    expect(unchanged.lastSeenAt.getTime()).toBe(before.lastSeenAt.getTime());

    const later = new Date(before.lastSeenAt.getTime() + 30 * 60_000);
    expect((await resolveSessionToken(s.token, later))?.user.id).toBe(user.id);
    const after = await db().session.findUniqueOrThrow({ where: { id: s.sessionId } });
    expect(after.lastSeenAt.getTime()).toBe(later.getTime());
    expect(after.expiresAt.getTime()).toBeGreaterThan(before.expiresAt.getTime());
  });

  it("an idle session past its TTL is gone even if it was valid before", async () => {
    const s = await createSession(user.id);
    const row = await db().session.findUniqueOrThrow({ where: { id: s.sessionId } });
    expect(await resolveSessionToken(s.token, new Date(row.expiresAt.getTime() + 1))).toBeNull();
  });

  it("a disabled user's sessions stop working at once", async () => {
    const other = await createTestUser({ roles: ["APPLICANT"] });
    const s = await createSession(other.id);
    expect(await resolveSessionToken(s.token)).not.toBeNull();
    await db().user.update({ where: { id: other.id }, data: { disabledAt: new Date() } });
    expect(await resolveSessionToken(s.token)).toBeNull();
  });

  it("logout deletes the row and clears the cookie", async () => {
    const s = await createSession(user.id);
    const request = requestWithCookie(s.cookie);
    const cleared = await destroySession(request);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect(await db().session.findUnique({ where: { id: s.sessionId } })).toBeNull();
    expect(await getSession(request)).toBeNull();
  });

  it("no cookie or garbage means no session", async () => {
    expect(await getSession(new Request("http://localhost/"))).toBeNull();
    expect(
      await getSession(
        new Request("http://localhost/", { headers: { Cookie: `${SESSION_COOKIE_NAME}=garbage` } }),
      ),
    ).toBeNull();
    expect(await resolveSessionToken("x".repeat(43))).toBeNull();
  });
});
