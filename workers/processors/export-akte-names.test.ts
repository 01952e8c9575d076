import { describe, expect, it } from "vitest";
import { safeSegment, UniquePaths } from "./export-akte-names";

describe("Akte ZIP names", () => {
  it.each([
    // One harmless segment: the separators are gone, so ".." is no longer a path step.
    ["../../etc/passwd", "_.._etc_passwd"],
    ["..", "Datei"],
    ["Ansicht Süd: Ost?.pdf", "Ansicht Süd_ Ost_.pdf"],
    ["a\\b/c", "a_b_c"],
    ["  .versteckt.pdf  ", "versteckt.pdf"],
    ["CON.pdf", "_CON.pdf"],
    ["Zeile\nzwei\u202e.pdf", "Zeile_zwei_.pdf"],
    ["Bauvorlage.", "Bauvorlage"],
    ["", "Datei"],
  ])("%j becomes %j", (raw, clean) => {
    expect(safeSegment(raw)).toBe(clean);
  });

  it("keeps umlauts as one NFC character and the extension of a long name", () => {
    expect(safeSegment("Gru\u0308ndung.pdf")).toBe("Gründung.pdf");
    const long = safeSegment(`${"ä".repeat(300)}.pdf`);
    expect([...long]).toHaveLength(120);
    expect(long.endsWith(".pdf")).toBe(true);
  });

  it("hands out every path once, ignoring case, and never a reserved name", () => {
    const paths = new UniquePaths(["akte.json"]);
    expect(paths.claim("unterlagen/Lageplan/v1_plan.pdf")).toBe("unterlagen/Lageplan/v1_plan.pdf");
    expect(paths.claim("unterlagen/Lageplan/V1_Plan.pdf")).toBe("unterlagen/Lageplan/V1_Plan (2).pdf");
    expect(paths.claim("unterlagen/Lageplan/v1_plan.pdf")).toBe("unterlagen/Lageplan/v1_plan (3).pdf");
    expect(paths.claim("AKTE.json")).toBe("AKTE (2).json");
  });
});
