import { degrees, PDFDocument, type PDFFont, PDFHexString, type PDFPage, PDFString, rgb } from "pdf-lib";
import { TERMS } from "~/domain/wording";
import {
  A4,
  COLORS,
  clean,
  drawLabelledRow,
  embedFonts,
  type Fonts,
  PageCursor,
  textWidth,
  wrap,
} from "./layout";
import { type OutlineEntry, setOutline } from "./outline";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";
import { formatDate, formatParcel, type ReceiptParcel, type ReceiptParty } from "./receipt";
import { drawArtifact, Tagger } from "./tagging";

/**
 * Beteiligungspaket (participation package) as PDF: a cover letter on the authority's letterhead
 * (addressee, Aktenzeichen, question, reason and legal basis, deadline, consequence of silence), a
 * case summary page (parties, plot and Flurstücke, Vorhaben, procedure, list of enclosed
 * documents), then the shared Bauvorlagen merged page by page — each distinct file (same sha256)
 * once, however many document types it is filed under. A bookmark per Bauvorlage points at its
 * first page; the portal link on the cover is clickable. Every page of the whole package carries
 * "Beteiligung · Az. … · Seite x/y" at least 10 mm above the bottom edge (inside the printable
 * area), so a printed sheet can always be traced back. Deterministic for the same input (fixed
 * dates, font names, pdf-lib's ids).
 */
export const PACKAGE_RENDERER_VERSION = "1.3.0";

export interface PackageDocument {
  typeLabel: string;
  title: string;
  filename: string;
  versionNumber: number;
  sha256: string;
  /** MIME type: PDFs are merged page by page, PNG/JPEG become a page each, anything else is only listed. */
  mimeType?: string;
  /** The bytes of this version (null for a format that is only listed). */
  bytes: Uint8Array | null;
}

/** Formats the package can carry as pages. */
export const MERGEABLE_TYPES = ["application/pdf", "image/png", "image/jpeg"] as const;

export function isMergeable(mimeType: string | undefined): boolean {
  return (MERGEABLE_TYPES as readonly string[]).includes(mimeType ?? "application/pdf");
}

export interface PackageData {
  authority: { name: string; addressLine?: string | null; email?: string | null };
  agency: { name: string; addressLine?: string | null };
  fileNumber: string;
  participationId: string;
  /** Date of the letter (the participation's creation: deterministic per participation). */
  date: Date;
  /** "Einvernehmen der Gemeinde (§ 36 BauGB)" or "Stellungnahme als Fachstelle". */
  kindLabel: string;
  question: string;
  /** Why the agency is involved; an internal note (see agencyFacingReason) is not printed. */
  reason: string;
  legalBasis: string;
  deadline: Date;
  silenceConsequence: string;
  /** Name of the clerk who started the participation. */
  clerkName: string;
  portalUrl: string;
  summary: {
    projectTitle: string;
    measure: string | null;
    procedureLabel: string;
    details: string[];
    bauherr: ReceiptParty;
    entwurfsverfasser: ReceiptParty | null;
    plot: { address: string | null; municipality: string | null; parcels: ReceiptParcel[] };
  };
  documents: PackageDocument[];
}

const MARGIN = { top: 48, bottom: 64, left: 62, right: 56 };
const BODY = 10;
const LEADING = 1.4;
const STAMP_SIZE = 7;

/** Distance of the page stamp from the page edges: 10 mm plus a little, where no printer clips. */
export const STAMP_EDGE = 32;

/**
 * The reason as the agency should read it, or null. A participation the clerk added by hand gets
 * the system phrase "Von der Sachbearbeitung hinzugefügt…" as its reason (app/domain/participation.ts
 * manualSuggestion, app/models/participation.server.ts): that is bookkeeping for the Akte, not a
 * reason addressed to the agency, so the letter leaves the "Anlass" line out.
 */
export function agencyFacingReason(reason: string): string | null {
  const text = reason.trim();
  if (text === "" || /^Von der Sachbearbeitung hinzugefügt\b/i.test(text)) return null;
  return text;
}

/** One distinct file of the package: its bytes once, and every Bauvorlage filed with it. */
export interface PackageFile {
  sha256: string;
  filename: string;
  versionNumber: number;
  mimeType?: string;
  bytes: Uint8Array | null;
  /** "Lageplan", "Bauzeichnung – Grundriss EG", … in the order they were shared. */
  labels: string[];
}

function documentLabel(d: PackageDocument): string {
  return d.title && d.title !== d.typeLabel ? `${d.typeLabel} – ${d.title}` : d.typeLabel;
}

