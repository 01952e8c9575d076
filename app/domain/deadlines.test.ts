import { describe, expect, it } from "vitest";
import {
  addMonthsBerlin,
  berlinDate,
  daysLeft,
  daysLeftLabel,
  decisionDeadline,
  endOfBerlinDay,
  requestDeadlineFromDate,
} from "./deadlines";

describe("deadlines", () => {
  it("adds months by §§ 187/188 BGB, clamped to the month end", () => {
    expect(addMonthsBerlin(new Date("2026-01-15T10:00:00Z"), 3)).toBe("2026-04-15");
    expect(addMonthsBerlin(new Date("2026-11-30T10:00:00Z"), 3)).toBe("2027-02-28");
    expect(addMonthsBerlin(new Date("2027-11-30T10:00:00Z"), 3)).toBe("2028-02-29");
    // 23:30 UTC on 31 Jan is already 1 Feb in Berlin
    expect(addMonthsBerlin(new Date("2026-01-31T23:30:00Z"), 1)).toBe("2026-03-01");
  });

  it("ends a Berlin day at 23:59:59.999 local time in winter and summer", () => {
    expect(endOfBerlinDay("2026-01-10").toISOString()).toBe("2026-01-10T22:59:59.999Z");
    expect(endOfBerlinDay("2026-07-10").toISOString()).toBe("2026-07-10T21:59:59.999Z");
    expect(berlinDate(endOfBerlinDay("2026-03-29"))).toBe("2026-03-29");
  });

  it("gives the M-V decision deadline for the vereinfachtes Verfahren only", () => {
    const d = decisionDeadline("MV", "VEREINFACHT", new Date("2026-11-22T09:00:00Z"));
    expect(d).toMatchObject({ months: 3, fiction: true, legalBasis: "§ 63 Abs. 2 LBauO M-V" });
    expect(d?.dueAt.toISOString()).toBe("2027-02-22T22:59:59.999Z");
    expect(decisionDeadline("MV", "BAUGENEHMIGUNG", new Date())).toBeNull();
    expect(decisionDeadline("MBO", "VEREINFACHT", new Date())).toBeNull();
  });

  it("counts calendar days left in Berlin", () => {
    const due = endOfBerlinDay("2026-12-01");
    expect(daysLeft(due, new Date("2026-11-22T12:00:00Z"))).toBe(9);
    expect(daysLeft(due, new Date("2026-12-01T22:30:00Z"))).toBe(0);
    expect(daysLeft(due, new Date("2026-12-01T23:30:00Z"))).toBe(-1);
    expect(daysLeftLabel(due, new Date("2026-11-22T12:00:00Z"))).toBe("noch 9 Tage");
    expect(daysLeftLabel(due, new Date("2026-12-01T12:00:00Z"))).toBe("heute fällig");
    expect(daysLeftLabel(due, new Date("2026-12-04T12:00:00Z"))).toBe("seit 3 Tagen überfällig");
  });

  it("parses a picked request deadline date and rejects impossible dates", () => {
    expect(requestDeadlineFromDate("2026-12-15")?.toISOString()).toBe("2026-12-15T22:59:59.999Z");
    expect(requestDeadlineFromDate("2026-02-30")).toBeNull();
    expect(requestDeadlineFromDate("15.12.2026")).toBeNull();
  });
});
