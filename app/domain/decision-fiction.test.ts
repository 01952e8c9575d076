import { describe, expect, it } from "vitest";
import {
  checkReplacementNotice,
  type DecisionCircumstances,
  decisionDeadline,
  decisionDeadlineNote,
} from "./deadlines";
import { MBO_PROFILE, MV_PROFILE } from "./land-profiles";

/**
 * The decision deadline and its fiction with the exceptions of § 63 Abs. 2 Sätze 3 and 4 LBauO M-V
 * (text checked at decision.verifiedAt): a Mitteilung about the refused Einvernehmen and its
 * Ersetzung, sent within the three months of Satz 1 Halbsatz 1, ends the fiction (the deadline
 * stays); a required Verbandsbeteiligung sets the deadline aside (and with it the fiction). The MBO
 * model has neither deadline nor fiction.
 */

const completeAt = new Date("2026-11-22T09:00:00Z"); // deadline ends 22.02.2027, 24:00 Berlin
const DUE = "2027-02-22T22:59:59.999Z";

interface Row {
  name: string;
  profile: "MV" | "MBO";
  type: string;
  c: DecisionCircumstances;
  due: string | null;
  fiction?: boolean;
  excludedBy?: string;
}

const rows: Row[] = [
  {
    name: "M-V vereinfacht, nothing special",
    profile: "MV",
    type: "VEREINFACHT",
    c: {},
    due: DUE,
    fiction: true,
  },
  {
    name: "M-V: Mitteilung within the deadline ends the fiction",
    profile: "MV",
    type: "VEREINFACHT",
    c: { replacementNoticeAt: new Date("2027-01-10T10:00:00Z") },
    due: DUE,
    fiction: false,
    excludedBy: "§ 63 Abs. 2 Satz 3 LBauO M-V",
  },
  {
    name: "M-V: Mitteilung on the last day (23:00 Berlin) still counts",
    profile: "MV",
    type: "VEREINFACHT",
    c: { replacementNoticeAt: new Date("2027-02-22T22:00:00Z") },
    due: DUE,
    fiction: false,
    excludedBy: "§ 63 Abs. 2 Satz 3 LBauO M-V",
  },
  {
    name: "M-V: Mitteilung after the deadline does not stop the fiction",
    profile: "MV",
    type: "VEREINFACHT",
    c: { replacementNoticeAt: new Date("2027-02-22T23:00:00Z") },
    due: DUE,
    fiction: true,
  },
  {
    name: "M-V: Verbandsbeteiligung, no deadline and no fiction",
    profile: "MV",
    type: "VEREINFACHT",
    c: { associationParticipationRequired: true },
    due: null,
  },
  {
    name: "M-V: Verbandsbeteiligung and Mitteilung, no deadline",
    profile: "MV",
    type: "VEREINFACHT",
    c: { associationParticipationRequired: true, replacementNoticeAt: new Date("2027-01-10T10:00:00Z") },
    due: null,
  },
  { name: "M-V Baugenehmigung: no deadline", profile: "MV", type: "BAUGENEHMIGUNG", c: {}, due: null },
  { name: "MBO: no deadline", profile: "MBO", type: "VEREINFACHT", c: {}, due: null },
  {
    name: "MBO: flags change nothing",
    profile: "MBO",
    type: "VEREINFACHT",
    c: { associationParticipationRequired: true, replacementNoticeAt: new Date("2027-01-10T10:00:00Z") },
    due: null,
  },
];

