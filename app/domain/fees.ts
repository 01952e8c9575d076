import { z } from "zod";
import type { ProcedureType } from "./application-data";
import type { DecisionKind } from "./decision";
import { formatEuro } from "./format";
import type { ProfileId } from "./land-profiles";

/**
 * Fee calculator for a Bescheid (pure; browser, server and workers).
 *
 * A fee schedule per Land profile, overridable per authority (Authority.feeSchedule, validated
 * with `feeScheduleSchema`). The fee is shown line by line in the draft and in the Bescheid:
 *
 *   - the fee for the decision itself: a per-mille rate of the Baukosten with a minimum and an
 *     optional maximum, per procedure type (Baugenehmigung) or for the Vorbescheid;
 *     a Teilbaugenehmigung costs a share of the full permit fee; an Ablehnung a share of the fee
 *     the permit would have cost (with its own minimum);
 *   - a fixed amount per participation (per agency or Gemeinde involved).
 *
 * Money is integer cents throughout. Rounding (documented, tested): every line is computed
 * exactly with BigInt and rounded half up to the schedule's unit (whole cents or whole euros)
 * before minimum and maximum are applied; the total is the sum of the rounded lines, so the
 * printed lines always add up to the printed total.
 */

const MAX_CENTS = 100_000_000_000; // 1 billion euros: far above any fee, well inside safe integers

const centsSchema = z.number().int().min(0).max(MAX_CENTS);
const legalBasisSchema = z.string().trim().min(1).max(300);

/** Per-mille rate of the Baukosten with a minimum and an optional maximum. */
export const feeRateSchema = z
  .object({
    /** ‰ of the Baukosten; at most three decimals (e.g. 12.5 = 1.25 %). */
    perMille: z
      .number()
      .min(0)
      .max(1000)
      .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, {
        message: "Der Satz darf höchstens drei Nachkommastellen haben.",
      }),
    minimumCents: centsSchema,
    /** null: no maximum. */
    maximumCents: centsSchema.nullable(),
    /**
     * "je angefangene 1.000 Euro": the Baukosten are rounded up to a multiple of this step before
     * the rate applies (BauGebVO M-V Anlage 1 Nr. 1.1.1: 11 € je angefangene 1.000 € = 11 ‰ with
     * a step of 100,000 cents). Absent: the exact Baukosten.
     */
    stepCents: z.number().int().min(1).max(MAX_CENTS).optional(),
    /** The Tarifstelle as cited ("Anlage 1 Nr. 1.1.2 BauGebVO M-V"). */
    legalBasis: legalBasisSchema,
  })
  .refine((r) => r.maximumCents === null || r.maximumCents >= r.minimumCents, {
    message: "Die Höchstgebühr darf nicht kleiner als die Mindestgebühr sein.",
    path: ["maximumCents"],
  });
export type FeeRate = z.infer<typeof feeRateSchema>;

/** A share (percent) of another fee, with its own minimum. */
export const feeShareSchema = z.object({
  /** Up to two decimals. */
  percent: z
    .number()
    .min(0)
    .max(100)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, {
      message: "Der Anteil darf höchstens zwei Nachkommastellen haben.",
    }),
  minimumCents: centsSchema,
  legalBasis: legalBasisSchema,
});
export type FeeShare = z.infer<typeof feeShareSchema>;

const procedureKeys = z.enum([
  "BAUGENEHMIGUNG",
  "VEREINFACHT",
  "GENEHMIGUNGSFREISTELLUNG",
  "VORBESCHEID",
  "BESEITIGUNG",
]) satisfies z.ZodType<ProcedureType>;

