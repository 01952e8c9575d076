/**
 * Bekanntgabe of the Bescheid and the deadlines computed from it (pure; browser, server, workers).
 *
 * - Retrieval from the portal (§ 41 Abs. 2a VwVfG and the Land's VwVfG): the Bescheid "gilt am Tag
 *   nach dem Abruf als bekannt gegeben". Not retrieved within ten days after the notification about
 *   its provision, the provision ends and the Bekanntgabe is not effected; the authority then makes
 *   it known another way (here: post with Zustellung, whose date is the Bekanntgabe).
 * - Periods (§§ 187-193 BGB, § 31 VwVfG, § 57 Abs. 2 VwGO i. V. m. § 222 ZPO): the day of the event
 *   is not counted (§ 187 Abs. 1 BGB); a period of months or years ends on the day of the last month
 *   with the event day's number, or on the month's last day when there is none (§ 188 Abs. 2, 3
 *   BGB); an end on a Saturday, Sunday or public holiday of the Land moves to the next working day
 *   (§ 193 BGB, § 31 Abs. 3 VwVfG, § 222 Abs. 2 ZPO). The Bekanntgabe date itself is a fiction, not
 *   the end of a period: it is not moved.
 * - Rechtsbehelfsfrist: one month after the Bekanntgabe (§ 70 Abs. 1 VwGO Widerspruch, § 74 Abs. 1
 *   VwGO Klage). Validity of a permit: lapses when construction has not begun within the profile's
 *   years after the Bekanntgabe (the permit takes effect with it, § 43 Abs. 1 VwVfG).
 *
 * Dates are Berlin calendar dates as "YYYY-MM-DD".
 */
import { berlinDate } from "./deadlines";
import { type BekanntgabeRules, type LandProfile, resolveProfile } from "./land-profiles";

