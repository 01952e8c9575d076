import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ApplicationData, ProcedureType } from "../application-data";
import { DOCUMENT_TYPES, getDocumentType } from "../document-types";
import { LAND_PROFILES, MV_PROFILE, resolveProfile } from "../land-profiles";
import { evaluateCompleteness, getCatalog, hasRule } from "./evaluate";
import { docs, einfamilienhaus, largeApplication } from "./fixtures";
import type { CompletenessResult } from "./types";

type Data = ApplicationData;
const withProject = (p: Partial<NonNullable<Data["project"]>>, base = einfamilienhaus()): Data => ({
  ...base,
  project: { ...base.project, ...p },
});
const withPlot = (p: Partial<NonNullable<Data["plot"]>>, base = einfamilienhaus()): Data => ({
  ...base,
  plot: { ...base.plot, ...p },
});

function run(procedureType: ProcedureType | undefined, data: Data, codes: string[] = [], profile = "MBO") {
  return evaluateCompleteness({ profile, procedureType, data, documents: docs(codes) });
}
const ids = (
  r: CompletenessResult,
  pred: (f: CompletenessResult["findings"][number]) => boolean = () => true,
) =>
  r.findings
    .filter(pred)
    .map((f) => f.ruleId)
    .sort();
const missingDocIds = (r: CompletenessResult) => r.missingDocuments.map((f) => f.ruleId).sort();
const blockingIds = (r: CompletenessResult) => ids(r, (f) => f.blocking);

const EFH_DOCS = ["1802", "1803", "2001", "2002", "2003", "1502", "1901", "0401", "2805"];