describe("decision deadline and fiction", () => {
  it.each(rows)("$name", ({ profile, type, c, due, fiction, excludedBy }) => {
    const d = decisionDeadline(profile, type, completeAt, c);
    if (due === null) {
      expect(d).toBeNull();
      return;
    }
    expect(d?.dueAt.toISOString()).toBe(due);
    expect(d?.fiction).toBe(fiction);
    expect(d?.legalBasis).toBe("§ 63 Abs. 2 LBauO M-V");
    expect(d?.fictionExcludedBy ?? null).toBe(excludedBy ?? null);
  });

  it("carries Sätze 3 and 4 as data with the checked text, only in the M-V profile", () => {
    const rule = MV_PROFILE.deadlines.decision!;
    expect(rule.replacementNoticeExcludesFiction).toEqual({
      legalBasis: "§ 63 Abs. 2 Satz 3 LBauO M-V",
      verifiedAt: rule.verifiedAt,
    });
    expect(rule.associationParticipationExcludesDeadline).toEqual({
      legalBasis: "§ 63 Abs. 2 Satz 4 LBauO M-V",
      verifiedAt: rule.verifiedAt,
    });
    expect(rule.verifiedAt).toContain("haufe.de");
    expect(MBO_PROFILE.deadlines.decision).toBeNull();
  });
});

describe("the Mitteilung (§ 63 Abs. 2 Satz 3 LBauO M-V)", () => {
  const cases: {
    name: string;
    profile: "MV" | "MBO";
    type: string;
    completeAt: Date | null;
    at: string;
    ok: boolean;
    message?: string;
  }[] = [
    {
      name: "within the three months",
      profile: "MV",
      type: "VEREINFACHT",
      completeAt,
      at: "2027-01-10T10:00:00Z",
      ok: true,
    },
    {
      name: "on the last day",
      profile: "MV",
      type: "VEREINFACHT",
      completeAt,
      at: "2027-02-22T22:59:00Z",
      ok: true,
    },
    {
      name: "after the three months (the extension does not count)",
      profile: "MV",
      type: "VEREINFACHT",
      completeAt,
      at: "2027-03-10T10:00:00Z",
      ok: false,
      message: "am 22.02.2027 abgelaufen (§ 63 Abs. 2 Satz 3 LBauO M-V)",
    },
    {
      name: "before completeness",
      profile: "MV",
      type: "VEREINFACHT",
      completeAt: null,
      at: "2027-01-10T10:00:00Z",
      ok: false,
      message: "erst, wenn der Antrag vollständig ist",
    },
    {
      name: "no fiction in the full procedure",
      profile: "MV",
      type: "BAUGENEHMIGUNG",
      completeAt,
      at: "2027-01-10T10:00:00Z",
      ok: false,
      message: "keine Genehmigungsfiktion",
    },
    {
      name: "no such rule in the MBO model",
      profile: "MBO",
      type: "VEREINFACHT",
      completeAt,
      at: "2027-01-10T10:00:00Z",
      ok: false,
      message: "keine Genehmigungsfiktion",
    },
  ];
  it.each(cases)("$name", ({ profile, type, completeAt: c, at, ok, message }) => {
    const r = checkReplacementNotice(profile, type, c, new Date(at));
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r).toMatchObject({ legalBasis: "§ 63 Abs. 2 Satz 3 LBauO M-V", dueAt: new Date(DUE) });
    else expect(r.message).toContain(message);
  });
});

describe("what the deadline display says", () => {
  it.each([
    {
      c: {},
      text: "Die Genehmigung gilt als erteilt, wenn sie nicht fristgerecht versagt wird (§ 63 Abs. 2 LBauO M-V).",
    },
    {
      c: { replacementNoticeAt: new Date("2027-01-10T10:00:00Z") },
      text: "Keine Genehmigungsfiktion: Bauherr:in wurde am 10.01.2027 mitgeteilt, dass die Gemeinde ihr Einvernehmen versagt hat und es ersetzt werden soll (§ 63 Abs. 2 Satz 3 LBauO M-V).",
    },
    {
      c: { associationParticipationRequired: true },
      text: "Keine Entscheidungsfrist und keine Genehmigungsfiktion: Verbände sind zu beteiligen (§ 63 Abs. 2 Satz 4 LBauO M-V).",
    },
  ])("M-V: $text", ({ c, text }) => {
    expect(decisionDeadlineNote("MV", "VEREINFACHT", c)).toBe(text);
  });
  it("says nothing where no deadline runs", () => {
    expect(decisionDeadlineNote("MBO", "VEREINFACHT", { associationParticipationRequired: true })).toBeNull();
    expect(decisionDeadlineNote("MV", "BAUGENEHMIGUNG", {})).toBeNull();
  });
});
