/**
 * The decision (Bescheid) as domain data: kinds with German labels and legal bases, the default
 * kind per procedure type, the default Rechtsbehelfsbelehrung per Land profile, the permit's
 * validity and a skeleton of the reasons. Pure: browser, server and workers.
 */
import { addMonthsBerlin, endOfBerlinDay } from "./deadlines";
import { getDocumentType } from "./document-types";
import { type LandProfile, localizeLegalBasis, resolveProfile } from "./land-profiles";

export const DECISION_KINDS = ["BAUGENEHMIGUNG", "ABLEHNUNG", "VORBESCHEID", "TEILBAUGENEHMIGUNG"] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  BAUGENEHMIGUNG: "Baugenehmigung",
  ABLEHNUNG: "Ablehnung des Bauantrags",
  VORBESCHEID: "Vorbescheid",
  TEILBAUGENEHMIGUNG: "Teilbaugenehmigung",
};

/** Legal basis of each kind, written against the MBO (localized per profile). */
const KIND_LEGAL_BASIS: Record<DecisionKind, string> = {
  BAUGENEHMIGUNG: "§ 72 Abs. 1 MBO",
  ABLEHNUNG: "§ 72 Abs. 1 MBO",
  VORBESCHEID: "§ 75 MBO",
  TEILBAUGENEHMIGUNG: "§ 74 MBO",
};

export function isDecisionKind(value: unknown): value is DecisionKind {
  return typeof value === "string" && (DECISION_KINDS as readonly string[]).includes(value);
}

export function decisionKindLabel(kind: string): string {
  return isDecisionKind(kind) ? DECISION_KIND_LABELS[kind] : kind;
}

export function decisionKindLegalBasis(profile: LandProfile | string, kind: DecisionKind): string {
  const p = typeof profile === "string" ? resolveProfile(profile) : profile;
  return localizeLegalBasis(p, KIND_LEGAL_BASIS[kind]);
}

/**
 * What the clerk most likely decides: a Vorbescheid for a Bauvoranfrage; an Ablehnung when the
 * Gemeinde refused its Einvernehmen (§ 36 BauGB binds the authority until it is replaced); a
 * Baugenehmigung otherwise. Only a proposal: the clerk chooses.
 */
export function defaultDecisionKind(
  procedureType: string,
  { municipalConsentRefused = false }: { municipalConsentRefused?: boolean } = {},
): DecisionKind {
  if (procedureType === "VORBESCHEID") return "VORBESCHEID";
  return municipalConsentRefused ? "ABLEHNUNG" : "BAUGENEHMIGUNG";
}

/** A permit (not an Ablehnung) has a validity period. */
export function grantsPermission(kind: DecisionKind): boolean {
  return kind !== "ABLEHNUNG";
}

// ---- Nebenbestimmungen ---------------------------------------------------------------------------

// The kinds and their labels are the statements' (one table): a statement's condition becomes the
// Bescheid's Nebenbestimmung of the same kind.
export {
  CONDITION_KIND_LABELS,
  CONDITION_KINDS,
  type ConditionKindValue as ConditionKind,
  isConditionKind,
} from "./statements";

// ---- Rechtsbehelfsbelehrung ----------------------------------------------------------------------

/** Placeholders in a Rechtsbehelfsbelehrung (also in an authority's own text). */
export const LEGAL_REMEDY_PLACEHOLDERS = {
  authorityName: "{behoerde}",
  authorityAddress: "{anschrift}",
} as const;

/**
 * Widerspruch within one month (§§ 68 ff., 70 VwGO). The MBO model keeps the Widerspruchsverfahren;
 * so does Mecklenburg-Vorpommern (no exclusion under § 68 Abs. 1 Satz 2 VwGO in its AG VwGO),
 * hence the same wording; Länder that abolished it (e.g. NRW, Bayern in parts) would get a
 * Klage text in their profile.
 */
const WIDERSPRUCH_TEXT =
  "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben " +
  "werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Abs. 2 des " +
  "Verwaltungsverfahrensgesetzes oder zur Niederschrift bei der Bauaufsichtsbehörde ({behoerde}, {anschrift}) einzulegen.";

