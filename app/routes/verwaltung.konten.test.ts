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
});
