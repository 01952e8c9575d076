import type { Bauherr } from "~/domain/application-data";
import {
  type Antrag0200Document,
  anlagenElement,
  type BauvorhabenSource,
  bauvorhabenElement,
} from "./baugenehmigung-antrag-0200.server";
import { anlagenCodelist } from "./codelists.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  checkAuthorities,
  type MessageReference,
  messageRoot,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { toXml, type XmlElement } from "./xml-builder";

/**
 * Builds the XBau 2.6 message `baugenehmigung.antragGeaendert.0202` the applicant side's service
 * sends when a Bauantrag was changed or completed (Nachreichung after a 0201): the changed
 * Bauvorhaben data (`bauvorhabenAenderungsdaten`, the whole current Bauvorhaben as XBau carries
 * it) and/or the new document versions (`anlagen`). Party and Bauvorhaben parts are the 0200's.
 */

export interface AntragGeaendert0202Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The sending service (the portal acting for the applicant). */
  sender: XbauAuthority;
  /** The Bauaufsichtsbehörde. */
  authority: XbauAuthority;
  /** Application id, Aktenzeichen and (if known) the 0201 this answers. */
  reference: MessageReference;
  /** Current application data, when form data changed (else null). */
  changedProject?: Omit<BauvorhabenSource, "messageId"> | null;
  /** New document versions (and documents still to be handed in later). */
  documents: Antrag0200Document[];
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: AntragGeaendert0202Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Absender", input.sender],
      ["Bauaufsichtsbehörde", input.authority],
    ]),
  );
  if (!input.changedProject && input.documents.length === 0)
    problems.push("Keine Änderung: weder geänderte Angaben noch neue Anlagen");
  const b: Bauherr | undefined = input.changedProject?.data.bauherr;
  if (input.changedProject) {
    const a = b?.address;
    const hasAddress = Boolean(a && (a.street || a.houseNumber || a.postalCode || a.city));
    if (!b) problems.push("Bauherr fehlt");
    else if (b.kind === "COMPANY") {
      if (!b.companyName) problems.push("Bauherr: Firmenname fehlt");
    } else {
      if (!b.lastName) problems.push("Bauherr: Nachname fehlt");
      if (!hasAddress) problems.push("Bauherr: Anschrift fehlt");
    }
  }
  const anlagen = anlagenCodelist();
  for (const d of input.documents) {
    if (!anlagen.entries.has(d.typeCode))
      problems.push(`Anlage "${d.title}": unbekannte Anlagenart ${d.typeCode}`);
    if (!Number.isInteger(d.versionNumber) || d.versionNumber < 1)
      problems.push(`Anlage "${d.title}": Versionsnummer muss positiv sein`);
    if (!d.file && !d.toBeSubmittedLater) problems.push(`Anlage "${d.title}": Datei fehlt`);
    if (d.file && !/^[0-9a-fA-F]{64}$/.test(d.file.sha256))
      problems.push(`Anlage "${d.title}": SHA-256 ungültig`);
  }
  return problems;
}

export function buildAntragGeaendert0202(input: AntragGeaendert0202Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0202", problems);
  return messageRoot(
    {
      element: "baugenehmigung.antragGeaendert.0202",
      messageId: input.messageId,
      typeCode: "0202",
      createdAt: input.createdAt,
      reader: input.authority,
      author: input.sender,
      product: input.product,
      test: input.test,
    },
    bezug("xbau:bezug", input.reference),
    input.changedProject
      ? bauvorhabenElement("xbau:bauvorhabenAenderungsdaten", {
          ...input.changedProject,
          messageId: input.messageId,
        })
      : null,
    input.documents.length > 0 ? anlagenElement(input.documents) : null,
  );
}

export function buildAntragGeaendert0202Xml(input: AntragGeaendert0202Input): string {
  return toXml(buildAntragGeaendert0202(input));
}