const THIRD_PARTY_NOTE =
  "Hinweis: Widerspruch und Anfechtungsklage eines Dritten gegen die bauaufsichtliche Zulassung " +
  "eines Vorhabens haben keine aufschiebende Wirkung (§ 212a Abs. 1 BauGB).";

const DEFAULT_LEGAL_REMEDY: Record<string, string> = {
  MBO: `${WIDERSPRUCH_TEXT}\n\n${THIRD_PARTY_NOTE}`,
  MV: `${WIDERSPRUCH_TEXT}\n\n${THIRD_PARTY_NOTE}`,
};

/** The profile's Rechtsbehelfsbelehrung with placeholders (unknown profiles: MBO). */
export function defaultLegalRemedyTemplate(profileId: string | null | undefined): string {
  return DEFAULT_LEGAL_REMEDY[resolveProfile(profileId).id] ?? (DEFAULT_LEGAL_REMEDY.MBO as string);
}

/** Fills {behoerde} and {anschrift}; a missing address reads "(Anschrift der Behörde)". */
export function fillLegalRemedy(
  template: string,
  authority: { name: string; addressLine?: string | null },
): string {
  const address = authority.addressLine?.trim() || "(Anschrift der Behörde)";
  return template
    .replaceAll(LEGAL_REMEDY_PLACEHOLDERS.authorityName, authority.name)
    .replaceAll(LEGAL_REMEDY_PLACEHOLDERS.authorityAddress, address);
}

/** The authority's own text when it has one, else the profile's; placeholders filled. */
export function legalRemedyFor(authority: {
  name: string;
  addressLine?: string | null;
  landProfile: string;
  legalRemedyText?: string | null;
}): string {
  const template = authority.legalRemedyText?.trim() || defaultLegalRemedyTemplate(authority.landProfile);
  return fillLegalRemedy(template, authority);
}

// ---- validity --------------------------------------------------------------------------------------

/**
 * End of a permit's validity: `permitValidity.years` after the decision (BGB month arithmetic, end
 * of that day in Berlin); null for an Ablehnung. Decided on 31 Jan 2026, 3 years: 31 Jan 2029.
 */
export function permitValidUntil(profileId: string | null | undefined, kind: DecisionKind, decidedAt: Date) {
  if (!grantsPermission(kind)) return null;
  const { years } = resolveProfile(profileId).deadlines.permitValidity;
  return endOfBerlinDay(addMonthsBerlin(decidedAt, years * 12));
}

// ---- reasons skeleton ----------------------------------------------------------------------------

export interface ReasonsInput {
  kind: DecisionKind;
  profileId: string;
  procedureLabel: string;
  submittedAt: Date | null;
  completeAt: Date | null;
  /** Formatted dates are passed in so server and browser print the same text. */
  formatDate: (d: Date) => string;
  /** `municipal`: the Gemeinde's Einvernehmen (§ 36 BauGB) rather than an agency's statement. */
  participations: { agencyName: string; outcome: string; municipal?: boolean }[];
  deviationsRequested: boolean;
}

const OUTCOME_PHRASES: Record<string, string> = {
  CONSENT: "hat zugestimmt",
  CONSENT_WITH_CONDITIONS: "hat unter Nebenbestimmungen zugestimmt",
  REJECTION: "hat das Vorhaben abgelehnt",
  NOT_AFFECTED: "ist nicht betroffen",
  DEEMED_CONSENT: "hat sich nicht fristgerecht geäußert; die Zustimmung gilt als erteilt",
};

/**
 * A German skeleton of the reasons (Begründung) from what the file knows. The clerk completes it:
 * the discretionary part stays with a person, so the skeleton marks where to write with "[…]".
 */
