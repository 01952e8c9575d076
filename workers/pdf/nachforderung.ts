import { PDFDocument, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { countOf } from "~/domain/wording";
import {
  A4,
  COLORS,
  cellLines,
  clean,
  drawCellLines,
  drawColumnTable,
  drawLetterhead,
  drawPageFooter,
  drawSignatureBlock,
  embedFonts,
  type Fonts,
  type LetterSender,
  PageCursor,
  splitAddressLine,
  textWidth,
  wrap,
} from "./layout";
import { headingOutline, setOutline } from "./outline";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";
import { formatDate, formatParcel, type ReceiptParcel } from "./receipt";
import { Tagger } from "./tagging";

/**
 * The Nachforderung as a letter (issue 15 item 3): what the authority asks for, by when and what
 * happens otherwise, readable beside its XBau 0201. A pure function of its input like the other
 * renderers (same input, same bytes). Bump the version when the output changes.
 */
export const NACHFORDERUNG_RENDERER_VERSION = "1.1.0";

export interface NachforderungItem {
  /** "Bauvorlage fehlt" (XBau formellebefundeart). */
  category: string;
  /** The Bauvorlage concerned, as its German name ("Lageplan"), if any. */
  documentLabel?: string | null;
  message: string;
}

export interface NachforderungData {
  authority: LetterSender;
  fileNumber: string;
  requestId: string;
  /** Date of the letter (the request was sent). */
  sentAt: Date;
  deadline: Date;
  receivedAt: Date;
  clerkName: string | null;
  /** Addressee: the Bauherr:in; the Entwurfsverfasser:in gets it for information. */
  recipient: { name: string; address: string | null };
  copyTo: string | null;
  projectTitle: string;
  procedureLabel: string;
  plot: { address: string | null; municipality?: string | null; parcels: ReceiptParcel[] };
  /** The clerk's cover text (may be empty). */
  message: string;
  bylawReference: string | null;
  items: NachforderungItem[];
  /** Legal consequence of a missed deadline with its basis, from the Land profile. */
  consequence: string;
  caseUrl: string;
}

const MARGIN = { top: 48, bottom: 66, left: 62, right: 56 };
const BODY = 10.5;
const SMALL = 8.5;
const TABLE = 9.5;
const lh = (size: number) => size * 1.4;

export async function renderNachforderung(data: NachforderungData): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular } = fonts;
  const tags = Tagger.for(doc);
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: (page) => continuationHeader(page, fonts, data),
    tagger: tags,
  });
  drawLetterhead(cursor, fonts, {
    sender: data.authority,
    recipient: [data.recipient.name, ...splitAddressLine(data.recipient.address)],
    deliveryNote: "Zum Abruf im Bauantragsportal bereitgestellt",
    references: [
      ["Aktenzeichen", data.fileNumber, true],
      ["Datum", formatDate(data.sentAt)],
      ["Antrag vom", formatDate(data.receivedAt)],
      ...(data.clerkName ? ([["Bearbeitet von", data.clerkName]] as [string, string][]) : []),
    ],
  });

  drawSubjectAndIntro(cursor, fonts, data);
  cursor.y -= 8;
  drawItems(cursor, fonts, data.items);

  drawClosing(cursor, fonts, data);

  const total = cursor.pages.length;
  const footer = `Nachforderung vom ${formatDate(data.sentAt)} · Az. ${data.fileNumber}`;
  cursor.pages.forEach((page, i) => {
    drawPageFooter(page, regular, {
      margin: MARGIN,
      y: MARGIN.bottom - 32,
      label: footer,
      page: i + 1,
      total,
    });
  });
  setOutline(doc, headingOutline(tags.finish()), { openPanel: false });

  setDocumentInfo(doc, regular, data);
  return doc.save({ useObjectStreams: true });
}

