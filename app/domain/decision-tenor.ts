/**
 * The operative part (Tenor) of a Bescheid per decision kind, with its legal basis in the
 * building code of the authority's Land profile. Used by the Bescheid PDF and the XBau 0205
 * message so both say the same. Pure: runs anywhere.
 */
import { type ConditionKind, type DecisionKind, decisionKindLegalBasis, grantsPermission } from "./decision";
import { type LandProfile, localizeLegalBasis } from "./land-profiles";

/** Group headings of the Nebenbestimmungen, in the order a Bescheid lists them. */
export const CONDITION_GROUP_TITLES: Record<ConditionKind, string> = {
  BEDINGUNG: "Bedingungen",
  AUFLAGE: "Auflagen",
  VORBEHALT: "Vorbehalte",
  HINWEIS: "Hinweise",
};

export interface DecisionTenor {
  kind: DecisionKind;
  /** Document title, e.g. "Baugenehmigung". */
  title: string;
  /** The operative sentence(s). */
  text: string;
  /** "§ 72 Abs. 1 LBauO M-V". */
  legalBasis: string;
  /** Whether the Bescheid grants something that can expire (not an Ablehnung). */
  grants: boolean;
  /** Legal basis of the validity period, null when nothing is granted. */
  validityLegalBasis: string | null;
}

const TITLES: Record<DecisionKind, string> = {
  BAUGENEHMIGUNG: "Baugenehmigung",
  ABLEHNUNG: "Ablehnungsbescheid",
  VORBESCHEID: "Vorbescheid",
  TEILBAUGENEHMIGUNG: "Teilbaugenehmigung",
};

/** `receivedOn` is the formatted date of the application ("15.03.2026"). */
export function decisionTenor(kind: DecisionKind, profile: LandProfile, receivedOn: string): DecisionTenor {
  const grants = grantsPermission(kind);
  const base = {
    kind,
    title: TITLES[kind],
    legalBasis: decisionKindLegalBasis(profile, kind),
    grants,
    validityLegalBasis:
      kind === "VORBESCHEID"
        ? localizeLegalBasis(profile, "§ 75 Abs. 1 Satz 2 MBO")
        : grants
          ? profile.deadlines.permitValidity.legalBasis
          : null,
  };
  switch (kind) {
    case "BAUGENEHMIGUNG":
      return {
        ...base,
        text:
          `Auf Ihren Antrag vom ${receivedOn} wird die Baugenehmigung für das oben bezeichnete Vorhaben ` +
          "nach Maßgabe der als zugehörig gekennzeichneten Bauvorlagen und der nachstehenden Nebenbestimmungen erteilt.",
      };
    case "ABLEHNUNG":
      return {
        ...base,
        text: `Ihr Antrag vom ${receivedOn} auf Erteilung einer Baugenehmigung für das oben bezeichnete Vorhaben wird abgelehnt.`,
      };
    case "VORBESCHEID":
      return {
        ...base,
        text:
          `Auf Ihre Bauvoranfrage vom ${receivedOn} wird festgestellt: Das oben bezeichnete Vorhaben ist nach Maßgabe ` +
          "der als zugehörig gekennzeichneten Bauvorlagen und der nachstehenden Nebenbestimmungen in den angefragten Punkten zulässig.",
      };
    case "TEILBAUGENEHMIGUNG":
      return {
        ...base,
        text:
          `Auf Ihren Antrag vom ${receivedOn} wird die Teilbaugenehmigung für die in den als zugehörig gekennzeichneten ` +
          "Bauvorlagen dargestellten Bauteile und Bauarbeiten erteilt. Mit diesen Arbeiten darf vor Erteilung der " +
          "Baugenehmigung begonnen werden; über das Vorhaben im Übrigen wird gesondert entschieden.",
      };
  }
}
