import { PDFDocument, type PDFFont, type PDFPage } from "pdf-lib";
import { TERMS } from "~/domain/wording";
import {
  A4,
  COLORS,
  cellLines,
  clean,
  drawCellLines,
  drawColumnTable,
  drawPageFooter,
  drawParticular,
  drawRightAligned,
  embedFonts,
  type Fonts,
  PageCursor,
  type ParticularsStyle,
  textWidth,
  wrap,
} from "./layout";
import { headingOutline, setOutline } from "./outline";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";
import { Tagger } from "./tagging";

/**
 * Eingangsbestätigung (receipt of a submitted Bauantrag) as PDF. A pure function of its input:
 * the same data renders to the same bytes (fixed metadata dates from the input, fixed font names,
 * pdf-lib's seeded id generator), so a golden test can compare output and a stored receipt can be
 * reproduced. Bump RECEIPT_RENDERER_VERSION whenever the output changes for the same input.
 */
export const RECEIPT_RENDERER_VERSION = "1.3.0";

export interface ReceiptParty {
  name: string;
  /** Further lines: address, Kammer number, e-mail. */
  details: string[];
}

export interface ReceiptParcel {
  gemarkung?: string;
  flur?: string;
  zaehler?: string;
  nenner?: string;
}

export interface ReceiptDocument {
  typeCode: string;
  /** Human name of the document type ("Lageplan"). */
  typeLabel: string;
  /** Title of the document slot, shown when it says more than the type label. */
  title: string;
  filename: string;
  versionNumber: number;
  sizeBytes: number;
  sha256: string;
}

export interface ReceiptOpenItem {
  /** Anlagen code; empty for an open item that is not a single document type. */
  typeCode: string;
  typeLabel: string;
  title: string;
}

export interface ReceiptData {
  authority: { name: string; addressLine?: string | null; email?: string | null };
  fileNumber: string;
  applicationId: string;
  /** Bezeichnung des Vorhabens. */
  projectTitle: string;
  /** Art der Maßnahme, e.g. "Errichtung". */
  measure?: string | null;
  /** Moment of receipt (submission); also the PDF's creation date. */
  receivedAt: Date;
  /** Verfahrensart with its legal basis. */
  procedureLabel: string;
  bauherr: ReceiptParty;
  entwurfsverfasser: ReceiptParty | null;
  plot: { address: string | null; municipality?: string | null; parcels: ReceiptParcel[] };
  documents: ReceiptDocument[];
  openItems: ReceiptOpenItem[];
  /** Name of the member who submitted, if known. */
  submittedBy?: string | null;
  /**
   * Received on paper or by e-mail and registered by the authority (paper-intake.server.ts), e.g.
   * "auf Papier eingegangen": the receipt shows the Eingangsdatum (a day, no time) and says so
   * instead of "elektronisch über das Portal".
   */
  receivedHow?: string | null;
  /** Absolute link to the case in the portal (APP_URL/antraege/<id>). */
  caseUrl: string;
}

const TIME_ZONE = "Europe/Berlin";

