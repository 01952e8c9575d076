/**
 * Land profiles: what differs between Länder is configuration, not forks. `MBO` is the
 * Musterbauordnung model (default); `MV` is Mecklenburg-Vorpommern (LBauO M-V, BauVorlVO M-V).
 *
 * Pure data: runs in the browser, on the server and in workers.
 */
import type { Land, ProcedureType } from "./application-data";

export const PROFILE_IDS = ["MBO", "MV"] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

/** Which completeness catalog a profile uses (see app/domain/completeness/catalogs). */
export type CatalogId = "MBO" | "MV";

export interface ProcedureTypeEntry {
  readonly type: ProcedureType;
  /** Code in the profile's own Verfahrensart codelist (XBau Code.Verfahrensart is Land-defined). */
  readonly code: string;
  readonly label: string;
  readonly legalBasis: string;
}

export interface MonthDeadline {
  readonly months: number;
  /** Silence past the deadline counts as consent / approval. */
  readonly fiction: boolean;
  readonly legalBasis: string;
  /** Where the rule's wording was checked (official or published text), when it was. */
  readonly verifiedAt?: string;
}

/**
 * Ersetzung of a refused Einvernehmen (§ 36 Abs. 2 Satz 3 BauGB: "Die nach Landesrecht zuständige
 * Behörde kann ein rechtswidrig versagtes Einvernehmen der Gemeinde ersetzen") and the Land's
 * procedure for it.
 */
export interface ConsentReplacementRule {
  readonly legalBasis: string;
  /** The Gemeinde is heard before and may decide again within a reasonable time. */
  readonly hearingRequired: boolean;
  /** The permit counts as the Ersatzvornahme and gives reasons for it. */
  readonly permitIsReplacement: boolean;
  readonly verifiedAt?: string;
}

/** A rule of the Land text that sets the decision deadline or its fiction aside, with its basis. */
export interface DecisionDeadlineExclusion {
  readonly legalBasis: string;
  readonly verifiedAt?: string;
}

export interface DecisionDeadline extends MonthDeadline {
  /** Extension the authority may grant once, in writing, for an important reason. */
  readonly extensionMonths: number;
  /** Procedure types the decision deadline (and the fiction) applies to. */
  readonly procedureTypes: readonly ProcedureType[];
  /**
   * No fiction when the authority tells the Bauherr, within the (unextended) deadline, that the
   * Gemeinde refused its Einvernehmen and it is to be replaced (Ersetzung). Absent: no such rule.
   */
  readonly replacementNoticeExcludesFiction?: DecisionDeadlineExclusion;
  /**
   * No decision deadline (and so no fiction) when Verbände must take part in the decision under
   * other public-law provisions. Absent: no such rule.
   */
  readonly associationParticipationExcludesDeadline?: DecisionDeadlineExclusion;
}

export interface ProfileDeadlines {
  /** Completeness check by the authority; none fixed in the MBO. */
  readonly completenessCheckDays: number | null;
  /** Decision deadline / Genehmigungsfiktion; none in the MBO. */
  readonly decision: DecisionDeadline | null;
  /** Statement of a Fachstelle (agency). */
  readonly agencyStatement: MonthDeadline;
  /** Einvernehmen of the Gemeinde (§ 36 BauGB). */
  readonly municipalConsent: MonthDeadline;
  /**
   * Zustimmung / Einvernehmen of another authority that the law requires for the permit: deemed
   * given when not refused within the deadline (longer deadlines of special law stay).
   */
  readonly agencyConsent: MonthDeadline;
  /** Replacing a refused Einvernehmen (Ersetzung). */
  readonly consentReplacement: ConsentReplacementRule;
  /**
   * Extra months a Denkmalschutzbehörde gets on top of `agencyStatement` where Land law allows
   * it (e.g. Berlin +1); 0 or absent = none.
   */
  readonly monumentExtensionMonths?: number;
  /** Waiting period after filing a Genehmigungsfreistellung with the Gemeinde. */
  readonly exemptionWaitingPeriod: MonthDeadline;
  /** Validity of a Baugenehmigung / Vorbescheid. */
  readonly permitValidity: {
    readonly years: number;
    readonly extensionYears: number;
    readonly legalBasis: string;
  };
}

