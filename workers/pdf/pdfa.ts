import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from "pdf-lib";
import { srgbIccProfile } from "./srgb-icc";

/**
 * PDF/A-2 properties for every PDF the product writes (receipt, statement, Bescheid, package,
 * stamped plans), in one place so the renderers cannot drift apart:
 * - XMP metadata that mirrors the document information dictionary (title, author = the
 *   authority, subject and keywords with the Aktenzeichen, creator tool, producer, dates) and
 *   identifies the file as PDF/A-2 — only when it can be: a file with applicant fonts that are not
 *   embedded (stamped plans, packages) gets the metadata but no PDF/A claim;
 * - an sRGB OutputIntent (profile built in srgb-icc.ts), so DeviceRGB colours are defined;
 * - a document /ID derived from the renderer's input (same input → same bytes, no clock);
 * - no JavaScript (document, page and annotation actions are removed) and no encryption entry.
 * Not done here: the structure tree itself (tagging.ts) and signatures.
 */

export interface PdfAOptions {
  /** "U" for our own documents (every glyph maps to Unicode), "B" where applicant pages are included. */
  conformance: "U" | "B";
  /** The Aktenzeichen: dc:subject (and Info /Keywords when the renderer set none). */
  fileNumber: string;
  /** Stands for the renderer's whole input; hashed into the /ID. */
  idSeed: string;
  /**
   * The file is tagged throughout by tagging.ts (our own letters): identify it as PDF/UA-1 too
   * (pdfuaid:part 1 with its PDF/A extension schema), and make sure of /Lang and DisplayDocTitle.
   * Only claimed when the document really has a structure tree.
   */
  accessible?: boolean;
}

export interface PdfAResult {
  /** False when fonts of the applicant's files are not embedded: metadata yes, PDF/A claim no. */
  claimed: boolean;
}

/**
 * Replaces the document information dictionary by an empty one: stamped plans and packages are
 * new files of the authority, not the architect's (their Title, Author, Producer… go).
 */
export function freshInfo(doc: PDFDocument): void {
  doc.context.trailerInfo.Info = doc.context.register(doc.context.obj({}));
  doc.catalog.delete(PDFName.of("Metadata"));
}

export function finishAsPdfA(doc: PDFDocument, o: PdfAOptions): PdfAResult {
  removeJavaScript(doc);
  doc.context.trailerInfo.Encrypt = undefined;
  if (!doc.getKeywords()) doc.setKeywords([o.fileNumber]);

  const claimed = allFontsEmbedded(doc);
  const accessible = o.accessible === true && doc.catalog.has(PDFName.of("StructTreeRoot"));
  if (accessible) {
    if (!doc.catalog.has(PDFName.of("Lang"))) doc.setLanguage("de-DE");
    doc.catalog.getOrCreateViewerPreferences().setDisplayDocTitle(true);
  }
  const xmp = buildXmp(doc, o, claimed, accessible);
  const metadata = doc.context.stream(xmp, { Type: "Metadata", Subtype: "XML" });
  doc.catalog.set(PDFName.of("Metadata"), doc.context.register(metadata));

  // Compressed once per process (the same 2.6 KB in every file; deflating it per document was a
  // quarter of the time a single-sheet stamp took).
  const profile = doc.context.stream(compressedProfile(), { N: 3, Filter: "FlateDecode" });
  const intent = doc.context.obj({
    Type: "OutputIntent",
    S: "GTS_PDFA1",
    OutputConditionIdentifier: PDFHexString.fromText("sRGB IEC61966-2.1"),
    RegistryName: PDFHexString.fromText("http://www.color.org"),
    Info: PDFHexString.fromText("sRGB IEC61966-2.1"),
    DestOutputProfile: doc.context.register(profile),
  });
  doc.catalog.set(PDFName.of("OutputIntents"), doc.context.obj([doc.context.register(intent)]));

  const id = createHash("sha256").update(o.idSeed).digest("hex").slice(0, 32).toUpperCase();
  // A new file: the permanent and the changing identifier are the same.
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  return { claimed };
}

/**
 * A seed for the /ID from a renderer's input: its JSON, with file contents replaced by their
 * SHA-256 (the same input gives the same /ID; any change of the input gives another one).
 */
export function pdfIdSeed(kind: string, input: unknown): string {
  // `this[key]` is the value before toJSON (a Buffer would already be an array of numbers).
  function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
    const raw = this[key];
    return raw instanceof Uint8Array ? `sha256:${createHash("sha256").update(raw).digest("hex")}` : value;
  }
  return `${kind}:${JSON.stringify(input, replacer)}`;
}

let profileBytes: Uint8Array | null = null;
function compressedProfile(): Uint8Array {
  profileBytes ??= new Uint8Array(deflateSync(srgbIccProfile()));
  return profileBytes;
}

const ACTION_KEYS = ["OpenAction", "AA"].map((k) => PDFName.of(k));

