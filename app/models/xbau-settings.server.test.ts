import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { getXbauSettings, saveXbauSettings } from "./xbau-settings.server";

/** A Kennung no other test run uses ("tst": never a real DVDV prefix). */
const unique = () => String(randomInt(1, 2 ** 47));

describe("XBau identities (Verwaltung → XBau)", () => {
  it("the admin sets the Kennung of the own authority and of its Gemeinde; bad input is refused in German", async () => {
    const d = await createTestDistrict("xbau-settings");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const rows = await getXbauSettings(admin);
    expect(rows.map((r) => [r.id, r.own])).toEqual([
      [d.authority.id, true],
      [d.gemeinde.id, false],
    ]);

    const own = unique();
    const gemeinde = unique();
    expect(
      await saveXbauSettings(admin, [
        { id: d.authority.id, prefix: "tst", code: own, registeredName: "Landkreis Test, Bauaufsicht" },
        { id: d.gemeinde.id, prefix: "tst", code: gemeinde, registeredName: "" },
      ]),
    ).toEqual({ ok: true });
    const saved = await db().authority.findMany({
      where: { id: { in: [d.authority.id, d.gemeinde.id] } },
      select: { id: true, xbauKennung: true, xbauName: true },
    });
    expect(Object.fromEntries(saved.map((s) => [s.id, [s.xbauKennung, s.xbauName]]))).toEqual({
      [d.authority.id]: [`tst:${own}`, "Landkreis Test, Bauaufsicht"],
      [d.gemeinde.id]: [`tst:${gemeinde}`, null],
    });

    // Malformed: the Schematron rule's pattern (three lower-case letters : digits).
    expect(
      await saveXbauSettings(admin, [{ id: d.authority.id, prefix: "PSW", code: own, registeredName: "" }]),
    ).toMatchObject({ ok: false, field: "prefix", message: expect.stringContaining("drei Kleinbuchstaben") });
    expect(
      await saveXbauSettings(admin, [{ id: d.authority.id, prefix: "tst", code: "12a", registeredName: "" }]),
    ).toMatchObject({ ok: false, field: "code", message: expect.stringContaining("nur aus Ziffern") });
    // One Kennung, one authority: twice in one form, or one another tenant already holds.
    expect(
      await saveXbauSettings(admin, [
        { id: d.authority.id, prefix: "tst", code: own, registeredName: "" },
        { id: d.gemeinde.id, prefix: "tst", code: own, registeredName: "" },
      ]),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining("jede Kennung bezeichnet genau eine Behörde"),
    });
    const other = await createTestDistrict("xbau-settings-other");
    const otherAdmin = await sessionUser({ roles: ["ADMIN"], authorityId: other.authority.id });
    expect(
      await saveXbauSettings(otherAdmin, [
        { id: other.authority.id, prefix: "tst", code: own, registeredName: "" },
      ]),
    ).toMatchObject({ ok: false, message: expect.stringContaining("bereits für eine andere Behörde") });
    // Nothing changed by the refusals.
    expect(
      (
        await db().authority.findUniqueOrThrow({
          where: { id: d.authority.id },
          select: { xbauKennung: true },
        })
      ).xbauKennung,
    ).toBe(`tst:${own}`);

    // Another tenant's authority is not in reach, not even by its id.
    expect(
      await saveXbauSettings(otherAdmin, [
        { id: d.gemeinde.id, prefix: "tst", code: unique(), registeredName: "" },
      ]),
    ).toMatchObject({ ok: false, message: "Diese Behörde gibt es hier nicht." });

    // Emptying both fields removes the registration.
    expect(
      await saveXbauSettings(admin, [{ id: d.gemeinde.id, prefix: "", code: "", registeredName: "" }]),
    ).toEqual({ ok: true });
    expect(
      (
        await db().authority.findUniqueOrThrow({
          where: { id: d.gemeinde.id },
          select: { xbauKennung: true },
        })
      ).xbauKennung,
    ).toBeNull();
  });

  it("a clerk cannot read or change them", async () => {
    const d = await createTestDistrict("xbau-settings-clerk");
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    await expect(getXbauSettings(clerk)).rejects.toMatchObject({ init: { status: 403 } });
    await expect(
      saveXbauSettings(clerk, [{ id: d.authority.id, prefix: "tst", code: "1", registeredName: "" }]),
    ).rejects.toMatchObject({ init: { status: 403 } });
  });
});
