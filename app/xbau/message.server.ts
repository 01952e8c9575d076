import { createHash } from "node:crypto";
import { berlinDate } from "~/domain/deadlines";
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

/** A calendar date as the authority sees it (Europe/Berlin), e.g. a 23:30 UTC upload is the next day. */
export function isoDate(value: Date | string): string {
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return berlinDate(new Date(value));
  }
  return berlinDate(value);
}

const BERLIN_PARTS = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/**
 * xs:dateTime in Europe/Berlin local time with its offset ("2026-12-06T00:30:00+01:00"): the same
 * instant as UTC, but the date part agrees with the documents' dates (a Bescheid of 6 December
 * is not stamped the 5th).
 */
export function dateTime(value: Date): string {
  const parts = BERLIN_PARTS.formatToParts(value);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  const local = `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
  const asUtc = Date.parse(`${local}Z`);
  const offsetMin = Math.round((asUtc - Math.floor(value.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
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

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Paragraphs (blank lines separate them) as HTML flow content: <p>, line breaks as <br/>. */
export function htmlParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => `<p>${escapeHtml(toDin91379(p, "datatypeC")).replace(/\r?\n/g, "<br/>")}</p>`)
    .join("");
}

/** A part of a formatted text: an optional heading, paragraphs, and an optional table. */
export interface HtmlSection {
  heading?: string;
  text?: string;
  /** Rows of cells, with `header` as the table's head row. */
  table?: { header?: string[]; rows: string[][] };
}

export function htmlSections(sections: readonly HtmlSection[]): string {
  const cell = (tag: "td" | "th", v: string) => `<${tag}>${escapeHtml(toDin91379(v, "datatypeC"))}</${tag}>`;
  return sections
    .map((s) => {
      const heading = s.heading ? `<h3>${escapeHtml(toDin91379(s.heading, "datatypeC"))}</h3>` : "";
      const body = s.text ? htmlParagraphs(s.text) : "";
      const table = s.table
        ? `<table>${s.table.header ? `<thead><tr>${s.table.header.map((h) => cell("th", h)).join("")}</tr></thead>` : ""}<tbody>${s.table.rows
            .map((r) => `<tr>${r.map((v) => cell("td", v)).join("")}</tr>`)
            .join("")}</tbody></table>`
        : "";
      return heading + body + table;
    })
    .join("");
}

/**
 * xbauk:TextFormatiert: HTML5 flow content (only the body's content), UTF-8, base64 — as the XSD
 * asks. Plain text becomes paragraphs; sections add headings and tables.
 */
export function textFormatiert(name: string, content: string | readonly HtmlSection[]): XmlElement {
  const html = typeof content === "string" ? htmlParagraphs(content) : htmlSections(content);
  return el(name, null, el("text", null, Buffer.from(html || "<p>-</p>", "utf8").toString("base64")));
}

/** Decodes a TextFormatiert's HTML (tests, intake display). */
export function decodeTextFormatiert(base64: string): string {
  return Buffer.from(base64, "base64").toString("utf8");
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
