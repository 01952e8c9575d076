import { anlagenCodelist } from "./codelists.server";
import { CODELISTS } from "./codes";
import { toDin91379 } from "./din91379.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  checkAuthorities,
  codeEl,
  isoDate,
  type MessageReference,
  messageRoot,
  textElement,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

/**
 * Builds the XBau 2.6 message `baugenehmigung.formellePruefung.0201` (Ergebnis der formellen
 * Prüfung, § 69 Abs. 2 MBO) the Bauaufsichtsbehörde sends to the applicant side's service:
 * - incomplete: `antragVollstaendig` false and `befundFrist` with the befundliste (one befund per
 *   finding, art from the codelist formellebefundeart 2.0: 01 Beteiligte, 02 Bauvorhaben,
 *   03 Lokalisierung, 04 Bauvorlage mangelhaft, 05 Bauvorlage fehlt, 06 Abweichungsantrag fehlt)
 *   and the frist (deadline) for the Nachreichung;
 * - complete: `antragVollstaendig` true and `unterlagenAntragVollstaendig` with the
 *   spaetestesGenehmigungsdatum (latest decision date from the Land profile), when there is one.
 */

export const FORMELLE_BEFUNDE_ART = {
  uri: "urn:xoev-de:xbau:codeliste:formellebefundeart",
  version: "2.0",
  codes: {
    "01": "Angaben zu den Beteiligten fehlerhaft oder unvollständig",
    "02": "Angaben zum Bauvorhaben fehlerhaft oder unvollständig",
    "03": "Angaben zur Lokalisierung fehlerhaft oder unvollständig",
    "04": "Eingereichte Bauvorlage oder sonstige Anlage hat Mängel",
    "05": "Bauvorlage oder sonstige Anlage fehlt",
    "06": "Abweichungsantrag fehlt",
  },
} as const;
export type FormelleBefundeArt = keyof typeof FORMELLE_BEFUNDE_ART.codes;

export function isFormelleBefundeArt(code: string): code is FormelleBefundeArt {
  return Object.hasOwn(FORMELLE_BEFUNDE_ART.codes, code);
}

export interface Befund0201 {
  /** formellebefundeart code "01".."06". */
  category: string;
  /** What is missing or wrong, as the clerk wrote it. */
  message: string;
  /** XBau anlagen code of the document concerned (betroffeneAnlage), if any. */
  documentTypeCode?: string | null;
  /** The submitted document version the finding refers to (refAnlage), if any. */
  document?: { title: string; versionNumber: number } | null;
}

export interface FormellePruefung0201Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The Bauaufsichtsbehörde (autor). */
  authority: XbauAuthority;
  /** The applicant side's service (leser), i.e. the portal that sent the 0200. */
  recipient: XbauAuthority;
  /** Application id, Aktenzeichen and (if known) the 0200 this answers. */
  reference: MessageReference;
  complete: boolean;
  /** Findings; at least one when not complete, none when complete. */
  findings: Befund0201[];
  /** Deadline for the Nachreichung (frist); only when not complete. */
  deadline?: Date | string | null;
  /** Latest decision date (spaetestesGenehmigungsdatum); only when complete. */
  decisionDueAt?: Date | string | null;
  /** Expected decision date (voraussichtlichesGenehmigungsdatum), optional. */
  expectedDecisionAt?: Date | string | null;
  /** Cover letter (anschreiben), e.g. the request message and a cited Satzung. */
  coverLetter?: string | null;
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: FormellePruefung0201Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Bauaufsichtsbehörde", input.authority],
      ["Empfänger", input.recipient],
    ]),
  );
  if (input.complete) {
    if (input.findings.length > 0) problems.push("Ein vollständiger Antrag hat keine Befunde");
    if (input.deadline) problems.push("Ein vollständiger Antrag hat keine Frist zur Nachreichung");
    if (!input.decisionDueAt && input.expectedDecisionAt)
      problems.push("Voraussichtliches Genehmigungsdatum nur zusammen mit dem spätesten");
  } else {
    if (input.findings.length === 0)
      problems.push("Ein unvollständiger Antrag braucht mindestens einen Befund");
    if (input.decisionDueAt) problems.push("Spätestes Genehmigungsdatum erst bei Vollständigkeit");
  }
  const anlagen = anlagenCodelist();
  input.findings.forEach((f, i) => {
    if (!isFormelleBefundeArt(f.category))
      problems.push(`Befund ${i + 1}: unbekannte Befundart "${f.category}"`);
    if (!f.message.trim()) problems.push(`Befund ${i + 1}: Beschreibung fehlt`);
    if (f.documentTypeCode && !anlagen.entries.has(f.documentTypeCode))
      problems.push(`Befund ${i + 1}: unbekannte Anlagenart ${f.documentTypeCode}`);
    if (f.document && (!Number.isInteger(f.document.versionNumber) || f.document.versionNumber < 1))
      problems.push(`Befund ${i + 1}: Versionsnummer muss positiv sein`);
  });
  return problems;
}

function befundliste(findings: Befund0201[]): XmlElement {
  return el(
    "xbau:befundliste",
    null,
    findings.map((f) =>
      el(
        "xbau:befund",
        null,
        codeEl("xbau:artDesBefundes", f.category, {
          listURI: FORMELLE_BEFUNDE_ART.uri,
          listVersionID: FORMELLE_BEFUNDE_ART.version,
        }),
        f.document
          ? el(
              "xbau:refAnlage",
              null,
              el("xbau:bezeichnung", null, toDin91379(f.document.title, "datatypeD")),
              el("xbau:versionsnummer", null, f.document.versionNumber),
            )
          : null,
        f.documentTypeCode
          ? codeEl("xbau:betroffeneAnlage", f.documentTypeCode, { listVersionID: CODELISTS.anlagen.version })
          : null,
        textElement("xbau:beschreibung", f.message),
      ),
    ),
  );
}

export function buildFormellePruefung0201(input: FormellePruefung0201Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0201", problems);
  return messageRoot(
    {
      element: "baugenehmigung.formellePruefung.0201",
      messageId: input.messageId,
      typeCode: "0201",
      createdAt: input.createdAt,
      reader: input.recipient,
      author: input.authority,
      product: input.product,
      test: input.test,
    },
    bezug("xbau:bezug", input.reference),
    el("xbau:antragVollstaendig", null, String(input.complete)),
    input.complete
      ? null
      : el(
          "xbau:befundFrist",
          null,
          befundliste(input.findings),
          input.deadline ? el("xbau:frist", null, isoDate(input.deadline)) : null,
        ),
    input.complete && input.decisionDueAt
      ? el(
          "xbau:unterlagenAntragVollstaendig",
          null,
          el(
            "xbau:genehmigungsdatum",
            null,
            input.expectedDecisionAt
              ? el("xbau:voraussichtlichesGenehmigungsdatum", null, isoDate(input.expectedDecisionAt))
              : null,
            el("xbau:spaetestesGenehmigungsdatum", null, isoDate(input.decisionDueAt)),
          ),
        )
      : null,
    input.coverLetter?.trim() ? textElement("xbau:anschreiben", input.coverLetter) : null,
  );
}

export function buildFormellePruefung0201Xml(input: FormellePruefung0201Input): string {
  return toXml(buildFormellePruefung0201(input));
}
