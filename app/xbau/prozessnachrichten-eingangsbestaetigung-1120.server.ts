import { XbauInputError } from "./input-error";
import {
  behoerde,
  bezug,
  c,
  checkAuthorities,
  codeEl,
  DEFAULT_PRODUCT,
  dateTime,
  type MessageIdentification,
  textElement,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

/**
 * The answer to a received `baugenehmigung.antrag.0200` (and `antragGeaendert.0202`): the Kernmodul
 * message `prozessnachrichten.eingangsbestaetigung.1120`. The XSD (xbau-kernmodul-prozessnachrichten.xsd)
 * defines it as the Fachbehörde's reaction to an application (a changed application, a
 * withdrawal, a notice) saying it has arrived and is being processed; its `bezug/referenz` must be
 * the `referenzAntragsservice` of the application message, `vorgang` carries our Aktenzeichen and
 * `bezugNachricht` the received message's identification. Why 1120 and not 0201 or 1121: see
 * docs/xbau-codelisten.md ("Antwort auf eingehende Nachrichten").
 *
 * It is a Kernmodul 1.3.0 message: its own namespace, `standard="XBau-Kernmodul"`, `version="1.3.0"`
 * and the message type from the Kernmodul's codelist, not XBau-Hochbau's.
 */

export const KERNMODUL_NS = "http://www.xleitstelle.de/xbau/kernmodul/1/3/0";
const KERNMODUL_VERSION = "1.3.0";
const KERNMODUL_NACHRICHTEN = {
  uri: "urn:xoev-de:xbau-kernmodul:codeliste:xbau-kernmodul-nachrichten",
  version: "3.0",
} as const;
export const EINGANGSBESTAETIGUNG_ELEMENT = "prozessnachrichten.eingangsbestaetigung.1120";

export interface Eingangsbestaetigung1120Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The Bauaufsichtsbehörde that received the application (autor). */
  authority: XbauAuthority;
  /** The sender of the received message (leser). */
  recipient: XbauAuthority;
  /**
   * `referenzAntragsservice` of the received application (the sender's id of it); required by
   * the XSD's documentation so the sender can assign the answer.
   */
  senderReference: string;
  /** Our Aktenzeichen. */
  fileNumber: string;
  /** The received message this confirms. */
  received: MessageIdentification;
  /** Optional explanatory text. */
  information?: string;
  product?: XbauProduct;
}

function checkInput(input: Eingangsbestaetigung1120Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.received.messageId)) problems.push("Bezugsnachricht: ID ist keine UUID");
  if (!UUID_RE.test(input.senderReference)) problems.push("Referenz des Antragsservice ist keine UUID");
  if (!input.fileNumber.trim()) problems.push("Aktenzeichen fehlt");
  problems.push(
    ...checkAuthorities([
      ["Bauaufsichtsbehörde", input.authority],
      ["Empfänger", input.recipient],
    ]),
  );
  return problems;
}

export function buildEingangsbestaetigung1120(input: Eingangsbestaetigung1120Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("1120", problems);
  const product = input.product ?? DEFAULT_PRODUCT;
  return el(
    `xbauk:${EINGANGSBESTAETIGUNG_ELEMENT}`,
    {
      "xmlns:xbauk": KERNMODUL_NS,
      produkt: c(product.name),
      produkthersteller: c(product.vendor),
      produktversion: product.version ? c(product.version) : undefined,
      standard: "XBau-Kernmodul",
      version: KERNMODUL_VERSION,
    },
    el(
      "nachrichtenkopf.g2g",
      null,
      el(
        "identifikation.nachricht",
        null,
        el("nachrichtenUUID", null, input.messageId.toLowerCase()),
        codeEl("nachrichtentyp", "1120", {
          listURI: KERNMODUL_NACHRICHTEN.uri,
          listVersionID: KERNMODUL_NACHRICHTEN.version,
        }),
        el("erstellungszeitpunkt", null, dateTime(input.createdAt)),
      ),
      behoerde("leser", input.recipient),
      behoerde("autor", input.authority),
    ),
    // referenz is "the UUID of the application message (element referenzAntragsservice)" per the XSD.
    bezug("bezug", {
      applicationId: input.senderReference,
      fileNumber: input.fileNumber,
      message: input.received,
    }),
    input.information?.trim() ? textElement("information", input.information) : null,
  );
}

export function buildEingangsbestaetigung1120Xml(input: Eingangsbestaetigung1120Input): string {
  return toXml(buildEingangsbestaetigung1120(input));
}
