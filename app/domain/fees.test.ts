import { describe, expect, it } from "vitest";
import {
  computeFee,
  type FeeInput,
  type FeeSchedule,
  feeScheduleSchema,
  MBO_FEE_SCHEDULE,
  MV_FEE_SCHEDULE,
  parseEuroToCents,
  parseFeeSchedule,
  resolveFeeSchedule,
} from "./fees";
import { formatEuro } from "./format";

/**
 * The arithmetic cases below run on a plain per-mille schedule (exact Baukosten, cent rounding,
 * minimum and maximum); the verified M-V schedule (steps of 1.000 €) has its own cases.
 */
const RATES: FeeSchedule = {
  ...MV_FEE_SCHEDULE,
  permit: {
    default: { perMille: 10, minimumCents: 100_00, maximumCents: 250_000_00, legalBasis: "Tarif 1.1" },
    byProcedureType: {
      VEREINFACHT: { perMille: 8, minimumCents: 80_00, maximumCents: 150_000_00, legalBasis: "Tarif 1.2" },
    },
  },
};

const EURO_ROUNDING: FeeSchedule = { ...RATES, rounding: "EURO" };
const PRECISE: FeeSchedule = {
  ...RATES,
  permit: {
    default: { perMille: 12.5, minimumCents: 0, maximumCents: null, legalBasis: "Tarif 1" },
    byProcedureType: {},
  },
};

const base = { procedureType: "VEREINFACHT", participations: 0 } as const;

// [name, schedule, input, expected lines (amounts), expected total]
const CASES: [string, FeeSchedule, FeeInput, number[], number][] = [
  [
    "vereinfacht: 8 ‰ of 350,000 €",
    RATES,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 35_000_000 },
    [280_000],
    280_000,
  ],
  [
    "minimum applies below it (8 ‰ of 5,000 € = 40 € < 80 €)",
    RATES,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 500_000 },
    [8_000],
    8_000,
  ],
  [
    "maximum caps it (8 ‰ of 50 Mio € = 400,000 € > 150,000 €)",
    RATES,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 5_000_000_000 },
    [15_000_000],
    15_000_000,
  ],
  [
    "procedure without own rate uses the default (10 ‰)",
    RATES,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 35_000_000 },
    [350_000],
    350_000,
  ],
  [
    "cent rounding: exact half rounds up (10 ‰ of 123,456.50 € = 1,234.565 €)",
    RATES,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 12_345_650 },
    [123_457],
    123_457,
  ],
  [
    "cent rounding: below half rounds down",
    RATES,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 12_345_649 },
    [123_456],
    123_456,
  ],
  [
    "euro rounding: 1,234.50 € rounds up to 1,235 €",
    EURO_ROUNDING,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 12_345_000 },
    [123_500],
    123_500,
  ],
  [
    "euro rounding: 1,234.4999 € rounds down to 1,234 €",
    EURO_ROUNDING,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 12_344_999 },
    [123_400],
    123_400,
  ],
  [
    "fractional per-mille rate is exact (12.5 ‰ of 10,000.01 €)",
    PRECISE,
    { ...base, procedureType: "BAUGENEHMIGUNG", kind: "BAUGENEHMIGUNG", constructionCostCents: 1_000_001 },
    [12_500],
    12_500,
  ],
  [
    "Vorbescheid has its own rate (3 ‰)",
    RATES,
    { ...base, kind: "VORBESCHEID", constructionCostCents: 35_000_000 },
    [105_000],
    105_000,
  ],
  [
    "Teilbaugenehmigung: 20 % of the permit fee",
    RATES,
    { ...base, kind: "TEILBAUGENEHMIGUNG", constructionCostCents: 35_000_000 },
    [56_000],
    56_000,
  ],
  [
    "Ablehnung: 50 % of the permit fee",
    RATES,
    { ...base, kind: "ABLEHNUNG", constructionCostCents: 35_000_000 },
    [140_000],
    140_000,
  ],
  [
    "Ablehnung: its own minimum (50 % of 80 € = 40 € < 50 €)",
    RATES,
    { ...base, kind: "ABLEHNUNG", constructionCostCents: 500_000 },
    [5_000],
    5_000,
  ],
  [
    "participations: a fixed amount each, added as a line",
    RATES,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 35_000_000, participations: 3 },
    [280_000, 15_000],
    295_000,
  ],
  [
    "unknown Baukosten: the minimum fee",
    MBO_FEE_SCHEDULE,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: null, participations: 1 },
    [7_500, 5_000],
    12_500,
  ],
  [
    "zero Baukosten: the minimum fee",
    MBO_FEE_SCHEDULE,
    { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 0 },
    [7_500],
    7_500,
  ],
  [
    "bigint Baukosten at the form's upper bound (10 bn €) stay exact and capped",
    MBO_FEE_SCHEDULE,
    { ...base, kind: "VORBESCHEID", constructionCostCents: 1_000_000_000_000n },
    [2_500_000],
    2_500_000,
  ],
];