export interface LandProfile {
  readonly id: ProfileId;
  readonly name: string;
  /** The Land, or null for the model profile. */
  readonly land: Land | null;
  /** Short name of the building code as cited ("MBO", "LBauO M-V"). */
  readonly buildingCode: string;
  readonly buildingCodeName: string;
  /** Short name of the Bauvorlagen ordinance as cited. */
  readonly bauvorlagenOrdinance: string;
  readonly bauvorlagenOrdinanceName: string;
  /**
   * Replacements applied to the legal bases of the model catalog, in order, on whole words
   * (e.g. "MBO" -> "LBauO M-V"). Valid where the Land follows the MBO numbering.
   */
  readonly legalSubstitutions: readonly (readonly [from: string, to: string])[];
  readonly procedureTypes: {
    readonly listURI: string;
    readonly listVersionID: string;
    readonly entries: readonly ProcedureTypeEntry[];
  };
  readonly deadlines: ProfileDeadlines;
  readonly catalog: CatalogId;
  /** Bekanntgabe of the Bescheid and the deadlines that run from it (app/domain/bekanntgabe.ts). */
  readonly bekanntgabe: BekanntgabeRules;
}

function procedureEntries(code: string): ProcedureTypeEntry[] {
  return [
    {
      type: "BAUGENEHMIGUNG",
      code: "64",
      label: "Baugenehmigungsverfahren",
      legalBasis: `§ 64 ${code}`,
    },
    {
      type: "VEREINFACHT",
      code: "63",
      label: "Vereinfachtes Baugenehmigungsverfahren",
      legalBasis: `§ 63 ${code}`,
    },
    {
      type: "GENEHMIGUNGSFREISTELLUNG",
      code: "62",
      label: "Genehmigungsfreistellung",
      legalBasis: `§ 62 ${code}`,
    },
    { type: "VORBESCHEID", code: "75", label: "Vorbescheid", legalBasis: `§ 75 ${code}` },
    {
      type: "BESEITIGUNG",
      code: "61",
      label: "Beseitigung / Abbruch (Anzeige)",
      legalBasis: `§ 61 Abs. 3 ${code}`,
    },
  ];
}

/**
 * Bekanntgabe by retrieval from the portal and the periods that run from it (issue 14 item 4).
 * Pure data with the legal basis; the arithmetic is in app/domain/bekanntgabe.ts.
 */
export interface BekanntgabeRules {
  /** § 41 Abs. 2a VwVfG: "gilt am Tag nach dem Abruf als bekannt gegeben". */
  readonly retrieval: {
    readonly daysAfterRetrieval: number;
    /** Not retrieved within this many days after the notification: the provision ends, no Bekanntgabe. */
    readonly periodDays: number;
    readonly legalBasis: string;
    readonly periodLegalBasis: string;
  };
  /** Widerspruch (§ 70 Abs. 1 VwGO) where the Land keeps the Vorverfahren, otherwise Klage (§ 74 Abs. 1 VwGO). */
  readonly legalRemedy: {
    readonly kind: "WIDERSPRUCH" | "KLAGE";
    readonly label: string;
    readonly months: number;
    readonly legalBasis: string;
    /** Why this kind applies in the Land. */
    readonly note: string;
  };
  /** §§ 187-193 BGB: beginning, end, and the shift of an end on a Saturday, Sunday or public holiday. */
  readonly periodEndLegalBasis: string;
  /** Public holidays of the Land beyond the ones of every Land (Neujahr, Ostern, 1. Mai, ...). */
  readonly publicHolidays: {
    readonly extra: readonly {
      readonly month: number;
      readonly day: number;
      readonly name: string;
      readonly fromYear?: number;
    }[];
    readonly legalBasis: string;
  };
}

export const MBO_BEKANNTGABE: BekanntgabeRules = {
  retrieval: {
    daysAfterRetrieval: 1,
    periodDays: 10,
    legalBasis: "§ 41 Abs. 2a Satz 3 VwVfG",
    periodLegalBasis: "§ 41 Abs. 2a Satz 4 und 5 VwVfG",
  },
  legalRemedy: {
    kind: "WIDERSPRUCH",
    label: "Widerspruch",
    months: 1,
    legalBasis: "§ 70 Abs. 1 VwGO",
    note: "Vorverfahren nach § 68 VwGO (Modell ohne landesrechtlichen Ausschluss).",
  },
  periodEndLegalBasis: "§ 31 VwVfG, § 57 Abs. 2 VwGO i. V. m. § 222 ZPO, §§ 187-193 BGB",
  publicHolidays: { extra: [], legalBasis: "Feiertage aller Länder" },
};