/** Subject, site, salutation and the introduction with the clerk's own message. */
function drawSubjectAndIntro(cursor: PageCursor, fonts: Fonts, data: NachforderungData) {
  const { regular, bold } = fonts;
  cursor.y -= 26;
  const subject = `Nachforderung zu Ihrem Bauantrag – ${data.projectTitle}`;
  cursor.tag("H1", () => {
    for (const line of wrap(bold, 13, subject, cursor.contentWidth)) {
      cursor.text(line, { font: bold, size: 13, color: COLORS.accent });
      cursor.y -= 17;
    }
  });
  const site = [
    data.plot.address,
    data.plot.municipality ? `Gemeinde ${data.plot.municipality}` : null,
    ...data.plot.parcels.map(formatParcel),
  ]
    .filter(Boolean)
    .join(" · ");
  paragraph(cursor, regular, SMALL + 0.5, `${data.procedureLabel}${site ? ` · ${site}` : ""}`, COLORS.muted);
  cursor.y -= 10;

  paragraph(cursor, regular, BODY, "Sehr geehrte Damen und Herren,");
  cursor.y -= 6;
  paragraph(
    cursor,
    regular,
    BODY,
    `bei der Prüfung Ihres Bauantrags auf Vollständigkeit haben wir ${countOf(data.items.length, "item")} ` +
      "festgestellt, die Sie bitte ergänzen oder berichtigen. Erst wenn die Unterlagen vollständig sind, " +
      "beginnt die Bearbeitungsfrist.",
  );
  if (data.message.trim()) {
    cursor.y -= 6;
    for (const p of data.message.trim().split(/\n\s*\n/)) {
      paragraph(cursor, regular, BODY, p.replace(/\s*\n\s*/g, " "));
      cursor.y -= 4;
    }
  }
}

/** Deadline box, the way to answer, greeting, signature and the note on the electronic letter. */
function drawClosing(cursor: PageCursor, fonts: Fonts, data: NachforderungData) {
  const { regular } = fonts;
  cursor.y -= 10;
  deadlineBox(cursor, fonts, data);
  if (data.bylawReference) {
    cursor.y -= 4;
    paragraph(cursor, regular, BODY, `Die Nachforderung stützt sich auch auf: ${data.bylawReference}.`);
  }
  cursor.y -= 8;
  paragraph(
    cursor,
    regular,
    BODY,
    "Bitte reichen Sie die Unterlagen über das Bauantragsportal nach; dort sehen Sie jeden Punkt einzeln und können " +
      `ihn beantworten: ${data.caseUrl}`,
  );
  cursor.y -= 6;
  paragraph(cursor, regular, BODY, "Bei Fragen erreichen Sie uns zu den oben genannten Sprechzeiten.");
  cursor.y -= 8;
  paragraph(cursor, regular, BODY, "Mit freundlichen Grüßen");
  cursor.y -= 14;
  drawSignatureBlock(cursor, fonts, { name: data.clerkName, authority: data.authority.name, size: BODY });
  if (data.copyTo) {
    cursor.y -= 8;
    paragraph(cursor, regular, SMALL + 0.5, `Nachrichtlich: ${data.copyTo}`, COLORS.muted);
  }
  cursor.y -= 6;
  paragraph(
    cursor,
    regular,
    SMALL,
    "Dieses Schreiben wurde elektronisch erstellt und ist ohne Unterschrift gültig. Dieselben Punkte erhält Ihr " +
      "Planungsbüro als XBau-Nachricht (formelle Prüfung, 0201).",
    COLORS.muted,
  );
}