describe("scenarios (MBO)", () => {
  it("Einfamilienhaus GK 1 in a B-Plan area, vereinfachtes Verfahren: the required Bauvorlagen", () => {
    const r = run("VEREINFACHT", einfamilienhaus());
    expect(missingDocIds(r)).toEqual(
      [
        "doc.liegenschaftskarte",
        "doc.lageplan",
        "doc.grundrisse",
        "doc.schnitte",
        "doc.ansichten",
        "doc.baubeschreibung",
        "doc.mass-der-baulichen-nutzung",
        "doc.bauvorlageberechtigung",
        "doc.waermeschutz",
      ].sort(),
    );
    expect(r.canSubmit).toBe(false);
    expect(r.counts.errors).toBe(0);
    // GK 1: no Standsicherheit/Brandschutz documents, only the notice that Standsicherheit is not checked.
    expect(ids(r)).not.toContain("doc.standsicherheit");
    expect(ids(r)).not.toContain("doc.brandschutz");
    expect(ids(r)).toContain("notice.standsicherheit.erstellen");

    const done = run("VEREINFACHT", einfamilienhaus(), EFH_DOCS);
    expect(done.canSubmit).toBe(true);
    expect(done.missingDocuments).toEqual([]);
    // Only non-blocking recommendations remain.
    expect(done.findings.every((f) => !f.blocking)).toBe(true);
    expect(ids(done, (f) => f.kind === "document")).toEqual(["doc.baustatistik", "doc.stellplatznachweis"]);
  });

  it("document rules are any-of: a formless Baubeschreibung (1501) satisfies doc.baubeschreibung", () => {
    const r = run(
      "VEREINFACHT",
      einfamilienhaus(),
      EFH_DOCS.map((c) => (c === "1502" ? "1501" : c)),
    );
    expect(r.canSubmit).toBe(true);
    const other = run(
      "VEREINFACHT",
      einfamilienhaus(),
      EFH_DOCS.map((c) => (c === "0401" ? "0402" : c)),
    );
    expect(other.canSubmit).toBe(true);
  });

  it("a document without file and not marked for later does not count", () => {
    const r = evaluateCompleteness({
      procedureType: "VEREINFACHT",
      data: einfamilienhaus(),
      documents: [...docs(EFH_DOCS.filter((c) => c !== "1803")), { typeCode: "1803", hasFile: false }],
    });
    expect(missingDocIds(r)).toEqual(["doc.lageplan"]);
  });

  it("Nachreichung: documents marked 'wird nachgereicht' become open items and do not block", () => {
    const r = evaluateCompleteness({
      procedureType: "VEREINFACHT",
      data: einfamilienhaus(),
      documents: docs(["1802", "1803", "2001", "2002", "2003", "1502", "0401"], { later: ["1901", "2805"] }),
    });
    expect(r.canSubmit).toBe(true);
    expect(r.missingDocuments).toEqual([]);
    expect(r.openItems.map((f) => [f.ruleId, f.status])).toEqual([
      ["doc.mass-der-baulichen-nutzung", "to-be-submitted-later"],
      ["doc.waermeschutz", "to-be-submitted-later"],
    ]);
    expect(r.counts.toBeSubmittedLater).toBe(2);
    expect(r.openItems[0]?.documentTypeCodes).toEqual(["1901"]);
  });

  it("Sonderbau GK 5: Standsicherheit and Brandschutz are checked and must be filed", () => {
    const data = withProject({ buildingClass: 5, specialBuilding: true, use: "GEWERBE" });
    const r = run("BAUGENEHMIGUNG", data);
    expect(missingDocIds(r)).toEqual(
      expect.arrayContaining(["doc.standsicherheit", "doc.brandschutz", "doc.betriebsbeschreibung"]),
    );
    expect(ids(r)).toEqual(
      expect.arrayContaining(["notice.standsicherheit.pruefpflicht", "notice.brandschutz.pruefpflicht"]),
    );
    expect(ids(r)).not.toContain("notice.standsicherheit.erstellen");
    expect(r.findings.find((f) => f.ruleId === "doc.brandschutz")?.legalBasis).toBe(
      "§ 66 Abs. 3 Satz 2 MBO, § 11 MBauVorlV",
    );
    const complete = run("BAUGENEHMIGUNG", data, [...EFH_DOCS, "2801", "2705", "1601"]);
    expect(complete.canSubmit).toBe(true);
  });

  it("Sonderbau cannot use the vereinfachtes Verfahren (§ 63) nor the Freistellung (§ 62)", () => {
    const data = withProject({ buildingClass: 5, specialBuilding: true });
    const r = run("VEREINFACHT", data, [...EFH_DOCS, "2801", "2701"]);
    expect(blockingIds(r)).toEqual(["plaus.vereinfacht.sonderbau"]);
    const f = r.findings.find((x) => x.ruleId === "plaus.vereinfacht.sonderbau");
    expect(f).toMatchObject({
      kind: "plausibility",
      severity: "error",
      path: "project.specialBuilding",
      section: "project",
    });
    expect(blockingIds(run("GENEHMIGUNGSFREISTELLUNG", data, EFH_DOCS))).toEqual([
      "plaus.freistellung.sonderbau",
    ]);
  });

  it("Brandschutz is checked for a Mittel-/Großgarage and for GK 5, not for GK 4", () => {
    expect(ids(run("BAUGENEHMIGUNG", withProject({ largeGarage: true })))).toContain("doc.brandschutz");
    expect(ids(run("BAUGENEHMIGUNG", withProject({ buildingClass: 5 })))).toContain("doc.brandschutz");
    const gk4 = run("BAUGENEHMIGUNG", withProject({ buildingClass: 4 }));
    expect(ids(gk4)).not.toContain("doc.brandschutz");
    expect(ids(gk4)).toContain("doc.standsicherheit");
  });

  it("Denkmal: documents for the Baudenkmal, photos recommended, notice", () => {
    const r = run("BAUGENEHMIGUNG", withProject({ monument: true, measureType: "AENDERUNG" }), EFH_DOCS);
    expect(missingDocIds(r)).toEqual(["doc.denkmal"]);
    expect(ids(r)).toEqual(expect.arrayContaining(["notice.denkmal", "doc.denkmal.fotos"]));
    const withDocs = run("BAUGENEHMIGUNG", withProject({ monument: true }), [...EFH_DOCS, "2913", "3700"]);
    expect(ids(withDocs)).not.toContain("doc.denkmal");
    expect(ids(withDocs)).not.toContain("doc.denkmal.fotos");
  });

  it("Außenbereich: no GRZ/GFZ, no B-Plan name, notice; agricultural use asks for farm details", () => {
    const data = withPlot({ planningArea: "AUSSENBEREICH", developmentPlanName: undefined });
    const r = run("BAUGENEHMIGUNG", data);
    expect(ids(r)).not.toContain("doc.mass-der-baulichen-nutzung");
    expect(ids(r)).not.toContain("field.plot.developmentPlanName");
    expect(ids(r)).toContain("notice.aussenbereich");
    const farm = run("BAUGENEHMIGUNG", withProject({ use: "LANDWIRTSCHAFT" }, data));
    expect(ids(farm)).toEqual(
      expect.arrayContaining(["doc.aussenbereich.landwirtschaft", "doc.betriebsbeschreibung.landwirtschaft"]),
    );
  });

  it("B-Plan area requires the Bebauungsplan name", () => {
    const r = run("VEREINFACHT", withPlot({ developmentPlanName: "  " }), EFH_DOCS);
    expect(blockingIds(r)).toEqual(["field.plot.developmentPlanName"]);
    expect(r.findings[0]).toMatchObject({
      path: "plot.developmentPlanName",
      section: "plot",
      severity: "error",
    });
  });

  it("Beseitigung: Lageplan and Beschreibung, no Bauzeichnungen, no Entwurfsverfasser", () => {
    const base = einfamilienhaus();
    const data: Data = {
      ...base,
      entwurfsverfasser: undefined,
      project: { measureType: "BESEITIGUNG", description: "Abbruch einer Scheune", buildingClass: 1 },
    };
    const r = run("BESEITIGUNG", data);
    expect(missingDocIds(r)).toEqual(["doc.beseitigung.beschreibung", "doc.lageplan"]);
    expect(ids(r)).not.toEqual(expect.arrayContaining(["doc.grundrisse"]));
    expect(ids(r, (f) => f.ruleId.startsWith("field.entwurfsverfasser"))).toEqual([]);
    expect(ids(r)).toContain("notice.beseitigung.anzeige");
    expect(run("BESEITIGUNG", data, ["1803", "1503"]).canSubmit).toBe(true);
    // Not free-standing: the Standsicherheit of the adjoining building must be assessed.
    const attached = run("BESEITIGUNG", withProject({ attachedBuilding: true }, data), ["1803", "1503"]);
    expect(missingDocIds(attached)).toEqual(["doc.beseitigung.standsicherheit"]);
  });

  it("Beseitigung measure and procedure must match", () => {
    const r = run("BESEITIGUNG", einfamilienhaus(), ["1803", "1503"]);
    expect(blockingIds(r)).toEqual(["plaus.beseitigung.measure"]);
    const r2 = run("BAUGENEHMIGUNG", withProject({ measureType: "BESEITIGUNG" }));
    expect(blockingIds(r2)).toContain("plaus.beseitigung.procedure");
    expect(r2.findings.find((f) => f.ruleId === "plaus.beseitigung.procedure")?.section).toBe("procedure");
  });

  it("Vorbescheid needs fewer documents and no Gebäudeklasse", () => {
    const data = withProject({ buildingClass: undefined });
    const r = run("VORBESCHEID", { ...data, entwurfsverfasser: undefined });
    expect(missingDocIds(r)).toEqual(["doc.lageplan", "doc.liegenschaftskarte"]);
    expect(ids(r)).not.toContain("field.project.buildingClass");
    expect(ids(r)).toEqual(
      expect.arrayContaining([
        "doc.vorbescheid.bauzeichnungen",
        "doc.vorbescheid.baubeschreibung",
        "notice.vorbescheid.fragen",
      ]),
    );
    expect(run("VORBESCHEID", { ...data, entwurfsverfasser: undefined }, ["1802", "1803"]).canSubmit).toBe(
      true,
    );
  });

  it("Genehmigungsfreistellung only in a B-Plan area; full Bauvorlagen; waiting-period notice", () => {
    const r = run("GENEHMIGUNGSFREISTELLUNG", einfamilienhaus(), EFH_DOCS);
    expect(r.canSubmit).toBe(true);
    expect(ids(r)).toContain("notice.freistellung.wartefrist");
    const outside = run("GENEHMIGUNGSFREISTELLUNG", withPlot({ planningArea: "INNENBEREICH" }), EFH_DOCS);
    expect(blockingIds(outside)).toEqual(["plaus.freistellung.bebauungsplan"]);
  });

  it("Nutzungsänderung: Grundrisse but no Schnitte/Ansichten, Stellplatznachweis recommended", () => {
    const r = run("BAUGENEHMIGUNG", withProject({ measureType: "NUTZUNGSAENDERUNG" }));
    expect(ids(r)).toContain("doc.grundrisse");
    expect(ids(r)).not.toContain("doc.schnitte");
    expect(ids(r)).not.toContain("doc.ansichten");
    expect(ids(r)).toContain("doc.stellplatznachweis");
  });

  it("Entwurfsverfasser is not required for minor works, and needs Kammer number and Land otherwise", () => {
    const base = einfamilienhaus();
    const noEv: Data = { ...base, entwurfsverfasser: undefined };
    const r = run("VEREINFACHT", noEv, EFH_DOCS);
    expect(blockingIds(r)).toEqual([
      "field.entwurfsverfasser.chamberLand",
      "field.entwurfsverfasser.chamberNumber",
      "field.entwurfsverfasser.name",
    ]);
    expect(
      run(
        "VEREINFACHT",
        withProject({ minorWork: true }, noEv),
        EFH_DOCS.filter((c) => c !== "0401"),
      ).canSubmit,
    ).toBe(true);
  });

  it("company as Bauherr needs the company name instead of a person's name", () => {
    const base = einfamilienhaus();
    const data: Data = {
      ...base,
      bauherr: { ...base.bauherr, kind: "COMPANY", firstName: undefined, lastName: undefined },
    };
    expect(blockingIds(run("VEREINFACHT", data, EFH_DOCS))).toEqual(["field.bauherr.companyName"]);
    const ok: Data = { ...data, bauherr: { ...data.bauherr, companyName: "Muster Bau GmbH" } };
    expect(run("VEREINFACHT", ok, EFH_DOCS).canSubmit).toBe(true);
  });

  it("optional attachments follow the form: Vollmacht, Nachbarzustimmung, Abweichungen, Eigentümer, Entwässerung", () => {
    const base = einfamilienhaus();
    const data: Data = {
      ...base,
      bauherr: { ...base.bauherr, hasRepresentative: true },
      plot: { ...base.plot, applicantIsOwner: false },
      project: {
        ...base.project,
        neighbourConsent: true,
        deviationsRequested: true,
        newSewerConnection: true,
      },
    };
    const r = run("BAUGENEHMIGUNG", data, EFH_DOCS);
    expect(missingDocIds(r)).toEqual([
      "doc.abweichungen",
      "doc.entwaesserung",
      "doc.nachbarzustimmung",
      "doc.vollmacht",
    ]);
    expect(ids(r)).toContain("doc.eigentuemerzustimmung");
    expect(r.findings.find((f) => f.ruleId === "doc.eigentuemerzustimmung")?.blocking).toBe(false);
  });

  it("an empty draft: every finding has a German message and a legal basis; no procedure yet -> no document rules", () => {
    const r = evaluateCompleteness({ data: {} });
    expect(r.canSubmit).toBe(false);
    expect(ids(r)).toContain("field.procedureType");
    expect(r.findings.filter((f) => f.kind === "document")).toEqual([]);
    for (const f of r.findings) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.legalBasis.length).toBeGreaterThan(2);
    }
    // Null/undefined data is tolerated (a brand-new draft).
    expect(evaluateCompleteness({ data: undefined }).findings.length).toBe(r.findings.length);
  });
});