/** Groups the documents by content (sha256), keeping the order of first appearance. */
export function distinctFiles(documents: PackageDocument[]): PackageFile[] {
  const byHash = new Map<string, PackageFile>();
  for (const d of documents) {
    const existing = byHash.get(d.sha256);
    if (existing) {
      existing.labels.push(documentLabel(d));
      continue;
    }
    byHash.set(d.sha256, {
      sha256: d.sha256,
      filename: d.filename,
      versionNumber: d.versionNumber,
      mimeType: d.mimeType,
      bytes: d.bytes,
      labels: [documentLabel(d)],
    });
  }
  return [...byHash.values()];
}

function lh(size: number) {
  return size * LEADING;
}

/** The stamp printed on every page. */
export function stampText(fileNumber: string, page: number, total: number): string {
  return `Beteiligung · Az. ${fileNumber} · Seite ${page}/${total}`;
}

/** Renders the cover letter and the case summary (no stamps yet). */
export async function renderCoverPages(
  data: PackageData,
): Promise<{ doc: PDFDocument; fonts: Fonts; summaryPageIndex: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular } = fonts;
  // The cover and summary are ours and tagged; the merged Bauvorlagen stay as the applicant made them.
  const tags = Tagger.for(doc);
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: () => A4.height - MARGIN.top - 10,
    tagger: tags,
  });

  drawCoverLetterhead(cursor, fonts, data);

  drawCoverLetter(cursor, fonts, data);

  // Case summary on its own page.
  cursor.newPage();
  const summaryPageIndex = doc.getPageCount() - 1;
  drawSummaryPage(cursor, fonts, data);
  // Finished before the Bauvorlagen are merged and the pages stamped (the stamps are artifacts).
  tags.finish();

  setDocumentInfo(doc, regular, data);
  return { doc, fonts, summaryPageIndex };
}

/** The authority's name and address with the accent bar, and a rule under them. */
function drawCoverLetterhead(cursor: PageCursor, fonts: Fonts, data: PackageData) {
  const { regular, bold } = fonts;
  // Letterhead.
  cursor.page.drawRectangle({ x: cursor.left, y: cursor.y - 4, width: 4, height: 30, color: COLORS.accent });
  let y = cursor.y + 14;
  cursor.tag("P", () => {
    for (const line of wrap(bold, 12.5, data.authority.name, cursor.contentWidth - 160)) {
      cursor.text(line, { x: cursor.left + 12, y, font: bold, size: 12.5, color: COLORS.accent });
      y -= 15;
    }
  });
  cursor.tag("P", () => {
    for (const line of [data.authority.addressLine, data.authority.email].filter((s): s is string =>
      Boolean(s),
    )) {
      cursor.text(line, { x: cursor.left + 12, y: y + 1, font: regular, size: 8.5, color: COLORS.muted });
      y -= 11;
    }
  });
  cursor.y = Math.min(y, cursor.y - 16) - 4;
  rule(cursor);
}

/** Addressee, the facts panel and the letter asking for the statement. */
function drawCoverLetter(cursor: PageCursor, fonts: Fonts, data: PackageData) {
  const { regular, bold } = fonts;
  // Addressee and the facts panel.
  cursor.y -= 22;
  cursor.tag("P", () => {
    cursor.text(data.agency.name, { font: bold, size: BODY });
    cursor.y -= lh(BODY);
    if (data.agency.addressLine) {
      for (const part of data.agency.addressLine.split(/,\s*/)) {
        cursor.text(part, { font: regular, size: BODY });
        cursor.y -= lh(BODY);
      }
    }
  });
  cursor.y -= 14;
  panel(cursor, fonts, [
    ["Aktenzeichen", data.fileNumber],
    ["Datum", formatDate(data.date)],
    ["Frist (Eingang bei uns)", formatDate(data.deadline)],
  ]);

  cursor.y -= 24;
  paragraph(cursor, bold, 14, `Beteiligung: ${data.kindLabel}`, COLORS.accent, "H1");
  paragraph(cursor, bold, BODY, data.summary.projectTitle);
  cursor.y -= 8;
  paragraph(cursor, regular, BODY, "Sehr geehrte Damen und Herren,");
  cursor.y -= 4;
  paragraph(
    cursor,
    regular,
    BODY,
    `zu dem oben genannten Bauantrag beteiligen wir Sie im Verfahren. ${data.question}`,
  );
  cursor.y -= 6;
  const reason = agencyFacingReason(data.reason);
  cursor.tag("Table", () => {
    if (reason) labelled(cursor, fonts, "Anlass", reason);
    labelled(cursor, fonts, "Rechtsgrundlage", data.legalBasis);
    labelled(cursor, fonts, "Frist", `Ihre Stellungnahme erbitten wir bis zum ${formatDate(data.deadline)}.`);
    labelled(cursor, fonts, "Folge bei Fristablauf", data.silenceConsequence);
  });
  cursor.y -= 6;
  paragraph(
    cursor,
    regular,
    BODY,
    `Die Unterlagen, die Sie für Ihre Stellungnahme benötigen, sind diesem Schreiben beigefügt (${data.documents.length === 1 ? "1 Bauvorlage" : `${data.documents.length} Bauvorlagen`}). ` +
      "Bitte geben Sie Ihre Stellungnahme über das Portal ab; dort können Sie auch eine Fristverlängerung beantragen:",
  );
  linkParagraph(cursor, bold, BODY, data.portalUrl);
  cursor.y -= 8;
  paragraph(cursor, regular, BODY, "Mit freundlichen Grüßen");
  // DIN 5008: "Im Auftrag" on its own line, the name below.
  cursor.y -= 6;
  cursor.tag("P", () => {
    paragraph(cursor, regular, BODY, "Im Auftrag", COLORS.text, null);
    paragraph(cursor, bold, BODY, data.clerkName, COLORS.text, null);
    paragraph(cursor, regular, BODY, data.authority.name, COLORS.muted, null);
  });
}