export const MV_BEKANNTGABE: BekanntgabeRules = {
  retrieval: {
    daysAfterRetrieval: 1,
    periodDays: 10,
    legalBasis: "§ 41 Abs. 2a Satz 3 VwVfG M-V",
    periodLegalBasis: "§ 41 Abs. 2a Satz 4 und 5 VwVfG M-V",
  },
  legalRemedy: {
    kind: "WIDERSPRUCH",
    label: "Widerspruch",
    months: 1,
    legalBasis: "§ 70 Abs. 1 VwGO",
    note: "In M-V entfällt das Vorverfahren nur in den Fällen des § 13b GOrgG M-V; Baugenehmigungen gehören nicht dazu.",
  },
  periodEndLegalBasis: "§ 31 VwVfG M-V, § 57 Abs. 2 VwGO i. V. m. § 222 ZPO, §§ 187-193 BGB",
  publicHolidays: {
    extra: [
      { month: 3, day: 8, name: "Internationaler Frauentag", fromYear: 2023 },
      { month: 10, day: 31, name: "Reformationstag" },
    ],
    legalBasis: "§ 2 Feiertagsgesetz M-V",
  },
};

export const MBO_PROFILE: LandProfile = {
  id: "MBO",
  name: "Musterbauordnung (Modell)",
  land: null,
  buildingCode: "MBO",
  buildingCodeName: "Musterbauordnung",
  bauvorlagenOrdinance: "MBauVorlV",
  bauvorlagenOrdinanceName: "Muster-Bauvorlagenverordnung",
  legalSubstitutions: [],
  procedureTypes: {
    listURI: "urn:bauantrag:codeliste:verfahrensart:mbo",
    listVersionID: "1.0",
    entries: procedureEntries("MBO"),
  },
  deadlines: {
    completenessCheckDays: null,
    decision: null,
    // A plain Stellungnahme has no fiction: late, it stays unconsidered unless the decision's
    // legality depends on it.
    agencyStatement: { months: 1, fiction: false, legalBasis: "§ 69 Abs. 1 MBO" },
    municipalConsent: {
      months: 2,
      fiction: true,
      legalBasis: "§ 36 Abs. 2 Satz 2 BauGB",
      verifiedAt: "https://freirecht.de/g/BBauG:36",
    },
    agencyConsent: { months: 1, fiction: true, legalBasis: "§ 69 Abs. 1 MBO" },
    consentReplacement: {
      legalBasis: "§ 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 MBO",
      hearingRequired: true,
      permitIsReplacement: true,
      verifiedAt: "https://www.arbeitssicherheit.de/schriften/dokument/0:144179,72.html",
    },
    monumentExtensionMonths: 0,
    exemptionWaitingPeriod: { months: 1, fiction: false, legalBasis: "§ 62 Abs. 3 MBO" },
    permitValidity: { years: 3, extensionYears: 1, legalBasis: "§ 73 MBO" },
  },
  catalog: "MBO",
  bekanntgabe: MBO_BEKANNTGABE,
};

