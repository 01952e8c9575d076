import { describe, expect, it } from "vitest";
import { compileCondition, compilePath, describeCondition, isPresent } from "./conditions";
import type { Condition } from "./types";

const root = {
  procedureType: "VEREINFACHT",
  project: { buildingClass: 4, specialBuilding: false, description: "  " },
  plot: { parcels: [{ flur: "12" }, { flur: "x" }] },
};
const ev = (c: Condition, item?: unknown) => compileCondition(c)(root, item);

describe("condition language", () => {
  it.each<[Condition, boolean]>([
    [{ path: "procedureType", equals: "VEREINFACHT" }, true],
    [{ path: "procedureType", in: ["BAUGENEHMIGUNG", "VEREINFACHT"] }, true],
    [{ path: "procedureType", in: ["BAUGENEHMIGUNG"] }, false],
    [{ path: "project.buildingClass", gte: 4 }, true],
    [{ path: "project.buildingClass", gt: 4 }, false],
    [{ path: "project.buildingClass", lt: 5 }, true],
    [{ path: "project.buildingClass", lte: 3 }, false],
    [{ path: "project.missing", gte: 0 }, false],
    [{ path: "project.missing", equals: null }, true],
    [{ path: "project.specialBuilding", equals: false }, true],
    [{ path: "project.description", present: true }, false],
    [{ path: "project.description", present: false }, true],
    [{ path: "plot.parcels", present: true }, true],
    [{ path: "plot.parcels.1.flur", matches: "^\\d+$" }, false],
    [{ path: "plot.parcels.0.flur", matches: "^\\d+$" }, true],
    [{ path: "project", equals: "x" }, false],
    [{ all: [] }, true],
    [{ any: [] }, false],
    [{ not: { path: "procedureType", equals: "VEREINFACHT" } }, false],
    [
      {
        all: [
          { path: "project.buildingClass", gte: 4 },
          {
            any: [
              { path: "x", present: true },
              { path: "procedureType", present: true },
            ],
          },
        ],
      },
      true,
    ],
  ])("%j -> %s", (c, expected) => {
    expect(ev(c)).toBe(expected);
  });

  it("item paths read the forEach element", () => {
    expect(ev({ path: "item.flur", matches: "^\\d{1,3}$" }, { flur: "123" })).toBe(true);
    expect(ev({ path: "item.flur", matches: "^\\d{1,3}$" }, { flur: "1234" })).toBe(false);
    expect(ev({ path: "item.flur", present: true }, undefined)).toBe(false);
  });

  it("rejects malformed paths and operators at compile time", () => {
    expect(() => compilePath("a..b")).toThrow();
    expect(() => compilePath("project.__proto__")).toThrow();
    expect(() => compilePath("project.constructor")).toThrow();
    expect(() => compileCondition({ path: "a" } as unknown as Condition)).toThrow(
      /Unknown condition operator/,
    );
    expect(() => compileCondition({ foo: 1 } as unknown as Condition)).toThrow(/Unknown condition/);
  });

  it("isPresent", () => {
    expect([undefined, null, "", " \t", [], Number.NaN].map(isPresent)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["a", [1], 0, false, {}].map(isPresent)).toEqual([true, true, true, true, true]);
  });

  it("describes conditions in German for the admin page", () => {
    expect(
      describeCondition({
        all: [
          { path: "procedureType", in: ["BAUGENEHMIGUNG", "VEREINFACHT"] },
          {
            any: [
              { path: "project.specialBuilding", equals: true },
              { path: "project.buildingClass", equals: 5 },
            ],
          },
        ],
      }),
    ).toBe("Verfahrensart ∈ {BAUGENEHMIGUNG, VEREINFACHT} und (Sonderbau = ja oder Gebäudeklasse = 5)");
    expect(describeCondition(undefined)).toBe("immer");
    expect(describeCondition({ not: { path: "plot.planningArea", present: true } })).toBe(
      "nicht planungsrechtliche Lage angegeben",
    );
  });
});
