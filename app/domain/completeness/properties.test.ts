import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ApplicationData,
  applicationDataSchema,
  LAENDER,
  MEASURE_TYPES,
  PLANNING_AREAS,
  PROCEDURE_TYPES,
  type ProcedureType,
  USE_TYPES,
} from "../application-data";
import { DOCUMENT_TYPES } from "../document-types";
import { evaluateCompleteness, getCatalog, hasRule } from "./evaluate";
import type { CompletenessResult, DocumentInput, Finding } from "./types";

const RUNS = { numRuns: 300 };
const ALL_CODES = DOCUMENT_TYPES.map((d) => d.code);
const PROFILES = ["MBO", "MV"] as const;

// ---- Arbitraries --------------------------------------------------------------------------------

/** Strings as a user might type them: empty, blank, digits, letters, long. */
const anyText = fc.oneof(
  fc.constant(""),
  fc.constant("  "),
  fc.stringMatching(/^\d{1,7}$/),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("Loitz", "12a", "1/2", "AK-MV 1234"),
);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const anyAddress = fc.record(
  { street: opt(anyText), houseNumber: opt(anyText), postalCode: opt(anyText), city: opt(anyText) },
  { requiredKeys: [] },
);
const anyParcel = fc.record(
  { gemarkung: opt(anyText), flur: opt(anyText), zaehler: opt(anyText), nenner: opt(anyText) },
  { requiredKeys: [] },
);