describe("computeFee", () => {
  it.each(CASES)("%s", (_name, schedule, input, amounts, total) => {
    const result = computeFee(schedule, input);
    expect(result.lines.map((l) => l.amountCents)).toEqual(amounts);
    expect(result.totalCents).toBe(total);
    expect(result.lines.every((l) => Number.isSafeInteger(l.amountCents))).toBe(true);
  });

  it("explains every line in German with the legal basis", () => {
    const { lines } = computeFee(RATES, {
      kind: "BAUGENEHMIGUNG",
      procedureType: "VEREINFACHT",
      constructionCostCents: 35_000_000,
      participations: 2,
    });
    expect(lines[0]).toEqual({
      label: "Gebühr für die Baugenehmigung",
      basis: "8 ‰ von 350.000,00 €, mindestens 80,00 €, höchstens 150.000,00 €",
      tariff: "Tarif 1.2",
      amountCents: 280_000,
    });
    expect(lines[1]?.label).toBe("Beteiligung von 2 Stellen");
    expect(lines[1]?.basis).toContain("2 × 50,00 €");
  });

  it("M-V: BauGebVO M-V Anlage 1 Nr. 1.1.1 / 1.1.2 — per started 1.000 € of the Bauwert, with the Tarifstelle", () => {
    const simplified = computeFee(MV_FEE_SCHEDULE, {
      ...base,
      kind: "BAUGENEHMIGUNG",
      constructionCostCents: 35_000_001,
    });
    // 350.000,01 € starts the 351st thousand: 351 × 8 € = 2.808 €.
    expect(simplified.lines[0]).toEqual({
      label: "Gebühr für die Baugenehmigung",
      basis: "8,00 € je angefangene 1.000,00 € von 350.000,01 € (351 × 8,00 €), mindestens 60,00 €",
      tariff: "Anlage 1 Nr. 1.1.2 BauGebVO M-V",
      amountCents: 280_800,
    });
    const full = computeFee(MV_FEE_SCHEDULE, {
      ...base,
      procedureType: "BAUGENEHMIGUNG",
      kind: "BAUGENEHMIGUNG",
      constructionCostCents: 46_500_000,
    });
    expect(full.lines[0]).toMatchObject({
      amountCents: 465 * 11_00,
      tariff: "Anlage 1 Nr. 1.1.1 BauGebVO M-V",
    });
    // Minimums: 70 € (Nr. 1.1.1), 60 € (Nr. 1.1.2).
    expect(
      computeFee(MV_FEE_SCHEDULE, { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 100_000 })
        .totalCents,
    ).toBe(60_00);
    expect(
      computeFee(MV_FEE_SCHEDULE, {
        ...base,
        procedureType: "BAUGENEHMIGUNG",
        kind: "BAUGENEHMIGUNG",
        constructionCostCents: 100_000,
      }).totalCents,
    ).toBe(70_00);
  });

  it("reports unknown Baukosten", () => {
    const r = computeFee(RATES, { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: null });
    expect(r.missingConstructionCost).toBe(true);
    expect(r.lines[0]?.basis).toMatch(/^Bauwert nicht angegeben: Mindestgebühr/);
    expect(
      computeFee(RATES, { ...base, kind: "BAUGENEHMIGUNG", constructionCostCents: 1 })
        .missingConstructionCost,
    ).toBe(false);
  });
});

describe("schedules", () => {
  it("the default schedules are valid schedules", () => {
    expect(feeScheduleSchema.safeParse(MBO_FEE_SCHEDULE).success).toBe(true);
    expect(feeScheduleSchema.safeParse(RATES).success).toBe(true);
  });

  it("an authority override wins when valid, the profile default otherwise", () => {
    expect(resolveFeeSchedule("MV", null)).toBe(MV_FEE_SCHEDULE);
    expect(resolveFeeSchedule("XX", undefined)).toBe(MBO_FEE_SCHEDULE);
    expect(resolveFeeSchedule("MV", EURO_ROUNDING).rounding).toBe("EURO");
    expect(resolveFeeSchedule("MV", { name: "kaputt" })).toBe(MV_FEE_SCHEDULE);
  });

  it.each([
    [{ ...RATES, rounding: "HALB" }, "rounding"],
    [
      {
        ...RATES,
        vorbescheid: { ...RATES.vorbescheid, minimumCents: 500, maximumCents: 100 },
      },
      "vorbescheid.maximumCents",
    ],
    [{ ...RATES, vorbescheid: { ...RATES.vorbescheid, perMille: 1.2345 } }, "perMille"],
    [{ ...RATES, participation: { amountCents: -1, legalBasis: "x" } }, "participation"],
    [{ ...RATES, rejection: { ...RATES.rejection, percent: 120 } }, "rejection"],
  ])("refuses invalid schedules with a German message (%#)", (value, where) => {
    const r = parseFeeSchedule(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/^Die Gebührenordnung ist ungültig/);
      expect(r.message).toContain(where);
    }
  });
});

describe("money input and output", () => {
  it.each([
    ["350.000", 35_000_000],
    ["350000", 35_000_000],
    ["350.000,5", 35_000_050],
    ["1.234,56 €", 123_456],
    ["0", 0],
    ["", null],
    ["  ", null],
    ["12,345", undefined],
    ["-5", undefined],
    ["abc", undefined],
    ["1.23.4", undefined],
  ])("parseEuroToCents(%j) = %j", (input, expected) => {
    expect(parseEuroToCents(input)).toBe(expected);
  });

  it("formats cents as German euros", () => {
    expect(formatEuro(123_456)).toBe("1.234,56 €");
    expect(formatEuro(5n)).toBe("0,05 €");
  });
});