/** Drops JavaScript: document open and additional actions, the JavaScript name tree, and any action dictionary of type JavaScript. */
function removeJavaScript(doc: PDFDocument): void {
  const { context, catalog } = doc;
  for (const key of ACTION_KEYS) {
    const action = catalog.lookup(key);
    if (key.asString() === "/AA" || (action instanceof PDFDict && isJavaScript(action))) catalog.delete(key);
  }
  const names = catalog.lookup(PDFName.of("Names"));
  if (names instanceof PDFDict) names.delete(PDFName.of("JavaScript"));
  for (const [, object] of context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFDict ? object : object instanceof PDFStream ? object.dict : null;
    if (!dict) continue;
    dict.delete(PDFName.of("AA"));
    for (const key of [PDFName.of("A"), PDFName.of("Next")]) {
      const action = dict.lookup(key);
      if (action instanceof PDFDict && isJavaScript(action)) dict.delete(key);
    }
    // An action object itself (reachable from somewhere we did not look): make it harmless.
    if (isJavaScript(dict)) {
      dict.delete(PDFName.of("JS"));
      dict.set(PDFName.of("S"), PDFName.of("Named"));
      dict.set(PDFName.of("N"), PDFName.of("FirstPage"));
    }
  }
}

function isJavaScript(dict: PDFDict): boolean {
  return dict.get(PDFName.of("S")) === PDFName.of("JavaScript") || dict.has(PDFName.of("JS"));
}

/** True when every font the file uses carries its font program (Type 3 fonts are programs themselves). */
function allFontsEmbedded(doc: PDFDocument): boolean {
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Type")) !== PDFName.of("Font")) continue;
    const subtype = object.get(PDFName.of("Subtype"));
    if (subtype === PDFName.of("Type3")) continue;
    let descriptorOwner: PDFDict | undefined = object;
    if (subtype === PDFName.of("Type0")) {
      const descendants = object.lookup(PDFName.of("DescendantFonts"));
      const first = descendants instanceof PDFArray ? descendants.lookup(0) : undefined;
      descriptorOwner = first instanceof PDFDict ? first : undefined;
    }
    const descriptor = descriptorOwner?.lookup(PDFName.of("FontDescriptor"));
    if (!(descriptor instanceof PDFDict)) return false;
    const file = ["FontFile", "FontFile2", "FontFile3"].some((k) => {
      const v = descriptor.get(PDFName.of(k));
      return v instanceof PDFRef || v instanceof PDFRawStream || v instanceof PDFStream;
    });
    if (!file) return false;
  }
  return true;
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const xmpDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * PDF/A-2 allows only predefined XMP schemas unless the file describes the others (ISO 19005-2
 * 6.6.2.3): pdfuaid (ISO 14289-1, http://www.aiim.org/pdfua/ns/id/, property "part", Integer —
 * https://pdfa.org/future-proofing-xmp-identification-schema) gets its extension schema entry.
 */
const PDFUA_EXTENSION_SCHEMA = [
  '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"' +
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
  '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">',
  "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>",
  "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>",
  "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>",
  '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">',
  "<pdfaProperty:name>part</pdfaProperty:name>",
  "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>",
  "<pdfaProperty:category>internal</pdfaProperty:category>",
  "<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>",
  "</rdf:li></rdf:Seq></pdfaSchema:property>",
  "</rdf:li></rdf:Bag></pdfaExtension:schemas>",
  "</rdf:Description>",
];

function buildXmp(doc: PDFDocument, o: PdfAOptions, claimed: boolean, accessible: boolean): Uint8Array {
  const title = doc.getTitle() ?? "";
  const author = doc.getAuthor() ?? "";
  const subject = doc.getSubject() ?? "";
  const creator = doc.getCreator() ?? "";
  const producer = doc.getProducer() ?? "";
  const keywords = doc.getKeywords() ?? "";
  const created = doc.getCreationDate();
  const modified = doc.getModificationDate() ?? created;
  const alt = (s: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xml(s)}</rdf:li></rdf:Alt>`;
  const lines = [
    claimed ? `<pdfaid:part>2</pdfaid:part><pdfaid:conformance>${o.conformance}</pdfaid:conformance>` : "",
    accessible ? "<pdfuaid:part>1</pdfuaid:part>" : "",
    "<dc:format>application/pdf</dc:format>",
    title ? `<dc:title>${alt(title)}</dc:title>` : "",
    author ? `<dc:creator><rdf:Seq><rdf:li>${xml(author)}</rdf:li></rdf:Seq></dc:creator>` : "",
    subject ? `<dc:description>${alt(subject)}</dc:description>` : "",
    `<dc:subject><rdf:Bag><rdf:li>${xml(o.fileNumber)}</rdf:li></rdf:Bag></dc:subject>`,
    `<pdf:Keywords>${xml(keywords)}</pdf:Keywords>`,
    creator ? `<xmp:CreatorTool>${xml(creator)}</xmp:CreatorTool>` : "",
    created ? `<xmp:CreateDate>${xmpDate(created)}</xmp:CreateDate>` : "",
    modified ? `<xmp:ModifyDate>${xmpDate(modified)}</xmp:ModifyDate>` : "",
    modified ? `<xmp:MetadataDate>${xmpDate(modified)}</xmp:MetadataDate>` : "",
    producer ? `<pdf:Producer>${xml(producer)}</pdf:Producer>` : "",
  ].filter(Boolean);
  const packet = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"' +
      ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"' +
      ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">',
    ...lines,
    "</rdf:Description>",
    ...(accessible && claimed ? PDFUA_EXTENSION_SCHEMA : []),
    "</rdf:RDF>",
    "</x:xmpmeta>",
    '<?xpacket end="w"?>',
  ].join("\n");
  return new TextEncoder().encode(packet);
}