export type IsoDate = string;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(iso: IsoDate): [number, number, number] {
  const m = ISO_RE.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function toIso(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Whether a string is a real calendar date "YYYY-MM-DD". */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== "string" || !ISO_RE.test(value)) return false;
  const [y, m, d] = parts(value);
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  const [y, m, d] = parts(iso);
  const at = new Date(Date.UTC(y, m - 1, d + days));
  return toIso(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
}

/** § 188 Abs. 2, 3 BGB on a calendar date: `months` later, clamped to the month's last day. */
export function addMonths(iso: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(iso);
  const total = m - 1 + months;
  const year = y + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return toIso(year, month + 1, Math.min(d, lastDay));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(iso: IsoDate): number {
  const [y, m, d] = parts(iso);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Easter Sunday (Gregorian calendar; anonymous algorithm after Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIso(year, month, day);
}

/** Public holidays of a year: those of every Land plus the profile's extra ones. */
export function publicHolidays(year: number, rules: BekanntgabeRules): Map<IsoDate, string> {
  const easter = easterSunday(year);
  const out = new Map<IsoDate, string>([
    [toIso(year, 1, 1), "Neujahr"],
    [addDays(easter, -2), "Karfreitag"],
    [addDays(easter, 1), "Ostermontag"],
    [toIso(year, 5, 1), "Tag der Arbeit"],
    [addDays(easter, 39), "Christi Himmelfahrt"],
    [addDays(easter, 50), "Pfingstmontag"],
    [toIso(year, 10, 3), "Tag der Deutschen Einheit"],
    [toIso(year, 12, 25), "1. Weihnachtstag"],
    [toIso(year, 12, 26), "2. Weihnachtstag"],
  ]);
  for (const h of rules.publicHolidays.extra) {
    if (h.fromYear !== undefined && year < h.fromYear) continue;
    out.set(toIso(year, h.month, h.day), h.name);
  }
  return out;
}

/** Why a day is no working day ("Sonnabend", "Sonntag", the holiday's name) or null. */
export function nonWorkingDayReason(iso: IsoDate, rules: BekanntgabeRules): string | null {
  const wd = weekday(iso);
  if (wd === 6) return "Sonnabend";
  if (wd === 0) return "Sonntag";
  return publicHolidays(parts(iso)[0], rules).get(iso) ?? null;
}

export interface PeriodEnd {
  /** The last day of the period after any shift. */
  date: IsoDate;
  /** The computed end before the shift, when it fell on a day off. */
  shiftedFrom: IsoDate | null;
  /** Why it was shifted ("Sonntag", "Karfreitag", ...). */
  shiftReason: string | null;
}

/**
 * End of a period that starts with an event on `eventDate` (§ 187 Abs. 1 BGB: that day is not
 * counted). Months/years per § 188 Abs. 2, 3 BGB, days per § 188 Abs. 1 BGB; with `shift`, an end
 * on a Saturday, Sunday or public holiday moves to the next working day (§ 193 BGB, § 31 Abs. 3
 * VwVfG, § 222 Abs. 2 ZPO).
 */
export function periodEnd(
  eventDate: IsoDate,
  length: { days?: number; months?: number; years?: number },
  rules: BekanntgabeRules,
  { shift = true }: { shift?: boolean } = {},
): PeriodEnd {
  let end = eventDate;
  const months = (length.months ?? 0) + 12 * (length.years ?? 0);
  if (months) end = addMonths(end, months);
  if (length.days) end = addDays(end, length.days);
  if (!shift) return { date: end, shiftedFrom: null, shiftReason: null };
  const firstReason = nonWorkingDayReason(end, rules);
  if (!firstReason) return { date: end, shiftedFrom: null, shiftReason: null };
  let moved = end;
  while (nonWorkingDayReason(moved, rules)) moved = addDays(moved, 1);
  return { date: moved, shiftedFrom: end, shiftReason: firstReason };
}

function rulesOf(profile: LandProfile | string | null | undefined): BekanntgabeRules {
  const p = typeof profile === "object" && profile !== null ? profile : resolveProfile(profile);
  return p.bekanntgabe;
}

/** § 41 Abs. 2a Satz 3 VwVfG: the Berlin day after the (first) retrieval. */
export function bekanntgabeFromRetrieval(
  retrievedAt: Date,
  profile: LandProfile | string | null | undefined,
): IsoDate {
  return addDays(berlinDate(retrievedAt), rulesOf(profile).retrieval.daysAfterRetrieval);
}

/**
 * Last day on which a retrieval still effects the Bekanntgabe: ten days after the notification
 * about the provision (§ 41 Abs. 2a Satz 4 VwVfG). No shift: it ends the provision, it is no
 * period a person has to keep.
 */
export function retrievalPeriodEnd(
  notifiedAt: Date,
  profile: LandProfile | string | null | undefined,
): IsoDate {
  return addDays(berlinDate(notifiedAt), rulesOf(profile).retrieval.periodDays);
}

export interface DeadlinesFromBekanntgabe {
  bekanntgabe: IsoDate;
  legalRemedy: PeriodEnd & {
    kind: "WIDERSPRUCH" | "KLAGE";
    label: string;
    months: number;
    legalBasis: string;
  };
  /** Null for decisions that grant nothing (Ablehnung). */
  validity: (PeriodEnd & { years: number; extensionYears: number; legalBasis: string }) | null;
  periodEndLegalBasis: string;
}

/** Decision kinds whose permission lapses when construction has not begun in time. */
const LAPSING_KINDS: ReadonlySet<string> = new Set(["BAUGENEHMIGUNG", "TEILBAUGENEHMIGUNG", "VORBESCHEID"]);

/** The Rechtsbehelfsfrist and (for permits) the validity end, both counted from the Bekanntgabe. */
export function deadlinesFromBekanntgabe(
  profile: LandProfile | string | null | undefined,
  decisionKind: string,
  bekanntgabe: IsoDate,
): DeadlinesFromBekanntgabe {
  const p = typeof profile === "object" && profile !== null ? profile : resolveProfile(profile);
  const rules = p.bekanntgabe;
  const remedy = rules.legalRemedy;
  const validity = p.deadlines.permitValidity;
  return {
    bekanntgabe,
    legalRemedy: {
      ...periodEnd(bekanntgabe, { months: remedy.months }, rules),
      kind: remedy.kind,
      label: remedy.label,
      months: remedy.months,
      legalBasis: remedy.legalBasis,
    },
    validity: LAPSING_KINDS.has(decisionKind)
      ? {
          ...periodEnd(bekanntgabe, { years: validity.years }, rules),
          years: validity.years,
          extensionYears: validity.extensionYears,
          legalBasis: validity.legalBasis,
        }
      : null,
    periodEndLegalBasis: rules.periodEndLegalBasis,
  };
}
