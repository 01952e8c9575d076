import { createHash } from "node:crypto";
import { CODELISTS, XBAU_NS, XBAU_STANDARD, XBAU_VERSION } from "./codes";
import { toDin91379 } from "./din91379.server";
import { el, type XmlChild, type XmlElement } from "./xml-builder";

/**
 * What every XBau 2.6 message we build shares: the root element with its product attributes, the
 * G2G message header (nachrichtenkopf.g2g with leser/autor), code elements, the reference to an
 * earlier message (BezugErweitert) and DIN 91379 text. Used by the 0200, 0201 and 0202 builders.
 */

export interface XbauAuthority {
  /** Display name, e.g. "Landkreis Vorpommern-Greifswald, Bauaufsicht". */
  name: string;
  /** Identifier in the directory service, e.g. DVDV "psw:01003000" (`^[a-z]{3}:\d+$`). */
  id: string;
  /** Directory service code; default "DVDV". */
  directory?: string;
}

export interface XbauProduct {
  name: string;
  vendor: string;
  version?: string;
}

export const DEFAULT_PRODUCT: XbauProduct = {
  name: "Bauantrag",
  vendor: "Bauantrag-Projekt",
  version: "0.1.0",
};
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const DVDV_RE = /^[a-z]{3}:\d+$/;

/** Deterministic UUID (v4 layout) derived from a seed, so the same input gives the same message. */
export function derivedUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Free text as DIN 91379 datatype C (names, short texts). */
export const c = (value: string) => toDin91379(value, "datatypeC");

export function isoDate(value: Date | string): string {
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return new Date(value).toISOString().slice(0, 10);
  }
  return value.toISOString().slice(0, 10);
}

export function dateTime(value: Date): string {
  return value.toISOString();
}

/** A code-typed element (xoev-code:Code): attributes listURI/listVersionID and an unqualified <code>. */
export function codeEl(
  name: string,
  value: string,
  attrs: { listURI?: string; listVersionID?: string } = {},
): XmlElement {
  return el(name, attrs, el("code", null, value));
}

export function behoerde(name: string, a: XbauAuthority): XmlElement {
  return el(
    name,
    null,
    codeEl("verzeichnisdienst", a.directory ?? "DVDV", {
      listVersionID: CODELISTS.verzeichnisdienst.version,
    }),
    el("kennung", null, c(a.id)),
    el("name", null, c(a.name)),
  );
}

/** Problems with the sender/reader identification (empty name, malformed DVDV id). */
export function checkAuthorities(parties: [label: string, a: XbauAuthority][]): string[] {
  const problems: string[] = [];
  for (const [label, a] of parties) {
    if (!a.name.trim()) problems.push(`${label}: Name fehlt`);
    if ((a.directory ?? "DVDV") === "DVDV" && !DVDV_RE.test(a.id))
      problems.push(`${label}: DVDV-Kennung muss die Form "abc:123" haben`);
  }
  return problems;
}

/** Identification of a message (bn-g2g:Identifikation.NachrichtType). */
export interface MessageIdentification {
  messageId: string;
  /** Message type code from the xbau-nachrichten codelist, e.g. "0200". */
  typeCode: string;
  createdAt: Date;
}

export const G2G_NS = "http://xoev.de/schemata/basisnachricht/g2g/1_1";

/**
 * Identification of a message. In the header its children are unqualified; as `bezugNachricht`
 * (bn-g2g:Identifikation.NachrichtType) they are in the g2g namespace (`prefix`).
 */
function identifikation(name: string, m: MessageIdentification, prefix = ""): XmlElement {
  return el(
    name,
    prefix ? { [`xmlns:${prefix.slice(0, -1)}`]: G2G_NS } : null,
    el(`${prefix}nachrichtenUUID`, null, m.messageId.toLowerCase()),
    codeEl(`${prefix}nachrichtentyp`, m.typeCode, {
      listURI: CODELISTS.nachrichten.uri,
      listVersionID: CODELISTS.nachrichten.version,
    }),
    el(`${prefix}erstellungszeitpunkt`, null, dateTime(m.createdAt)),
  );
}

export interface MessageHeader extends MessageIdentification {
  /** Root element name without prefix, e.g. "baugenehmigung.antrag.0200". */
  element: string;
  /** Who reads the message (leser) and who wrote it (autor). */
  reader: XbauAuthority;
  author: XbauAuthority;
  product?: XbauProduct;
  test?: boolean;
}

/** The message root (`xbau:<element>`) with product attributes and nachrichtenkopf.g2g, then `children`. */
export function messageRoot(h: MessageHeader, ...children: XmlChild[]): XmlElement {
  const product = h.product ?? DEFAULT_PRODUCT;
  return el(
    `xbau:${h.element}`,
    {
      "xmlns:xbau": XBAU_NS,
      produkt: c(product.name),
      produkthersteller: c(product.vendor),
      produktversion: product.version ? c(product.version) : undefined,
      standard: XBAU_STANDARD,
      test: h.test ? "true" : undefined,
      version: XBAU_VERSION,
    },
    el(
      "nachrichtenkopf.g2g",
      null,
      identifikation("identifikation.nachricht", h),
      behoerde("leser", h.reader),
      behoerde("autor", h.author),
    ),
    ...children,
  );
}

export interface MessageReference {
  /** Our application id (UUID), carried as `referenz`. */
  applicationId: string;
  /** Aktenzeichen of the case (`vorgang`). */
  fileNumber?: string | null;
  /** The message this one answers or follows, e.g. the 0200 of the application. */
  message?: MessageIdentification | null;
}

/** xbauk:BezugErweitert: referenz, vorgang (Aktenzeichen), bezugNachricht. */
export function bezug(name: string, r: MessageReference): XmlElement {
  return el(
    name,
    null,
    el("referenz", null, r.applicationId.toLowerCase()),
    r.fileNumber ? el("vorgang", null, c(r.fileNumber)) : null,
    r.message ? identifikation("bezugNachricht", r.message, "g2g:") : null,
  );
}

/** xbauk:Text: one textabsatz per non-empty paragraph (blank lines separate paragraphs). */
export function textElement(name: string, text: string): XmlElement {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  return el(
    name,
    null,
    (paragraphs.length > 0 ? paragraphs : ["-"]).map((p) =>
      el("textabsatz", null, toDin91379(p, "datatypeC")),
    ),
  );
}