/** The case summary (a new page was started) and the list of enclosed Bauvorlagen. */
function drawSummaryPage(cursor: PageCursor, fonts: Fonts, data: PackageData) {
  const { regular, bold } = fonts;
  paragraph(cursor, bold, 14, "Zusammenfassung des Falls", COLORS.accent, "H1");
  cursor.y -= 4;
  rule(cursor);
  cursor.y -= 14;
  cursor.tag("Table", () => drawSummaryRows(cursor, fonts, data));
  cursor.y -= 10;
  paragraph(cursor, bold, 11, `Beigefügte Bauvorlagen (${data.documents.length})`, COLORS.accent, "H2");
  cursor.y -= 2;
  // One entry per file: a plan filed under several document types is enclosed (and listed) once.
  cursor.tag("L", () =>
    distinctFiles(data.documents).forEach((f, i) => {
      const listed = isMergeable(f.mimeType) ? "" : " – nicht eingebunden, im Portal abrufbar";
      cursor.tag("LI", () =>
        cursor.tag("LBody", () => {
          paragraph(
            cursor,
            regular,
            9,
            `${i + 1}. ${f.labels.join("; ")}, ${f.filename} (Version ${f.versionNumber})${listed}`,
          );
          paragraph(cursor, fonts.mono, 6.5, `SHA-256 ${f.sha256}`, COLORS.muted);
        }),
      );
    }),
  );
}

