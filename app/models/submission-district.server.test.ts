import { describe, expect, it } from "vitest";
import { GREIFSWALD } from "~/domain/districts";
import { readApplicationData, saveDraftSection } from "~/models/draft.server";
import { submitApplication } from "~/models/submission.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";

describe("submission: the site must lie in the authority's district (by the Gemeinde's AGS)", () => {
  it("refuses a Greifswald site filed with the Landkreis Nordwestmecklenburg district, with a German message, and changes nothing", async () => {
    const d = await createTestDistrict("district-check");
    const architect = await sessionUser({ roles: ["ARCHITECT"] });
    const { id, version } = await createCompleteDraft(architect, d.gemeinde.id);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { data: true } });
    const plot = readApplicationData(row.data).plot ?? {};
    const moved = await saveDraftSection(architect, id, {
      section: "plot",
      value: {
        ...plot,
        address: { street: "Markt", houseNumber: "1", postalCode: "17489", city: "Greifswald" },
        municipalityAgs: GREIFSWALD.ags,
      },
      expectedVersion: version,
    });
    if (!moved.ok) throw new Error(JSON.stringify(moved));

    const r = await submitApplication(architect, id, {
      expectedVersion: moved.version,
      laterDocumentTypeCodes: [],
    });
    expect(r).toEqual({
      ok: false,
      reason: "outside-district",
      message: expect.stringContaining(
        `Das Baugrundstück liegt nicht im Zuständigkeitsbereich von ${d.authority.name}: Gemeindeschlüssel 13075039`,
      ),
    });
    const after = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, fileNumber: true },
    });
    expect(after).toEqual({ status: "DRAFT", fileNumber: null });

    // Back in Grevesmühlen (13074026, in the district): it goes through.
    const back = await saveDraftSection(architect, id, {
      section: "plot",
      value: plot,
      expectedVersion: moved.version,
    });
    if (!back.ok) throw new Error(JSON.stringify(back));
    expect(plot.municipalityAgs).toBe("13074026");
    const ok = await submitApplication(architect, id, {
      expectedVersion: back.version,
      laterDocumentTypeCodes: [],
    });
    expect(ok).toMatchObject({ ok: true });
  });
});
