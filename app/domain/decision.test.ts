import { describe, expect, it } from "vitest";
import {
  decisionKindLegalBasis,
  defaultDecisionKind,
  defaultLegalRemedyTemplate,
  fillLegalRemedy,
  legalRemedyFor,
  permitValidUntil,
  reasonsSkeleton,
  requestedDeviationSkeleton,
} from "./decision";

describe("decision kinds", () => {
  it.each([
    ["VORBESCHEID", "VORBESCHEID"],
    ["VEREINFACHT", "BAUGENEHMIGUNG"],
    ["BAUGENEHMIGUNG", "BAUGENEHMIGUNG"],
    ["BESEITIGUNG", "BAUGENEHMIGUNG"],
  ])("default kind for %s is %s", (procedure, kind) => {
    expect(defaultDecisionKind(procedure)).toBe(kind);
  });

  it("proposes an Ablehnung when the Gemeinde refused its Einvernehmen (not for a Vorbescheid)", () => {
    expect(defaultDecisionKind("VEREINFACHT", { municipalConsentRefused: true })).toBe("ABLEHNUNG");
    expect(defaultDecisionKind("VORBESCHEID", { municipalConsentRefused: true })).toBe("VORBESCHEID");
    const text = reasonsSkeleton({
      kind: "ABLEHNUNG",
      profileId: "MV",
      procedureLabel: "Baugenehmigungsverfahren",
      submittedAt: null,
      completeAt: null,
      formatDate: (d) => d.toISOString(),
      participations: [{ agencyName: "Gemeinde Testdorf", outcome: "REJECTION", municipal: true }],
      deviationsRequested: false,
    });
    expect(text).toContain("- Gemeinde Testdorf hat das gemeindliche Einvernehmen (§ 36 BauGB) versagt.");
    expect(text).toContain("§ 36 Abs. 2 Satz 3 BauGB");
  });

  it("cites the Land's building code", () => {
    expect(decisionKindLegalBasis("MV", "BAUGENEHMIGUNG")).toBe("§ 72 Abs. 1 LBauO M-V");
    expect(decisionKindLegalBasis("MBO", "TEILBAUGENEHMIGUNG")).toBe("§ 74 MBO");
    expect(requestedDeviationSkeleton("MV").legalBasis).toBe("§ 67 LBauO M-V");
  });
});

describe("Rechtsbehelfsbelehrung", () => {
  it("M-V: Widerspruch within one month at the authority, placeholders filled", () => {
    const text = legalRemedyFor({
      name: "Landkreis Rostock, Bauamt",
      addressLine: "August-Bebel-Straße 3, 18209 Bad Doberan",
      landProfile: "MV",
    });
    expect(text).toContain("innerhalb eines Monats nach seiner Bekanntgabe Widerspruch");
    expect(text).toContain(
      "zur Niederschrift bei der Bauaufsichtsbehörde (Landkreis Rostock, Bauamt, August-Bebel-Straße 3, 18209 Bad Doberan) einzulegen",
    );
    expect(text).not.toMatch(/\{behoerde\}|\{anschrift\}/);
  });

  it("the authority's own text wins and is filled too; a missing address is named", () => {
    expect(
      legalRemedyFor({
        name: "Stadt X",
        landProfile: "MV",
        legalRemedyText: "Widerspruch bei {behoerde}, {anschrift}.",
      }),
    ).toBe("Widerspruch bei Stadt X, (Anschrift der Behörde).");
    expect(fillLegalRemedy(defaultLegalRemedyTemplate("unknown"), { name: "B", addressLine: "A" })).toContain(
      "Bauaufsichtsbehörde (B, A)",
    );
  });
});

describe("permit validity", () => {
  it("three years after the decision, end of that Berlin day (BGB month end clamp)", () => {
    expect(permitValidUntil("MV", "BAUGENEHMIGUNG", new Date("2026-03-10T09:00:00Z"))?.toISOString()).toBe(
      "2029-03-10T22:59:59.999Z",
    );
    // 29 Feb does not exist in 2031: the last day of February.
    expect(permitValidUntil("MBO", "VORBESCHEID", new Date("2028-02-29T12:00:00Z"))?.toISOString()).toBe(
      "2031-02-28T22:59:59.999Z",
    );
    // Summer time: Berlin is UTC+2.
    expect(
      permitValidUntil("MV", "TEILBAUGENEHMIGUNG", new Date("2026-07-01T08:00:00Z"))?.toISOString(),
    ).toBe("2029-07-01T21:59:59.999Z");
  });

  it("an Ablehnung has no validity", () => {
    expect(permitValidUntil("MV", "ABLEHNUNG", new Date())).toBeNull();
  });
});

describe("reasons skeleton", () => {
  const fmt = (d: Date) => d.toISOString().slice(0, 10);
  it("names the procedure, dates, participations and requested deviations", () => {
    const text = reasonsSkeleton({
      kind: "BAUGENEHMIGUNG",
      profileId: "MV",
      procedureLabel: "Vereinfachten Baugenehmigungsverfahren",
      submittedAt: new Date("2026-01-05T10:00:00Z"),
      completeAt: new Date("2026-01-20T10:00:00Z"),
      formatDate: fmt,
      participations: [
        { agencyName: "Untere Denkmalschutzbehörde", outcome: "CONSENT_WITH_CONDITIONS" },
        { agencyName: "Gemeinde Kritzmow", outcome: "DEEMED_CONSENT" },
      ],
      deviationsRequested: true,
    });
    expect(text).toContain("am 2026-01-05 eingegangen");
    expect(text).toContain("seit dem 2026-01-20 vollständig");
    expect(text).toContain("- Untere Denkmalschutzbehörde hat unter Nebenbestimmungen zugestimmt.");
    expect(text).toContain("die Zustimmung gilt als erteilt");
    expect(text).toContain("§ 67 LBauO M-V");
    expect(text).toContain("§ 72 Abs. 1 LBauO M-V");
  });

  it("an Ablehnung gets rejection reasons and no Abweichungen", () => {
    const text = reasonsSkeleton({
      kind: "ABLEHNUNG",
      profileId: "MBO",
      procedureLabel: "Baugenehmigungsverfahren",
      submittedAt: null,
      completeAt: null,
      formatDate: fmt,
      participations: [],
      deviationsRequested: true,
    });
    expect(text).toContain("Der Bauantrag ist abzulehnen");
    expect(text).not.toContain("§ 67");
    expect(text).not.toContain("beteiligt");
  });
});
