import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./verwaltung.xbau";

describe("/verwaltung/xbau", () => {
  it("the admin sees and saves the Kennungen of the own authority and its Gemeinde; a bad one comes back in German with the input kept", async () => {
    const d = await createTestDistrict("xbau-route");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const page = await loadRoute(loader, admin, "/verwaltung/xbau");
    expect(page.status).toBe(200);
    const rows = (page.data as { rows: { id: string; own: boolean }[] }).rows;
    expect(rows.map((r) => r.id)).toEqual([d.authority.id, d.gemeinde.id]);

    const code = String(randomInt(1, 2 ** 47));
    const form = new FormData();
    form.append("id", d.authority.id);
    form.append(`prefix-${d.authority.id}`, "tst");
    form.append(`code-${d.authority.id}`, code);
    form.append(`name-${d.authority.id}`, "Bauaufsicht Test");
    form.append("id", d.gemeinde.id);
    form.append(`prefix-${d.gemeinde.id}`, "Tst");
    form.append(`code-${d.gemeinde.id}`, "1");
    form.append(`name-${d.gemeinde.id}`, "");
    const refused = await postRoute(action, admin, "/verwaltung/xbau", form);
    expect(refused.status).toBe(200);
    expect(refused.data).toMatchObject({
      ok: false,
      id: d.gemeinde.id,
      field: "prefix",
      message: expect.stringContaining("drei Kleinbuchstaben"),
      values: expect.arrayContaining([expect.objectContaining({ id: d.authority.id, code })]),
    });

    form.set(`prefix-${d.gemeinde.id}`, "");
    form.set(`code-${d.gemeinde.id}`, "");
    const saved = await postRoute(action, admin, "/verwaltung/xbau", form);
    expect(saved).toMatchObject({ status: 302, location: "/verwaltung/xbau?gespeichert=1" });
    const row = await db().authority.findUniqueOrThrow({
      where: { id: d.authority.id },
      select: { xbauKennung: true, xbauName: true },
    });
    expect(row).toEqual({ xbauKennung: `tst:${code}`, xbauName: "Bauaufsicht Test" });
  });

  it("is for the authority's admin only", async () => {
    const d = await createTestDistrict("xbau-route-clerk");
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    expect((await loadRoute(loader, clerk, "/verwaltung/xbau")).status).toBe(403);
    expect((await loadRoute(loader, null, "/verwaltung/xbau")).status).toBe(302);
  });
});
