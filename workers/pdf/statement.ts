import { PDFDocument, type PDFFont, type PDFPage } from "pdf-lib";
import {
  A4,
  COLORS,
  clean,
  drawPageFooter,
  drawParticular,
  embedFonts,
  type Fonts,
  PageCursor,
  type ParticularsStyle,
  textWidth,
  wrap,
} from "./layout";
import { headingOutline, setOutline } from "./outline";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";
import { formatDate, formatReceivedAt, formatSize } from "./receipt";
import { Tagger } from "./tagging";

/**
 * Stellungnahme (statement of a participating agency or Gemeinde) as PDF, on the agency's
 * letterhead and addressed to the Bauaufsichtsbehörde: Aktenzeichen, the outcome, the numbered
 * Nebenbestimmungen with their kind and legal basis, the reasons, the attachments with their
 * SHA-256 and who gave it when. A pure function of its input (fixed dates, pdf-lib's seeded ids),
 * so a re-render after a crash stores the same bytes. Bump the version when the output changes.
 */
export const STATEMENT_RENDERER_VERSION = "1.2.0";

export interface StatementPdfData {
  agency: { name: string; addressLine?: string | null; email?: string | null };
  /** The Bauaufsichtsbehörde that asked. */
  authorityName: string;
  fileNumber: string;
  projectTitle: string;
  municipality?: string | null;
  /** What the agency was asked and on which legal basis. */
  question: string;
  legalBasis: string;
  round: number;
  outcomeLabel: string;
  conditions: { kindLabel: string; text: string; legalBasis?: string | null }[];
  reasons: string;
  attachments: { filename: string; sizeBytes: number; sha256: string }[];
  submittedAt: Date;
  author: string;
}

const MARGIN = { top: 48, bottom: 64, left: 56, right: 56 };
const BODY = 10;
const LEADING = 1.38;
const LABEL_WIDTH = 128;
const lh = (size: number) => size * LEADING;

export async function renderStatement(data: StatementPdfData): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular, bold } = fonts;
  const tags = Tagger.for(doc);
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: (page) => continuationHeader(page, fonts, data),
    tagger: tags,
  });

  letterhead(cursor, fonts, data);
  cursor.y -= 26;
  cursor.tag("H1", () => cursor.text("Stellungnahme", { font: bold, size: 21, color: COLORS.accent }));
  cursor.y -= 18;
  paragraph(
    cursor,
    regular,
    BODY,
    `An ${data.authorityName}: Stellungnahme im Beteiligungsverfahren${data.round > 1 ? ` (${data.round}. Runde)` : ""} zum Bauantrag mit dem Aktenzeichen ${data.fileNumber}.`,
  );
  cursor.y -= 8;
  keyPanel(cursor, fonts, data);

  sectionTitle(cursor, bold, "Vorhaben");
  cursor.tag("Table", () => {
    drawParticular(cursor, fonts, PARTICULARS, "Vorhaben", [data.projectTitle || "–"]);
    if (data.municipality) drawParticular(cursor, fonts, PARTICULARS, "Gemeinde", [data.municipality]);
    drawParticular(cursor, fonts, PARTICULARS, "Anfrage", [
      data.question,
      `Rechtsgrundlage: ${data.legalBasis}`,
    ]);
  });

  sectionTitle(cursor, bold, "Ergebnis");
  paragraph(cursor, bold, 12, data.outcomeLabel);

  drawConditions(cursor, fonts, data);

  sectionTitle(cursor, bold, "Begründung");
  const reasons = data.reasons.trim() ? data.reasons : "Keine Begründung angegeben.";
  for (const p of reasons.split(/\n\s*\n/)) {
    paragraph(cursor, regular, BODY, p.replace(/\s*\n\s*/g, " ").trim());
    cursor.y -= 4;
  }

  drawAttachments(cursor, fonts, data);

  drawSignature(cursor, fonts, data);

  const total = cursor.pages.length;
  cursor.pages.forEach((page, i) => {
    footer(page, fonts, `Stellungnahme · ${data.agency.name} · Az. ${data.fileNumber}`, i + 1, total);
  });
  setOutline(doc, headingOutline(tags.finish()), { openPanel: false });

  setDocumentInfo(doc, regular, data);
  return doc.save({ useObjectStreams: true });
}

