import { describe, expect, it } from "vitest";
import { authenticateToken, recordApiCall } from "~/models/api-client.server";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./verwaltung.api";

const PATH = "/verwaltung/api";

type Page = {
  clients: { id: string; name: string; scopes: string[]; keyPrefix: string; revokedAt: string | null }[];
  log: { clientName: string; status: number; path: string }[];
  nextBefore: string | null;
};
type Result = { ok: boolean; kind?: string; token?: string; message?: string; field?: string };

function form(fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return body;
}

describe("/verwaltung/api", () => {
  it("the admin creates a client (key shown once, stored only hashed), rotates and revokes it; history recorded", async () => {
    const d = await createTestDistrict("api-admin");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const created = await postRoute(
      action,
      admin,
      PATH,
      form({ intent: "create", name: "  Fachverfahren ProBauG  ", scopes: ["cases:read", "messages:read"] }),
    );
    const r = created.data as Result;
    expect(r).toMatchObject({ ok: true, kind: "created" });
    expect(r.token).toMatch(/^bau_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const client = await authenticateToken(r.token!);
    expect(client).toMatchObject({ authorityId: d.authority.id, name: "Fachverfahren ProBauG" });
    expect(client!.scopes).toEqual(["cases:read", "messages:read"]);
    const row = await db().apiClient.findUniqueOrThrow({ where: { id: client!.id } });
    expect(JSON.stringify(row)).not.toContain(r.token!.slice(22));

    // The loader never carries a key, only its public prefix.
    const page = (await loadRoute(loader, admin, PATH)).data as Page;
    expect(JSON.stringify(page)).not.toContain(r.token!.slice(22));
    expect(page.clients[0]).toMatchObject({
      name: "Fachverfahren ProBauG",
      keyPrefix: `${r.token!.slice(0, 21)}…`,
    });

    const rotated = (await postRoute(action, admin, PATH, form({ intent: "rotate", clientId: client!.id })))
      .data as Result;
    expect(rotated).toMatchObject({ ok: true, kind: "rotated" });
    expect(await authenticateToken(r.token!)).toBeNull();
    expect(await authenticateToken(rotated.token!)).not.toBeNull();

    const unconfirmed = (
      await postRoute(action, admin, PATH, form({ intent: "revoke", clientId: client!.id }))
    ).data as Result;
    expect(unconfirmed.ok).toBe(false);
    expect(await authenticateToken(rotated.token!)).not.toBeNull();
    const revoked = (
      await postRoute(action, admin, PATH, form({ intent: "revoke", clientId: client!.id, bestaetigt: "ja" }))
    ).data as Result;
    expect(revoked).toMatchObject({ ok: true, kind: "revoked" });
    expect(await authenticateToken(rotated.token!)).toBeNull();
    const again = (await postRoute(action, admin, PATH, form({ intent: "rotate", clientId: client!.id })))
      .data as Result;
    expect(again.ok).toBe(false);

    const kinds = await db().securityEvent.findMany({
      where: { userId: admin.id, kind: { startsWith: "API_CLIENT_" } },
      orderBy: { createdAt: "asc" },
      select: { kind: true, authorityId: true, subject: true, method: true },
    });
    // The client's name is what the event concerns, not a sign-in method.
    expect(kinds.every((k) => k.subject === client!.name && k.method === null)).toBe(true);
    expect(kinds.map((k) => k.kind)).toEqual([
      "API_CLIENT_CREATED",
      "API_CLIENT_ROTATED",
      "API_CLIENT_REVOKED",
    ]);
    expect(kinds.every((k) => k.authorityId === d.authority.id)).toBe(true);
  });

  it("refuses bad input with German messages and creates nothing", async () => {
    const d = await createTestDistrict("api-admin-bad");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const cases: [Record<string, string | string[]>, string][] = [
      [{ intent: "create", name: "", scopes: ["cases:read"] }, "name"],
      [{ intent: "create", name: "x".repeat(81), scopes: ["cases:read"] }, "name"],
      [{ intent: "create", name: "Bell\u0007", scopes: ["cases:read"] }, "name"],
      [{ intent: "create", name: "Ohne Rechte" }, "scopes"],
      [{ intent: "create", name: "Admin", scopes: ["admin:all"] }, "scopes"],
    ];
    for (const [fields, field] of cases) {
      const r = (await postRoute(action, admin, PATH, form(fields))).data as Result;
      expect(r.ok, JSON.stringify(fields)).toBe(false);
      expect(r.field).toBe(field);
      expect(r.message).toMatch(/[äöüÄÖÜß]|Bitte|Name|Berechtigung/);
    }
    expect(await db().apiClient.count({ where: { authorityId: d.authority.id } })).toBe(0);
  });

  it("only the authority's admin: a clerk is refused, another authority's admin sees and touches nothing of it", async () => {
    const d = await createTestDistrict("api-admin-a");
    const other = await createTestDistrict("api-admin-b");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    const otherAdmin = await sessionUser({ roles: ["ADMIN"], authorityId: other.authority.id });
    const created = (
      await postRoute(
        action,
        admin,
        PATH,
        form({ intent: "create", name: "DMS", scopes: ["documents:read"] }),
      )
    ).data as Result;
    const client = (await authenticateToken(created.token!))!;
    await recordApiCall({
      clientId: client.id,
      authorityId: d.authority.id,
      method: "GET",
      path: "/api/v1/cases",
      status: 200,
      durationMs: 12,
    });

    expect((await loadRoute(loader, clerk, PATH)).status).toBe(403);
    expect(
      (await postRoute(action, clerk, PATH, form({ intent: "create", name: "X", scopes: ["cases:read"] })))
        .status,
    ).toBe(403);
    expect((await loadRoute(loader, null, PATH)).status).toBe(302);

    const foreignPage = (await loadRoute(loader, otherAdmin, PATH)).data as Page;
    expect(foreignPage.clients).toEqual([]);
    expect(foreignPage.log).toEqual([]);
    for (const intent of ["rotate", "revoke"]) {
      const r = (
        await postRoute(action, otherAdmin, PATH, form({ intent, clientId: client.id, bestaetigt: "ja" }))
      ).data as Result;
      expect(r.ok).toBe(false);
    }
    expect(await authenticateToken(created.token!)).not.toBeNull();

    const own = (await loadRoute(loader, admin, PATH)).data as Page;
    expect(own.log).toEqual([
      expect.objectContaining({ clientName: "DMS", status: 200, path: "/api/v1/cases" }),
    ]);
  });

  it("pages the call log backwards without repeating a line", async () => {
    const d = await createTestDistrict("api-admin-log");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const created = (
      await postRoute(action, admin, PATH, form({ intent: "create", name: "GIS", scopes: ["cases:read"] }))
    ).data as Result;
    const client = (await authenticateToken(created.token!))!;
    for (let i = 0; i < 60; i++) {
      await recordApiCall({
        clientId: client.id,
        authorityId: d.authority.id,
        method: "GET",
        path: `/api/v1/cases?n=${i}`,
        status: 200,
        durationMs: i,
      });
    }
    const first = (await loadRoute(loader, admin, PATH)).data as Page;
    expect(first.log).toHaveLength(50);
    expect(first.nextBefore).not.toBeNull();
    const second = (await loadRoute(loader, admin, `${PATH}?vor=${first.nextBefore}`)).data as Page;
    expect(second.log).toHaveLength(10);
    expect(second.nextBefore).toBeNull();
    const paths = [...first.log, ...second.log].map((l) => l.path);
    expect(new Set(paths).size).toBe(60);
  });
});