describe("plausibility", () => {
  const parcel = (p: Record<string, string | undefined>) =>
    withPlot({ parcels: [{ gemarkung: "1234", flur: "1", zaehler: "12", nenner: "3" }, p] });
  it.each([
    [{ gemarkung: "1234", flur: "123", zaehler: "12345", nenner: "1234" }, []],
    [{ gemarkung: "0001", flur: "001", zaehler: "00001", nenner: undefined }, []],
    [{ gemarkung: "12345", flur: "1", zaehler: "1" }, ["plaus.flurstueck.gemarkung"]],
    [{ gemarkung: "Loitz", flur: "1", zaehler: "1" }, ["plaus.flurstueck.gemarkung"]],
    [{ gemarkung: "1", flur: "1234", zaehler: "1" }, ["plaus.flurstueck.flur"]],
    [{ gemarkung: "1", flur: "1a", zaehler: "1" }, ["plaus.flurstueck.flur"]],
    [{ gemarkung: "1", flur: "1", zaehler: "123456" }, ["plaus.flurstueck.zaehler"]],
    [{ gemarkung: "1", flur: "1", zaehler: "12/3" }, ["plaus.flurstueck.zaehler"]],
    [{ gemarkung: "1", flur: "1", zaehler: "1", nenner: "12345" }, ["plaus.flurstueck.nenner"]],
    [
      { gemarkung: "1", flur: "-1", zaehler: "1", nenner: "1.5" },
      ["plaus.flurstueck.flur", "plaus.flurstueck.nenner"],
    ],
    [{ flur: "1" }, ["field.plot.parcels.gemarkung", "field.plot.parcels.zaehler"]],
  ])("Flurstück %o -> %o", (p, expected) => {
    const r = run("VEREINFACHT", parcel(p), EFH_DOCS);
    expect(blockingIds(r)).toEqual([...expected].sort());
    for (const f of r.findings.filter((x) => x.blocking)) {
      expect(f.path).toMatch(/^plot\.parcels\.1\.(gemarkung|flur|zaehler|nenner)$/);
      expect(f.message).toMatch(/^Flurstück 2: /);
      expect(f.section).toBe("plot");
    }
  });

  it("no Flurstück at all is a missing field", () => {
    expect(blockingIds(run("VEREINFACHT", withPlot({ parcels: [] }), EFH_DOCS))).toEqual([
      "field.plot.parcels",
    ]);
  });

  it.each([
    ["AK-MV 1234", true],
    ["123456", true],
    ["A 12.345/2", true],
    ["Bayern 7a-123", true],
    ["12", false],
    ["ABCDEFG", false],
    ["12<34>56", false],
    ["1234567890123456789012", false],
  ])("Kammer number %j valid=%s", (chamberNumber, valid) => {
    const base = einfamilienhaus();
    const data: Data = { ...base, entwurfsverfasser: { ...base.entwurfsverfasser, chamberNumber } };
    expect(blockingIds(run("VEREINFACHT", data, EFH_DOCS))).toEqual(
      valid ? [] : ["plaus.entwurfsverfasser.chamberNumber"],
    );
  });

  it.each([
    [0, ["plaus.project.estimatedCosts"]],
    [1, []],
    [undefined, []],
  ])("estimated costs %s", (estimatedCosts, expected) => {
    const r = run("VEREINFACHT", withProject({ estimatedCosts }), EFH_DOCS);
    expect(blockingIds(r)).toEqual(expected);
    if (estimatedCosts === undefined) expect(ids(r)).toContain("field.project.estimatedCosts");
  });
});

