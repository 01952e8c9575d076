/**
 * Participation (Beteiligung, "Sternverfahren"): which authorities a complete case should be sent
 * to and why, with the deadline and the legal consequence of silence the Land profile gives.
 * Pure and browser-safe: the clerk's form shows the same suggestions the server checks.
 */
import type { ApplicationData, ProcedureType } from "./application-data";
import { addMonthsBerlin, daysLeft, endOfBerlinDay } from "./deadlines";
import { type LandProfile, localizeLegalBasis, resolveProfile } from "./land-profiles";

/** Subject area of a Fachstelle (mirrors the AgencyType enum of the schema). */
export const AGENCY_TYPES = [
  "DENKMALSCHUTZ",
  "BRANDSCHUTZ",
  "NATURSCHUTZ",
  "STRASSENBAU",
  "IMMISSIONSSCHUTZ",
  "SONSTIGE",
] as const;
export type AgencyTypeName = (typeof AGENCY_TYPES)[number];

export const AGENCY_TYPE_LABELS: Record<AgencyTypeName, string> = {
  DENKMALSCHUTZ: "Denkmalschutz",
  BRANDSCHUTZ: "Brandschutz",
  NATURSCHUTZ: "Naturschutz",
  STRASSENBAU: "Straßenbau",
  IMMISSIONSSCHUTZ: "Immissionsschutz",
  SONSTIGE: "Sonstige Fachstelle",
};

export type ParticipationKindName = "MUNICIPAL_CONSENT" | "AGENCY_STATEMENT" | "AGENCY_CONSENT";

export const PARTICIPATION_KINDS: readonly ParticipationKindName[] = [
  "MUNICIPAL_CONSENT",
  "AGENCY_CONSENT",
  "AGENCY_STATEMENT",
];

/** What the participation asks for, as the clerk, the agency and the history name it. */
export const PARTICIPATION_KIND_LABELS: Record<ParticipationKindName, string> = {
  MUNICIPAL_CONSENT: "Einvernehmen der Gemeinde (§ 36 BauGB)",
  AGENCY_CONSENT: "Zustimmung (gesetzlich vorgeschrieben)",
  AGENCY_STATEMENT: "Stellungnahme",
};

export function isParticipationKind(v: unknown): v is ParticipationKindName {
  return typeof v === "string" && (PARTICIPATION_KINDS as readonly string[]).includes(v);
}

/** Einvernehmen and Zustimmung: the decision waits for them (or their fiction); a Stellungnahme does not. */
export function isConsentKind(kind: string): boolean {
  return kind === "MUNICIPAL_CONSENT" || kind === "AGENCY_CONSENT";
}

/** The act that is deemed given by silence: "Einvernehmen" or "Zustimmung". */
export function consentNoun(kind: string): "Einvernehmen" | "Zustimmung" {
  return kind === "MUNICIPAL_CONSENT" ? "Einvernehmen" : "Zustimmung";
}

export interface ParticipationRule {
  kind: ParticipationKindName;
  months: number;
  /** Silence past the deadline counts as given (Fiktion). */
  fiction: boolean;
  legalBasis: string;
  /** The legal consequence of silence in German (cover letter, XBau rechtsfolgeFristversaeumnis). */
  consequence: string;
  verifiedAt?: string;
}

/** The Land profile's deadline and silence rule for a kind of participation, with its legal basis. */
export function participationRule(
  profileInput: LandProfile | string | null | undefined,
  kind: ParticipationKindName,
): ParticipationRule {
  const profile = profileOf(profileInput);
  const d = profile.deadlines;
  const rule =
    kind === "MUNICIPAL_CONSENT"
      ? d.municipalConsent
      : kind === "AGENCY_CONSENT"
        ? d.agencyConsent
        : d.agencyStatement;
  const legalBasis = localizeLegalBasis(profile, rule.legalBasis);
  return {
    kind,
    months: rule.months,
    fiction: rule.fiction,
    legalBasis,
    consequence: consequenceText(kind, rule.fiction, rule.months, legalBasis),
    ...(rule.verifiedAt ? { verifiedAt: rule.verifiedAt } : {}),
  };
}

function monthsText(months: number): string {
  return months === 1
    ? "eines Monats"
    : `von ${months === 2 ? "zwei" : months === 3 ? "drei" : months} Monaten`;
}

