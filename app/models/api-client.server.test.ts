import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import {
  authenticateToken,
  createApiClient,
  parseClientInput,
  revokeApiClient,
  touchLastUsed,
} from "./api-client.server";

async function admin(label: string) {
  const d = await createTestDistrict(label);
  const u = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
  return { id: u.id, authorityId: d.authority.id };
}

describe("API client model", () => {
  it("keys are unique, high-entropy and stored only as SHA-256; a changed character is refused", async () => {
    const a = await admin("api-model");
    const tokens = await Promise.all(
      [1, 2, 3].map((i) => createApiClient(a, { name: `Zugang ${i}`, scopes: ["cases:read"] })),
    );
    expect(new Set(tokens.map((t) => t.token)).size).toBe(3);
    for (const { id, token } of tokens) {
      const row = await db().apiClient.findUniqueOrThrow({ where: { id } });
      expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.secretHash).not.toBe(token.slice(22));
      expect(await authenticateToken(token)).toMatchObject({ id, authorityId: a.authorityId });
      const last = token.at(-1) === "A" ? "B" : "A";
      expect(await authenticateToken(`${token.slice(0, -1)}${last}`)).toBeNull();
      expect(await authenticateToken(`${token} `)).toBeNull();
      expect(await authenticateToken(token.toUpperCase())).toBeNull();
    }
  });

  it("a revoked client never authenticates again and cannot be revoked twice", async () => {
    const a = await admin("api-model-revoke");
    const c = await createApiClient(a, { name: "Alt", scopes: ["messages:read"] });
    expect(await revokeApiClient(a, c.id)).toBe(true);
    expect(await revokeApiClient(a, c.id)).toBe(false);
    expect(await authenticateToken(c.token)).toBeNull();
  });

  it("last use is written at most once a minute", async () => {
    const a = await admin("api-model-touch");
    const c = await createApiClient(a, { name: "Touch", scopes: ["cases:read"] });
    const t0 = new Date("2026-12-06T08:00:00Z");
    await touchLastUsed(c.id, t0);
    await touchLastUsed(c.id, new Date(t0.getTime() + 30_000));
    expect((await db().apiClient.findUniqueOrThrow({ where: { id: c.id } })).lastUsedAt).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await touchLastUsed(c.id, t2);
    expect((await db().apiClient.findUniqueOrThrow({ where: { id: c.id } })).lastUsedAt).toEqual(t2);
  });

  it("validates the admin's input: trimmed name, known scopes in catalogue order, duplicates dropped", () => {
    expect(parseClientInput("  GIS  ", ["messages:read", "cases:read", "cases:read"])).toEqual({
      ok: true,
      name: "GIS",
      scopes: ["cases:read", "messages:read"],
    });
    expect(parseClientInput(null, ["cases:read"])).toMatchObject({ ok: false, field: "name" });
    expect(parseClientInput("Tab\tName", ["cases:read"])).toMatchObject({ ok: false, field: "name" });
    expect(parseClientInput("X", [])).toMatchObject({ ok: false, field: "scopes" });
    expect(parseClientInput("X", ["cases:read", "__proto__"])).toMatchObject({ ok: false, field: "scopes" });
  });
});
