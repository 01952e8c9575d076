import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FileNumberFormatError,
  formatFileNumber,
  parseFileNumberFormat,
  validateFileNumberFormat,
} from "./file-number";

describe("formatFileNumber", () => {
  it.each([
    ["63-{YYYY}-{NNNNN}", { year: 2026, sequence: 42 }, "63-2026-00042"],
    ["{YY}/{NNN}", { year: 2026, sequence: 7 }, "26/007"],
    ["{YY}/{NNN}", { year: 2005, sequence: 7 }, "05/007"],
    ["BA {N}", { year: 2026, sequence: 12345 }, "BA 12345"],
    ["{CODE}-{YYYY}-{NNNN}", { year: 2026, sequence: 3, authorityCode: "LK-VR" }, "LK-VR-2026-0003"],
    ["{NNN}", { year: 2026, sequence: 123456 }, "123456"],
    ["Bauamt.{YYYY}.{NNNNNN}", { year: 2027, sequence: 1 }, "Bauamt.2027.000001"],
  ])("%s with %o -> %s", (format, parts, expected) => {
    expect(formatFileNumber(format, parts)).toBe(expected);
  });

  it.each([
    ["", "leer"],
    ["63-{YYYY}", "laufende Nummer"],
    ["{NNN}-{NN}", "nur eine"],
    ["{YYYY-{NNN}", "Platzhalter"],
    ["63-{NNN", "ohne schließende"],
    ["63}-{NNN}", "ohne öffnende"],
    ["{X}-{NNN}", "Unbekannter Platzhalter"],
    ["{NNNNNNNNNNN}", "höchstens 10"],
    ["63<{NNN}", "Unzulässige Zeichen"],
    [`${"x".repeat(60)}{N}`, "höchstens 60"],
  ])("rejects %j", (format, message) => {
    const err = validateFileNumberFormat(format);
    expect(err).toContain(message);
    expect(() => formatFileNumber(format, { year: 2026, sequence: 1 })).toThrow(FileNumberFormatError);
  });

  it("rejects bad parts", () => {
    expect(() => formatFileNumber("{NNN}", { year: 2026, sequence: 0 })).toThrow(FileNumberFormatError);
    expect(() => formatFileNumber("{NNN}", { year: 2026, sequence: 1.5 })).toThrow(FileNumberFormatError);
    expect(() => formatFileNumber("{YYYY}{NNN}", { year: 26, sequence: 1 })).toThrow(FileNumberFormatError);
    expect(() => formatFileNumber("{CODE}{NNN}", { year: 2026, sequence: 1 })).toThrow(/Behördenkürzel/);
  });

  it("accepts valid formats", () => {
    expect(validateFileNumberFormat("63-{YYYY}-{NNNNN}")).toBeNull();
    const p = parseFileNumberFormat("63-{YYYY}-{NNNNN}");
    expect(p.ok && p.tokens.map((t) => t.type)).toEqual(["literal", "year4", "literal", "sequence"]);
  });

  it("distinct sequences give distinct numbers and keep the minimum width (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        (width, year, a, b) => {
          const format = `63-{YYYY}-{${"N".repeat(width)}}`;
          const fa = formatFileNumber(format, { year, sequence: a });
          const fb = formatFileNumber(format, { year, sequence: b });
          expect(fa === fb).toBe(a === b);
          const seq = fa.slice(`63-${year}-`.length);
          expect(seq.length).toBeGreaterThanOrEqual(width);
          expect(Number(seq)).toBe(a);
        },
      ),
    );
  });
});
