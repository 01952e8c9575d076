/**
 * Deadline calculator (pure; browser, server and workers). Month deadlines follow §§ 187, 188 BGB:
 * a deadline of n months started on a day ends on the day of the n-th following month with the same
 * number, or on that month's last day when it has no such day. Days left count calendar days in
 * Europe/Berlin (the authority's time zone); working days are not needed for these deadlines.
 */
import { formatDateNumeric } from "./format";
import { type LandProfile, resolveProfile } from "./land-profiles";

const BERLIN = "Europe/Berlin";

/** The calendar date (YYYY-MM-DD) of an instant in Europe/Berlin. */
export function berlinDate(at: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: BERLIN,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** Offset of Europe/Berlin from UTC at an instant, in minutes (60 or 120). */
function berlinOffsetMinutes(at: Date): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: BERLIN, timeZoneName: "shortOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name ?? "");
  if (!m) return 60;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -minutes : minutes;
}

/** The last instant (23:59:59.999 Berlin time) of a Berlin calendar date. */
export function endOfBerlinDay(isoDate: string): Date {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 23, 59, 59, 999);
  // Two passes settle the offset on the days the clocks change.
  let at = new Date(naive - berlinOffsetMinutes(new Date(naive)) * 60_000);
  at = new Date(naive - berlinOffsetMinutes(at) * 60_000);
  return at;
}

