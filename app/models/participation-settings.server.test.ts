import { describe, expect, it } from "vitest";
import { PRODUCT_DEFAULTS } from "~/domain/need-to-know";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import {
  getParticipationSettings,
  saveDocumentDefaults,
  saveParticipationSettings,
} from "./participation-settings.server";

function formOf(entries: [string, string][]) {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("participation settings", () => {
  it("an admin sets the reminder days of their own authority; bad input is refused in German", async () => {
    const district = await createTestDistrict("participation-settings");
    const other = await createTestDistrict("participation-settings-other");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: district.authority.id });

    expect(await getParticipationSettings(admin)).toMatchObject({ reminderDays: 7 });
    expect(await saveParticipationSettings(admin, { reminderDays: " 3 " })).toEqual({ ok: true });
    expect(await getParticipationSettings(admin)).toMatchObject({ reminderDays: 3 });
    expect(await saveParticipationSettings(admin, { reminderDays: "0" })).toEqual({ ok: true });

    for (const bad of ["", "-1", "2.5", "61", "sieben"]) {
      const r = await saveParticipationSettings(admin, { reminderDays: bad });
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/ganze Zahl von 0 bis 60/);
    }
    const rows = await db().authority.findMany({
      where: { id: { in: [district.authority.id, other.authority.id] } },
      select: { id: true, participationReminderDays: true },
    });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.participationReminderDays]))).toEqual({
      [district.authority.id]: 0,
      [other.authority.id]: 7,
    });
  });

  it("only admins may read or change it", async () => {
    const district = await createTestDistrict("participation-settings-clerk");
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
    await expect(getParticipationSettings(clerk)).rejects.toMatchObject({ init: { status: 403 } });
    await expect(saveParticipationSettings(clerk, { reminderDays: "1" })).rejects.toMatchObject({
      init: { status: 403 },
    });
  });

  it("an admin sets the need-to-know defaults per kind of agency; statistics forms are refused; reset", async () => {
    const district = await createTestDistrict("participation-docs");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: district.authority.id });
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
    expect(await getParticipationSettings(admin)).toMatchObject({ customDefaults: false });
    expect((await getParticipationSettings(admin)).documentDefaults.BRANDSCHUTZ).toEqual([
      ...PRODUCT_DEFAULTS.BRANDSCHUTZ,
    ]);

    const refused = await saveDocumentDefaults(
      admin,
      formOf([
        ["docs.BRANDSCHUTZ", "2701"],
        ["docs.BRANDSCHUTZ", "2501"],
      ]),
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("statistische Erhebungsbogen");
    expect((await getParticipationSettings(admin)).customDefaults).toBe(false);

    expect(
      await saveDocumentDefaults(
        admin,
        formOf([
          ["docs.BRANDSCHUTZ", "2701"],
          ["docs.BRANDSCHUTZ", "1803"],
        ]),
      ),
    ).toEqual({ ok: true });
    const saved = await getParticipationSettings(admin);
    expect(saved.customDefaults).toBe(true);
    expect(saved.documentDefaults.BRANDSCHUTZ).toEqual(["2701", "1803"]);
    // A kind with nothing ticked gets nothing pre-selected (the clerk adds by hand).
    expect(saved.documentDefaults.GEMEINDE).toEqual([]);

    expect(await saveDocumentDefaults(admin, formOf([["reset", "1"]]))).toEqual({ ok: true });
    expect((await getParticipationSettings(admin)).customDefaults).toBe(false);
    await expect(saveDocumentDefaults(clerk, formOf([]))).rejects.toMatchObject({ init: { status: 403 } });
  });
});
