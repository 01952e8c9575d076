/**
 * The Begründung of a Bescheid (§ 39 VwVfG M-V) assembled from the file (issue 15 item 1).
 *
 * The structure is fixed: Sachverhalt, Rechtliche Würdigung, Nebenbestimmungen, Kosten. Each
 * section has a part written from the file (planning-law status § 30/31/33/34/35 BauGB, scope of
 * review § 63/§ 64, Abweichungen/Befreiungen, each Nebenbestimmung's own reason, the fee basis)
 * and the clerk's own text, which is added to its section. The clerk's text can neither remove a
 * section nor its part from the file: the discretionary part stays with a person, the skeleton
 * stays complete. Pure: browser (editor preview), server (stored text, XBau) and workers (PDF).
 */
import { z } from "zod";
import type { PlanningArea } from "./application-data";
import { CONDITION_KINDS, type ConditionKind, type DecisionKind, decisionKindLegalBasis } from "./decision";
import { decisionLaw } from "./decision-law";
import { formatEuro } from "./format";
import { resolveProfile } from "./land-profiles";

export const REASON_SECTION_KEYS = ["sachverhalt", "wuerdigung", "nebenbestimmungen", "kosten"] as const;
export type ReasonSectionKey = (typeof REASON_SECTION_KEYS)[number];

export const REASON_SECTION_TITLES: Record<ReasonSectionKey, string> = {
  sachverhalt: "Sachverhalt",
  wuerdigung: "Rechtliche Würdigung",
  nebenbestimmungen: "Nebenbestimmungen",
  kosten: "Kosten",
};

export const REASON_TEXT_MAX = 8_000;

/** The clerk's text per section (stored as Decision.reasonSections). */
export const reasonTextsSchema = z
  .object(
    Object.fromEntries(
      REASON_SECTION_KEYS.map((k) => [k, z.string().max(REASON_TEXT_MAX).optional()]),
    ) as Record<ReasonSectionKey, z.ZodOptional<z.ZodString>>,
  )
  .partial();
export type ReasonTexts = Partial<Record<ReasonSectionKey, string>>;

/** Stored JSON -> texts; anything unreadable reads as no clerk text (never as a lost section). */
export function parseReasonTexts(value: unknown): ReasonTexts {
  const parsed = reasonTextsSchema.safeParse(value);
  if (!parsed.success) return {};
  const out: ReasonTexts = {};
  for (const k of REASON_SECTION_KEYS) {
    const t = parsed.data[k]?.trim();
    if (t) out[k] = t;
  }
  return out;
}

export interface ReasonCondition {
  kind: ConditionKind;
  text: string;
  legalBasis?: string | null;
  /** Its own reason: purpose and why it is needed. */
  reason?: string | null;
  sourceLabel?: string | null;
}

export interface ReasonFacts {
  kind: DecisionKind;
  profileId: string;
  procedureType: string;
  procedureLabel: string;
  projectTitle?: string | null;
  measure?: string | null;
  submittedAt: Date | null;
  completeAt: Date | null;
  /** Formatted dates are passed in so server and browser print the same text. */
  formatDate: (d: Date) => string;
  planningArea?: PlanningArea | null;
  developmentPlanName?: string | null;
  /** Use of the building (app/domain/application-data USE_TYPES): LANDWIRTSCHAFT → § 35 Abs. 1 Nr. 1. */
  use?: string | null;
  /** `municipal`: the Gemeinde's Einvernehmen (§ 36 BauGB) rather than an agency's statement. */
  participations: { agencyName: string; outcome: string; municipal?: boolean }[];
  deviations: { text: string; legalBasis?: string | null }[];
  conditions: ReasonCondition[];
  fee: {
    totalCents: number;
    constructionCostCents: number | null;
    /** Where the fee basis comes from (printed). */
    basisSource?: string | null;
  } | null;
}

export interface ReasonSection {
  key: ReasonSectionKey;
  title: string;
  /** Paragraphs written from the file; always present. */
  fromFile: string[];
  /** The clerk's own text for this section ("" when none). */
  clerkText: string;
}

