import { describe, expect, it } from "vitest";
import {
  GREIFSWALD,
  gemeindeByAgs,
  gemeindeChoices,
  gemeindeLabel,
  liesInDistrict,
  NORDWESTMECKLENBURG,
  outsideDistrictMessage,
} from "./districts";

describe("district by Amtlicher Gemeindeschlüssel", () => {
  it("every Gemeinde listed for Landkreis Nordwestmecklenburg carries its Kreis key 13074", () => {
    for (const g of NORDWESTMECKLENBURG.gemeinden) {
      expect(g.ags).toMatch(/^13074\d{3}$/);
      expect(liesInDistrict(NORDWESTMECKLENBURG.ags, g.ags)).toBe(true);
      // The district's postcodes lie in the Leitregionen 19 (around Schwerin) and 23 (Lübeck/Wismar).
      expect(g.postcodes.length).toBeGreaterThan(0);
      for (const plz of g.postcodes) expect(plz).toMatch(/^(19|23)\d{3}$/);
    }
    expect(new Set(NORDWESTMECKLENBURG.gemeinden.map((g) => g.ags)).size).toBe(
      NORDWESTMECKLENBURG.gemeinden.length,
    );
  });

  it("carries all 83 Gemeinden of the Landkreis with the keys of the official list", () => {
    expect(NORDWESTMECKLENBURG.gemeinden).toHaveLength(83);
    // Spot checks against the MietNEinV annex (Gebietsstand 25 January 2021).
    expect(gemeindeByAgs("13074026")?.name).toBe("Grevesmühlen, Stadt");
    expect(gemeindeByAgs("13074087")?.name).toBe("Wismar, Hansestadt");
    expect(gemeindeByAgs("13074065")).toEqual({
      name: "Rehna, Stadt",
      ags: "13074065",
      postcodes: ["19217"],
    });
    expect(gemeindeByAgs("13074094")?.name).toBe("Siemz-Niendorf");
    // 13074029 is no Gemeinde (the old form hint named it).
    expect(gemeindeByAgs("13074029")).toBeUndefined();
  });

  it("offers the Gemeinden of the authority's district sorted by German name, labelled with postcodes", () => {
    const all = gemeindeChoices("13074000");
    expect(all).toHaveLength(83);
    const names = all.map((g) => g.name);
    expect(names[0]).toBe("Alt Meteln");
    expect(names.at(-1)).toBe("Züsow");
    // Umlauts sort with their base letter: Gägelow between Gadebusch and Glasin.
    expect(names.indexOf("Gadebusch, Stadt")).toBeLessThan(names.indexOf("Gägelow"));
    expect(names.indexOf("Gägelow")).toBeLessThan(names.indexOf("Glasin"));
    // A city authority is offered only itself; an authority elsewhere none of them.
    expect(gemeindeChoices("13074087").map((g) => g.ags)).toEqual(["13074087"]);
    expect(gemeindeChoices(GREIFSWALD.ags)).toEqual([]);
    expect(gemeindeChoices(null)).toHaveLength(83);
    expect(gemeindeLabel(gemeindeByAgs("13074087")!)).toBe("Wismar, Hansestadt – 23966, 23952, 23968, 23970");
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
