import { describe, expect, it } from "vitest";
import { MV_FEE_SCHEDULE } from "~/domain/fees";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
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

  it("letterhead and payment: IBAN checked (mod 97), Kassenzeichen format checked, saved normalised, own authority only", async () => {
    const district = await createTestDistrict("decision-settings-letter");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: district.authority.id });
    const base = { fourEyesDecision: false, legalRemedyText: "", feeScheduleJson: "" };
    const letter = {
      orgUnit: "Fachdienst Bauordnung",
      phone: "03841 3040-6300",
      officeHours: "Di 9–12 Uhr",
      paymentPayee: "Landkreis Nordwestmecklenburg, Kreiskasse",
      paymentIban: "DE89 3704 0044 0532 0130 01",
      paymentBic: "NOLADE21WIS",
      paymentDueDays: "30",
      paymentReferenceFormat: "KZ-{YYYY}-{NNNNNN}",
    };
    expect(await saveDecisionSettings(admin, { ...base, letter })).toMatchObject({
      ok: false,
      field: "paymentIban",
      message: expect.stringContaining("Prüfziffern"),
    });
    expect(
      await saveDecisionSettings(admin, {
        ...base,
        letter: { ...letter, paymentIban: "DE89 3704 0044 0532 0130 00", paymentReferenceFormat: "KZ" },
      }),
    ).toMatchObject({ ok: false, field: "paymentReferenceFormat" });
    expect(
      await saveDecisionSettings(admin, {
        ...base,
        letter: { ...letter, paymentIban: "DE89 3704 0044 0532 0130 00", paymentDueDays: "0" },
      }),
    ).toMatchObject({ ok: false, field: "paymentDueDays" });
    expect(
      await saveDecisionSettings(admin, {
        ...base,
        letter: { ...letter, paymentIban: "de89 3704 0044 0532 0130 00" },
      }),
    ).toEqual({ ok: true });
    const row = await db().authority.findUniqueOrThrow({ where: { id: district.authority.id } });
    expect(row).toMatchObject({
      orgUnit: "Fachdienst Bauordnung",
      paymentIban: "DE89370400440532013000",
      paymentBic: "NOLADE21WIS",
      paymentDueDays: 30,
    });
    expect((await getDecisionSettings(admin)).letter.paymentIban).toBe("DE89370400440532013000");
  });
});