/** The German text of the consequence of silence for a kind of participation. */
export function consequenceText(
  kind: ParticipationKindName,
  fiction: boolean,
  months: number,
  legalBasis: string,
): string {
  if (!fiction) return silenceConsequenceText(false, legalBasis);
  const noun = consentNoun(kind);
  return `${noun} gilt als erteilt: Wird ${kind === "MUNICIPAL_CONSENT" ? "es" : "sie"} nicht innerhalb ${monthsText(months)} nach Eingang des Ersuchens verweigert, gilt ${kind === "MUNICIPAL_CONSENT" ? "das Einvernehmen" : "die Zustimmung"} als erteilt (${legalBasis}).`;
}

/**
 * Rechtsbereich of a participation for XBau (Code.Rechtsbereich is a type without a fixed list; the
 * product keeps its own small codelist, like the Verfahrensart).
 */
export const RECHTSBEREICH_CODELIST = {
  uri: "urn:bauantrag:codeliste:rechtsbereich",
  version: "1.0",
  entries: {
    BAUPLANUNGSRECHT: "Bauplanungsrecht",
    DENKMALSCHUTZ: "Denkmalschutzrecht",
    BRANDSCHUTZ: "Bauordnungsrecht – Brandschutz",
    NATURSCHUTZ: "Naturschutzrecht",
    STRASSENBAU: "Straßenrecht",
    IMMISSIONSSCHUTZ: "Immissionsschutzrecht",
    SONSTIGE: "Sonstiges Fachrecht",
  },
} as const;
export type RechtsbereichCode = keyof typeof RECHTSBEREICH_CODELIST.entries;

/**
 * XBau Code.BeteiligungRolle 2.0: 1 = zuständige Stelle, 2 = sachverständige Stelle,
 * 3 = betroffene Gemeinde.
 */
export type BeteiligungRolle = "1" | "2" | "3";

/** Who is addressed: the Gemeinde of the plot or a Fachstelle of a subject area. */
export type AgencyTarget = { kind: "GEMEINDE" } | { kind: "FACHSTELLE"; agencyType: AgencyTypeName };

export interface ParticipationSuggestion {
  /** Stable key of the rule ("GEMEINDE", "DENKMALSCHUTZ", ...): one suggestion per key. */
  key: "GEMEINDE" | AgencyTypeName;
  target: AgencyTarget;
  participationKind: ParticipationKindName;
  /** "Gemeinde (Einvernehmen)", "Denkmalschutz". */
  label: string;
  /** Why, in German, as shown to the clerk and printed in the cover letter. */
  reason: string;
  legalBasis: string;
  /** What the agency is asked. */
  question: string;
  rolle: BeteiligungRolle;
  rechtsbereich: RechtsbereichCode;
  /** Deadline rule from the Land profile. */
  deadlineMonths: number;
  silenceIsConsent: boolean;
  silenceConsequence: string;
}

export interface SuggestionInput {
  data: ApplicationData;
  procedureType: ProcedureType | string;
  profile: LandProfile | string | null | undefined;
  /** The case has a Gemeinde of its own (Application.municipalityId) that is not the Bauaufsicht. */
  municipalityIsSeparate: boolean;
}

/** Procedures in which the Bauaufsicht decides on planning law and therefore needs § 36 BauGB. */
const CONSENT_PROCEDURES: readonly string[] = ["BAUGENEHMIGUNG", "VEREINFACHT", "VORBESCHEID"];
/** Procedures in which agencies are asked at all (no permit procedure, no participation). */
const PARTICIPATION_PROCEDURES: readonly string[] = [
  "BAUGENEHMIGUNG",
  "VEREINFACHT",
  "VORBESCHEID",
  "BESEITIGUNG",
];

export function profileOf(profile: SuggestionInput["profile"]): LandProfile {
  return typeof profile === "object" && profile !== null ? profile : resolveProfile(profile);
}

/** The German text of the legal consequence of silence past the deadline. */
export function silenceConsequenceText(silenceIsConsent: boolean, legalBasis: string): string {
  return silenceIsConsent
    ? `Zustimmung gilt als erteilt: Geht bis zum Ablauf der Frist keine Stellungnahme ein, gilt die Zustimmung als erteilt (${legalBasis}).`
    : `Keine Fiktion: Eine Stellungnahme, die nach Ablauf der Frist eingeht, ist nicht fristgerecht und bleibt unberücksichtigt, es sei denn, sie ist für die Rechtmäßigkeit der Entscheidung von Bedeutung (${legalBasis}).`;
}

