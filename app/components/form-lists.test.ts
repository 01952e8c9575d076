import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formList, formText, readListSubmission } from "./form-lists";

const schema = z.object({
  title: formText,
  rows: formList(z.object({ text: formText, basis: formText })),
  tags: formList(formText),
});
const NEW_ROW = { text: "", basis: "neu" };

function read(entries: [string, string][]) {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return readListSubmission(f, { schema, newRows: { rows: NEW_ROW }, maxRows: 3 });
}
const intent = (v: unknown): [string, string] => ["__intent__", JSON.stringify(v)];

describe("readListSubmission (Conform list buttons without JavaScript)", () => {
  it("inserts the form's own new row, whatever the button posted as its content", () => {
    const r = read([
      ["title", "T"],
      ["rows[0].text", "eins"],
      intent({
        type: "insert",
        payload: { name: "rows", defaultValue: { text: "untergeschoben", basis: "x" } },
      }),
    ]);
    expect(r.change).toEqual({ type: "insert", list: "rows" });
    expect(r.values).toEqual({
      title: "T",
      rows: [
        { text: "eins", basis: "" },
        { text: "", basis: "neu" },
      ],
      tags: [],
    });
  });

  it("removes the named row; holes left by the browser are no rows", () => {
    const r = read([
      ["rows[0].text", "eins"],
      ["rows[2].text", "drei"],
      intent({ type: "remove", payload: { name: "rows", index: 0 } }),
    ]);
    expect(r.change).toEqual({ type: "remove", list: "rows" });
    expect(r.values.rows).toEqual([{ text: "drei", basis: "" }]);
  });

  it("ignores intents the form does not offer and broken ones, keeping the values", () => {
    for (const bad of [
      intent({ type: "remove", payload: { name: "title", index: 0 } }),
      intent({ type: "insert", payload: { name: "tags" } }),
      intent({ type: "reorder", payload: { name: "rows", from: 0, to: 1 } }),
      intent({ type: "remove", payload: { name: "rows" } }),
      intent({ type: "remove", payload: { name: "constructor", index: 0 } }),
      ["__intent__", "{kaputt"] as [string, string],
    ]) {
      const r = read([["title", "bleibt"], ["rows[0].text", "eins"], bad]);
      expect(r.change).toBeNull();
      expect(r.values.title).toBe("bleibt");
      expect(r.values.rows).toEqual([{ text: "eins", basis: "" }]);
    }
  });

  it("caps the rows: indexes beyond the limit are dropped, an insert into a full list adds none", () => {
    const r = read([
      ["rows[0].text", "a"],
      ["rows[1].text", "b"],
      ["rows[2].text", "c"],
      ["rows[999999999].text", "feindlich"],
      intent({ type: "insert", payload: { name: "rows" } }),
    ]);
    expect(r.values.rows.map((x) => x.text)).toEqual(["a", "b", "c"]);
  });
});