/** The numbered Nebenbestimmungen (only when there are any). */
function drawConditions(cursor: PageCursor, fonts: Fonts, data: StatementPdfData) {
  const { regular, bold } = fonts;
  if (data.conditions.length > 0) {
    sectionTitle(cursor, bold, `Nebenbestimmungen (${data.conditions.length})`);
    cursor.tag("L", () =>
      data.conditions.forEach((c, i) => {
        const head = `${i + 1}. ${c.kindLabel}`;
        cursor.ensure(lh(BODY) * 3);
        cursor.tag("LI", () => {
          cursor.tag("Lbl", () => cursor.text(head, { font: bold, size: BODY }));
          cursor.y -= lh(BODY);
          cursor.tag("LBody", () => {
            indented(cursor, regular, BODY, c.text, 14);
            if (c.legalBasis?.trim())
              indented(
                cursor,
                regular,
                BODY - 1,
                `Rechtsgrundlage: ${c.legalBasis.trim()}`,
                14,
                COLORS.muted,
              );
          });
        });
        cursor.y -= 4;
      }),
    );
  }
}

/** The attachments with size and SHA-256, so it is clear which files were sent. */
function drawAttachments(cursor: PageCursor, fonts: Fonts, data: StatementPdfData) {
  const { regular, bold } = fonts;
  sectionTitle(cursor, bold, `Anlagen (${data.attachments.length})`);
  if (data.attachments.length === 0) paragraph(cursor, regular, BODY, "Keine Anlagen.");
  cursor.tag("L", () =>
    data.attachments.forEach((a, i) => {
      cursor.ensure(lh(BODY) * 2 + 4);
      cursor.tag("LI", () =>
        cursor.tag("LBody", () => {
          paragraph(cursor, regular, BODY, `${i + 1}. ${a.filename} (${formatSize(a.sizeBytes)})`);
          cursor.tag("P", () =>
            cursor.text(`SHA-256 ${a.sha256}`, {
              x: cursor.left + 14,
              font: fonts.mono,
              size: 6.4,
              color: COLORS.muted,
            }),
          );
        }),
      );
      cursor.y -= lh(BODY);
    }),
  );
}

/** Date, author and agency, and the note that an electronic statement needs no signature. */
function drawSignature(cursor: PageCursor, fonts: Fonts, data: StatementPdfData) {
  const { regular, bold } = fonts;
  cursor.y -= 14;
  cursor.ensure(lh(BODY) * 3);
  paragraph(cursor, regular, BODY, `${formatDate(data.submittedAt)}, im Auftrag`);
  paragraph(cursor, bold, BODY, data.author);
  paragraph(cursor, regular, BODY, data.agency.name);
  cursor.y -= 6;
  paragraph(
    cursor,
    regular,
    7.5,
    `Elektronisch abgegeben über das Portal am ${formatReceivedAt(data.submittedAt)}; ohne Unterschrift gültig. ` +
      "Die SHA-256-Prüfsummen weisen nach, welche Anlagen genau übermittelt wurden.",
    COLORS.muted,
  );
}