/** § 188 Abs. 2, 3 BGB: the Berlin date `months` months after `start`'s Berlin date (clamped to month end). */
export function addMonthsBerlin(start: Date, months: number): string {
  const [y, m, d] = berlinDate(start).split("-").map(Number) as [number, number, number];
  const total = m - 1 + months;
  const year = y + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${year}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export interface DecisionDeadlineResult {
  /** End of the last day on which the decision is due (XBau spaetestesGenehmigungsdatum). */
  dueAt: Date;
  months: number;
  /** Silence past the deadline counts as approval (Genehmigungsfiktion). */
  fiction: boolean;
  legalBasis: string;
  /** Why a fiction the profile otherwise sets does not run here (legal basis), or null. */
  fictionExcludedBy?: string | null;
}

/** Facts of one case that set the decision deadline or its fiction aside (Land rules permitting). */
export interface DecisionCircumstances {
  /** The clerk recorded that Verbände must take part under other public-law provisions. */
  associationParticipationRequired?: boolean;
  /** When the Bauherr was told that the Einvernehmen was refused and is to be replaced. */
  replacementNoticeAt?: Date | null;
}

function profileOf(profile: LandProfile | string | null | undefined): LandProfile {
  return typeof profile === "object" && profile !== null ? profile : resolveProfile(profile);
}

function decisionRule(profile: LandProfile, procedureType: string) {
  const rule = profile.deadlines.decision;
  return rule && (rule.procedureTypes as readonly string[]).includes(procedureType) ? rule : null;
}

/**
 * The decision deadline that starts when the file is confirmed complete, or null when the Land
 * profile sets none for this procedure type (e.g. the MBO model, or a full Baugenehmigung in M-V)
 * or when the case's circumstances set it aside (M-V: Verbandsbeteiligung, § 63 Abs. 2 Satz 4). A
 * Mitteilung about the Ersetzung of a refused Einvernehmen sent in time (M-V: § 63 Abs. 2 Satz 3)
 * leaves the deadline but ends the fiction.
 */
export function decisionDeadline(
  profile: LandProfile | string | null | undefined,
  procedureType: string,
  completeAt: Date,
  circumstances: DecisionCircumstances = {},
): DecisionDeadlineResult | null {
  const rule = decisionRule(profileOf(profile), procedureType);
  if (!rule) return null;
  if (circumstances.associationParticipationRequired && rule.associationParticipationExcludesDeadline) {
    return null;
  }
  const notice = circumstances.replacementNoticeAt;
  const excluded =
    rule.fiction &&
    rule.replacementNoticeExcludesFiction &&
    notice &&
    notice.getTime() <= endOfBerlinDay(addMonthsBerlin(completeAt, rule.months)).getTime()
      ? rule.replacementNoticeExcludesFiction.legalBasis
      : null;
  return {
    dueAt: endOfBerlinDay(addMonthsBerlin(completeAt, rule.months)),
    months: rule.months,
    fiction: rule.fiction && !excluded,
    legalBasis: rule.legalBasis,
    ...(excluded ? { fictionExcludedBy: excluded } : {}),
  };
}

/**
 * Whether the Mitteilung "Einvernehmen versagt, Ersetzung soll erfolgen" may be sent at `at`: the
 * profile must know the rule for this procedure, the file must be complete, and it must be sent
 * within the deadline of the first half-sentence (the months from completeness, not an extension).
 * Returns the legal basis, or a German message.
 */
export function checkReplacementNotice(
  profile: LandProfile | string | null | undefined,
  procedureType: string,
  completeAt: Date | null,
  at: Date,
): { ok: true; legalBasis: string; dueAt: Date } | { ok: false; message: string } {
  const rule = decisionRule(profileOf(profile), procedureType);
  const basis = rule?.fiction ? rule.replacementNoticeExcludesFiction : undefined;
  if (!rule || !basis) {
    return {
      ok: false,
      message:
        "Für dieses Verfahren läuft keine Genehmigungsfiktion, die eine solche Mitteilung ausschließen könnte.",
    };
  }
  if (!completeAt) {
    return { ok: false, message: "Die Entscheidungsfrist läuft erst, wenn der Antrag vollständig ist." };
  }
  const dueAt = endOfBerlinDay(addMonthsBerlin(completeAt, rule.months));
  if (at.getTime() > dueAt.getTime()) {
    return {
      ok: false,
      message: `Die Frist für die Mitteilung ist am ${formatDateNumeric(dueAt)} abgelaufen (${basis.legalBasis}); die Genehmigung gilt als erteilt.`,
    };
  }
  return { ok: true, legalBasis: basis.legalBasis, dueAt };
}

/**
 * What the deadline display says about the decision deadline and its fiction (German), or null when
 * there is nothing to say beyond the date.
 */
export function decisionDeadlineNote(
  profile: LandProfile | string | null | undefined,
  procedureType: string,
  circumstances: DecisionCircumstances,
): string | null {
  const rule = decisionRule(profileOf(profile), procedureType);
  if (!rule) return null;
  const assoc = rule.associationParticipationExcludesDeadline;
  if (circumstances.associationParticipationRequired && assoc) {
    return `Keine Entscheidungsfrist und keine Genehmigungsfiktion: Verbände sind zu beteiligen (${assoc.legalBasis}).`;
  }
  const notice = rule.replacementNoticeExcludesFiction;
  if (circumstances.replacementNoticeAt && notice) {
    const date = formatDateNumeric(circumstances.replacementNoticeAt);
    return `Keine Genehmigungsfiktion: Bauherr:in wurde am ${date} mitgeteilt, dass die Gemeinde ihr Einvernehmen versagt hat und es ersetzt werden soll (${notice.legalBasis}).`;
  }
  return rule.fiction
    ? `Die Genehmigung gilt als erteilt, wenn sie nicht fristgerecht versagt wird (${rule.legalBasis}).`
    : null;
}

/**
 * Calendar days from today (Berlin) to the deadline's day: 0 = due today, negative = overdue by
 * that many days.
 */
export function daysLeft(deadline: Date, now: Date = new Date()): number {
  return dayNumber(berlinDate(deadline)) - dayNumber(berlinDate(now));
}

/** "noch 5 Tage", "heute fällig", "seit 2 Tagen überfällig". */
export function daysLeftLabel(deadline: Date, now: Date = new Date()): string {
  const n = daysLeft(deadline, now);
  if (n === 0) return "heute fällig";
  if (n === 1) return "noch 1 Tag";
  if (n > 1) return `noch ${n} Tage`;
  if (n === -1) return "seit 1 Tag überfällig";
  return `seit ${-n} Tagen überfällig`;
}

/** A request deadline picked as a date (YYYY-MM-DD) ends at the end of that Berlin day. */
export function requestDeadlineFromDate(isoDate: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return null;
  const at = endOfBerlinDay(isoDate);
  return Number.isNaN(at.getTime()) || berlinDate(at) !== isoDate ? null : at;
}