export const feeScheduleSchema = z.object({
  /** Name of the schedule as cited ("Baugebührenverordnung M-V"). */
  name: z.string().trim().min(1).max(200),
  /** "CENT": lines rounded half up to whole cents; "EURO": to whole euros. */
  rounding: z.enum(["CENT", "EURO"]),
  permit: z.object({
    /** Rate for procedure types without their own entry. */
    default: feeRateSchema,
    byProcedureType: z.partialRecord(procedureKeys, feeRateSchema),
  }),
  vorbescheid: feeRateSchema,
  /** Teilbaugenehmigung: share of the full permit fee. */
  partialPermit: feeShareSchema,
  /** Ablehnung: share of the fee the permit would have cost. */
  rejection: feeShareSchema,
  /** Fixed amount per participation (agency or Gemeinde involved). */
  participation: z.object({ amountCents: centsSchema, legalBasis: legalBasisSchema }),
});
export type FeeSchedule = z.infer<typeof feeScheduleSchema>;

export interface FeeLine {
  label: string;
  /** Tarifstelle of the line ("Anlage 1 Nr. 1.1.2 BauGebVO M-V"); absent in lines stored before. */
  tariff?: string;
  /** How the amount came about, in German ("12 ‰ von 350.000,00 €, mindestens 100,00 €"). */
  basis: string;
  amountCents: number;
}

export interface FeeInput {
  kind: DecisionKind;
  procedureType: string;
  /** Baukosten in cents; null when unknown (then the minimum fee applies and `missingConstructionCost`). */
  constructionCostCents: number | bigint | null;
  /** Number of participations (agencies, Gemeinde) charged. */
  participations: number;
}

export interface FeeResult {
  lines: FeeLine[];
  totalCents: number;
  missingConstructionCost: boolean;
}

// ---- formatting (German, used in `basis` and by the UI) -----------------------------------------

function formatPerMille(perMille: number): string {
  return `${new Intl.NumberFormat("de-DE", { maximumFractionDigits: 3 }).format(perMille)} ‰`;
}

function formatPercent(percent: number): string {
  return `${new Intl.NumberFormat("de-DE", { maximumFractionDigits: 2 }).format(percent)} %`;
}

/** "350.000,00" / "350000" / "350.000 €" -> cents; null for blank; NaN-ish input -> undefined. */
export function parseEuroToCents(input: string): number | null | undefined {
  const s = input.replace(/€/g, "").replace(/\s/g, "");
  if (s === "") return null;
  if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(s)) return undefined;
  const [whole, frac = ""] = s.replace(/\./g, "").split(",") as [string, string?];
  const cents = Number(whole) * 100 + Number((frac ?? "").padEnd(2, "0") || "0");
  return Number.isSafeInteger(cents) ? cents : undefined;
}

// ---- arithmetic ----------------------------------------------------------------------------------

/** value × numerator / denominator, rounded half up to a multiple of `unit` (all non-negative). */
function mulDivRound(value: bigint, numerator: bigint, denominator: bigint, unit: bigint): bigint {
  const d = denominator * unit;
  return ((value * numerator * 2n + d) / (2n * d)) * unit;
}

function unitOf(schedule: FeeSchedule): bigint {
  return schedule.rounding === "EURO" ? 100n : 1n;
}

/** ‰ with up to three decimals as an exact integer of 1/1,000,000. */
function perMillionOf(perMille: number): bigint {
  return BigInt(Math.round(perMille * 1000));
}

function clamp(amount: bigint, min: number, max: number | null): bigint {
  let out = amount;
  if (out < BigInt(min)) out = BigInt(min);
  if (max !== null && out > BigInt(max)) out = BigInt(max);
  return out;
}

interface Computed {
  amount: bigint;
  basis: string;
  tariff: string;
}

