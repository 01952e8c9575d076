import { describe, expect, it } from "vitest";
import {
  bekanntgabeFromRetrieval,
  deadlinesFromBekanntgabe,
  easterSunday,
  isIsoDate,
  periodEnd,
  retrievalPeriodEnd,
} from "./bekanntgabe";
import { MBO_PROFILE, MV_PROFILE } from "./land-profiles";

describe("Bekanntgabe by retrieval (§ 41 Abs. 2a VwVfG / VwVfG M-V)", () => {
  it.each([
    // retrieved at (UTC instant)           Bekanntgabe (Berlin date + 1, never shifted)
    ["2026-03-10T09:00:00Z", "2026-03-11"],
    // 23:30 UTC on 31 March is already 1 April in Berlin (CEST): the Berlin day counts.
    ["2026-03-31T23:30:00Z", "2026-04-02"],
    // Friday retrieval: Bekanntgabe on the Saturday (a fiction date, not the end of a period).
    ["2026-01-30T12:00:00Z", "2026-01-31"],
    // New Year's Eve 23:30 in Berlin (CET, UTC+1) is 22:30 UTC.
    ["2026-12-31T22:30:00Z", "2027-01-01"],
  ])("retrieved %s → bekannt gegeben %s", (at, expected) => {
    expect(bekanntgabeFromRetrieval(new Date(at), MV_PROFILE)).toBe(expected);
  });

  it("the provision ends ten days after the notification (§ 41 Abs. 2a Satz 4)", () => {
    expect(retrievalPeriodEnd(new Date("2026-12-01T10:00:00Z"), MV_PROFILE)).toBe("2026-12-11");
    expect(retrievalPeriodEnd(new Date("2026-12-24T23:30:00Z"), "MV")).toBe("2027-01-04");
  });
});

describe("deadlines computed from the Bekanntgabe (§§ 187-193 BGB, § 31 VwVfG, § 222 ZPO)", () => {
  // profile, decision kind, Bekanntgabe, Rechtsbehelfsfrist end (shifted from), validity end (shifted from)
  const table: [string, string, string, string, string | null, string | null, string | null][] = [
    // plain month, working day; 10 March 2029 is a Saturday → Monday 12 March
    ["MV", "BAUGENEHMIGUNG", "2026-03-10", "2026-04-10", null, "2029-03-12", "2029-03-10"],
    // § 188 Abs. 3 BGB: 31 March + 1 month = 30 April (Thursday); 31 March 2029 is Easter Saturday
    // → Easter Sunday, Easter Monday → Tuesday 3 April 2029
    ["MV", "BAUGENEHMIGUNG", "2026-03-31", "2026-04-30", null, "2029-04-03", "2029-03-31"],
    // 31 Jan + 1 month = 28 Feb 2026 (Saturday) → Monday 2 March; 3 years → 31 Jan 2029 (Wednesday)
    ["MV", "BAUGENEHMIGUNG", "2026-01-31", "2026-03-02", "2026-02-28", "2029-01-31", null],
    // end on Karfreitag 3 April 2026 → Saturday, Easter Sunday, Easter Monday → Tuesday 7 April
    ["MV", "BAUGENEHMIGUNG", "2026-03-03", "2026-04-07", "2026-04-03", "2029-03-05", "2029-03-03"],
    // 1. Weihnachtstag (Friday) → Saturday, Sunday → Monday 28 December 2026
    ["MV", "ABLEHNUNG", "2026-11-25", "2026-12-28", "2026-12-25", null, null],
    // Internationaler Frauentag (Monday 8 March 2027) is a holiday in M-V, not in the MBO model
    ["MV", "BAUGENEHMIGUNG", "2027-02-08", "2027-03-09", "2027-03-08", "2030-02-08", null],
    ["MBO", "BAUGENEHMIGUNG", "2027-02-08", "2027-03-08", null, "2030-02-08", null],
    // Reformationstag (Tuesday 31 October 2028) ends the validity in the MBO model, not in M-V
    ["MV", "BAUGENEHMIGUNG", "2025-10-31", "2025-12-01", "2025-11-30", "2028-11-01", "2028-10-31"],
    ["MBO", "BAUGENEHMIGUNG", "2025-10-31", "2025-12-01", "2025-11-30", "2028-10-31", null],
    // leap day: 29 Feb 2028 + 3 years = 28 Feb 2031 (Friday); + 1 month = 29 March 2028 (Wednesday)
    ["MV", "VORBESCHEID", "2028-02-29", "2028-03-29", null, "2031-02-28", null],
    // Tag der Deutschen Einheit on a Saturday (2026) and Pfingstmontag 25 May 2026
    ["MV", "BAUGENEHMIGUNG", "2026-09-03", "2026-10-05", "2026-10-03", "2029-09-03", null],
    ["MV", "BAUGENEHMIGUNG", "2026-04-25", "2026-05-26", "2026-05-25", "2029-04-25", null],
  ];

  it.each(table)(
    "%s %s bekannt gegeben %s → Rechtsbehelf bis %s (statt %s), gültig bis %s (statt %s)",
    (profile, kind, bekanntgabe, remedyEnd, remedyShiftedFrom, validityEnd, validityShiftedFrom) => {
      const d = deadlinesFromBekanntgabe(profile, kind, bekanntgabe);
      expect(d.bekanntgabe).toBe(bekanntgabe);
      expect(d.legalRemedy.date).toBe(remedyEnd);
      expect(d.legalRemedy.shiftedFrom).toBe(remedyShiftedFrom);
      expect(d.legalRemedy.kind).toBe("WIDERSPRUCH");
      expect(d.legalRemedy.legalBasis).toBe("§ 70 Abs. 1 VwGO");
      if (validityEnd === null) {
        expect(d.validity).toBeNull();
      } else {
        expect(d.validity?.date).toBe(validityEnd);
        expect(d.validity?.shiftedFrom).toBe(validityShiftedFrom);
        expect(d.validity?.legalBasis).toBe(profile === "MV" ? "§ 73 LBauO M-V" : "§ 73 MBO");
      }
    },
  );

  it("names the reason of a shift", () => {
    expect(periodEnd("2026-03-03", { months: 1 }, MV_PROFILE.bekanntgabe).shiftReason).toBe("Karfreitag");
    expect(periodEnd("2027-02-08", { months: 1 }, MV_PROFILE.bekanntgabe).shiftReason).toBe(
      "Internationaler Frauentag",
    );
    expect(periodEnd("2026-01-31", { months: 1 }, MBO_PROFILE.bekanntgabe).shiftReason).toBe("Sonnabend");
  });

  it("Frauentag is a holiday in M-V only from 2023 (§ 2 FTG M-V as amended 2022)", () => {
    // 8 March 2022 was a Tuesday: no shift; 8 March 2023 a Wednesday: shifted to Thursday.
    expect(periodEnd("2022-02-08", { months: 1 }, MV_PROFILE.bekanntgabe).date).toBe("2022-03-08");
    expect(periodEnd("2023-02-08", { months: 1 }, MV_PROFILE.bekanntgabe).date).toBe("2023-03-09");
  });

  it("computes Easter Sunday", () => {
    expect([2024, 2025, 2026, 2027, 2028].map(easterSunday)).toEqual([
      "2024-03-31",
      "2025-04-20",
      "2026-04-05",
      "2027-03-28",
      "2028-04-16",
    ]);
  });

  it("accepts only real calendar dates", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2026-2-1")).toBe(false);
    expect(isIsoDate(20260201)).toBe(false);
  });
});