function fachstelle(
  profile: LandProfile,
  agencyType: AgencyTypeName,
  reason: string,
  legalBasis: string,
  question: string,
  rolle: BeteiligungRolle = "1",
  kind: "AGENCY_STATEMENT" | "AGENCY_CONSENT" = "AGENCY_STATEMENT",
): ParticipationSuggestion {
  const rule = participationRule(profile, kind);
  const extra = agencyType === "DENKMALSCHUTZ" ? (profile.deadlines.monumentExtensionMonths ?? 0) : 0;
  return {
    key: agencyType,
    target: { kind: "FACHSTELLE", agencyType },
    participationKind: kind,
    label: AGENCY_TYPE_LABELS[agencyType],
    reason: localizeLegalBasis(profile, reason),
    legalBasis: `${localizeLegalBasis(profile, legalBasis)}; Frist: ${rule.legalBasis}`,
    question,
    rolle,
    rechtsbereich: agencyType,
    deadlineMonths: rule.months + extra,
    silenceIsConsent: rule.fiction,
    silenceConsequence:
      extra > 0
        ? consequenceText(kind, rule.fiction, rule.months + extra, rule.legalBasis)
        : rule.consequence,
  };
}

/**
 * The same agency asked under another kind (the clerk's choice in the form: a Stellungnahme, or a
 * Zustimmung that the law requires): kind, deadline and consequence of silence from the profile.
 */
export function withKind(
  s: ParticipationSuggestion,
  kind: ParticipationKindName,
  profileInput: SuggestionInput["profile"],
): ParticipationSuggestion {
  if (s.participationKind === kind || s.target.kind === "GEMEINDE" || kind === "MUNICIPAL_CONSENT") return s;
  const rule = participationRule(profileInput, kind);
  const base = s.legalBasis.split("; Frist: ")[0] ?? s.legalBasis;
  return {
    ...s,
    participationKind: kind,
    legalBasis: `${base}; Frist: ${rule.legalBasis}`,
    deadlineMonths: rule.months,
    silenceIsConsent: rule.fiction,
    silenceConsequence: rule.consequence,
  };
}

/** Default question when the clerk adds an agency that no rule suggested. */
export function defaultQuestion(target: AgencyTarget): string {
  return target.kind === "GEMEINDE"
    ? "Wir bitten um Entscheidung über das gemeindliche Einvernehmen nach § 36 BauGB."
    : `Wir bitten um Ihre Stellungnahme zum Vorhaben aus Sicht des ${AGENCY_TYPE_LABELS[target.agencyType]}es.`;
}

/**
 * The participations the case data calls for, in a stable order (Gemeinde first). Rules:
 * - Gemeinde (§ 36 BauGB): the Gemeinde is not itself the Bauaufsicht, the procedure decides on
 *   planning law, and the plot is not simply within a B-Plan (§ 30 Abs. 1 BauGB needs no
 *   Einvernehmen unless a Befreiung is asked for) — unknown planning area counts as "needed".
 * - Denkmalschutz: a Baudenkmal is affected.
 * - Brandschutz: Sonderbau or Gebäudeklasse 4–5.
 * - Naturschutz: Außenbereich (§ 35 BauGB).
 * - Straßenbau: directly next to a Bundes- or Landesstraße.
 * - Immissionsschutz: commercial use (Gewerbe).
 */
