import { describe, expect, it } from "vitest";
import { GREIFSWALD, liesInDistrict, NORDWESTMECKLENBURG, outsideDistrictMessage } from "./districts";

describe("district by Amtlicher Gemeindeschlüssel", () => {
  it("every Gemeinde listed for Landkreis Nordwestmecklenburg carries its Kreis key 13074", () => {
    for (const g of NORDWESTMECKLENBURG.gemeinden) {
      expect(g.ags).toMatch(/^13074\d{3}$/);
      expect(liesInDistrict(NORDWESTMECKLENBURG.ags, g.ags)).toBe(true);
      for (const plz of g.postcodes) expect(plz).toMatch(/^2\d{4}$/);
    }
    expect(new Set(NORDWESTMECKLENBURG.gemeinden.map((g) => g.ags)).size).toBe(
      NORDWESTMECKLENBURG.gemeinden.length,
    );
  });

  it("a Landkreis covers its Gemeinden, a city authority only itself", () => {
    expect(liesInDistrict("13074000", "13074026")).toBe(true);
    expect(liesInDistrict("13074000", GREIFSWALD.ags)).toBe(false);
    expect(liesInDistrict("13074087", "13074087")).toBe(true);
    expect(liesInDistrict("13074087", "13074026")).toBe(false);
    expect(liesInDistrict("13074000", "1307402")).toBe(false);
  });

  it("refuses a Greifswald site filed with Nordwestmecklenburg, in German, naming the Gemeinde", () => {
    expect(
      outsideDistrictMessage(
        { name: "Landkreis Nordwestmecklenburg", ags: "13074000" },
        { ags: GREIFSWALD.ags },
      ),
    ).toBe(
      "Das Baugrundstück liegt nicht im Zuständigkeitsbereich von Landkreis Nordwestmecklenburg: " +
        "Gemeindeschlüssel 13075039 (Greifswald, Universitäts- und Hansestadt). " +
        "Bitte reichen Sie den Antrag bei der für diese Gemeinde zuständigen Bauaufsichtsbehörde ein oder berichtigen Sie die Angaben zum Baugrundstück.",
    );
    expect(
      outsideDistrictMessage({ name: "Landkreis Nordwestmecklenburg", ags: "13074000" }, { ags: "13074026" }),
    ).toBeNull();
    // Not checkable without both keys.
    expect(outsideDistrictMessage({ name: "X", ags: null }, { ags: GREIFSWALD.ags })).toBeNull();
    expect(outsideDistrictMessage({ name: "X", ags: "13074000" }, { ags: undefined })).toBeNull();
    expect(outsideDistrictMessage({ name: "X", ags: "13074000" }, { ags: "1307" })).toMatch(/kein amtlicher/);
  });
});