/** Any draft, including invalid and inconsistent ones. */
const anyData: fc.Arbitrary<ApplicationData> = fc.record(
  {
    bauherr: fc.record(
      {
        kind: opt(fc.constantFrom("PERSON", "COMPANY") as fc.Arbitrary<"PERSON" | "COMPANY">),
        firstName: opt(anyText),
        lastName: opt(anyText),
        companyName: opt(anyText),
        address: opt(anyAddress),
        hasRepresentative: opt(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
    entwurfsverfasser: fc.record(
      { name: opt(anyText), chamberNumber: opt(anyText), chamberLand: opt(fc.constantFrom(...LAENDER)) },
      { requiredKeys: [] },
    ),
    plot: fc.record(
      {
        address: opt(anyAddress),
        parcels: opt(fc.array(anyParcel, { maxLength: 5 })),
        planningArea: opt(fc.constantFrom(...PLANNING_AREAS)),
        developmentPlanName: opt(anyText),
        applicantIsOwner: opt(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
    project: fc.record(
      {
        measureType: opt(fc.constantFrom(...MEASURE_TYPES)),
        description: opt(anyText),
        buildingClass: opt(fc.integer({ min: 1, max: 5 })),
        specialBuilding: opt(fc.boolean()),
        monument: opt(fc.boolean()),
        use: opt(fc.constantFrom(...USE_TYPES)),
        heatedRooms: opt(fc.boolean()),
        newSewerConnection: opt(fc.boolean()),
        largeGarage: opt(fc.boolean()),
        estimatedCosts: opt(fc.integer({ min: 0, max: 5_000_000 })),
        minorWork: opt(fc.boolean()),
        attachedBuilding: opt(fc.boolean()),
        neighbourConsent: opt(fc.boolean()),
        deviationsRequested: opt(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ApplicationData>;

const anyDocument: fc.Arbitrary<DocumentInput> = fc.record({
  typeCode: fc.constantFrom(...ALL_CODES, "9998"),
  hasFile: fc.boolean(),
  toBeSubmittedLater: fc.boolean(),
});

const anyInput = fc.record({
  profile: fc.constantFrom(...PROFILES),
  procedureType: opt(fc.constantFrom(...PROCEDURE_TYPES)),
  data: anyData,
  documents: fc.array(anyDocument, { maxLength: 12 }),
});

// A complete and consistent application.
const name = fc.stringMatching(/^[A-ZÄÖÜ][a-zäöüß]{1,15}$/);
const digits = (max: number) => fc.integer({ min: 1, max: 10 ** max - 1 }).map(String);
const validAddress = fc.record({
  street: name.map((s) => `${s}straße`),
  houseNumber: fc.integer({ min: 1, max: 300 }).map(String),
  postalCode: fc.stringMatching(/^\d{5}$/),
  city: name,
});
const validParcel = fc.record(
  { gemarkung: digits(4), flur: digits(3), zaehler: digits(5), nenner: opt(digits(4)) },
  { requiredKeys: ["gemarkung", "flur", "zaehler"] },
);

const validApplication: fc.Arbitrary<{ procedureType: ProcedureType; data: ApplicationData }> = fc
  .record({
    procedureType: fc.constantFrom(...PROCEDURE_TYPES),
    company: fc.boolean(),
    first: name,
    last: name,
    company_: name.map((s) => `${s} GmbH`),
    bauherrAddress: validAddress,
    ev: fc.record({
      name: fc.tuple(name, name).map(([a, b]) => `${a} ${b}`),
      chamberNumber: fc.stringMatching(/^[A-Z]{0,3}[ -]?\d{3,8}$/).filter((s) => /^[A-Z\d]/.test(s)),
      chamberLand: fc.constantFrom(...LAENDER),
    }),
    plotAddress: validAddress,
    parcels: fc.array(validParcel, { minLength: 1, maxLength: 20 }),
    planningArea: fc.constantFrom(...PLANNING_AREAS),
    planName: name.map((s) => `B-Plan „${s}“`),
    measureType: fc.constantFrom(...MEASURE_TYPES),
    description: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0),
    buildingClass: fc.integer({ min: 1, max: 5 }),
    specialBuilding: fc.boolean(),
    flags: fc.record({
      monument: fc.boolean(),
      heatedRooms: fc.boolean(),
      newSewerConnection: fc.boolean(),
      largeGarage: fc.boolean(),
      minorWork: fc.boolean(),
      attachedBuilding: fc.boolean(),
      neighbourConsent: fc.boolean(),
      deviationsRequested: fc.boolean(),
      hasRepresentative: fc.boolean(),
      applicantIsOwner: fc.boolean(),
    }),
    use: fc.constantFrom(...USE_TYPES),
    estimatedCosts: fc.integer({ min: 1, max: 50_000_000 }),
  })
  .map((v) => {
    // Make the combination consistent with the procedure.
    const measureType =
      v.procedureType === "BESEITIGUNG"
        ? "BESEITIGUNG"
        : v.measureType === "BESEITIGUNG"
          ? "ERRICHTUNG"
          : v.measureType;
    const specialBuilding =
      v.procedureType === "VEREINFACHT" || v.procedureType === "GENEHMIGUNGSFREISTELLUNG"
        ? false
        : v.specialBuilding;
    const planningArea = v.procedureType === "GENEHMIGUNGSFREISTELLUNG" ? "BEBAUUNGSPLAN" : v.planningArea;
    const data: ApplicationData = {
      bauherr: {
        kind: v.company ? "COMPANY" : "PERSON",
        ...(v.company ? { companyName: v.company_ } : { firstName: v.first, lastName: v.last }),
        email: "bauherr@example.org",
        address: v.bauherrAddress,
        hasRepresentative: v.flags.hasRepresentative,
      },
      entwurfsverfasser: v.ev,
      plot: {
        address: v.plotAddress,
        parcels: v.parcels,
        planningArea,
        ...(planningArea === "BEBAUUNGSPLAN" ? { developmentPlanName: v.planName } : {}),
        applicantIsOwner: v.flags.applicantIsOwner,
      },
      project: {
        ...v.flags,
        measureType,
        description: v.description.trim(),
        buildingClass: v.buildingClass,
        specialBuilding,
        use: v.use,
        estimatedCosts: v.estimatedCosts,
      },
    };
    delete (data.project as Record<string, unknown>).hasRepresentative;
    delete (data.project as Record<string, unknown>).applicantIsOwner;
    return { procedureType: v.procedureType, data };
  });

// ---- Helpers ------------------------------------------------------------------------------------

const key = (f: Finding) => `${f.ruleId}|${f.path ?? ""}|${f.status ?? ""}`;
const keys = (r: CompletenessResult) => new Set(r.findings.map(key));
const subset = (a: Set<string>, b: Set<string>) => [...a].every((k) => b.has(k));

// ---- Properties ---------------------------------------------------------------------------------

describe("completeness properties", () => {
  it("adding a document with a file never adds findings", () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom(...ALL_CODES), (input, code) => {
        const before = evaluateCompleteness(input);
        const after = evaluateCompleteness({
          ...input,
          documents: [...input.documents, { typeCode: code, hasFile: true }],
        });
        expect(subset(keys(after), keys(before))).toBe(true);
        expect(after.counts.blocking).toBeLessThanOrEqual(before.counts.blocking);
      }),
      RUNS,
    );
  });

  it("marking a document 'wird nachgereicht' never adds blocking findings", () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom(...ALL_CODES), (input, code) => {
        const before = evaluateCompleteness(input);
        const after = evaluateCompleteness({
          ...input,
          documents: [...input.documents, { typeCode: code, hasFile: false, toBeSubmittedLater: true }],
        });
        const blocking = (r: CompletenessResult) => new Set(r.findings.filter((f) => f.blocking).map(key));
        expect(subset(blocking(after), blocking(before))).toBe(true);
        if (before.canSubmit) expect(after.canSubmit).toBe(true);
      }),
      RUNS,
    );
  });

  it("marking every missing document for later leaves only field/plausibility errors blocking", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const before = evaluateCompleteness(input);
        const later = before.missingDocuments.flatMap((f) => f.documentTypeCodes ?? []);
        const after = evaluateCompleteness({
          ...input,
          documents: [
            ...input.documents,
            ...later.map((typeCode) => ({ typeCode, hasFile: false, toBeSubmittedLater: true })),
          ],
        });
        expect(after.missingDocuments).toEqual([]);
        expect(after.findings.filter((f) => f.blocking).every((f) => f.severity === "error")).toBe(true);
      }),
      RUNS,
    );
  });

  it("every finding names an existing rule of the catalog, with the rule's kind and severity", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const rules = new Map(getCatalog(input.profile).rules.map((r) => [r.id, r]));
        for (const f of evaluateCompleteness(input).findings) {
          expect(hasRule(input.profile, f.ruleId)).toBe(true);
          const rule = rules.get(f.ruleId);
          expect(f.kind).toBe(rule?.kind);
          expect(f.severity).toBe(rule?.severity);
          expect(f.legalBasis).toBe(rule?.legalBasis);
          if (f.kind === "document")
            expect(f.documentTypeCodes).toEqual(rule?.kind === "document" && rule.documentTypeCodes);
        }
      }),
      RUNS,
    );
  });

  it("evaluation is deterministic and independent of document order", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const a = evaluateCompleteness(input);
        const b = evaluateCompleteness(structuredClone(input));
        expect(b).toEqual(a);
        const reversed = evaluateCompleteness({ ...input, documents: [...input.documents].reverse() });
        expect(reversed).toEqual(a);
      }),
      RUNS,
    );
  });

  it("canSubmit is true iff there is no blocking finding; blocking follows the severity rules", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = evaluateCompleteness(input);
        expect(r.canSubmit).toBe(!r.findings.some((f) => f.blocking));
        for (const f of r.findings) {
          const expected =
            f.severity === "error" || (f.severity === "missing-document" && f.status === "missing");
          expect(f.blocking).toBe(expected);
        }
        expect(r.counts.total).toBe(r.findings.length);
        expect(r.counts.blocking).toBe(r.findings.filter((f) => f.blocking).length);
      }),
      RUNS,
    );
  });

  it("field and plausibility findings carry a path; document findings carry codes and a status", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        for (const f of evaluateCompleteness(input).findings) {
          if (f.kind === "field" || f.kind === "plausibility") {
            expect(f.path).toMatch(/^[a-zA-Z]+(\.[a-zA-Z0-9]+)*$/);
            expect(f.path).not.toContain("[]");
            expect(f.message).not.toContain("{n}");
          }
          if (f.kind === "document") {
            expect(f.documentTypeCodes?.length).toBeGreaterThan(0);
            expect(["missing", "to-be-submitted-later"]).toContain(f.status);
            expect(f.section).toBe("documents");
          }
        }
      }),
      RUNS,
    );
  });

  it("a fully filled, valid application with all documents has no error findings and can be submitted", () => {
    const allDocuments = ALL_CODES.map((typeCode) => ({ typeCode, hasFile: true }));
    fc.assert(
      fc.property(validApplication, fc.constantFrom(...PROFILES), ({ procedureType, data }, profile) => {
        expect(applicationDataSchema.safeParse(data).success).toBe(true);
        const r = evaluateCompleteness({ profile, procedureType, data, documents: allDocuments });
        expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
        expect(r.findings.filter((f) => f.kind === "document")).toEqual([]);
        expect(r.canSubmit).toBe(true);
      }),
      RUNS,
    );
  });

  it("a valid application without documents is blocked only by missing documents", () => {
    fc.assert(
      fc.property(validApplication, fc.constantFrom(...PROFILES), ({ procedureType, data }, profile) => {
        const r = evaluateCompleteness({ profile, procedureType, data, documents: [] });
        expect(r.counts.errors).toBe(0);
        // Every procedure needs at least a Lageplan.
        expect(r.canSubmit).toBe(false);
        expect(r.missingDocuments.map((f) => f.ruleId)).toContain("doc.lageplan");
      }),
      RUNS,
    );
  });
});