export function suggestParticipations(input: SuggestionInput): ParticipationSuggestion[] {
  const profile = profileOf(input.profile);
  if (!PARTICIPATION_PROCEDURES.includes(input.procedureType)) return [];
  const plot = input.data.plot ?? {};
  const project = input.data.project ?? {};
  const out: ParticipationSuggestion[] = [];

  if (input.municipalityIsSeparate && CONSENT_PROCEDURES.includes(input.procedureType)) {
    const area = plot.planningArea;
    const needed =
      area === undefined ||
      area === "INNENBEREICH" ||
      area === "AUSSENBEREICH" ||
      project.deviationsRequested;
    if (needed) {
      const rule = participationRule(profile, "MUNICIPAL_CONSENT");
      const why =
        area === "AUSSENBEREICH"
          ? "Das Vorhaben liegt im Außenbereich (§ 35 BauGB)"
          : area === "INNENBEREICH"
            ? "Das Vorhaben liegt im unbeplanten Innenbereich (§ 34 BauGB)"
            : area === "BEBAUUNGSPLAN"
              ? "Für das Vorhaben im Bebauungsplangebiet wird eine Befreiung beantragt (§ 31 Abs. 2 BauGB)"
              : "Die planungsrechtliche Lage ist nicht angegeben";
      const paragraph =
        area === "AUSSENBEREICH"
          ? "§ 35"
          : area === "INNENBEREICH"
            ? "§ 34"
            : area === "BEBAUUNGSPLAN"
              ? "§ 31"
              : "§§ 31, 33 bis 35";
      out.push({
        key: "GEMEINDE",
        target: { kind: "GEMEINDE" },
        participationKind: "MUNICIPAL_CONSENT",
        label: "Gemeinde (Einvernehmen)",
        reason: `${why}; die Bauaufsichtsbehörde ist nicht die Gemeinde, deren Einvernehmen ist erforderlich.`,
        legalBasis: `§ 36 Abs. 1 i. V. m. ${paragraph} BauGB; Frist: ${rule.legalBasis}`,
        question: defaultQuestion({ kind: "GEMEINDE" }),
        rolle: "3",
        rechtsbereich: "BAUPLANUNGSRECHT",
        deadlineMonths: rule.months,
        silenceIsConsent: rule.fiction,
        silenceConsequence: rule.consequence,
      });
    }
  }

  if (project.monument) {
    out.push(
      fachstelle(
        profile,
        "DENKMALSCHUTZ",
        "Ein Baudenkmal ist betroffen.",
        "Denkmalschutzgesetz des Landes",
        "Wir bitten um Ihre denkmalrechtliche Stellungnahme (Genehmigungsfähigkeit, erforderliche Auflagen).",
      ),
    );
  }
  const gk = project.buildingClass;
  if (project.specialBuilding || (gk !== undefined && gk >= 4)) {
    const why = project.specialBuilding
      ? "Das Vorhaben ist ein Sonderbau (§ 2 Abs. 4 MBO)."
      : `Das Gebäude hat die Gebäudeklasse ${gk} (§ 2 Abs. 3 MBO).`;
    out.push(
      fachstelle(
        profile,
        "BRANDSCHUTZ",
        why,
        "§ 14 MBO",
        "Wir bitten um Stellungnahme der Brandschutzdienststelle zum Brandschutznachweis, insbesondere zu Rettungswegen und Löschwasserversorgung.",
        "2",
      ),
    );
  }
  if (plot.planningArea === "AUSSENBEREICH") {
    out.push(
      fachstelle(
        profile,
        "NATURSCHUTZ",
        "Das Vorhaben liegt im Außenbereich (§ 35 BauGB); Eingriffe in Natur und Landschaft sind zu prüfen.",
        "§§ 14, 17 BNatSchG",
        "Wir bitten um Ihre naturschutzrechtliche Stellungnahme (Eingriffsregelung, Schutzgebiete, Artenschutz).",
      ),
    );
  }
  if (plot.nextToMajorRoad) {
    out.push(
      fachstelle(
        profile,
        "STRASSENBAU",
        "Das Grundstück liegt unmittelbar an einer Bundes- oder Landesstraße.",
        "§ 9 FStrG bzw. Landesstraßengesetz",
        "Wir bitten um Stellungnahme des Straßenbaulastträgers zu Anbauverbot, Zufahrt und Sichtfeldern.",
      ),
    );
  }
  if (project.use === "GEWERBE") {
    out.push(
      fachstelle(
        profile,
        "IMMISSIONSSCHUTZ",
        "Das Vorhaben dient einer gewerblichen Nutzung; Lärm- und Luftimmissionen sind zu prüfen.",
        "§ 22 BImSchG",
        "Wir bitten um Ihre immissionsschutzrechtliche Stellungnahme (Lärm, Gerüche, Betriebszeiten).",
      ),
    );
  }
  return out;
}

/** The suggestion rule for an agency the clerk picked without one (defaults of its kind). */
export function manualSuggestion(
  target: AgencyTarget,
  profileInput: SuggestionInput["profile"],
): ParticipationSuggestion {
  const profile = profileOf(profileInput);
  if (target.kind === "GEMEINDE") {
    const rule = participationRule(profile, "MUNICIPAL_CONSENT");
    return {
      key: "GEMEINDE",
      target,
      participationKind: "MUNICIPAL_CONSENT",
      label: "Gemeinde (Einvernehmen)",
      reason: "Von der Sachbearbeitung hinzugefügt.",
      legalBasis: `§ 36 BauGB; Frist: ${rule.legalBasis}`,
      question: defaultQuestion(target),
      rolle: "3",
      rechtsbereich: "BAUPLANUNGSRECHT",
      deadlineMonths: rule.months,
      silenceIsConsent: rule.fiction,
      silenceConsequence: rule.consequence,
    };
  }
  return fachstelle(
    profile,
    target.agencyType,
    "Von der Sachbearbeitung hinzugefügt.",
    "§ 69 Abs. 1 MBO",
    defaultQuestion(target),
  );
}