function rateFee(schedule: FeeSchedule, rate: FeeRate, cost: bigint | null): Computed {
  const limits = [
    `mindestens ${formatEuro(rate.minimumCents)}`,
    rate.maximumCents === null ? null : `höchstens ${formatEuro(rate.maximumCents)}`,
  ]
    .filter(Boolean)
    .join(", ");
  if (cost === null) {
    return {
      amount: BigInt(rate.minimumCents),
      basis: `Bauwert nicht angegeben: Mindestgebühr (${formatPerMille(rate.perMille)} des Bauwerts, ${limits})`,
      tariff: rate.legalBasis,
    };
  }
  if (rate.stepCents) {
    const step = BigInt(rate.stepCents);
    const steps = (cost + step - 1n) / step;
    const perStep = mulDivRound(step, perMillionOf(rate.perMille), 1_000_000n, 1n);
    const raw = mulDivRound(steps * step, perMillionOf(rate.perMille), 1_000_000n, unitOf(schedule));
    return {
      amount: clamp(raw, rate.minimumCents, rate.maximumCents),
      basis:
        `${formatEuro(perStep)} je angefangene ${formatEuro(step)} von ${formatEuro(cost)} ` +
        `(${steps.toString()} × ${formatEuro(perStep)}), ${limits}`,
      tariff: rate.legalBasis,
    };
  }
  const raw = mulDivRound(cost, perMillionOf(rate.perMille), 1_000_000n, unitOf(schedule));
  return {
    amount: clamp(raw, rate.minimumCents, rate.maximumCents),
    basis: `${formatPerMille(rate.perMille)} von ${formatEuro(cost)}, ${limits}`,
    tariff: rate.legalBasis,
  };
}

function shareOf(schedule: FeeSchedule, share: FeeShare, of: Computed, ofLabel: string): Computed {
  // Percent with up to two decimals: exact as 1/10,000.
  const raw = mulDivRound(of.amount, BigInt(Math.round(share.percent * 100)), 10_000n, unitOf(schedule));
  return {
    amount: clamp(raw, share.minimumCents, null),
    basis: `${formatPercent(share.percent)} von ${formatEuro(of.amount)} (${ofLabel}, ${of.tariff}), mindestens ${formatEuro(share.minimumCents)}`,
    tariff: share.legalBasis,
  };
}

export function permitRate(schedule: FeeSchedule, procedureType: string): FeeRate {
  const own = (schedule.permit.byProcedureType as Record<string, FeeRate | undefined>)[procedureType];
  return own ?? schedule.permit.default;
}

const KIND_FEE_LABELS: Record<DecisionKind, string> = {
  BAUGENEHMIGUNG: "Gebühr für die Baugenehmigung",
  TEILBAUGENEHMIGUNG: "Gebühr für die Teilbaugenehmigung",
  VORBESCHEID: "Gebühr für den Vorbescheid",
  ABLEHNUNG: "Gebühr für die Ablehnung des Bauantrags",
};

/** The fee lines and total for a decision. */
export function computeFee(schedule: FeeSchedule, input: FeeInput): FeeResult {
  const cost =
    input.constructionCostCents === null
      ? null
      : BigInt(input.constructionCostCents) < 0n
        ? 0n
        : BigInt(input.constructionCostCents);
  const lines: FeeLine[] = [];
  const permit = () => rateFee(schedule, permitRate(schedule, input.procedureType), cost);

  let main: Computed;
  switch (input.kind) {
    case "BAUGENEHMIGUNG":
      main = permit();
      break;
    case "VORBESCHEID":
      main = rateFee(schedule, schedule.vorbescheid, cost);
      break;
    case "TEILBAUGENEHMIGUNG":
      main = shareOf(schedule, schedule.partialPermit, permit(), "Gebühr einer vollen Baugenehmigung");
      break;
    case "ABLEHNUNG":
      main = shareOf(schedule, schedule.rejection, permit(), "Gebühr der beantragten Baugenehmigung");
      break;
  }
  lines.push({
    label: KIND_FEE_LABELS[input.kind],
    basis: main.basis,
    tariff: main.tariff,
    amountCents: Number(main.amount),
  });

  const count = Math.max(0, Math.floor(input.participations));
  if (count > 0 && schedule.participation.amountCents > 0) {
    const amount = count * schedule.participation.amountCents;
    lines.push({
      label: count === 1 ? "Beteiligung einer Stelle" : `Beteiligung von ${count} Stellen`,
      basis: `${count} × ${formatEuro(schedule.participation.amountCents)}`,
      tariff: schedule.participation.legalBasis,
      amountCents: amount,
    });
  }
  return {
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0),
    missingConstructionCost: cost === null,
  };
}