describe("Land profiles: MV vs MBO", () => {
  it("MV localises legal bases to LBauO M-V / BauVorlVO M-V", () => {
    const mbo = run("VEREINFACHT", einfamilienhaus(), [], "MBO");
    const mv = run("VEREINFACHT", einfamilienhaus(), [], "MV");
    const lb = (r: CompletenessResult, id: string) => r.findings.find((f) => f.ruleId === id)?.legalBasis;
    expect(lb(mbo, "doc.bauvorlageberechtigung")).toBe("§ 65 MBO");
    expect(lb(mv, "doc.bauvorlageberechtigung")).toBe("§ 65 LBauO M-V");
    expect(lb(mbo, "doc.lageplan")).toBe("§ 3 Nr. 1, § 7 MBauVorlV");
    expect(lb(mv, "doc.lageplan")).toBe("§ 3 Nr. 1, § 7 BauVorlVO M-V");
    for (const f of mv.findings) expect(f.legalBasis).not.toMatch(/\bMBO\b|MBauVorlV/);
  });

  it("MV adds the Genehmigungsfiktion notice and requires the statistics form", () => {
    const mbo = run("VEREINFACHT", einfamilienhaus(), EFH_DOCS, "MBO");
    const mv = run("VEREINFACHT", einfamilienhaus(), EFH_DOCS, "MV");
    expect(mbo.canSubmit).toBe(true);
    expect(mv.canSubmit).toBe(false);
    expect(missingDocIds(mv)).toEqual(["doc.baustatistik"]);
    expect(mbo.findings.find((f) => f.ruleId === "doc.baustatistik")?.severity).toBe("warning");
    expect(ids(mv)).toContain("notice.mv.genehmigungsfiktion");
    expect(ids(mbo)).not.toContain("notice.mv.genehmigungsfiktion");
    expect(
      run("BAUGENEHMIGUNG", einfamilienhaus(), EFH_DOCS, "MV").findings.map((f) => f.ruleId),
    ).not.toContain("notice.mv.genehmigungsfiktion");
    expect(run("VEREINFACHT", einfamilienhaus(), [...EFH_DOCS, "2501"], "MV").canSubmit).toBe(true);
  });

  it("unknown profiles resolve to MBO", () => {
    expect(resolveProfile("XX").id).toBe("MBO");
    expect(resolveProfile(undefined).id).toBe("MBO");
    expect(resolveProfile("MV")).toBe(MV_PROFILE);
    const unknown = run("VEREINFACHT", einfamilienhaus(), [], "XX");
    expect(unknown).toEqual(run("VEREINFACHT", einfamilienhaus(), [], "MBO"));
    expect(getCatalog("nope").id).toBe("MBO");
  });

  it("profiles carry deadlines and a Verfahrensart list with a listURI", () => {
    expect(MV_PROFILE.deadlines.decision).toMatchObject({ months: 3, extensionMonths: 1, fiction: true });
    expect(LAND_PROFILES.MBO.deadlines.decision).toBeNull();
    for (const p of Object.values(LAND_PROFILES)) {
      expect(p.deadlines.agencyStatement.months).toBe(1);
      expect(p.deadlines.municipalConsent.months).toBe(2);
      expect(p.deadlines.permitValidity.years).toBe(3);
      expect(p.procedureTypes.listURI).toMatch(/^urn:/);
      expect(p.procedureTypes.entries.map((e) => e.type).sort()).toEqual(
        ["BAUGENEHMIGUNG", "BESEITIGUNG", "GENEHMIGUNGSFREISTELLUNG", "VEREINFACHT", "VORBESCHEID"].sort(),
      );
    }
    expect(LAND_PROFILES.MBO.procedureTypes.listURI).not.toBe(MV_PROFILE.procedureTypes.listURI);
    expect(MV_PROFILE.procedureTypes.entries.find((e) => e.type === "BAUGENEHMIGUNG")?.legalBasis).toBe(
      "§ 64 LBauO M-V",
    );
  });
});

