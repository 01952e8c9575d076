import { describe, expect, it } from "vitest";
import {
  describeTightSheets,
  readTightSheets,
  sheetList,
  tightHintsFor,
  tightSheetsFrom,
} from "./tight-sheets";

describe("tight sheets", () => {
  it("takes only the sheets without room from the stamp placements and the mark, ordered by page", () => {
    expect(
      tightSheetsFrom(
        [
          { page: 1, fit: "full" },
          { page: 2, fit: "covering" },
          { page: 3, fit: "compact" },
        ],
        [3, 2],
      ),
    ).toEqual([
      { page: 2, part: "stamp", fit: "covering" },
      { page: 2, part: "mark", fit: "line" },
      { page: 3, part: "stamp", fit: "compact" },
      { page: 3, part: "mark", fit: "line" },
    ]);
    expect(tightSheetsFrom([{ page: 1, fit: "full" }], [])).toEqual([]);
  });

  it("names the pages the German way", () => {
    expect(sheetList([5], "Blatt")).toBe("Blatt 5");
    expect(sheetList([5, 2], "Blatt")).toBe("Blatt 2 und 5");
    expect(sheetList([3, 2, 5, 3], "Seite")).toBe("Seite 2, 3 und 5");
  });

  it("words one hint per kind of trouble, with the page numbers", () => {
    expect(
      describeTightSheets([
        { page: 2, part: "stamp", fit: "compact" },
        { page: 5, part: "stamp", fit: "compact" },
      ]),
    ).toEqual(["Stempel verkleinert auf Blatt 2 und 5 – kein freier Bereich; bitte Blätter prüfen."]);
    expect(tightHintsFor("BESCHEID", [{ page: 4, part: "mark", fit: "line" }])).toEqual([
      "Prüfvermerk ohne QR-Code, nur als Textzeile am unteren Rand auf Seite 4 – kein freier Bereich; bitte Seite prüfen.",
    ]);
    expect(describeTightSheets([])).toEqual([]);
  });

  it("reads an unreadable stored value as nothing recorded", () => {
    expect(readTightSheets(null)).toEqual([]);
    expect(readTightSheets([{ page: 0, part: "stamp", fit: "compact" }])).toEqual([]);
    expect(readTightSheets([{ page: 1, part: "stamp", fit: "full" }])).toEqual([]);
  });
});
