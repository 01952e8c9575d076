import { afterAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./verwaltung.konten._index";
import { loader as historyLoader } from "./verwaltung.konten.$id";

/** The admin's account pages: only the own authority's accounts, only for admins. */

afterAll(async () => {
  await db().$disconnect();
});

const asUser = (u: { id: string }) => u as unknown as SessionUser;

async function setUp() {
  const tenant = await createTestTenant("konten");
  const other = await createTestTenant("konten-other");
  const admin = await createTestUser({ roles: ["ADMIN"], authorityId: tenant.id });
  const clerk = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id });
  const foreignAdmin = await createTestUser({ roles: ["ADMIN"], authorityId: other.id });
  await db().user.update({
    where: { id: clerk.id },
    data: { totpSecretEnc: "x", totpEnabledAt: new Date() },
  });
  return { tenant, admin, clerk, foreignAdmin };
}

describe("/verwaltung/konten", () => {
  it("lists the own authority's accounts to its admin, refuses clerks and anonymous visitors", async () => {
    const { admin, clerk, foreignAdmin } = await setUp();
    const own = await loadRoute(loader, asUser(admin), "/verwaltung/konten");
    expect(own.status).toBe(200);
    const emails = (own.data as { users: { email: string; totp: boolean }[] }).users.map((u) => [
      u.email,
      u.totp,
    ]);
    expect(emails).toContainEqual([clerk.email, true]);
    const foreign = await loadRoute(loader, asUser(foreignAdmin), "/verwaltung/konten");
    expect((foreign.data as { users: { email: string }[] }).users.map((u) => u.email)).not.toContain(
      clerk.email,
    );
    expect((await loadRoute(loader, asUser(clerk), "/verwaltung/konten")).status).toBe(403);
    expect((await loadRoute(loader, null, "/verwaltung/konten")).location).toMatch(/^\/anmelden/);
  });

  it("shows a staff member's history only to the admin of the same authority", async () => {
    const { admin, clerk, foreignAdmin } = await setUp();
    const path = `/verwaltung/konten/${clerk.id}`;
    expect((await loadRoute(historyLoader, asUser(admin), path, { id: clerk.id })).status).toBe(200);
    expect((await loadRoute(historyLoader, asUser(foreignAdmin), path, { id: clerk.id })).status).toBe(404);
    expect((await loadRoute(historyLoader, asUser(clerk), path, { id: clerk.id })).status).toBe(403);
  });

  it("resets a factor only within the own authority and switches the requirement", async () => {
    const { tenant, admin, clerk, foreignAdmin } = await setUp();
    const reset = new URLSearchParams({ intent: "reset-totp", userId: clerk.id });
    const refused = await postRoute(action, asUser(foreignAdmin), "/verwaltung/konten", reset);
    expect(refused.data).toEqual({ ok: false, message: "Dieses Konto gehört nicht zu Ihrer Behörde." });
    expect((await db().user.findUniqueOrThrow({ where: { id: clerk.id } })).totpEnabledAt).not.toBeNull();
    expect((await postRoute(action, asUser(clerk), "/verwaltung/konten", reset)).status).toBe(403);

    const done = await postRoute(action, asUser(admin), "/verwaltung/konten", reset);
    expect((done.data as { ok: boolean }).ok).toBe(true);
    expect((await db().user.findUniqueOrThrow({ where: { id: clerk.id } })).totpEnabledAt).toBeNull();

    const on = new URLSearchParams({ intent: "require-totp", required: "on" });
    expect((await postRoute(action, asUser(admin), "/verwaltung/konten", on)).status).toBe(200);
    expect((await db().authority.findUniqueOrThrow({ where: { id: tenant.id } })).staffTotpRequired).toBe(
      true,
    );
    const events = await db().securityEvent.findMany({ where: { userId: admin.id }, select: { kind: true } });
    expect(events.map((e) => e.kind)).toContain("STAFF_TOTP_REQUIRED_ON");
  });

  it("creates a staff account of the own authority without a password and mails a link to set one", async () => {
    const { tenant, admin, clerk } = await setUp();
    const email = `neu-${Date.now()}@kreis.test.invalid`;
    const form = new URLSearchParams({
      intent: "create",
      displayName: "Neue Kollegin",
      email: email.toUpperCase(),
      role: "CLERK",
    });
    expect((await postRoute(action, asUser(clerk), "/verwaltung/konten", form)).status).toBe(403);
    const done = await postRoute(action, asUser(admin), "/verwaltung/konten", form);
    expect((done.data as { ok: boolean }).ok).toBe(true);
    const created = await db().user.findUniqueOrThrow({ where: { email } });
    expect([created.roles, created.authorityId, created.passwordHash]).toEqual([["CLERK"], tenant.id, null]);
    const event = await db().securityEvent.findFirstOrThrow({ where: { userId: created.id } });
    expect([event.kind, event.actorId]).toEqual(["ACCOUNT_CREATED_BY_ADMIN", admin.id]);
    const mail = await db().outboxMessage.findFirstOrThrow({
      where: { jobName: "system.send-email", payload: { path: ["to"], equals: email } },
    });
    const payload = mail.payload as { subject: string; text: string };
    expect(payload.subject).toBe("Ihr Zugang zum Bauantrag-Portal");
    const token = /\/passwort-neu\/([A-Za-z0-9_-]{43})/.exec(payload.text)?.[1];
    const { validResetToken } = await import("~/models/password-reset.server");
    expect(await validResetToken(token ?? "")).toMatchObject({ email });

    const again = await postRoute(action, asUser(admin), "/verwaltung/konten", form);
    expect((again.data as { ok: boolean }).ok).toBe(false);
    const bad = new URLSearchParams({
      intent: "create",
      displayName: "X Y",
      email: "kein-at",
      role: "APPLICANT",
    });
    expect(await postRoute(action, asUser(admin), "/verwaltung/konten", bad)).toMatchObject({
      data: {
        ok: false,
        message: "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@behoerde.de.",
      },
    });
    const applicantRole = new URLSearchParams({
      intent: "create",
      displayName: "X Y",
      email: `a-${email}`,
      role: "APPLICANT",
    });
    expect(
      ((await postRoute(action, asUser(admin), "/verwaltung/konten", applicantRole)).data as { ok: boolean })
        .ok,
    ).toBe(false);
  });
});