export const MV_PROFILE: LandProfile = {
  id: "MV",
  name: "Mecklenburg-Vorpommern",
  land: "MV",
  buildingCode: "LBauO M-V",
  buildingCodeName: "Landesbauordnung Mecklenburg-Vorpommern",
  bauvorlagenOrdinance: "BauVorlVO M-V",
  bauvorlagenOrdinanceName: "Bauvorlagenverordnung Mecklenburg-Vorpommern",
  legalSubstitutions: [
    ["MBauVorlV", "BauVorlVO M-V"],
    ["MBO", "LBauO M-V"],
  ],
  procedureTypes: {
    listURI: "urn:bauantrag:codeliste:verfahrensart:mv",
    listVersionID: "1.0",
    entries: procedureEntries("LBauO M-V"),
  },
  deadlines: {
    completenessCheckDays: null,
    decision: {
      months: 3,
      extensionMonths: 1,
      fiction: true,
      procedureTypes: ["VEREINFACHT"],
      legalBasis: "§ 63 Abs. 2 LBauO M-V",
      // Satz 1 (three months, one month extension in Textform) and Satz 2 (Genehmigungsfiktion)
      // read in the published text of § 63 LBauO M-V (version from 17.04.2024).
      verifiedAt:
        "https://haufe.de/recht/deutsches-anwalt-office-premium/landesbauordnung-mecklenburg-vorpommern-63-vereinfachtes-baugenehmigungsverfahren_idesk_PI17574_HI1514945.html",
      // Satz 3: no fiction when the Bauaufsichtsbehörde tells the Bauherr within the deadline of
      // Satz 1 Halbsatz 1 (three months, not the extension) that the Gemeinde refused its
      // Einvernehmen and the Ersetzung nach § 71 is to follow. Same published text.
      replacementNoticeExcludesFiction: {
        legalBasis: "§ 63 Abs. 2 Satz 3 LBauO M-V",
        verifiedAt:
          "https://haufe.de/recht/deutsches-anwalt-office-premium/landesbauordnung-mecklenburg-vorpommern-63-vereinfachtes-baugenehmigungsverfahren_idesk_PI17574_HI1514945.html",
      },
      // Satz 4: Satz 1 (the deadline, and with it the fiction of Satz 2) does not apply when Verbände
      // must take part under other public-law provisions. Same published text.
      associationParticipationExcludesDeadline: {
        legalBasis: "§ 63 Abs. 2 Satz 4 LBauO M-V",
        verifiedAt:
          "https://haufe.de/recht/deutsches-anwalt-office-premium/landesbauordnung-mecklenburg-vorpommern-63-vereinfachtes-baugenehmigungsverfahren_idesk_PI17574_HI1514945.html",
      },
    },
    agencyStatement: { months: 1, fiction: false, legalBasis: "§ 69 Abs. 1 LBauO M-V" },
    municipalConsent: {
      months: 2,
      fiction: true,
      legalBasis: "§ 36 Abs. 2 Satz 2 BauGB",
      verifiedAt: "https://freirecht.de/g/BBauG:36",
    },
    agencyConsent: { months: 1, fiction: true, legalBasis: "§ 69 Abs. 1 LBauO M-V" },
    // § 71 LBauO M-V is the Ersetzung des gemeindlichen Einvernehmens: § 63 Abs. 2 Satz 3 LBauO M-V
    // (checked, see `decision.verifiedAt`) refers to "die Ersetzung nach § 71". The wording of
    // § 71 itself was checked in the MBO model only, not in the M-V text.
    consentReplacement: {
      legalBasis: "§ 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 LBauO M-V",
      hearingRequired: true,
      permitIsReplacement: true,
    },
    monumentExtensionMonths: 0,
    exemptionWaitingPeriod: { months: 1, fiction: false, legalBasis: "§ 62 Abs. 3 LBauO M-V" },
    permitValidity: { years: 3, extensionYears: 1, legalBasis: "§ 73 LBauO M-V" },
  },
  catalog: "MV",
  bekanntgabe: MV_BEKANNTGABE,
};

export const LAND_PROFILES: Readonly<Record<ProfileId, LandProfile>> = { MBO: MBO_PROFILE, MV: MV_PROFILE };

export function isProfileId(id: unknown): id is ProfileId {
  return typeof id === "string" && (PROFILE_IDS as readonly string[]).includes(id);
}

/** The profile with this id; unknown, empty or missing ids resolve to the MBO model. */
export function resolveProfile(id: string | null | undefined): LandProfile {
  return isProfileId(id) ? LAND_PROFILES[id] : MBO_PROFILE;
}

export function procedureTypeEntry(profile: LandProfile, type: ProcedureType): ProcedureTypeEntry {
  const entry = profile.procedureTypes.entries.find((e) => e.type === type);
  if (!entry) throw new Error(`Procedure type ${type} not configured for profile ${profile.id}`);
  return entry;
}

/** "Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)". */
export function procedureTypeLabel(profile: LandProfile, type: ProcedureType): string {
  const e = procedureTypeEntry(profile, type);
  return `${e.label} (${e.legalBasis})`;
}

/** Apply the profile's legal substitutions to a legal basis written against the MBO model. */
export function localizeLegalBasis(profile: LandProfile, legalBasis: string): string {
  let out = legalBasis;
  for (const [from, to] of profile.legalSubstitutions) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\d-])${escapeRegExp(from)}(?![\\p{L}\\d-])`, "gu"), to);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