/** Marker where the clerk still has to write (the editor warns while one is left). */
export const TO_COMPLETE = "[…]";

const OUTCOME_PHRASES: Record<string, string> = {
  CONSENT: "hat zugestimmt",
  CONSENT_WITH_CONDITIONS: "hat unter Nebenbestimmungen zugestimmt",
  REJECTION: "hat das Vorhaben abgelehnt",
  NOT_AFFECTED: "ist in ihren Belangen nicht berührt",
  DEEMED_CONSENT: "hat sich nicht innerhalb der Frist geäußert; ihre Zustimmung gilt als erteilt",
  PENDING: "hat sich bis zur Entscheidung nicht geäußert",
};

const MUNICIPAL_PHRASES: Record<string, string> = {
  CONSENT: "hat ihr Einvernehmen nach § 36 Abs. 1 BauGB erteilt",
  CONSENT_WITH_CONDITIONS: "hat ihr Einvernehmen nach § 36 Abs. 1 BauGB erteilt",
  NOT_AFFECTED: "hat ihr Einvernehmen nach § 36 Abs. 1 BauGB erteilt",
  REJECTION: "hat ihr Einvernehmen nach § 36 Abs. 1 BauGB versagt",
  DEEMED_CONSENT:
    "hat ihr Einvernehmen nicht innerhalb von zwei Monaten verweigert; es gilt nach § 36 Abs. 2 Satz 2 BauGB als erteilt",
  PENDING: "hat sich zum Einvernehmen bis zur Entscheidung nicht geäußert",
};

/** A deviation is a Befreiung/Ausnahme of planning law (§ 31 BauGB) or a building-code Abweichung. */
function isPlanningExemption(d: { legalBasis?: string | null; text: string }): boolean {
  return /§\s*31\b[^§]*BauGB/.test(d.legalBasis ?? "") || /\bBefreiung\b/.test(d.text);
}

function sachverhalt(f: ReasonFacts): string[] {
  const out: string[] = [];
  const what = [f.projectTitle?.trim(), f.measure ? `(${f.measure})` : null].filter(Boolean).join(" ");
  const filed = f.submittedAt ? ` am ${f.formatDate(f.submittedAt)}` : "";
  out.push(
    `Der Antrag${what ? ` für das Vorhaben „${what}“` : ""} (Verfahren: ${f.procedureLabel}) ist${filed} eingegangen.` +
      (f.completeAt ? ` Die Bauvorlagen sind seit dem ${f.formatDate(f.completeAt)} vollständig.` : ""),
  );
  if (f.participations.length > 0) {
    const lines = f.participations.map(
      (p) =>
        `– ${p.agencyName} ${(p.municipal ? MUNICIPAL_PHRASES : OUTCOME_PHRASES)[p.outcome] ?? "wurde beteiligt"}.`,
    );
    out.push(`Beteiligt wurden:\n${lines.join("\n")}`);
  } else {
    out.push("Andere Behörden oder Stellen waren nicht zu beteiligen.");
  }
  return out;
}

/** The Gemeinde's Einvernehmen as far as § 36 BauGB requires it for this planning status. */
function municipalConsent(f: ReasonFacts, required: boolean): string | null {
  const m = f.participations.find((p) => p.municipal);
  if (m) return `Die Gemeinde (${m.agencyName}) ${MUNICIPAL_PHRASES[m.outcome] ?? "wurde beteiligt"}.`;
  if (!required) return null;
  return (
    "Das Einvernehmen der Gemeinde nach § 36 Abs. 1 BauGB ist für dieses Vorhaben erforderlich, es sei denn, " +
    `die Gemeinde ist selbst Bauaufsichtsbehörde: ${TO_COMPLETE}`
  );
}