function setDocumentInfo(doc: PDFDocument, regular: PDFFont, data: NachforderungData) {
  doc.setTitle(`Nachforderung ${data.fileNumber}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.authority.name));
  doc.setSubject(`Nachforderung zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, data.requestId, "Nachforderung"]);
  doc.setCreator(`Bauantrag Nachforderung ${NACHFORDERUNG_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.sentAt);
  doc.setModificationDate(data.sentAt);
  finishAsPdfA(doc, {
    conformance: "U",
    fileNumber: data.fileNumber,
    idSeed: pdfIdSeed("nachforderung", data),
    accessible: true,
  });
}

function paragraph(cursor: PageCursor, font: PDFFont, size: number, text: string, color: RGB = COLORS.text) {
  const lines = wrap(font, size, text, cursor.contentWidth);
  if (lines.length <= 4) cursor.ensure(lines.length * lh(size));
  cursor.tag("P", () => {
    for (const line of lines) {
      cursor.ensure(lh(size));
      cursor.text(line, { font, size, color });
      cursor.y -= lh(size);
    }
  });
}

/** The findings as a table; the header is never left alone at a page end (it moves with row 1). */
function drawItems(cursor: PageCursor, { regular, bold }: Fonts, items: NachforderungItem[]) {
  const size = TABLE;
  const nrW = 24;
  const whatW = 150;
  const whatX = cursor.left + nrW;
  const msgX = whatX + whatW + 8;
  const msgW = cursor.right - msgX - 4;
  const rows = items.map((item) => {
    const what = [
      ...cellLines(bold, size, item.documentLabel?.trim() || item.category, whatW, COLORS.text),
      ...(item.documentLabel?.trim() ? cellLines(regular, size - 1, item.category, whatW, COLORS.muted) : []),
    ];
    const msg = cellLines(regular, size, item.message, msgW);
    return { what, msg, height: Math.max(what.length, msg.length) * lh(size) + 8 };
  });
  drawColumnTable(cursor, {
    header: {
      cells: [
        { text: "Nr.", x: cursor.left + 4 },
        { text: "Betrifft", x: whatX },
        { text: "Was fehlt oder zu ändern ist", x: msgX },
      ],
      font: bold,
      size,
      band: 18,
      advance: 20,
    },
    rows,
    rowHeight: (row) => row.height,
    cells: (row, top, i) => [
      () => cursor.text(`${i + 1}.`, { x: cursor.left + 4, y: top, font: regular, size }),
      () => drawCellLines(cursor, row.what, whatX, top, lh(size)),
      () => drawCellLines(cursor, row.msg, msgX, top, lh(size)),
    ],
    ruleOffset: 6,
    gap: 4,
  });
}

function deadlineBox(cursor: PageCursor, { regular, bold }: Fonts, data: NachforderungData) {
  const lines = wrap(regular, BODY, data.consequence, cursor.contentWidth - 20);
  const height = 22 + lh(BODY) * (lines.length + 1);
  cursor.ensure(height + 6);
  const top = cursor.y + 6;
  cursor.page.drawRectangle({
    x: cursor.left,
    y: top - height,
    width: cursor.contentWidth,
    height,
    color: COLORS.warnPanel,
    borderColor: COLORS.warnRule,
    borderWidth: 0.8,
  });
  cursor.y -= 8;
  cursor.tag("H2", () =>
    cursor.text(`Frist: ${formatDate(data.deadline)}`, { x: cursor.left + 10, font: bold, size: BODY + 1 }),
  );
  cursor.y -= lh(BODY) + 2;
  cursor.tag("P", () => {
    for (const line of lines) {
      cursor.text(line, { x: cursor.left + 10, font: regular, size: BODY });
      cursor.y -= lh(BODY);
    }
  });
  cursor.y = top - height - 4;
}

function continuationHeader(page: PDFPage, { regular, bold }: Fonts, data: NachforderungData): number {
  const y = A4.height - MARGIN.top + 8;
  page.drawText("Nachforderung", { x: MARGIN.left, y, font: bold, size: 9, color: COLORS.accent });
  const text = clean(regular, `Az. ${data.fileNumber} · ${data.authority.name}`);
  page.drawText(text, {
    x: A4.width - MARGIN.right - textWidth(regular, text, 8),
    y,
    font: regular,
    size: 8,
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
