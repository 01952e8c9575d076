import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatDate,
  formatDateLong,
  formatDateNumeric,
  formatDateTime,
  formatEuroWhole,
  formatTime,
} from "./format";

// 23:30 UTC on 31 Dec is already New Year in Berlin: every date shows the authority's day.
const newYear = new Date("2026-12-31T23:30:00Z");

describe("German formatting", () => {
  it("formats dates and times in Berlin time, whatever the machine's zone", () => {
    expect(formatDate(newYear)).toBe("01.01.2027");
    expect(formatDateNumeric(newYear)).toBe("01.01.2027");
    expect(formatDateLong(newYear)).toBe("1. Januar 2027");
    expect(formatDateTime(newYear)).toBe("01.01.2027, 00:30");
    expect(formatTime("2026-07-01T10:05:00Z")).toBe("12:05");
  });

  it("shows a dash for a missing date and keeps an unreadable one as it came", () => {
    expect(formatDate(null)).toBe("–");
    expect(formatDateTime(undefined)).toBe("–");
    expect(formatDateNumeric("kein Datum")).toBe("kein Datum");
  });

  it("formats file sizes with a German decimal comma", () => {
    expect(formatBytes(512)).toBe("512 Byte");
    expect(formatBytes(1536)).toBe("2 KB");
    expect(formatBytes(1536, { precise: true })).toBe("1,5 KB");
    expect(formatBytes(250 * 1024 * 1024)).toBe("250 MB");
    expect(formatBytes(BigInt(1.5 * 1024 * 1024))).toBe("1,5 MB");
  });

  it("formats whole euros", () => {
    expect(formatEuroWhole(350_000).replace(/\s/g, " ")).toBe("350.000 €");
  });
});