function planningLaw(f: ReasonFacts, grants: boolean): string[] {
  const exemptions = f.deviations.filter(isPlanningExemption);
  const out: string[] = [];
  switch (f.planningArea) {
    case "BEBAUUNGSPLAN": {
      const name = f.developmentPlanName?.trim() ?? "";
      const plan = !name ? "" : /[„"“]/.test(name) ? ` ${name}` : ` „${name}“`;
      if (grants) {
        out.push(
          `Das Vorhaben liegt im Geltungsbereich des qualifizierten Bebauungsplans${plan}. Es ist nach § 30 Abs. 1 BauGB ` +
            "bauplanungsrechtlich zulässig, weil es den Festsetzungen des Bebauungsplans " +
            (exemptions.length > 0 ? "– mit den unten genannten Befreiungen – " : "") +
            "nicht widerspricht und die Erschließung gesichert ist.",
        );
      } else {
        out.push(
          `Das Vorhaben liegt im Geltungsbereich des Bebauungsplans${plan}; maßgeblich ist § 30 Abs. 1 BauGB: ` +
            "Zulässig ist nur, was den Festsetzungen nicht widerspricht und dessen Erschließung gesichert ist.",
        );
      }
      if (exemptions.length > 0) {
        out.push(
          "Von Festsetzungen des Bebauungsplans wird nach § 31 Abs. 2 BauGB befreit, weil die Grundzüge der Planung " +
            "nicht berührt werden, die Abweichung städtebaulich vertretbar ist und auch unter Würdigung nachbarlicher " +
            `Interessen mit den öffentlichen Belangen vereinbar ist: ${exemptions.map((d) => d.text).join(" ")}`,
        );
      }
      const consent = municipalConsent(f, exemptions.length > 0);
      if (consent) out.push(consent);
      else
        out.push(
          "Eines Einvernehmens der Gemeinde bedurfte es nicht (§ 36 Abs. 1 Satz 1 BauGB gilt für § 30 Abs. 1 BauGB ohne Befreiung nicht).",
        );
      break;
    }
    case "INNENBEREICH": {
      out.push(
        grants
          ? "Das Vorhaben liegt innerhalb eines im Zusammenhang bebauten Ortsteils; ein qualifizierter Bebauungsplan " +
              "besteht nicht. Es ist nach § 34 Abs. 1 BauGB zulässig, weil es sich nach Art und Maß der baulichen Nutzung, " +
              "der Bauweise und der Grundstücksfläche, die überbaut werden soll, in die Eigenart der näheren Umgebung " +
              "einfügt, die Erschließung gesichert ist, die Anforderungen an gesunde Wohn- und Arbeitsverhältnisse " +
              "gewahrt bleiben und das Ortsbild nicht beeinträchtigt wird."
          : "Das Vorhaben liegt innerhalb eines im Zusammenhang bebauten Ortsteils; maßgeblich ist § 34 BauGB: " +
              "Zulässig ist nur, was sich in die Eigenart der näheren Umgebung einfügt und dessen Erschließung gesichert ist.",
      );
      const consent = municipalConsent(f, true);
      if (consent) out.push(consent);
      break;
    }
    case "AUSSENBEREICH": {
      const privileged = f.use === "LANDWIRTSCHAFT";
      if (grants) {
        out.push(
          privileged
            ? "Das Vorhaben liegt im Außenbereich. Es ist nach § 35 Abs. 1 Nr. 1 BauGB privilegiert, weil es einem " +
                "land- oder forstwirtschaftlichen Betrieb dient und nur einen untergeordneten Teil der Betriebsfläche " +
                "einnimmt; öffentliche Belange (§ 35 Abs. 3 BauGB) stehen nicht entgegen und die ausreichende " +
                "Erschließung ist gesichert."
            : "Das Vorhaben liegt im Außenbereich und ist nicht nach § 35 Abs. 1 BauGB privilegiert. Als sonstiges " +
                "Vorhaben ist es nach § 35 Abs. 2 BauGB zulässig, weil seine Ausführung und Benutzung öffentliche " +
                "Belange im Sinne des § 35 Abs. 3 BauGB nicht beeinträchtigt und die Erschließung gesichert ist.",
        );
        out.push(
          "Das Vorhaben ist in einer flächensparenden, die Bodenversiegelung auf das notwendige Maß begrenzenden und " +
            "den Außenbereich schonenden Weise auszuführen (§ 35 Abs. 5 Satz 1 BauGB).",
        );
      } else {
        out.push(
          "Das Vorhaben liegt im Außenbereich; maßgeblich ist § 35 BauGB: Ein nicht privilegiertes Vorhaben ist " +
            "nur zulässig, wenn es öffentliche Belange (§ 35 Abs. 3 BauGB) nicht beeinträchtigt.",
        );
      }
      const consent = municipalConsent(f, true);
      if (consent) out.push(consent);
      break;
    }
    default:
      out.push(
        `Die planungsrechtliche Lage (§§ 30, 33, 34 oder 35 BauGB) ist in den Antragsdaten nicht angegeben: ${TO_COMPLETE}`,
      );
  }
  return out;
}

function wuerdigung(f: ReasonFacts): string[] {
  const profile = resolveProfile(f.profileId);
  const law = decisionLaw(profile.id);
  const code = profile.buildingCode;
  const grants = f.kind !== "ABLEHNUNG";
  const out: string[] = [];
  const scope = law.reviewScope[f.procedureType as keyof typeof law.reviewScope];
  if (scope) out.push(scope);
  out.push(...planningLaw(f, grants));
  const codeDeviations = f.deviations.filter((d) => !isPlanningExemption(d));
  if (grants && codeDeviations.length > 0) {
    out.push(
      `Die Abweichungen werden nach § 67 Abs. 1 ${code} zugelassen, weil sie unter Berücksichtigung des Zwecks der ` +
        "jeweiligen Anforderung und unter Würdigung der öffentlich-rechtlich geschützten nachbarlichen Belange mit den " +
        "öffentlichen Belangen vereinbar sind.",
    );
  }
  if (grants) {
    out.push(
      `Dem Vorhaben stehen danach keine öffentlich-rechtlichen Vorschriften entgegen, die im bauaufsichtlichen ` +
        `Genehmigungsverfahren zu prüfen sind; die Entscheidung beruht auf ${decisionKindLegalBasis(profile, f.kind)}.`,
    );
  } else {
    const refused = f.participations.some((p) => p.municipal && p.outcome === "REJECTION");
    if (refused) {
      out.push(
        "Die Bauaufsichtsbehörde ist an die Versagung des Einvernehmens gebunden, solange es nicht nach § 36 Abs. 2 " +
          "Satz 3 BauGB ersetzt ist.",
      );
    }
    out.push(
      `Der Antrag ist nach ${decisionKindLegalBasis(profile, f.kind)} abzulehnen, weil dem Vorhaben ` +
        "öffentlich-rechtliche Vorschriften entgegenstehen, die im bauaufsichtlichen Genehmigungsverfahren zu prüfen sind.",
    );
  }
  return out;
}

/** Conditions in Bescheid order (Bedingungen, Auflagen, Vorbehalte, Hinweise) with their numbers. */
export function orderConditions<C extends { kind: ConditionKind }>(
  conditions: C[],
): { number: number; condition: C }[] {
  let n = 0;
  return CONDITION_KINDS.flatMap((kind) =>
    conditions.filter((c) => c.kind === kind).map((condition) => ({ number: ++n, condition })),
  );
}

const KIND_NAMES: Record<ConditionKind, string> = {
  BEDINGUNG: "Bedingung",
  AUFLAGE: "Auflage",
  VORBEHALT: "Vorbehalt",
  HINWEIS: "Hinweis",
};

function nebenbestimmungen(f: ReasonFacts): string[] {
  const law = decisionLaw(f.profileId);
  if (f.kind === "ABLEHNUNG") return ["Eine Ablehnung enthält keine Nebenbestimmungen."];
  const ordered = orderConditions(f.conditions);
  const binding = ordered.filter((o) => o.condition.kind !== "HINWEIS");
  const out: string[] = [];
  if (binding.length === 0) {
    out.push("Der Bescheid enthält keine Nebenbestimmungen.");
  } else {
    out.push(
      `Die Baugenehmigung ist eine gebundene Entscheidung. Nebenbestimmungen sind nach § 36 Abs. 1 ${law.procedureAct} ` +
        "nur zulässig, soweit sie sicherstellen, dass die gesetzlichen Voraussetzungen der Genehmigung erfüllt werden. " +
        "Das gilt für jede der folgenden:",
    );
    for (const { number, condition: c } of binding) {
      const basis = c.legalBasis?.trim();
      const own = c.reason?.trim();
      const why = own
        ? own
        : basis
          ? `Sie stellt sicher, dass die Anforderungen nach ${basis} erfüllt werden.`
          : `Zweck und Erforderlichkeit: ${TO_COMPLETE}`;
      const source = c.sourceLabel ? ` (Quelle: ${c.sourceLabel})` : "";
      out.push(
        `Zu Nr. ${number} (${KIND_NAMES[c.kind]}${basis ? `, ${basis}` : ""}): ${why}${source}`.replace(
          /\s+$/,
          "",
        ),
      );
    }
  }
  const notes = ordered.filter((o) => o.condition.kind === "HINWEIS");
  if (notes.length > 0) {
    out.push(
      `Die Hinweise (Nr. ${notes.map((n) => n.number).join(", ")}) regeln nichts; sie weisen auf Pflichten hin, die ` +
        "unmittelbar aus dem Gesetz folgen.",
    );
  }
  return out;
}

function kosten(f: ReasonFacts): string[] {
  const law = decisionLaw(f.profileId);
  const out: string[] = [
    `Die Kostenentscheidung beruht auf der ${law.feeOrdinance} in Verbindung mit dem ${law.costLaw}. ` +
      "Kostenschuldner:in ist, wer die Amtshandlung veranlasst hat: die Bauherrschaft als Antragsteller:in.",
  ];
  if (f.fee) {
    if (f.fee.constructionCostCents !== null) {
      out.push(
        `Die Gebühr bemisst sich nach dem anrechenbaren Bauwert von ${formatEuro(f.fee.constructionCostCents)}` +
          (f.fee.basisSource?.trim() ? ` (${f.fee.basisSource.trim()})` : "") +
          ". Die Berechnung mit den Tarifstellen steht im Abschnitt Gebühren.",
      );
    } else {
      out.push(
        "Ein anrechenbarer Bauwert war nicht anzusetzen; es gilt die Mindestgebühr der jeweiligen Tarifstelle.",
      );
    }
  }
  return out;
}

/** The four sections, each with its part from the file and the clerk's text. */
export function assembleReasons(facts: ReasonFacts, texts: ReasonTexts = {}): ReasonSection[] {
  const parts: Record<ReasonSectionKey, string[]> = {
    sachverhalt: sachverhalt(facts),
    wuerdigung: wuerdigung(facts),
    nebenbestimmungen: nebenbestimmungen(facts),
    kosten: kosten(facts),
  };
  return REASON_SECTION_KEYS.map((key) => {
    const clerkText = texts[key]?.trim() ?? "";
    // "[…]" asks the clerk to write in this section; once they did, the prompt has done its job.
    const fromFile = clerkText
      ? parts[key].map((p) =>
          p.replaceAll(`: ${TO_COMPLETE}`, ".").replaceAll(` ${TO_COMPLETE}`, "").replaceAll("..", "."),
        )
      : parts[key];
    return { key, title: REASON_SECTION_TITLES[key], fromFile, clerkText };
  });
}

/** The Begründung as one text: "1. Sachverhalt", paragraphs separated by blank lines. */
export function reasonsToText(sections: ReasonSection[]): string {
  return sections
    .map((s, i) =>
      [`${i + 1}. ${s.title}`, ...s.fromFile, ...(s.clerkText ? [s.clerkText] : [])].join("\n\n"),
    )
    .join("\n\n");
}

/**
 * Texts from a form: the four section fields; an old client that still posts one `reasons` field
 * gets it as its Würdigung (added, never replacing the sections).
 */
export function reasonTextsFromForm(get: (name: string) => string | null): ReasonTexts {
  const out: ReasonTexts = {};
  let any = false;
  for (const k of REASON_SECTION_KEYS) {
    const v = get(`reasons.${k}`);
    if (v !== null) {
      any = true;
      if (v.trim()) out[k] = v.trim();
    }
  }
  if (!any) {
    const legacy = get("reasons")?.trim();
    if (legacy) out.wuerdigung = legacy;
  }
  return out;
}