function setDocumentInfo(doc: PDFDocument, regular: PDFFont, data: StatementPdfData) {
  doc.setTitle(`Stellungnahme ${data.agency.name} – Az. ${data.fileNumber}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.agency.name));
  doc.setSubject(`Stellungnahme zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, "Stellungnahme"]);
  doc.setCreator(`Bauantrag Stellungnahme ${STATEMENT_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.submittedAt);
  doc.setModificationDate(data.submittedAt);
  finishAsPdfA(doc, {
    conformance: "U",
    fileNumber: data.fileNumber,
    idSeed: pdfIdSeed("statement", data),
    accessible: true,
  });
}

function letterhead(cursor: PageCursor, { regular, bold }: Fonts, data: StatementPdfData) {
  const { page, left, right } = cursor;
  page.drawRectangle({ x: left, y: cursor.y - 4, width: 4, height: 30, color: COLORS.accent });
  const x = left + 12;
  let y = cursor.y + 14;
  cursor.tag("P", () => {
    for (const line of wrap(bold, 12.5, data.agency.name, cursor.contentWidth - 150)) {
      cursor.text(line, { x, y, font: bold, size: 12.5, color: COLORS.accent });
      y -= 15;
    }
  });
  cursor.tag("P", () => {
    for (const line of [data.agency.addressLine, data.agency.email].filter((s): s is string => Boolean(s))) {
      cursor.text(line, { x, y: y + 1, font: regular, size: 8.5, color: COLORS.muted });
      y -= 11;
    }
  });
  const tag = "Beteiligung · Stellungnahme";
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

function keyPanel(cursor: PageCursor, { regular, bold }: Fonts, data: StatementPdfData) {
  const height = 50;
  const { page, left } = cursor;
  const top = cursor.y;
  page.drawRectangle({ x: left, y: top - height, width: cursor.contentWidth, height, color: COLORS.panel });
  page.drawRectangle({ x: left, y: top - height, width: 3, height, color: COLORS.accent });
  const col2 = left + cursor.contentWidth * 0.56;
  cursor.tag("P", () => {
    cursor.text("Aktenzeichen", { x: left + 14, y: top - 15, font: regular, size: 8, color: COLORS.muted });
    cursor.text(data.fileNumber, { x: left + 14, y: top - 36, font: bold, size: 17 });
  });
  cursor.tag("P", () => {
    cursor.text("Abgegeben am", { x: col2, y: top - 15, font: regular, size: 8, color: COLORS.muted });
    cursor.text(formatReceivedAt(data.submittedAt), { x: col2, y: top - 33, font: bold, size: 12.5 });
  });
  cursor.y = top - height;
}

function continuationHeader(page: PDFPage, { regular }: Fonts, data: StatementPdfData): number {
  const y = A4.height - MARGIN.top;
  page.drawText(clean(regular, `Stellungnahme ${data.agency.name} · Az. ${data.fileNumber} (Fortsetzung)`), {
    x: MARGIN.left,
    y,
    font: regular,
    size: 8,
    color: COLORS.muted,
  });
  return y - 24;
}

function footer(page: PDFPage, { regular }: Fonts, label: string, n: number, total: number) {
  drawPageFooter(page, regular, {
    margin: MARGIN,
    y: MARGIN.bottom - 30,
    label,
    page: n,
    total,
    ruleThickness: 0.4,
  });
}

function sectionTitle(cursor: PageCursor, bold: PDFFont, title: string) {
  cursor.y -= 17;
  if (cursor.ensure(60)) cursor.y -= 4;
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

function paragraph(
  cursor: PageCursor,
  font: PDFFont,
  size: number,
  text: string,
  color: (typeof COLORS)[keyof typeof COLORS] = COLORS.text,
) {
  indented(cursor, font, size, text, 0, color);
}

function indented(
  cursor: PageCursor,
  font: PDFFont,
  size: number,
  text: string,
  indent: number,
  color: (typeof COLORS)[keyof typeof COLORS] = COLORS.text,
) {
  for (const raw of text.split(/\r?\n/)) {
    const lines = wrap(font, size, raw, cursor.contentWidth - indent);
    cursor.tag("P", () => {
      for (const line of lines.length > 0 ? lines : [""]) {
        cursor.ensure(lh(size));
        cursor.text(line, { x: cursor.left + indent, font, size, color });
        cursor.y -= lh(size);
      }
    });
  }
}

/** The particulars (Vorhaben, Gemeinde, Anfrage). */
const PARTICULARS: ParticularsStyle = { size: BODY, lineHeight: lh(BODY), labelWidth: LABEL_WIDTH, gap: 3 };
