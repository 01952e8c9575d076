import type { ApplicationData } from "~/domain/application-data";
import { XBAU_NS } from "../codes";
import {
  at,
  checkData,
  child,
  type ImportedDocument,
  type MessageParty,
  mapAnlagen,
  mapVorhaben,
  textAt,
} from "./antrag-0200.server";
import { type IntakeProblem, IntakeRefused } from "./problems";
import type { XNode } from "./safe-xml.server";

/**
 * Maps a parsed (XSD- and Schematron-valid) `baugenehmigung.antragGeaendert.0202` — changed or
 * completed data and Bauvorlagen for an application already made, before its Bescheid (XSD
 * documentation of the element). Which case it belongs to is in `bezug` (xbauk:BezugErweitert):
 * `vorgang` is the authority's Aktenzeichen, `referenz` the application id the sender knows
 * (its referenzAntragsservice, or our application id for our own portal), `bezugNachricht` the
 * 0201 it answers (absent when the change is made on the applicant's initiative).
 * `bauvorhabenAenderungsdaten` is a gross data set: the whole Bauvorhaben after the change.
 */

export const ANTRAG_GEAENDERT_0202 = "baugenehmigung.antragGeaendert.0202";

export interface ImportedAenderung {
  messageId: string;
  reader: MessageParty;
  author: MessageParty;
  reference: {
    /** bezug/vorgang: the Aktenzeichen. */
    fileNumber: string | null;
    /** bezug/referenz (lower case UUID). */
    referenz: string | null;
    /** bezug/bezugNachricht/nachrichtenUUID: the 0201 answered, if any. */
    answers: string | null;
  };
  /** The Bauvorhaben after the change; null when the message carries only documents. */
  data: ApplicationData | null;
  title: string | null;
  documents: ImportedDocument[];
}

export function assertAntragGeaendert0202Root(root: XNode): void {
  if (root.name !== ANTRAG_GEAENDERT_0202 || root.ns !== XBAU_NS) {
    throw new IntakeRefused("wrong-message", [
      {
        element: root.name,
        message: `Erwartet wird eine XBau-2.6-Nachricht ${ANTRAG_GEAENDERT_0202} (Namensraum ${XBAU_NS}); empfangen wurde "${root.name}"${root.ns ? ` im Namensraum ${root.ns}` : " ohne Namensraum"}.`,
      },
    ]);
  }
}

export function mapAntragGeaendert0202(root: XNode): ImportedAenderung {
  assertAntragGeaendert0202Root(root);
  const problems: IntakeProblem[] = [];
  const head = child(root, "nachrichtenkopf.g2g");
  const party = (name: string): MessageParty => ({
    id: textAt(head, `${name}/kennung`) ?? "",
    name: textAt(head, `${name}/name`) ?? "",
  });
  const bezug = child(root, "bezug");
  const fileNumber = textAt(bezug, "vorgang") ?? null;
  const referenz = textAt(bezug, "referenz")?.toLowerCase() ?? null;
  if (!fileNumber && !referenz) {
    problems.push({
      element: "xbau:bezug",
      message:
        "Die Nachricht nennt weder das Aktenzeichen (vorgang) noch die Referenz des Antrags (referenz); sie lässt sich keinem Vorgang zuordnen.",
    });
  }
  const vorhaben = child(root, "bauvorhabenAenderungsdaten");
  const data = vorhaben
    ? checkData(mapVorhaben(vorhaben, undefined, "bauvorhabenAenderungsdaten", problems), problems)
    : null;
  const documents = mapAnlagen(child(root, "anlagen"));
  if (!vorhaben && documents.length === 0) {
    problems.push({
      element: ANTRAG_GEAENDERT_0202,
      message: "Die Nachricht enthält weder geänderte Angaben zum Bauvorhaben noch Anlagen.",
    });
  }
  if (problems.length > 0) throw new IntakeRefused("content", problems);
  return {
    messageId: (textAt(head, "identifikation.nachricht/nachrichtenUUID") ?? "").toLowerCase(),
    reader: party("leser"),
    author: party("autor"),
    reference: {
      fileNumber,
      referenz,
      answers: at(bezug, "bezugNachricht")
        ? (textAt(bezug, "bezugNachricht/nachrichtenUUID")?.toLowerCase() ?? null)
        : null,
    },
    data,
    title: vorhaben ? (textAt(vorhaben, "bezeichnungDesBauvorhabens") ?? null) : null,
    documents,
  };
}