export function reasonsSkeleton(input: ReasonsInput): string {
  const profile = resolveProfile(input.profileId);
  const code = profile.buildingCode;
  const parts: string[] = [];
  parts.push("1. Sachverhalt");
  const filed = input.submittedAt ? ` am ${input.formatDate(input.submittedAt)}` : "";
  const complete = input.completeAt
    ? ` Die Bauvorlagen sind seit dem ${input.formatDate(input.completeAt)} vollständig.`
    : "";
  parts.push(`Der Bauantrag (${input.procedureLabel}) ist${filed} eingegangen.${complete}`);
  if (input.participations.length > 0) {
    const lines = input.participations.map(
      (p) =>
        `- ${p.agencyName} ${
          p.municipal && p.outcome === "REJECTION"
            ? "hat das gemeindliche Einvernehmen (§ 36 BauGB) versagt"
            : (OUTCOME_PHRASES[p.outcome] ?? "wurde beteiligt")
        }.`,
    );
    parts.push(`Folgende Stellen wurden beteiligt:\n${lines.join("\n")}`);
  }
  parts.push("");
  parts.push("2. Rechtliche Würdigung");
  if (input.kind === "ABLEHNUNG") {
    if (input.participations.some((p) => p.municipal && p.outcome === "REJECTION")) {
      parts.push(
        "Die Gemeinde hat ihr Einvernehmen nach § 36 Abs. 1 BauGB versagt. Die Bauaufsichtsbehörde ist daran " +
          "gebunden, solange das Einvernehmen nicht nach § 36 Abs. 2 Satz 3 BauGB ersetzt ist.",
      );
    }
    parts.push(
      `Der Bauantrag ist abzulehnen, weil dem Vorhaben öffentlich-rechtliche Vorschriften entgegenstehen, ` +
        `die im bauaufsichtlichen Genehmigungsverfahren zu prüfen sind (${decisionKindLegalBasis(profile, "ABLEHNUNG")}): […]`,
    );
  } else {
    parts.push(
      `Dem Vorhaben stehen keine öffentlich-rechtlichen Vorschriften entgegen, die im bauaufsichtlichen ` +
        `Genehmigungsverfahren zu prüfen sind (${decisionKindLegalBasis(profile, input.kind)}). […]`,
    );
    parts.push(
      "Die Nebenbestimmungen beruhen auf § 36 VwVfG; sie stellen sicher, dass die gesetzlichen " +
        "Voraussetzungen erfüllt werden, insbesondere die Forderungen der beteiligten Stellen.",
    );
    if (input.deviationsRequested) {
      parts.push(
        `Die Abweichungen werden nach § 67 ${code} zugelassen, weil sie unter Berücksichtigung des Zwecks ` +
          "der jeweiligen Anforderung und unter Würdigung der öffentlich-rechtlich geschützten nachbarlichen " +
          "Belange mit den öffentlichen Belangen vereinbar sind: […]",
      );
    }
  }
  parts.push("");
  parts.push("3. Kosten");
  parts.push(
    "Die Kostenentscheidung beruht auf der angegebenen Gebührenordnung; die Berechnung ist beigefügt.",
  );
  return parts.join("\n");
}

/** The marker the skeletons use where the clerk still has to write. */
export const TO_BE_WRITTEN = "[…]";

/** The Abweichung prefilled when the applicant requested deviations (text to complete by the clerk). */
export function requestedDeviationSkeleton(profileId: string): { text: string; legalBasis: string } {
  const profile = resolveProfile(profileId);
  return {
    text: "Zugelassen wird die beantragte Abweichung gemäß der Begründung in den Bauvorlagen: […]",
    legalBasis: `§ 67 ${profile.buildingCode}`,
  };
}

// ---- approved Bauvorlagen ------------------------------------------------------------------------

/**
 * Whether a document type belongs to what the Bescheid approves: not the statistics forms (they
 * go to the statistics office) nor the proof of Bauvorlageberechtigung (it concerns the
 * Entwurfsverfasser:in, not the project). Unknown types count as part of it (the clerk decides).
 */
export function isApprovableDocumentType(typeCode: string): boolean {
  const group = getDocumentType(typeCode)?.group;
  return group !== "statistik" && group !== "berechtigung";
}

/**
 * The annex of a Bescheid: approvable types only, each file (sha256) once; a file filed under
 * several types keeps its first row and names the other types in its title.
 */
export function annexDocuments<
  D extends { typeCode: string; typeLabel: string; title: string; sha256: string },
>(documents: D[]): D[] {
  const bySha = new Map<string, D>();
  const out: D[] = [];
  for (const d of documents) {
    if (!isApprovableDocumentType(d.typeCode)) continue;
    const seen = bySha.get(d.sha256);
    if (seen) {
      if (!seen.title.includes(d.typeLabel)) seen.title = `${seen.title}; auch als ${d.typeLabel}`;
      continue;
    }
    const copy = { ...d };
    bySha.set(d.sha256, copy);
    out.push(copy);
  }
  return out;
}
