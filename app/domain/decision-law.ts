/**
 * The law a Bescheid cites, per Land profile, as data with its basis (issue 15 item 1): the Land's
 * administrative procedure act (VwVfG M-V, not the federal VwVfG, for a Landkreis applying Land
 * law), its cost law, the scope of review of § 63 / § 64 and the standard Hinweise. Pure.
 *
 * Sources checked (docs/decisions and /work/notes/letters.md list the pages):
 * - VwVfG M-V (Landesverwaltungsverfahrensgesetz, Fassung vom 1. September 2014, GVOBl. M-V S. 476)
 *   keeps the federal numbering: § 36 Nebenbestimmungen, § 39 Begründung, § 41 Bekanntgabe.
 * - § 63 LBauO M-V (vereinfachtes Verfahren): geprüft werden das Planungsrecht (§§ 29 bis 38
 *   BauGB), die Abstandsflächen (§ 6 LBauO M-V), beantragte Abweichungen (§ 67 LBauO M-V) und
 *   andere öffentlich-rechtliche Anforderungen, soweit die Baugenehmigung eine Entscheidung nach
 *   ihnen einschließt; § 64 LBauO M-V: zusätzlich das Bauordnungsrecht insgesamt.
 * - BauGebVO M-V § 1 (Kostentragungspflicht, Gebührenverzeichnis Anlage 1), erlassen auf Grund
 *   des Landesverwaltungskostengesetzes.
 * Paragraph-level citations that could not be checked against the Land text are given without
 * Absatz (e.g. "§ 72 LBauO M-V") rather than guessed.
 */
import type { ProcedureType } from "./application-data";
import { resolveProfile } from "./land-profiles";

export interface DecisionLaw {
  /** Short name of the Land's administrative procedure act as cited. */
  procedureAct: string;
  /** The fee ordinance and the cost law it rests on. */
  feeOrdinance: string;
  costLaw: string;
  /** What is reviewed per procedure type (one sentence, cited). */
  reviewScope: Partial<Record<ProcedureType, string>>;
  /** Standard Hinweise printed with every permit (not Nebenbestimmungen: no regulating content). */
  permitNotes: { text: string; legalBasis: string }[];
  /**
   * What a missed Nachforderung deadline means, for the letter. Printed without a paragraph: the
   * Land text of the rule (MBO model: the Bauantrag counts as withdrawn) was not checked here.
   */
  requestConsequence: string;
}

function lawFor(code: string, procedureAct: string, feeOrdinance: string, costLaw: string): DecisionLaw {
  return {
    procedureAct,
    feeOrdinance,
    costLaw,
    reviewScope: {
      VEREINFACHT:
        `Im vereinfachten Baugenehmigungsverfahren (§ 63 ${code}) hat die Bauaufsichtsbehörde geprüft: die ` +
        "Zulässigkeit nach den §§ 29 bis 38 BauGB, die Abstandsflächen und Abstände (§ 6 " +
        `${code}), die beantragten Abweichungen (§ 67 ${code}) sowie andere öffentlich-rechtliche ` +
        "Anforderungen, soweit wegen der Baugenehmigung eine Entscheidung nach anderen öffentlich-rechtlichen " +
        "Vorschriften entfällt oder ersetzt wird. Die Einhaltung der übrigen Anforderungen liegt in der " +
        "Verantwortung der Bauherrschaft und der Entwurfsverfasser:in; sie wurde nicht geprüft.",
      BAUGENEHMIGUNG:
        `Im Baugenehmigungsverfahren (§ 64 ${code}) hat die Bauaufsichtsbehörde geprüft: die Zulässigkeit ` +
        `nach den §§ 29 bis 38 BauGB, die Anforderungen nach der ${code} und auf Grund der ${code} sowie ` +
        "andere öffentlich-rechtliche Anforderungen, soweit wegen der Baugenehmigung eine Entscheidung nach " +
        "anderen öffentlich-rechtlichen Vorschriften entfällt oder ersetzt wird.",
      VORBESCHEID:
        `Im Vorbescheidsverfahren (§ 75 ${code}) wurden die angefragten Punkte im Umfang des für das Vorhaben ` +
        "maßgeblichen Genehmigungsverfahrens geprüft; über andere Fragen ist nicht entschieden.",
      BESEITIGUNG: `Die Beseitigung wurde nach § 61 Abs. 3 ${code} geprüft.`,
    },
    requestConsequence:
      "Werden die genannten Mängel nicht innerhalb dieser Frist behoben, gilt der Bauantrag als zurückgenommen " +
      `(${code}). Können Sie die Frist nicht einhalten, melden Sie sich bitte vor ihrem Ablauf.`,
    permitNotes: [
      {
        text: "Die Baugenehmigung wird unbeschadet der privaten Rechte Dritter erteilt.",
        legalBasis: `§ 72 ${code}`,
      },
      {
        text:
          "Mit der Bauausführung darf erst begonnen werden, wenn die Baugenehmigung bekannt gegeben ist und " +
          "die erforderlichen bautechnischen Nachweise (Standsicherheit, Brandschutz, Wärme- und Schallschutz) " +
          "der Bauaufsichtsbehörde vorliegen.",
        legalBasis: `§§ 66, 72 ${code}`,
      },
      {
        text:
          "Der Ausführungsbeginn ist der Bauaufsichtsbehörde mindestens eine Woche vorher schriftlich " +
          "anzuzeigen (Baubeginnsanzeige); dabei sind die Bauleiter:in und die Fachbauleiter:innen zu benennen.",
        legalBasis: `§ 72 ${code}`,
      },
      {
        text:
          "An der Baustelle ist ein von der öffentlichen Verkehrsfläche aus lesbares Bauschild dauerhaft " +
          "anzubringen (Bezeichnung des Vorhabens, Namen und Anschriften der Bauherrschaft, der " +
          "Entwurfsverfasser:in, der Bauleiter:in und der Unternehmer).",
        legalBasis: `§ 11 ${code}`,
      },
      {
        text:
          "Die beabsichtigte Aufnahme der Nutzung ist der Bauaufsichtsbehörde mindestens zwei Wochen vorher " +
          "anzuzeigen (Fertigstellungsanzeige).",
        legalBasis: `§ 82 ${code}`,
      },
    ],
  };
}

const LAW: Record<string, DecisionLaw> = {
  MBO: lawFor("MBO", "VwVfG", "Gebührenordnung der Bauaufsicht", "Verwaltungskostenrecht des Landes"),
  MV: lawFor(
    "LBauO M-V",
    "VwVfG M-V",
    "Baugebührenverordnung (BauGebVO M-V)",
    "Landesverwaltungskostengesetz M-V",
  ),
};

export function decisionLaw(profileId: string | null | undefined): DecisionLaw {
  return LAW[resolveProfile(profileId).id] ?? (LAW.MBO as DecisionLaw);
}
