import { describe, expect, it } from "vitest";
import type { ApplicationData } from "./application-data";
import { berlinDate } from "./deadlines";
import { type LandProfile, MBO_PROFILE, MV_PROFILE } from "./land-profiles";
import {
  answeredLate,
  consequenceText,
  defaultDeadline,
  isConsentKind,
  manualSuggestion,
  PARTICIPATION_KINDS,
  type ParticipationKindName,
  participationRule,
  participationState,
  silenceConsequenceText,
  suggestParticipations,
  withKind,
} from "./participation";

const base: ApplicationData = {
  plot: { planningArea: "BEBAUUNGSPLAN" },
  project: { measureType: "ERRICHTUNG", buildingClass: 1, use: "WOHNEN" },
};

function withData(plot: object, project: object): ApplicationData {
  return { plot: { ...base.plot, ...plot }, project: { ...base.project, ...project } };
}

describe("suggestParticipations", () => {
  const cases: {
    name: string;
    data: ApplicationData;
    procedure?: string;
    separate?: boolean;
    keys: string[];
  }[] = [
    { name: "Einfamilienhaus im B-Plan: niemand", data: base, keys: [] },
    { name: "Baudenkmal → Denkmalschutz", data: withData({}, { monument: true }), keys: ["DENKMALSCHUTZ"] },
    { name: "Sonderbau → Brandschutz", data: withData({}, { specialBuilding: true }), keys: ["BRANDSCHUTZ"] },
    { name: "GK 4 → Brandschutz", data: withData({}, { buildingClass: 4 }), keys: ["BRANDSCHUTZ"] },
    { name: "GK 5 → Brandschutz", data: withData({}, { buildingClass: 5 }), keys: ["BRANDSCHUTZ"] },
    { name: "GK 3 → kein Brandschutz", data: withData({}, { buildingClass: 3 }), keys: [] },
    {
      name: "Außenbereich → Gemeinde und Naturschutz",
      data: withData({ planningArea: "AUSSENBEREICH" }, {}),
      keys: ["GEMEINDE", "NATURSCHUTZ"],
    },
    {
      name: "Außenbereich, Gemeinde ist selbst Bauaufsicht → nur Naturschutz",
      data: withData({ planningArea: "AUSSENBEREICH" }, {}),
      separate: false,
      keys: ["NATURSCHUTZ"],
    },
    {
      name: "Innenbereich → Gemeinde",
      data: withData({ planningArea: "INNENBEREICH" }, {}),
      keys: ["GEMEINDE"],
    },
    {
      name: "B-Plan mit Befreiung → Gemeinde",
      data: withData({}, { deviationsRequested: true }),
      keys: ["GEMEINDE"],
    },
    { name: "Lage unbekannt → Gemeinde", data: { project: base.project }, keys: ["GEMEINDE"] },
    {
      name: "an der Landesstraße → Straßenbau",
      data: withData({ nextToMajorRoad: true }, {}),
      keys: ["STRASSENBAU"],
    },
    {
      name: "Gewerbe → Immissionsschutz",
      data: withData({}, { use: "GEWERBE" }),
      keys: ["IMMISSIONSSCHUTZ"],
    },
    {
      name: "Genehmigungsfreistellung → keine Beteiligung",
      data: withData({ planningArea: "AUSSENBEREICH" }, { monument: true }),
      procedure: "GENEHMIGUNGSFREISTELLUNG",
      keys: [],
    },
    {
      name: "Beseitigung eines Denkmals im Innenbereich → Denkmalschutz, kein Einvernehmen",
      data: withData({ planningArea: "INNENBEREICH" }, { monument: true }),
      procedure: "BESEITIGUNG",
      keys: ["DENKMALSCHUTZ"],
    },
    {
      name: "alles zusammen, Gemeinde zuerst",
      data: withData(
        { planningArea: "AUSSENBEREICH", nextToMajorRoad: true },
        { monument: true, specialBuilding: true, use: "GEWERBE" },
      ),
      keys: ["GEMEINDE", "DENKMALSCHUTZ", "BRANDSCHUTZ", "NATURSCHUTZ", "STRASSENBAU", "IMMISSIONSSCHUTZ"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = suggestParticipations({
        data: c.data,
        procedureType: c.procedure ?? "VEREINFACHT",
        profile: "MV",
        municipalityIsSeparate: c.separate ?? true,
      });
      expect(s.map((x) => x.key)).toEqual(c.keys);
      for (const x of s) {
        expect(x.reason.length).toBeGreaterThan(10);
        expect(x.legalBasis).not.toBe("");
        expect(x.question).not.toBe("");
      }
    });
  }

  it("carries kind, role, deadline and the consequence of silence from the Land profile", () => {
    const s = suggestParticipations({
      data: withData({ planningArea: "AUSSENBEREICH" }, { buildingClass: 4 }),
      procedureType: "BAUGENEHMIGUNG",
      profile: "MV",
      municipalityIsSeparate: true,
    });
    const gemeinde = s.find((x) => x.key === "GEMEINDE");
    expect(gemeinde).toMatchObject({
      target: { kind: "GEMEINDE" },
      participationKind: "MUNICIPAL_CONSENT",
      rolle: "3",
      rechtsbereich: "BAUPLANUNGSRECHT",
      deadlineMonths: 2,
      silenceIsConsent: true,
    });
    expect(gemeinde?.legalBasis).toContain("§ 35 BauGB");
    expect(gemeinde?.silenceConsequence).toContain("Einvernehmen gilt als erteilt");
    expect(gemeinde?.silenceConsequence).toContain("zwei Monaten");
    expect(gemeinde?.silenceConsequence).toContain("§ 36 Abs. 2 Satz 2 BauGB");
    const brand = s.find((x) => x.key === "BRANDSCHUTZ");
    // A plain Stellungnahme: one month, no fiction (§ 69 Abs. 1 LBauO M-V).
    expect(brand).toMatchObject({
      target: { kind: "FACHSTELLE", agencyType: "BRANDSCHUTZ" },
      participationKind: "AGENCY_STATEMENT",
      deadlineMonths: 1,
      silenceIsConsent: false,
    });
    expect(brand?.silenceConsequence).toContain("nicht fristgerecht");
    expect(brand?.silenceConsequence).not.toContain("gilt als erteilt");
    // MV wording, not the model code.
    expect(brand?.legalBasis).toBe("§ 14 LBauO M-V; Frist: § 69 Abs. 1 LBauO M-V");
    expect(brand?.reason).toContain("Gebäudeklasse 4 (§ 2 Abs. 3 LBauO M-V)");
  });

  it("adds the profile's Denkmal extension to the Denkmalschutz deadline only", () => {
    const berlinLike: LandProfile = {
      ...MBO_PROFILE,
      deadlines: { ...MBO_PROFILE.deadlines, monumentExtensionMonths: 1 },
    };
    const s = suggestParticipations({
      data: withData({ planningArea: "AUSSENBEREICH" }, { monument: true }),
      procedureType: "BAUGENEHMIGUNG",
      profile: berlinLike,
      municipalityIsSeparate: true,
    });
    expect(Object.fromEntries(s.map((x) => [x.key, x.deadlineMonths]))).toEqual({
      GEMEINDE: 2,
      DENKMALSCHUTZ: 2,
      NATURSCHUTZ: 1,
    });
    expect(MV_PROFILE.deadlines.monumentExtensionMonths).toBe(0);
  });

  it("a Stellungnahme has no fiction: late it is 'nicht fristgerecht'", () => {
    const [s] = suggestParticipations({
      data: withData({}, { monument: true }),
      procedureType: "VEREINFACHT",
      profile: MV_PROFILE,
      municipalityIsSeparate: true,
    });
    expect(s?.silenceIsConsent).toBe(false);
    expect(s?.silenceConsequence).toBe(silenceConsequenceText(false, "§ 69 Abs. 1 LBauO M-V"));
    expect(s?.silenceConsequence).toContain(
      "bleibt unberücksichtigt, es sei denn, sie ist für die Rechtmäßigkeit der Entscheidung von Bedeutung",
    );
  });

  it("a Fachstelle asked for a Zustimmung the law requires gets the consent rule (fiction, one month)", () => {
    const [s] = suggestParticipations({
      data: withData({}, { monument: true }),
      procedureType: "VEREINFACHT",
      profile: "MV",
      municipalityIsSeparate: true,
    });
    const consent = withKind(s!, "AGENCY_CONSENT", "MV");
    expect(consent).toMatchObject({
      participationKind: "AGENCY_CONSENT",
      deadlineMonths: 1,
      silenceIsConsent: true,
      legalBasis: "Denkmalschutzgesetz des Landes; Frist: § 69 Abs. 1 LBauO M-V",
    });
    expect(consent.silenceConsequence).toContain("Zustimmung gilt als erteilt");
    expect(consent.silenceConsequence).toContain("eines Monats");
    // The Gemeinde's Einvernehmen cannot be turned into something else.
    const gemeinde = manualSuggestion({ kind: "GEMEINDE" }, "MV");
    expect(withKind(gemeinde, "AGENCY_STATEMENT", "MV")).toBe(gemeinde);
  });

  it("manual additions get the defaults of their kind", () => {
    expect(manualSuggestion({ kind: "GEMEINDE" }, "MV")).toMatchObject({ deadlineMonths: 2, rolle: "3" });
    expect(manualSuggestion({ kind: "FACHSTELLE", agencyType: "SONSTIGE" }, "MV")).toMatchObject({
      deadlineMonths: 1,
      participationKind: "AGENCY_STATEMENT",
      legalBasis: "§ 69 Abs. 1 LBauO M-V; Frist: § 69 Abs. 1 LBauO M-V",
    });
  });
});