function setDocumentInfo(doc: PDFDocument, regular: PDFFont, data: PackageData) {
  doc.setTitle(`Beteiligung ${data.fileNumber} – ${data.agency.name}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.authority.name));
  doc.setSubject(`Beteiligung zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, data.participationId, "Beteiligung"]);
  doc.setCreator(`Bauantrag Beteiligungspaket ${PACKAGE_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.date);
  doc.setModificationDate(data.date);
}

/** The facts of the case as a table with the labels as row headers. */
function drawSummaryRows(cursor: PageCursor, fonts: Fonts, data: PackageData) {
  labelled(cursor, fonts, "Aktenzeichen", data.fileNumber);
  labelled(
    cursor,
    fonts,
    "Vorhaben",
    [
      data.summary.projectTitle,
      ...(data.summary.measure ? [`Art der Maßnahme: ${data.summary.measure}`] : []),
    ].join("\n"),
  );
  labelled(cursor, fonts, "Verfahrensart", data.summary.procedureLabel);
  if (data.summary.details.length > 0)
    labelled(cursor, fonts, "Angaben zum Vorhaben", data.summary.details.join("\n"));
  labelled(
    cursor,
    fonts,
    TERMS.bauherr,
    [data.summary.bauherr.name, ...data.summary.bauherr.details].join("\n"),
  );
  labelled(
    cursor,
    fonts,
    TERMS.entwurfsverfasser,
    data.summary.entwurfsverfasser
      ? [data.summary.entwurfsverfasser.name, ...data.summary.entwurfsverfasser.details].join("\n")
      : "nicht angegeben",
  );
  labelled(
    cursor,
    fonts,
    "Baugrundstück",
    [
      data.summary.plot.address ?? "ohne Anschrift",
      ...(data.summary.plot.municipality ? [`Gemeinde ${data.summary.plot.municipality}`] : []),
    ].join("\n"),
  );
  labelled(
    cursor,
    fonts,
    data.summary.plot.parcels.length === 1 ? "Flurstück" : "Flurstücke",
    data.summary.plot.parcels.length > 0
      ? data.summary.plot.parcels.map(formatParcel).join("\n")
      : "keine angegeben",
  );
}

/**
 * Appends each source to `target`: a PDF page by page (pdf-lib copyPages), a PNG or JPEG as one
 * page of its own orientation within A4, scaled to fit. Returns the number of pages added. A
 * source that does not parse is a permanent problem of that file, reported by name.
 */
export async function mergeInto(
  target: PDFDocument,
  sources: { name: string; bytes: Uint8Array; mimeType?: string }[],
): Promise<number> {
  let added = 0;
  for (const source of sources) {
    const mime = source.mimeType ?? "application/pdf";
    try {
      if (mime === "image/png" || mime === "image/jpeg") {
        const image =
          mime === "image/png" ? await target.embedPng(source.bytes) : await target.embedJpg(source.bytes);
        const landscape = image.width > image.height;
        const [w, h] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
        const margin = 36;
        const scale = Math.min((w - 2 * margin) / image.width, (h - 2 * margin - 14) / image.height);
        const page = target.addPage([w, h]);
        const dw = image.width * scale;
        const dh = image.height * scale;
        page.drawImage(image, { x: (w - dw) / 2, y: (h - dh) / 2 + 7, width: dw, height: dh });
        added += 1;
        continue;
      }
      const src = await PDFDocument.load(source.bytes, { updateMetadata: false });
      const pages = await target.copyPages(src, src.getPageIndices());
      for (const page of pages) target.addPage(page);
      added += pages.length;
    } catch (err) {
      throw new Error(`Bauvorlage ${source.name} lässt sich nicht einbinden: ${(err as Error).message}`);
    }
  }
  return added;
}

/** Stamps every page of the document in its bottom margin (respecting page rotation). */
export function stampPages(doc: PDFDocument, font: PDFFont, fileNumber: string): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    stampPage(page, font, stampText(fileNumber, i + 1, pages.length));
  });
}

function stampPage(page: PDFPage, font: PDFFont, raw: string) {
  const text = clean(font, raw);
  const width = textWidth(font, text, STAMP_SIZE);
  const { x: bx, y: by, width: w, height: h } = page.getMediaBox();
  const rotation = ((page.getRotation().angle % 360) + 360) % 360;
  // The stamp sits at the bottom left of the page as the reader sees it.
  const pad = 3;
  const e = STAMP_EDGE;
  let x = bx + e;
  let y = by + e;
  if (rotation === 90) {
    x = bx + w - e;
    y = by + e;
  } else if (rotation === 180) {
    x = bx + w - e;
    y = by + h - e;
  } else if (rotation === 270) {
    x = bx + e;
    y = by + h - e;
  }
  // A page label, not content: an artifact on our pages and on the applicant's.
  drawArtifact(page, () => drawStamp(page, font, text, { x, y, width, pad, rotation }));
}

function drawStamp(
  page: PDFPage,
  font: PDFFont,
  text: string,
  { x, y, width, pad, rotation }: { x: number; y: number; width: number; pad: number; rotation: number },
) {
  if (rotation === 0) {
    // A white backing keeps the stamp legible on plans drawn to the page edge.
    page.drawRectangle({
      x: x - pad,
      y: y - pad,
      width: width + 2 * pad,
      height: STAMP_SIZE + 2 * pad,
      color: rgb(1, 1, 1),
      opacity: 0.85,
    });
  }
  const rotate = degrees(rotation);
  page.drawText(text, { x, y, size: STAMP_SIZE, font, color: COLORS.accent, rotate });
}

/** The whole package: cover + summary + merged Bauvorlagen, every page stamped. */
export async function renderParticipationPackage(data: PackageData): Promise<Uint8Array> {
  const { doc, fonts, summaryPageIndex } = await renderCoverPages(data);
  const outline: OutlineEntry[] = [
    { title: "Anschreiben", pageIndex: 0 },
    { title: "Zusammenfassung des Falls", pageIndex: summaryPageIndex },
  ];
  for (const f of distinctFiles(data.documents)) {
    if (!f.bytes || !isMergeable(f.mimeType)) continue;
    const first = doc.getPageCount();
    const added = await mergeInto(doc, [{ name: f.filename, bytes: f.bytes, mimeType: f.mimeType }]);
    // Every Bauvorlage gets its bookmark, also when it shares the pages of another.
    if (added > 0) for (const label of f.labels) outline.push({ title: label, pageIndex: first });
  }
  setOutline(doc, outline);
  stampPages(doc, fonts.regular, data.fileNumber);
  // Applicant pages inside: PDF/A-2b at most, and only when their fonts are embedded.
  finishAsPdfA(doc, { conformance: "B", fileNumber: data.fileNumber, idSeed: pdfIdSeed("package", data) });
  return doc.save({ useObjectStreams: true });
}

// ---- parts ----------------------------------------------------------------------------------------

function rule(cursor: PageCursor) {
  cursor.page.drawLine({
    start: { x: cursor.left, y: cursor.y },
    end: { x: cursor.right, y: cursor.y },
    thickness: 0.6,
    color: COLORS.rule,
  });
}

function paragraph(
  cursor: PageCursor,
  font: PDFFont,
  size: number,
  text: string,
  color: (typeof COLORS)[keyof typeof COLORS] = COLORS.text,
  /** Structure element of the text (null: part of the element the caller opened). */
  role: "P" | "H1" | "H2" | null = "P",
) {
  const draw = () => {
    for (const block of text.split("\n")) {
      for (const line of wrap(font, size, block, cursor.contentWidth)) {
        cursor.ensure(lh(size));
        cursor.text(line, { font, size, color });
        cursor.y -= lh(size);
      }
    }
  };
  if (role) cursor.tag(role, draw);
  else draw();
}

/**
 * A URL as text plus a Link annotation (/URI) over each of its lines, so the portal link opens
 * from the PDF. /F 4 (print) and no border, as PDF/A wants for annotations.
 */
function linkParagraph(cursor: PageCursor, font: PDFFont, size: number, url: string) {
  const doc = cursor.page.doc;
  // Tagged as P > Link with the text and an object reference to each annotation (PDF/UA 7.18.5);
  // /Contents describes the link for readers that announce annotations.
  cursor.tag("P", () =>
    cursor.tag("Link", () => {
      for (const line of wrap(font, size, url, cursor.contentWidth)) {
        cursor.ensure(lh(size));
        cursor.text(line, { font, size, color: COLORS.accent });
        const width = textWidth(font, clean(font, line), size);
        const rect = [cursor.left, cursor.y - size * 0.25, cursor.left + width, cursor.y + size * 0.9];
        const annot = doc.context.obj({
          Type: "Annot",
          Subtype: "Link",
          Rect: rect,
          Border: [0, 0, 0],
          F: 4,
          Contents: PDFHexString.fromText(`Link zum Bauantragsportal: ${url}`),
          A: { Type: "Action", S: "URI", URI: PDFString.of(url) },
        });
        const ref = doc.context.register(annot);
        cursor.page.node.addAnnot(ref);
        cursor.tags.annotation(cursor.page, ref);
        cursor.y -= lh(size);
      }
    }),
  );
}

const LABEL_WIDTH = 130;

function labelled(cursor: PageCursor, { regular, bold }: Fonts, label: string, value: string) {
  // Lines of the smaller value size, but each given the room of a body line.
  drawLabelledRow(cursor, {
    label,
    labelFont: regular,
    labelSize: BODY - 1,
    values: value.split("\n"),
    fonts: { first: bold, rest: regular },
    size: BODY - 0.5,
    valueX: cursor.left + LABEL_WIDTH,
    lineHeight: lh(BODY - 0.5),
    lineRoom: lh(BODY),
    keepLines: 5,
    gap: 4,
  });
}

function panel(cursor: PageCursor, { regular, bold }: Fonts, cells: [string, string][]) {
  const height = 46;
  const top = cursor.y;
  cursor.page.drawRectangle({
    x: cursor.left,
    y: top - height,
    width: cursor.contentWidth,
    height,
    color: COLORS.panel,
  });
  cursor.page.drawRectangle({ x: cursor.left, y: top - height, width: 3, height, color: COLORS.accent });
  const colWidth = (cursor.contentWidth - 14) / cells.length;
  cells.forEach(([label, value], i) => {
    const x = cursor.left + 14 + i * colWidth;
    cursor.tag("P", () => {
      cursor.text(label, { x, y: top - 15, font: regular, size: 8, color: COLORS.muted });
      const v = wrap(bold, 11, value, colWidth - 8)[0] ?? "";
      cursor.text(v, { x, y: top - 33, font: bold, size: 11 });
    });
  });
  cursor.y = top - height;
}