describe("catalog", () => {
  it("both catalogs compile; ids are unique; every document code is a known document type", () => {
    for (const id of ["MBO", "MV"]) {
      const c = getCatalog(id);
      expect(new Set(c.rules.map((r) => r.id)).size).toBe(c.rules.length);
      for (const r of c.rules) {
        expect(hasRule(id, r.id)).toBe(true);
        if (r.kind === "document")
          for (const code of r.documentTypeCodes) expect(getDocumentType(code)).toBeDefined();
      }
    }
    expect(getCatalog("MV").rules.length).toBe(getCatalog("MBO").rules.length + 1);
  });

  it("getCatalog is memoised", () => {
    expect(getCatalog("MV")).toBe(getCatalog("MV"));
  });

  it("covers the DOMAIN.md Bauvorlagen table", () => {
    const codes = new Set(
      getCatalog("MBO").rules.flatMap((r) => (r.kind === "document" ? r.documentTypeCodes : [])),
    );
    for (const code of [
      "1802",
      "1803",
      "2001",
      "2002",
      "2003",
      "1502",
      "1601",
      "1901",
      "2801",
      "2701",
      "2805",
      "2804",
    ])
      expect(codes).toContain(code);
    for (const code of ["1806", "2301", "0401", "0406", "2913", "0601", "0603", "0901"])
      expect(codes).toContain(code);
  });

  it("a large application (200 Flurstücke) reports each malformed Flur once, with its index", () => {
    const { data, documents, procedureType } = largeApplication();
    const r = evaluateCompleteness({ procedureType, data, documents });
    const flur = r.findings.filter((f) => f.ruleId === "plaus.flurstueck.flur");
    expect(flur.map((f) => f.path)).toEqual(
      Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => i % 17 === 0)
        .map((i) => `plot.parcels.${i}.flur`),
    );
  });
});