describe("defaultDeadline", () => {
  it("ends at the end of the Berlin day months later (BGB month end)", () => {
    const d = defaultDeadline(1, new Date("2026-01-31T10:00:00Z"));
    expect(berlinDate(d)).toBe("2026-02-28");
    expect(d.toISOString()).toBe("2026-02-28T22:59:59.999Z");
  });
});

describe("participationState", () => {
  const now = new Date("2026-11-22T10:00:00Z");
  const deadline = new Date("2026-11-30T22:59:59.999Z");
  const p = { deadline, closedAt: null, silenceIsConsent: true } as const;
  const rows: [string, Parameters<typeof participationState>[0], string, number | null][] = [
    ["pending", { ...p, status: "PENDING" }, "Wird versandt", 8],
    ["sent", { ...p, status: "SENT" }, "Versandt", 8],
    ["opened", { ...p, status: "OPENED" }, "Geöffnet", 8],
    ["extension", { ...p, status: "OPENED", hasPendingExtension: true }, "Fristverlängerung beantragt", 8],
    ["answered", { ...p, status: "ANSWERED" }, "Beantwortet", null],
    ["fiction", { ...p, status: "DEEMED_CONSENT" }, "Zustimmung gilt als erteilt", null],
    [
      "fiction (Einvernehmen)",
      { ...p, status: "DEEMED_CONSENT", kind: "MUNICIPAL_CONSENT" },
      "Einvernehmen gilt als erteilt",
      null,
    ],
    [
      "no fiction, deadline passed",
      { ...p, silenceIsConsent: false, status: "OPENED", deadline: new Date("2026-11-20T22:59:59.999Z") },
      "Nicht fristgerecht",
      -2,
    ],
    [
      "Stellungnahme answered late",
      {
        ...p,
        silenceIsConsent: false,
        status: "ANSWERED",
        deadline: new Date("2026-11-20T22:59:59.999Z"),
        answeredAt: new Date("2026-11-21T08:00:00Z"),
      },
      "Beantwortet – nicht fristgerecht",
      null,
    ],
    [
      "Einvernehmen replaced",
      { ...p, status: "ANSWERED", kind: "MUNICIPAL_CONSENT", replacedAt: now },
      "Einvernehmen ersetzt",
      null,
    ],
    ["overdue", { ...p, status: "SENT", deadline: new Date("2026-11-20T22:59:59.999Z") }, "Überfällig", -2],
    ["closed", { ...p, status: "SENT", closedAt: now }, "Abgeschlossen ohne Stellungnahme", null],
  ];
  for (const [name, input, label, days] of rows) {
    it(name, () => {
      const s = participationState(input, now);
      expect(s.label).toBe(label);
      expect(s.daysLeft).toBe(days);
    });
  }
});

