import { describe, expect, it } from "vitest";
import { createTestDistrict, sessionUser } from "~/models/draft-fixtures.server";
import { db } from "~/utils/db.server";
import { getParticipationSettings, saveParticipationSettings } from "./participation-settings.server";

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
});