/** Default deadline (end of the Berlin day) of a participation requested at `from`. */
export function defaultDeadline(months: number, from: Date): Date {
  return endOfBerlinDay(addMonthsBerlin(from, months));
}

// ---- board state --------------------------------------------------------------------------------

export interface ParticipationStateInput {
  status: "PENDING" | "SENT" | "OPENED" | "ANSWERED" | "DEEMED_CONSENT" | "CANCELLED";
  deadline: Date;
  closedAt: Date | null;
  silenceIsConsent: boolean;
  hasPendingExtension?: boolean;
  /** Kind of participation (names what is deemed given); a Stellungnahme when absent. */
  kind?: string;
  /** When the statement came in (a late Stellungnahme is "nicht fristgerecht"). */
  answeredAt?: Date | null;
  /** A refused Einvernehmen/Zustimmung the Bauaufsicht replaced. */
  replacedAt?: Date | null;
  /** Set by the deadlines job once the deadline passed without a statement. */
  expiredAt?: Date | null;
}

/** The statement came in after the deadline (no fiction applies to a Stellungnahme). */
export function answeredLate(p: { deadline: Date; answeredAt?: Date | null }): boolean {
  return p.answeredAt != null && p.answeredAt.getTime() > p.deadline.getTime();
}

export type ParticipationTone = "info" | "success" | "warning" | "danger";

export interface ParticipationState {
  label: string;
  tone: ParticipationTone;
  /** Calendar days to the deadline (negative = overdue); null once nothing is awaited. */
  daysLeft: number | null;
  overdue: boolean;
}

/**
 * The state a clerk (and the agency) sees: "Wird versandt", "Versandt", "Geöffnet", "Beantwortet",
 * "Überfällig", "Zustimmung gilt als erteilt", "Zurückgezogen"; a pending extension request is
 * named, a closed participation stays with its outcome.
 */
export function participationState(p: ParticipationStateInput, now: Date = new Date()): ParticipationState {
  const consent = isConsentKind(p.kind ?? "AGENCY_STATEMENT");
  if (p.status === "ANSWERED") {
    if (p.replacedAt)
      return {
        label: `${consentNoun(p.kind ?? "")} ersetzt`,
        tone: "success",
        daysLeft: null,
        overdue: false,
      };
    if (!consent && answeredLate(p))
      return { label: "Beantwortet – nicht fristgerecht", tone: "warning", daysLeft: null, overdue: false };
    return { label: "Beantwortet", tone: "success", daysLeft: null, overdue: false };
  }
  if (p.status === "DEEMED_CONSENT")
    return {
      label: `${consentNoun(p.kind ?? "")} gilt als erteilt`,
      tone: "success",
      daysLeft: null,
      overdue: false,
    };
  if (p.status === "CANCELLED")
    return { label: "Zurückgezogen", tone: "info", daysLeft: null, overdue: false };
  const left = daysLeft(p.deadline, now);
  // The deadlines job's mark counts as well (it ran with its own clock).
  const overdue = p.deadline.getTime() < now.getTime() || (p.expiredAt != null && p.status !== "PENDING");
  if (p.closedAt)
    return {
      label:
        overdue && !p.silenceIsConsent
          ? "Nicht fristgerecht – abgeschlossen"
          : "Abgeschlossen ohne Stellungnahme",
      tone: "info",
      daysLeft: null,
      overdue: false,
    };
  // Without fiction a missed deadline is final for the clerk: "nicht fristgerecht", no consent.
  if (overdue && !p.silenceIsConsent)
    return { label: "Nicht fristgerecht", tone: "danger", daysLeft: left, overdue };
  if (overdue) return { label: "Überfällig", tone: "danger", daysLeft: left, overdue };
  if (p.hasPendingExtension)
    return { label: "Fristverlängerung beantragt", tone: "warning", daysLeft: left, overdue };
  if (p.status === "PENDING") return { label: "Wird versandt", tone: "info", daysLeft: left, overdue };
  if (p.status === "OPENED") return { label: "Geöffnet", tone: "info", daysLeft: left, overdue };
  return { label: "Versandt", tone: "info", daysLeft: left, overdue };
}
