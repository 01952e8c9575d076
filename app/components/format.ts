/** German date formatting, fixed to the authorities' time zone so server and browser agree. */
const dateTime = new Intl.DateTimeFormat("de-DE", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Berlin",
});
const dateOnly = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function formatDateTime(value: Date | string | null | undefined): string {
  return value ? dateTime.format(toDate(value)) : "–";
}

export function formatDate(value: Date | string | null | undefined): string {
  return value ? dateOnly.format(toDate(value)) : "–";
}

/** For <time dateTime=...>. */
export function isoString(value: Date | string): string {
  return toDate(value).toISOString();
}
