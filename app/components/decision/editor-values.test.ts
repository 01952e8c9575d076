import { describe, expect, it } from "vitest";
import { MAX_EDITOR_ROWS, readEditorValues, toDraftChanges } from "./editor-values";

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("Bescheid editor values (one schema for browser and server)", () => {
  it("reads rows, repeated fields and blanks as the browser posts them", () => {
    const v = readEditorValues(
      form([
        ["version", "3"],
        ["kind", "BAUGENEHMIGUNG"],
        ["conditions[0].id", ""],
        ["conditions[0].kind", "HINWEIS"],
        ["conditions[0].text", "Baubeginn anzeigen."],
        // Row 1 was removed in the browser: a gap, not an empty row.
        ["conditions[2].text", "  "],
        ["document", "a"],
        ["document", "b"],
        ["stamp", "b"],
      ]),
    );
    expect(v.version).toBe(3);
    expect(v.conditions).toEqual([
      { id: "", kind: "HINWEIS", text: "Baubeginn anzeigen.", legalBasis: "", reason: "", sourceLabel: "" },
      { id: "", kind: "", text: "  ", legalBasis: "", reason: "", sourceLabel: "" },
    ]);
    expect(v.document).toEqual(["a", "b"]);
    expect(v.stamp).toEqual(["b"]);
    expect(v.reasons).toBe("");
  });

  it("ignores rows beyond the limit instead of building a huge list", () => {
    const v = readEditorValues(
      form([
        ["conditions[0].text", "eins"],
        [`conditions[${MAX_EDITOR_ROWS}].text`, "zu viel"],
        ["conditions[999999999].text", "feindlich"],
      ]),
    );
    expect(v.conditions.map((c) => c.text)).toEqual(["eins"]);
  });

  it("drops blank new rows and refuses an unreadable cost in German", () => {
    const values = readEditorValues(
      form([
        ["constructionCost", "100.000,00"],
        ["conditions[0].text", " "],
        ["conditions[1].id", "c1"],
        ["conditions[1].text", ""],
        ["document", "a"],
        ["stamp", "a"],
      ]),
    );
    const parsed = toDraftChanges(values);
    if ("message" in parsed) throw new Error(parsed.message);
    expect(parsed.changes.constructionCostCents).toBe(10_000_000);
    expect(parsed.changes.conditions).toEqual([{ id: "c1", kind: "", text: "", legalBasis: "", reason: "" }]);
    expect(parsed.changes.documents).toEqual([{ documentVersionId: "a", stamp: true }]);
    expect(toDraftChanges({ ...values, constructionCost: "viel" })).toEqual({
      message: "Bitte geben Sie die Baukosten als Betrag in Euro an, z. B. 350.000,00.",
    });
  });
});