/**
 * The Land-profile rules per kind of participation, each with its legal basis (checked where the
 * text was available: § 36 BauGB at freirecht.de, § 71 MBO at arbeitssicherheit.de; see
 * /work/notes/procedure.md).
 */
describe("participation rules of the Land profiles", () => {
  const table: [string, ParticipationKindName, number, boolean, string][] = [
    ["MBO", "MUNICIPAL_CONSENT", 2, true, "§ 36 Abs. 2 Satz 2 BauGB"],
    ["MBO", "AGENCY_CONSENT", 1, true, "§ 69 Abs. 1 MBO"],
    ["MBO", "AGENCY_STATEMENT", 1, false, "§ 69 Abs. 1 MBO"],
    ["MV", "MUNICIPAL_CONSENT", 2, true, "§ 36 Abs. 2 Satz 2 BauGB"],
    ["MV", "AGENCY_CONSENT", 1, true, "§ 69 Abs. 1 LBauO M-V"],
    ["MV", "AGENCY_STATEMENT", 1, false, "§ 69 Abs. 1 LBauO M-V"],
  ];
  for (const [profile, kind, months, fiction, legalBasis] of table) {
    it(`${profile} ${kind}: ${months} month(s), ${fiction ? "fiction" : "no fiction"} (${legalBasis})`, () => {
      const rule = participationRule(profile, kind);
      expect(rule).toMatchObject({ kind, months, fiction, legalBasis });
      expect(rule.consequence).toContain(legalBasis);
      expect(rule.consequence.includes("gilt als erteilt")).toBe(fiction);
      expect(isConsentKind(kind)).toBe(fiction);
    });
  }

  it("every kind has a rule in every profile", () => {
    for (const profile of ["MBO", "MV"])
      for (const kind of PARTICIPATION_KINDS)
        expect(participationRule(profile, kind).months).toBeGreaterThan(0);
  });

  it("the Einvernehmen's fiction is verified against the BauGB text; Ersetzung per Land", () => {
    expect(MBO_PROFILE.deadlines.municipalConsent.verifiedAt).toMatch(/^https:\/\//);
    expect(MBO_PROFILE.deadlines.consentReplacement).toMatchObject({
      legalBasis: "§ 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 MBO",
      hearingRequired: true,
    });
    expect(MV_PROFILE.deadlines.consentReplacement.legalBasis).toBe(
      "§ 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 LBauO M-V",
    );
  });

  it("names what silence gives", () => {
    expect(consequenceText("MUNICIPAL_CONSENT", true, 2, "§ 36 Abs. 2 Satz 2 BauGB")).toBe(
      "Einvernehmen gilt als erteilt: Wird es nicht innerhalb von zwei Monaten nach Eingang des Ersuchens verweigert, gilt das Einvernehmen als erteilt (§ 36 Abs. 2 Satz 2 BauGB).",
    );
    expect(consequenceText("AGENCY_CONSENT", true, 1, "§ 69 Abs. 1 MBO")).toContain(
      "nicht innerhalb eines Monats nach Eingang des Ersuchens verweigert, gilt die Zustimmung als erteilt",
    );
  });

  it("answeredLate compares the statement with the (possibly extended) deadline", () => {
    const deadline = new Date("2026-11-30T22:59:59.999Z");
    expect(answeredLate({ deadline, answeredAt: new Date("2026-11-30T20:00:00Z") })).toBe(false);
    expect(answeredLate({ deadline, answeredAt: new Date("2026-12-01T07:00:00Z") })).toBe(true);
    expect(answeredLate({ deadline, answeredAt: null })).toBe(false);
  });
});