describe("document types", () => {
  it("codes and names match the XBau anlagen 3.0 codelist shipped in fixtures", () => {
    const file = path.resolve(
      import.meta.dirname,
      "../../../fixtures/xbau/codelists/xbau.codeliste.anlagen_3.0.xml",
    );
    const xml = readFileSync(file, "utf8");
    const rows = new Map<string, string>();
    for (const m of xml.matchAll(
      /<Row>\s*<Value ColumnRef="Code">\s*<SimpleValue>([^<]*)<\/SimpleValue>\s*<\/Value>\s*<Value ColumnRef="Beschreibung">\s*<SimpleValue>([^<]*)<\/SimpleValue>/g,
    )) {
      rows.set(m[1] as string, (m[2] as string).replaceAll("&amp;", "&"));
    }
    expect(rows.size).toBeGreaterThan(300);
    for (const t of DOCUMENT_TYPES) expect([t.code, rows.get(t.code)]).toEqual([t.code, t.label]);
  });

  it("plans are PDF only; photos may be images", () => {
    for (const t of DOCUMENT_TYPES) {
      expect(t.mimeTypes).toContain("application/pdf");
      if (t.isPlan) expect(t.mimeTypes).toEqual(["application/pdf"]);
    }
    expect(getDocumentType("3700")?.mimeTypes).toContain("image/jpeg");
    expect(getDocumentType("1803")?.isPlan).toBe(true);
  });
});
