import { describe, expect, it } from "vitest";
import {
  isNeverShared,
  isShareableCode,
  NEED_TO_KNOW_KEYS,
  PRODUCT_DEFAULTS,
  resolveNeedToKnow,
  SHAREABLE_TYPES,
} from "./need-to-know";

describe("need-to-know defaults", () => {
  it("the statistics forms are never shared, nor offered as a default", () => {
    expect(isNeverShared("2501")).toBe(true);
    expect(isNeverShared("2502")).toBe(true);
    expect(isShareableCode("2501")).toBe(false);
    expect(SHAREABLE_TYPES.map((t) => t.code)).not.toContain("2501");
    for (const key of NEED_TO_KNOW_KEYS) expect(PRODUCT_DEFAULTS[key]).not.toContain("2501");
  });

  it("Bauvorlageberechtigung, Vollmachten and the owner's consent are pre-selected for nobody", () => {
    for (const key of NEED_TO_KNOW_KEYS)
      for (const code of ["0401", "0402", "0601", "0602", "0603", "1101"])
        expect(PRODUCT_DEFAULTS[key], `${key} ${code}`).not.toContain(code);
  });

  it("each kind gets what it needs", () => {
    expect(PRODUCT_DEFAULTS.BRANDSCHUTZ).toContain("2701");
    expect(PRODUCT_DEFAULTS.DENKMALSCHUTZ).toContain("2913");
    expect(PRODUCT_DEFAULTS.GEMEINDE).toContain("1901");
    expect(PRODUCT_DEFAULTS.NATURSCHUTZ).not.toContain("2701");
    for (const key of NEED_TO_KNOW_KEYS) expect(PRODUCT_DEFAULTS[key]).toContain("1803");
  });

  it("an authority's stored defaults win, checked: unknown keys and codes and statistics dropped", () => {
    const r = resolveNeedToKnow({ BRANDSCHUTZ: ["2701", "2501", "0000", 7, "2701"], NOPE: ["1803"] });
    expect(r.BRANDSCHUTZ).toEqual(["2701"]);
    expect(r.GEMEINDE).toEqual([...PRODUCT_DEFAULTS.GEMEINDE]);
    expect(resolveNeedToKnow(null)).toEqual(resolveNeedToKnow(undefined));
    expect(resolveNeedToKnow("garbage").SONSTIGE).toEqual([...PRODUCT_DEFAULTS.SONSTIGE]);
  });
});