// ---- default schedules per Land profile ----------------------------------------------------------
//
// EXPERT REVIEW NEEDED: the figures below are plausible placeholders in the range of the Länder's
// fee ordinances (per-mille rates of the Baukosten between roughly 5 ‰ and 15 ‰), not verified
// against the current text of the ordinances cited. An authority sets its binding schedule via
// Authority.feeSchedule (Verwaltung) until a Land profile's figures have been reviewed.

/** MBO model: no Land ordinance; figures modelled on typical Länder fee ordinances. */
export const MBO_FEE_SCHEDULE: FeeSchedule = {
  name: "Muster-Gebührenverzeichnis (Modell, angelehnt an die Baugebührenordnungen der Länder)",
  rounding: "CENT",
  permit: {
    default: {
      perMille: 10,
      minimumCents: 100_00,
      maximumCents: 250_000_00,
      legalBasis: "Gebührenverzeichnis Nr. 1.1 (Baugenehmigung, § 64 MBO)",
    },
    byProcedureType: {
      VEREINFACHT: {
        perMille: 8,
        minimumCents: 75_00,
        maximumCents: 150_000_00,
        legalBasis: "Gebührenverzeichnis Nr. 1.2 (vereinfachtes Verfahren, § 63 MBO)",
      },
      BESEITIGUNG: {
        perMille: 2,
        minimumCents: 50_00,
        maximumCents: 5_000_00,
        legalBasis: "Gebührenverzeichnis Nr. 1.5 (Beseitigung, § 61 Abs. 3 MBO)",
      },
    },
  },
  vorbescheid: {
    perMille: 3,
    minimumCents: 100_00,
    maximumCents: 25_000_00,
    legalBasis: "Gebührenverzeichnis Nr. 1.3 (Vorbescheid, § 75 MBO)",
  },
  partialPermit: {
    percent: 20,
    minimumCents: 100_00,
    legalBasis: "Gebührenverzeichnis Nr. 1.4 (Teilbaugenehmigung, § 74 MBO)",
  },
  rejection: {
    percent: 50,
    minimumCents: 50_00,
    legalBasis: "Gebührenverzeichnis Nr. 1.6 (Ablehnung eines Antrags)",
  },
  participation: {
    amountCents: 50_00,
    legalBasis: "Gebührenverzeichnis Nr. 1.7 (Beteiligung je Stelle)",
  },
};

/**
 * Mecklenburg-Vorpommern: Baugebührenverordnung M-V (BauGebVO M-V), Anlage 1 Gebührenverzeichnis
 * as newly set by the Verordnung vom 15. September 2021 (GVOBl. M-V S. 1330). Checked: Nr. 1.1.1
 * (Genehmigung, 11 € je angefangene 1.000 € anrechenbarer Bauwert, mindestens 70 €) and Nr. 1.1.2
 * (vereinfachtes Verfahren, 8 €, mindestens 60 €); § 1 BauGebVO M-V: Gebühren auf volle Euro
 * abrunden (the step rates give whole euros). NOT checked (placeholders, labelled without a
 * number): Beseitigung, Vorbescheid, Teilbaugenehmigung, Ablehnung, Beteiligung.
 *
 * Looked up again on 6 December 2026 (issue 15), without finding those rows: the published
 * Anlage 1 (justiz-nrw.wolterskluwer-online.de, document 91100448-…; umwelt-online.de
 * recht/bau/laender/mv/z21_1330.htm, the Fünfte Änderungsverordnung of 15.09.2021; lexaris.de
 * 1352203) confirms 1.1.1 (11 €, mindestens 70 €) and 1.1.2 (8 €, mindestens 60 €) and that
 * Nr. 1 is headed „Baugenehmigung, Vorbescheid, Typengenehmigung“, but the stored excerpts end
 * before the Vorbescheid, Teilbaugenehmigung, Beseitigung and Beteiligung rows; the Ablehnung rule
 * (Landesverwaltungskostengesetz M-V) was not found either. Queries (corpus pages/docs):
 * „Baugebührenverordnung Mecklenburg-Vorpommern Anlage 1 Gebührenverzeichnis Vorbescheid Gebühr“,
 * „BauGebVO M-V Teilbaugenehmigung Ablehnung eines Bauantrags Gebühr Zehntel“, „BauGebVO M-V
 * Gebührenverzeichnis 1.2 Vorbescheid für je angefangene 1.000 Euro anrechenbare Bauwerte
 * mindestens“, „Baugebührenverordnung M-V Teilbaugenehmigung Gebühr der Baugenehmigung anzurechnen
 * Nummer 1.3“, „BauGebVO MV Vorbescheid Gebühr ein Zehntel bis zur Hälfte …“, „VG Schwerin
 * 7 A 2216/18 Vorbescheid Rahmengebühr Tarifstelle“ (the judgment concerns a Vorbescheid fee as a
 * Rahmengebühr; its excerpt does not quote the row). Until the rows are read in the official text
 * (landesrecht-mv.de), an authority sets them in its own schedule.
 */