/** "15.03.2026, 11:29 Uhr" in German local time, whatever the server's time zone. */
export function formatReceivedAt(date: Date): string {
  const parts = new Intl.DateTimeFormat("de-DE", {
    timeZone: TIME_ZONE,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("day")}.${get("month")}.${get("year")}, ${get("hour")}:${get("minute")} Uhr`;
}

export function formatDate(date: Date): string {
  return formatReceivedAt(date).slice(0, 10);
}

/** "Gemarkung Eldena, Flur 12, Flurstück 7/12". */
export function formatParcel(p: ReceiptParcel): string {
  const parts: string[] = [];
  if (p.gemarkung) parts.push(`Gemarkung ${p.gemarkung}`);
  if (p.flur) parts.push(`Flur ${p.flur}`);
  if (p.zaehler) parts.push(`Flurstück ${p.zaehler}${p.nenner ? `/${p.nenner}` : ""}`);
  return parts.join(", ") || "–";
}

/**
 * The site rows of a letter's particulars (Eingangsbestätigung, Bescheid): address with Gemeinde,
 * then the Flurstück(e), one per line.
 */
export function drawSiteParticulars(
  cursor: PageCursor,
  fonts: Fonts,
  style: ParticularsStyle,
  plot: { address: string | null; municipality?: string | null; parcels: ReceiptParcel[] },
): void {
  drawParticular(cursor, fonts, style, "Baugrundstück", [
    plot.address || "ohne Anschrift",
    ...(plot.municipality ? [`Gemeinde ${plot.municipality}`] : []),
  ]);
  drawParticular(
    cursor,
    fonts,
    style,
    plot.parcels.length === 1 ? "Flurstück" : "Flurstücke",
    plot.parcels.length > 0 ? plot.parcels.map(formatParcel) : ["keine angegeben"],
    "none",
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Byte`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toLocaleString("de-DE", { maximumFractionDigits: 0 })} KB`;
  return `${(kb / 1024).toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

// ---- layout constants (points; A4 is 595 x 842) -------------------------------------------------

const MARGIN = { top: 48, bottom: 64, left: 56, right: 56 };
const BODY = 10;
const LEADING = 1.38;
const SMALL = 7.5;
const LABEL_WIDTH = 128;
/** Table columns: Nr. | Unterlage | Datei | Version. */
const COLS = { nr: 22, type: 158, file: 245 } as const;

export async function renderReceipt(data: ReceiptData): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular, bold } = fonts;

  const dateLabel = formatDate(data.receivedAt);
  const tags = Tagger.for(doc);
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: (page) => drawContinuationHeader(page, fonts, data),
    tagger: tags,
  });

  drawLetterhead(cursor, fonts, data);

  // Title and the two facts people look for first.
  cursor.y -= 26;
  cursor.tag("H1", () => cursor.text("Eingangsbestätigung", { font: bold, size: 21, color: COLORS.accent }));
  cursor.y -= 18;
  paragraph(
    cursor,
    regular,
    BODY,
    "Ihr Bauantrag ist bei uns eingegangen. Wir bestätigen den Eingang der unten aufgeführten Angaben und Unterlagen.",
  );
  cursor.y -= 8;
  drawKeyPanel(cursor, fonts, data);

  drawParticulars(cursor, fonts, data);

  drawDocumentTable(cursor, fonts, data.documents);
  if (data.openItems.length > 0) drawOpenItems(cursor, fonts, data.openItems);

  // How to follow the case: title and text stay together.
  sectionTitle(cursor, bold, "Ihren Antrag online verfolgen", 95);
  paragraph(
    cursor,
    regular,
    BODY,
    "Den Stand der Bearbeitung, den Verlauf und alle eingereichten Unterlagen sehen Sie jederzeit im Portal. " +
      "Dort können Sie auch Unterlagen nachreichen und erhalten Nachrichten der Bauaufsichtsbehörde:",
  );
  cursor.y -= 2;
  paragraph(cursor, bold, BODY, data.caseUrl);
  cursor.y -= 4;
  paragraph(
    cursor,
    regular,
    BODY,
    `Bitte geben Sie bei Rückfragen immer das Aktenzeichen ${data.fileNumber} an.`,
  );

  cursor.y -= 8;
  paragraph(
    cursor,
    regular,
    SMALL,
    "Diese Bestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig. Sie bestätigt nur den Eingang; " +
      "über die Vollständigkeit und die Genehmigungsfähigkeit des Antrags wird gesondert entschieden. " +
      "Die SHA-256-Prüfsummen weisen nach, welche Dateien genau eingegangen sind.",
    COLORS.muted,
  );

  // Footers need the page count, so they are drawn last.
  const total = cursor.pages.length;
  cursor.pages.forEach((page, i) => {
    drawFooter(page, fonts, `Eingangsbestätigung vom ${dateLabel} · Az. ${data.fileNumber}`, i + 1, total);
  });
  setOutline(doc, headingOutline(tags.finish()), { openPanel: false });

  doc.setTitle(`Eingangsbestätigung ${data.fileNumber}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.authority.name));
  doc.setSubject(`Eingangsbestätigung zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, data.applicationId, "Eingangsbestätigung"]);
  doc.setCreator(`Bauantrag Eingangsbestätigung ${RECEIPT_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.receivedAt);
  doc.setModificationDate(data.receivedAt);
  finishAsPdfA(doc, {
    conformance: "U",
    fileNumber: data.fileNumber,
    idSeed: pdfIdSeed("receipt", data),
    accessible: true,
  });
  return doc.save({ useObjectStreams: true });
}

// ---- parts --------------------------------------------------------------------------------------

/** "Angaben zum Antrag": project, procedure, parties, site and parcels as a two-column table. */
function drawParticulars(cursor: PageCursor, fonts: Fonts, data: ReceiptData): void {
  sectionTitle(cursor, fonts.bold, "Angaben zum Antrag");
  cursor.tag("Table", () => {
    drawParticular(cursor, fonts, PARTICULARS, "Vorhaben", [
      data.projectTitle || "–",
      ...(data.measure ? [`Art der Maßnahme: ${data.measure}`] : []),
    ]);
    drawParticular(cursor, fonts, PARTICULARS, "Verfahrensart", [data.procedureLabel]);
    drawParticular(cursor, fonts, PARTICULARS, TERMS.bauherr, [
      data.bauherr.name || "–",
      ...data.bauherr.details,
    ]);
    drawParticular(
      cursor,
      fonts,
      PARTICULARS,
      TERMS.entwurfsverfasser,
      data.entwurfsverfasser
        ? [data.entwurfsverfasser.name || "–", ...data.entwurfsverfasser.details]
        : ["nicht angegeben"],
    );
    drawSiteParticulars(cursor, fonts, PARTICULARS, data.plot);
    if (data.submittedBy)
      drawParticular(cursor, fonts, PARTICULARS, "Eingereicht von", [data.submittedBy], "none");
  });
}

function drawLetterhead(cursor: PageCursor, { regular, bold }: Fonts, data: ReceiptData) {
  const { page, left, right } = cursor;
  page.drawRectangle({ x: left, y: cursor.y - 4, width: 4, height: 30, color: COLORS.accent });
  const x = left + 12;
  const nameLines = wrap(bold, 12.5, data.authority.name, cursor.contentWidth - 150);
  let y = cursor.y + 14;
  cursor.tag("P", () => {
    for (const line of nameLines) {
      cursor.text(line, { x, y, font: bold, size: 12.5, color: COLORS.accent });
      y -= 15;
    }
  });
  const sub = [data.authority.addressLine, data.authority.email].filter((s): s is string => Boolean(s));
  cursor.tag("P", () => {
    for (const line of sub) {
      cursor.text(line, { x, y: y + 1, font: regular, size: 8.5, color: COLORS.muted });
      y -= 11;
    }
  });
  const tag = "Digitaler Bauantrag";
  cursor.text(tag, {
    x: right - textWidth(regular, tag, 8.5),
    y: cursor.y + 14,
    font: regular,
    size: 8.5,
    color: COLORS.muted,
  });
  cursor.y = Math.min(y, cursor.y - 16) - 4;
  page.drawLine({
    start: { x: left, y: cursor.y },
    end: { x: right, y: cursor.y },
    thickness: 0.6,
    color: COLORS.rule,
  });
}

function drawKeyPanel(cursor: PageCursor, { regular, bold }: Fonts, data: ReceiptData) {
  const height = 58;
  const { page, left } = cursor;
  const top = cursor.y;
  page.drawRectangle({
    x: left,
    y: top - height,
    width: cursor.contentWidth,
    height,
    color: COLORS.panel,
  });
  page.drawRectangle({ x: left, y: top - height, width: 3, height, color: COLORS.accent });
  const col2 = left + cursor.contentWidth * 0.56;
  cursor.tag("P", () => drawFileNumber());
  cursor.tag("P", () => drawReceived());
  cursor.y = top - height;

  function drawFileNumber() {
    cursor.text("Aktenzeichen", { x: left + 14, y: top - 15, font: regular, size: 8, color: COLORS.muted });
    const az = clean(bold, data.fileNumber);
    const azSize = Math.min(19, fitSize(bold, az, col2 - left - 28, 19));
    cursor.text(az, { x: left + 14, y: top - 36, font: bold, size: azSize, color: COLORS.text });
    cursor.text("Bitte bei allen Rückfragen angeben", {
      x: left + 14,
      y: top - 49,
      font: regular,
      size: 7,
      color: COLORS.muted,
    });
  }
  function drawReceived() {
    cursor.text("Eingegangen am", { x: col2, y: top - 15, font: regular, size: 8, color: COLORS.muted });
    cursor.text(data.receivedHow ? formatDate(data.receivedAt) : formatReceivedAt(data.receivedAt), {
      x: col2,
      y: top - 33,
      font: bold,
      size: 12.5,
      color: COLORS.text,
    });
    const how = data.receivedHow
      ? `${data.receivedHow}, von der Behörde erfasst`
      : "Ortszeit (Europe/Berlin), elektronisch über das Portal";
    cursor.text(how, {
      x: col2,
      y: top - 49,
      font: regular,
      size: 7,
      color: COLORS.muted,
    });
  }
}

function fitSize(font: PDFFont, text: string, width: number, size: number): number {
  const w = textWidth(font, text, size);
  return w <= width ? size : Math.max(9, (size * width) / w);
}

function sectionTitle(cursor: PageCursor, bold: PDFFont, title: string, keepWith = 60) {
  // Keep a title together with at least a few lines (or all) of its content.
  cursor.y -= 17;
  if (cursor.ensure(keepWith)) cursor.y -= 4;
  cursor.tag("H2", () => cursor.text(title, { font: bold, size: 12, color: COLORS.accent }));
  cursor.y -= 5;
  cursor.page.drawLine({
    start: { x: cursor.left, y: cursor.y },
    end: { x: cursor.right, y: cursor.y },
    thickness: 0.5,
    color: COLORS.rule,
  });
  cursor.y -= 13;
}

function lineHeight(size: number): number {
  return size * LEADING;
}

function paragraph(
  cursor: PageCursor,
  font: PDFFont,
  size: number,
  text: string,
  color: (typeof COLORS)[keyof typeof COLORS] = COLORS.text,
) {
  const lines = wrap(font, size, text, cursor.contentWidth);
  // Short paragraphs are never split across pages (no lonely last lines on a new page).
  if (lines.length <= 5) cursor.ensure(lines.length * lineHeight(size));
  cursor.tag("P", () => {
    for (const line of lines) {
      cursor.ensure(lineHeight(size));
      cursor.text(line, { font, size, color });
      cursor.y -= lineHeight(size);
    }
  });
}

/** The particulars (Vorhaben, Verfahrensart, Bauherr …). */
const PARTICULARS: ParticularsStyle = {
  size: BODY,
  lineHeight: lineHeight(BODY),
  labelWidth: LABEL_WIDTH,
  gap: 3,
  repeatLabel: true,
};

function drawDocumentTable(cursor: PageCursor, fonts: Fonts, documents: ReceiptDocument[]) {
  const { regular, bold } = fonts;
  sectionTitle(cursor, bold, `Eingereichte Bauvorlagen (${documents.length})`);
  if (documents.length === 0) {
    paragraph(cursor, regular, BODY, "Mit dem Antrag wurden keine Dateien eingereicht.");
    return;
  }
  drawDocumentRows(cursor, fonts, documents);
}

function drawDocumentRows(cursor: PageCursor, fonts: Fonts, documents: ReceiptDocument[]) {
  const { regular, bold, mono } = fonts;
  const size = 8.5;
  const lh = lineHeight(size);
  const shaSize = 6.4;
  const typeX = cursor.left + COLS.nr;
  const fileX = typeX + COLS.type;
  const typeWidth = COLS.type - 10;
  const fileWidth = COLS.file - 8;
  const versionRight = cursor.right - 3;

  const rows = documents.map((d) => {
    // The applicant's own title; the XBau code is internal and stays in the XML.
    const subtitle = d.title && d.title.trim() !== d.typeLabel.trim() ? d.title : "";
    const type = [
      ...cellLines(bold, size, d.typeLabel, typeWidth, COLORS.text),
      ...cellLines(regular, size, subtitle, typeWidth, COLORS.muted),
    ];
    const file = cellLines(regular, size, d.filename, fileWidth);
    const fileBlock = file.length * lh + 11; // filename lines + checksum line
    return { d, type, file, height: Math.max(type.length * lh, fileBlock) + 6 };
  });
  drawColumnTable(cursor, {
    header: {
      cells: [
        { text: "Nr.", x: cursor.left + 3 },
        { text: "Unterlage", x: typeX },
        { text: "Datei und SHA-256-Prüfsumme", x: fileX },
        { text: "Version", x: versionRight, right: true },
      ],
      font: bold,
      size: 8,
      band: 17,
      advance: 20,
    },
    rows,
    rowHeight: (row) => row.height,
    cells: ({ d, type, file }, top, i) => [
      () =>
        cursor.text(String(i + 1), { x: cursor.left + 3, y: top, font: regular, size, color: COLORS.muted }),
      () => drawCellLines(cursor, type, typeX, top, lh),
      () => {
        drawCellLines(cursor, file, fileX, top, lh);
        const shaY = top - file.length * lh - 1;
        cursor.text(d.sha256, { x: fileX, y: shaY, font: mono, size: shaSize, color: COLORS.muted });
      },
      () => {
        drawRightAligned(cursor, String(d.versionNumber), {
          right: versionRight,
          y: top,
          font: regular,
          size,
        });
        drawRightAligned(cursor, formatSize(d.sizeBytes), {
          right: versionRight,
          y: top - lh,
          font: regular,
          size: 6.5,
          color: COLORS.muted,
        });
      },
    ],
    ruleOffset: 6,
    gap: 6,
  });
}

function drawOpenItems(cursor: PageCursor, fonts: Fonts, items: ReceiptOpenItem[]) {
  const { regular, bold } = fonts;
  sectionTitle(cursor, bold, `Noch nachzureichende Unterlagen (${items.length})`);
  const note =
    "Diese Unterlagen haben Sie mit „wird nachgereicht“ gekennzeichnet. Sie gehören zum Antrag und müssen noch " +
    "eingereicht werden. Die Prüfung auf Vollständigkeit kann erst abgeschlossen werden, wenn alle Unterlagen vorliegen. " +
    "Bitte reichen Sie sie über das Portal nach.";
  const size = BODY;
  const lh = lineHeight(size);
  const innerX = cursor.left + 12;
  const innerWidth = cursor.contentWidth - 20;
  const noteLines = wrap(regular, size, note, innerWidth);
  const itemLines = items.map((item) => {
    const label =
      item.title && item.title.trim() !== item.typeLabel.trim()
        ? `${item.typeLabel} – ${item.title}`
        : item.typeLabel;
    return wrap(bold, size, label, innerWidth - 12);
  });

  // The note is drawn in a tinted box; items follow, breaking across pages if there are many.
  const noteHeight = noteLines.length * lh + 10;
  cursor.ensure(noteHeight + lh * Math.min(3, itemLines.length) + 10);
  const boxTop = cursor.y + 11;
  let boxStartY = boxTop;
  const drawBox = (page: PDFPage, top: number, bottom: number) => {
    page.drawRectangle({
      x: cursor.left,
      y: bottom,
      width: cursor.contentWidth,
      height: top - bottom,
      color: COLORS.warnPanel,
    });
    page.drawRectangle({ x: cursor.left, y: bottom, width: 3, height: top - bottom, color: COLORS.warnRule });
  };
  // Draw the box behind the text: pdf-lib paints in call order, so measure first, then draw.
  const blocks: { page: PDFPage; top: number; bottom: number }[] = [];
  let y = cursor.y;
  let page = cursor.page;
  const lines: {
    page: PDFPage;
    y: number;
    text: string;
    font: PDFFont;
    x: number;
    bullet?: boolean;
    /** Index of the open item the line belongs to; absent: the note above the list. */
    item?: number;
  }[] = [];
  for (const line of noteLines) {
    lines.push({ page, y, text: line, font: regular, x: innerX });
    y -= lh;
  }
  y -= 4;
  for (const [item, block] of itemLines.entries()) {
    block.forEach((text, n) => {
      if (y - lh < MARGIN.bottom) {
        blocks.push({ page, top: boxStartY, bottom: y + lh - 6 });
        cursor.newPage();
        page = cursor.page;
        y = cursor.y;
        boxStartY = y + 11;
      }
      lines.push({ page, y, text, font: bold, x: innerX + 12, bullet: n === 0, item });
      y -= lh;
    });
  }
  const boxBottom = y + lh - 8;
  blocks.push({ page, top: boxStartY, bottom: boxBottom });
  for (const b of blocks) drawBox(b.page, b.top, b.bottom);
  // The note a paragraph, the items a list (the bullets are decoration, left as artifacts).
  const drawLine = (l: (typeof lines)[number]) => {
    if (l.bullet) {
      l.page.drawCircle({ x: innerX + 3.5, y: l.y + 3, size: 1.8, color: COLORS.warnRule });
    }
    cursor.tags.content(
      l.page,
      () => l.page.drawText(l.text, { x: l.x, y: l.y, font: l.font, size, color: COLORS.text }),
      l.text,
      l.y + size,
    );
  };
  cursor.tag("P", () => {
    for (const l of lines) if (l.item === undefined) drawLine(l);
  });
  cursor.tag("L", () =>
    itemLines.forEach((_, item) => {
      cursor.tag("LI", () =>
        cursor.tag("LBody", () => {
          for (const l of lines) if (l.item === item) drawLine(l);
        }),
      );
    }),
  );
  cursor.y = boxBottom - 4;
}

function drawContinuationHeader(page: PDFPage, { regular, bold }: Fonts, data: ReceiptData): number {
  const y = A4.height - MARGIN.top + 8;
  page.drawText("Eingangsbestätigung", { x: MARGIN.left, y, font: bold, size: 9, color: COLORS.accent });
  const right = clean(regular, `Az. ${data.fileNumber} · ${data.authority.name}`);
  const size = 8;
  const maxWidth = A4.width - MARGIN.left - MARGIN.right - 110;
  const text = wrap(regular, size, right, maxWidth)[0] ?? "";
  page.drawText(text, {
    x: A4.width - MARGIN.right - textWidth(regular, text, size),
    y,
    font: regular,
    size,
    color: COLORS.muted,
  });
  page.drawLine({
    start: { x: MARGIN.left, y: y - 7 },
    end: { x: A4.width - MARGIN.right, y: y - 7 },
    thickness: 0.5,
    color: COLORS.rule,
  });
  return y - 28;
}

function drawFooter(page: PDFPage, { regular }: Fonts, label: string, n: number, total: number) {
  drawPageFooter(page, regular, { margin: MARGIN, y: MARGIN.bottom - 30, label, page: n, total });
}
