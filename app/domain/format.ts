/**
 * German formatting of dates, money and file sizes: one home for the whole app (browser, server and
 * workers). Dates are fixed to the authorities' time zone so server, browser and worker agree
 * whatever the machine's own zone is. Pure (Intl only), so it may run anywhere.
 */

export const TIME_ZONE = "Europe/Berlin";

type DateInput = Date | string;

const dateTime = new Intl.DateTimeFormat("de-DE", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: TIME_ZONE,
});
const dateMedium = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: TIME_ZONE });
const dateLong = new Intl.DateTimeFormat("de-DE", { dateStyle: "long", timeZone: TIME_ZONE });
const dateNumeric = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});
const time = new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE });

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "06.12.2026, 14:05" (medium date and short time); "–" when there is none. */
export function formatDateTime(value: DateInput | null | undefined): string {
  return value ? dateTime.format(toDate(value)) : "–";
}

/** "06.12.2026" (medium date); "–" when there is none. */
export function formatDate(value: DateInput | null | undefined): string {
  return value ? dateMedium.format(toDate(value)) : "–";
}

/** "6. Dezember 2026" (long date, for letters and invitations). */
export function formatDateLong(value: DateInput): string {
  return dateLong.format(toDate(value));
}

/** "06.12.2026" always with two-digit day and month; an unparsable string is returned as it came. */
export function formatDateNumeric(value: DateInput): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return dateNumeric.format(d);
}

/** "14:05" in Berlin time. */
export function formatTime(value: DateInput): string {
  return time.format(toDate(value));
}

/** For <time dateTime=...>. */
export function isoString(value: DateInput): string {
  return toDate(value).toISOString();
}

const KB = 1024;
const MB = 1024 * 1024;
const kbWhole = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 });

/**
 * File size: "512 Byte", "34 KB", "2,5 MB" (German decimal comma). `precise` keeps one decimal for
 * kilobytes too ("1,5 KB"), for limits and upload lists where small differences matter.
 */
export function formatBytes(bytes: number | bigint, options: { precise?: boolean } = {}): string {
  const n = typeof bytes === "bigint" ? Number(bytes) : bytes;
  if (n >= MB) return `${oneDecimal.format(n / MB)} MB`;
  if (n >= KB) return `${(options.precise ? oneDecimal : kbWhole).format(n / KB)} KB`;
  return `${n} Byte`;
}

const euroCents = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const euroWhole = new Intl.NumberFormat("de-DE", {
  style: "currency",
  currency: "EUR",
  maximumFractionDigits: 0,
});

/** Cents as in fees: 123456 -> "1.234,56 €". */
export function formatEuro(cents: number | bigint): string {
  const n = typeof cents === "bigint" ? Number(cents) : cents;
  return `${euroCents.format(n / 100)} €`;
}

/** Whole euros as the applicant entered them (estimated costs): 350000 -> "350.000 €". */
export function formatEuroWhole(euros: number): string {
  return euroWhole.format(euros);
}