export const MV_FEE_SCHEDULE: FeeSchedule = {
  name: "Baugebührenverordnung M-V (BauGebVO M-V)",
  rounding: "CENT",
  permit: {
    default: {
      perMille: 11,
      stepCents: 1_000_00,
      minimumCents: 70_00,
      maximumCents: null,
      legalBasis: "Anlage 1 Nr. 1.1.1 BauGebVO M-V",
    },
    byProcedureType: {
      VEREINFACHT: {
        perMille: 8,
        stepCents: 1_000_00,
        minimumCents: 60_00,
        maximumCents: null,
        legalBasis: "Anlage 1 Nr. 1.1.2 BauGebVO M-V",
      },
      BESEITIGUNG: {
        perMille: 2,
        minimumCents: 50_00,
        maximumCents: 5_000_00,
        legalBasis: "BauGebVO M-V, Gebührenverzeichnis (Beseitigung, § 61 Abs. 3 LBauO M-V)",
      },
    },
  },
  vorbescheid: {
    perMille: 3,
    minimumCents: 100_00,
    maximumCents: 25_000_00,
    legalBasis: "BauGebVO M-V, Gebührenverzeichnis (Vorbescheid, § 75 LBauO M-V)",
  },
  partialPermit: {
    percent: 20,
    minimumCents: 100_00,
    legalBasis: "BauGebVO M-V, Gebührenverzeichnis (Teilbaugenehmigung, § 74 LBauO M-V)",
  },
  rejection: {
    percent: 50,
    minimumCents: 50_00,
    legalBasis: "BauGebVO M-V i. V. m. Verwaltungskostengesetz M-V (Ablehnung eines Antrags)",
  },
  participation: {
    amountCents: 50_00,
    legalBasis: "BauGebVO M-V, Gebührenverzeichnis (Beteiligung je Stelle)",
  },
};

export const DEFAULT_FEE_SCHEDULES: Readonly<Record<ProfileId, FeeSchedule>> = {
  MBO: MBO_FEE_SCHEDULE,
  MV: MV_FEE_SCHEDULE,
};

/**
 * The schedule an authority uses: its own (Authority.feeSchedule) when that is a valid schedule,
 * else the Land profile's default. An invalid override never breaks a decision; the caller can
 * report it with `parseFeeSchedule`.
 */
export function resolveFeeSchedule(profileId: string | null | undefined, override: unknown): FeeSchedule {
  if (override !== null && override !== undefined) {
    const parsed = feeScheduleSchema.safeParse(override);
    if (parsed.success) return parsed.data;
  }
  return profileId === "MV" ? MV_FEE_SCHEDULE : MBO_FEE_SCHEDULE;
}

/** Validates a schedule (e.g. JSON from the admin form) with German messages. */
export function parseFeeSchedule(
  value: unknown,
): { ok: true; schedule: FeeSchedule } | { ok: false; message: string } {
  const parsed = feeScheduleSchema.safeParse(value);
  if (parsed.success) return { ok: true, schedule: parsed.data };
  const first = parsed.error.issues[0];
  const where = first?.path.length ? ` (Feld ${first.path.join(".")})` : "";
  return {
    ok: false,
    message: `Die Gebührenordnung ist ungültig${where}: ${first?.message ?? "unbekannter Fehler"}`,
  };
}
