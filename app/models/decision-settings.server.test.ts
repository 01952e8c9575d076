import { describe, expect, it } from "vitest";
import { MV_FEE_SCHEDULE } from "~/domain/fees";
import { createTestDistrict, sessionUser } from "~/models/draft-fixtures.server";
import { db } from "~/utils/db.server";
import { getDecisionSettings, saveDecisionSettings } from "./decision-settings.server";

describe("decision settings", () => {
  it("an admin sets four-eyes, legal remedy and fee schedule of their own authority; bad input is refused in German", async () => {
    const district = await createTestDistrict("decision-settings");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: district.authority.id });
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });

    const before = await getDecisionSettings(admin);
    expect(before).toMatchObject({ fourEyesDecision: false, legalRemedyText: "", feeScheduleJson: "" });
    expect(JSON.parse(before.defaultFeeScheduleJson)).toEqual(MV_FEE_SCHEDULE);

    const own = { ...MV_FEE_SCHEDULE, rounding: "EURO" };
    expect(
      await saveDecisionSettings(admin, {
        fourEyesDecision: true,
        legalRemedyText: "Widerspruch binnen eines Monats bei {behoerde}, {anschrift}.",
        feeScheduleJson: JSON.stringify(own),
      }),
    ).toEqual({ ok: true });
    const row = await db().authority.findUniqueOrThrow({ where: { id: district.authority.id } });
    expect(row.fourEyesDecision).toBe(true);
    expect(row.feeSchedule).toEqual(own);

    expect(
      await saveDecisionSettings(admin, {
        fourEyesDecision: false,
        legalRemedyText: "",
        feeScheduleJson: "{",
      }),
    ).toEqual({
      ok: false,
      field: "feeScheduleJson",
      message: "Die Gebührenordnung ist kein gültiges JSON.",
    });
    expect(
      await saveDecisionSettings(admin, {
        fourEyesDecision: false,
        legalRemedyText: "",
        feeScheduleJson: JSON.stringify({ ...own, rounding: "HALB" }),
      }),
    ).toMatchObject({ ok: false, field: "feeScheduleJson", message: expect.stringContaining("rounding") });
    expect(
      await saveDecisionSettings(admin, {
        fourEyesDecision: false,
        legalRemedyText: "Ohne Behörde",
        feeScheduleJson: "",
      }),
    ).toMatchObject({ ok: false, field: "legalRemedyText" });
    // Nothing changed by the refused saves.
    expect(
      (await db().authority.findUniqueOrThrow({ where: { id: district.authority.id } })).fourEyesDecision,
    ).toBe(true);

    // Empty = back to the profile's defaults.
    expect(
      await saveDecisionSettings(admin, {
        fourEyesDecision: false,
        legalRemedyText: " ",
        feeScheduleJson: "",
      }),
    ).toEqual({
      ok: true,
    });
    const reset = await db().authority.findUniqueOrThrow({ where: { id: district.authority.id } });
    expect(reset).toMatchObject({ fourEyesDecision: false, legalRemedyText: null, feeSchedule: null });

    await expect(getDecisionSettings(clerk)).rejects.toMatchObject({ init: { status: 403 } });
    await expect(
      saveDecisionSettings(clerk, { fourEyesDecision: true, legalRemedyText: "", feeScheduleJson: "" }),
    ).rejects.toMatchObject({ init: { status: 403 } });
  });
});
