import { PDFDocument, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { annexDocuments, CONDITION_KINDS, type ConditionKind } from "~/domain/decision";
import { CONDITION_GROUP_TITLES, type DecisionTenor } from "~/domain/decision-tenor";
import { formatEuro } from "~/domain/format";
import { formatIban, type PaymentDetails } from "~/domain/payment";
import { TERMS } from "~/domain/wording";
import {
  A4,
  COLORS,
  cellLines,
  clean,
  drawCellLines,
  drawColumnTable,
  drawLetterhead,
  drawPageFooter,
  drawParticular,
  drawRightAligned,
  drawSignatureBlock,
  embedFonts,
  type Fonts,
  type LetterSender,
  PageCursor,
  type ParticularsStyle,
  splitAddressLine,
  textWidth,
  wrap,
} from "./layout";
import { headingOutline, setOutline } from "./outline";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";
import { drawSiteParticulars, formatDate, type ReceiptParcel } from "./receipt";
import { Tagger } from "./tagging";

/**
 * The Bescheid (decision letter) as PDF. A pure function of its input like the receipt: fixed
 * metadata dates (the decision date), fixed font names, pdf-lib's seeded ids, so the same decision
 * renders to the same bytes and a stored Bescheid can be reproduced and checked by its sha256.
 * Bump BESCHEID_RENDERER_VERSION whenever the output changes for the same input.
 */
export const BESCHEID_RENDERER_VERSION = "2.1.0";

export interface BescheidParty {
  name: string;
  /** Address lines, Kammer number, e-mail. */
  details: string[];
}

export interface BescheidCondition {
  kind: ConditionKind;
  text: string;
  legalBasis?: string | null;
  /** Where it came from ("Untere Denkmalschutzbehörde, Stellungnahme vom 02.03.2026"). */
  sourceLabel?: string | null;
}

export interface BescheidFeeLine {
  label: string;
  basis: string;
  /** Tarifstelle ("Anlage 1 Nr. 1.1.2 BauGebVO M-V"). */
  tariff?: string | null;
  amountCents: number;
}

export interface BescheidDocument {
  typeCode: string;
  typeLabel: string;
  title: string;
  filename: string;
  versionNumber: number;
  sha256: string;
  /** Stamped into the approved plan set. */
  stamped: boolean;
}

export interface BescheidData {
  authority: LetterSender;
  fileNumber: string;
  applicationId: string;
  /** Date of the decision; also the PDF's creation date. */
  decidedAt: Date;
  receivedAt: Date;
  /** Name of the clerk who decided (signature block). */
  decidedBy: string | null;
  tenor: DecisionTenor;
  procedureLabel: string;
  projectTitle: string;
  measure?: string | null;
  bauherr: BescheidParty;
  entwurfsverfasser: BescheidParty | null;
  plot: { address: string | null; municipality?: string | null; parcels: ReceiptParcel[] };
  deviations: { text: string; legalBasis?: string | null }[];
  conditions: BescheidCondition[];
  /** Standard Hinweise of the Land profile (app/domain/decision-law.ts), printed with a permit. */
  notes?: { text: string; legalBasis: string }[];
  fee: {
    lines: BescheidFeeLine[];
    totalCents: number;
    constructionCostCents: number | null;
    /** Where the fee basis comes from. */
    basisSource?: string | null;
    /** Kassenzeichen, payee, IBAN, BIC, due date. */
    payment?: PaymentDetails | null;
    /** Who owes the fee (Kostenschuldner:in). */
    debtor?: string | null;
  };
  /** Validity from the Bekanntgabe (Land profile permitValidity); null when nothing is granted. */
  validity?: { years: number; extensionYears: number } | null;
  /** The Begründung: "1. Sachverhalt" … sections (app/domain/decision-reasons.ts reasonsToText). */
  reasons: string;
  legalRemedy: string;
  documents: BescheidDocument[];
  validUntil: Date | null;
  caseUrl: string;
}

/** Roman numerals for the section headings (I.–XII. is all a Bescheid needs). */
function roman(n: number): string {
  const table: [number, string][] = [
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let out = "";
  let rest = n;
  for (const [value, sym] of table) {
    while (rest >= value) {
      out += sym;
      rest -= value;
    }
  }
  return out;
}

/** The conditions in Bescheid order (grouped by kind, stable inside a group) with their numbers. */
export function numberConditions(
  conditions: BescheidCondition[],
): { kind: ConditionKind; items: { number: number; condition: BescheidCondition }[] }[] {
  let n = 0;
  return CONDITION_KINDS.map((kind) => ({
    kind,
    items: conditions.filter((c) => c.kind === kind).map((condition) => ({ number: ++n, condition })),
  })).filter((g) => g.items.length > 0);
}

// ---- layout constants (points; A4 is 595 x 842) -------------------------------------------------

const MARGIN = { top: 48, bottom: 66, left: 62, right: 56 };
const BODY = 10;
const LEADING = 1.4;
const SMALL = 8;
const TABLE = 9;
const LABEL_WIDTH = 122;
const lineHeight = (size: number) => size * LEADING;

export async function renderBescheid(data: BescheidData): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular, bold } = fonts;
  const tags = Tagger.for(doc);
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: (page) => drawContinuationHeader(page, fonts, data),
    tagger: tags,
  });

  drawLetterhead(cursor, fonts, {
    sender: data.authority,
    recipient: [
      data.bauherr.name,
      ...data.bauherr.details.filter((d) => !d.includes("@")).flatMap((d) => splitAddressLine(d)),
    ],
    deliveryNote: "Zum Abruf im Bauantragsportal bereitgestellt",
    references: [
      ["Aktenzeichen", data.fileNumber, true],
      ...(data.fee.payment?.reference
        ? ([["Kassenzeichen", data.fee.payment.reference, true]] as [string, string, boolean][])
        : []),
      ["Datum", formatDate(data.decidedAt)],
      ["Antrag vom", formatDate(data.receivedAt)],
      ...(data.decidedBy ? ([["Bearbeitet von", data.decidedBy]] as [string, string][]) : []),
    ],
  });

  // Subject line and title.
  cursor.y -= 30;
  cursor.tag("H1", () => cursor.text(data.tenor.title, { font: bold, size: 19, color: COLORS.accent }));
  cursor.y -= 15;
  paragraph(
    cursor,
    regular,
    BODY,
    `Bescheid nach ${data.tenor.legalBasis} · ${data.procedureLabel}`,
    COLORS.muted,
  );
  cursor.y -= 6;

  drawParticulars(cursor, fonts, data);

  let section = 0;
  const next = (title: string) => `${roman(++section)}. ${title}`;

  sectionTitle(cursor, bold, next("Entscheidung"));
  paragraph(cursor, bold, BODY, data.tenor.text);
  cursor.y -= 3;
  paragraph(cursor, regular, SMALL + 0.5, `Rechtsgrundlage: ${data.tenor.legalBasis}`, COLORS.muted);

  drawDeviations(cursor, fonts, data, next);
  drawConditionsAndNotes(cursor, fonts, data, next);

  sectionTitle(cursor, bold, next("Gebühren"));
  drawFeeTable(cursor, fonts, data.fee);

  if (data.tenor.grants) {
    sectionTitle(cursor, bold, next("Geltungsdauer"), 50);
    paragraph(cursor, regular, BODY, validitySentence(data));
  }

  sectionTitle(cursor, bold, next("Begründung"));
  reasonsBlock(cursor, fonts, data.reasons || "–");

  sectionTitle(cursor, bold, next("Rechtsbehelfsbelehrung"));
  paragraphs(cursor, regular, data.legalRemedy || "–");

  drawSignature(cursor, fonts, data);
  drawDocumentList(cursor, fonts, data.documents);

  const total = cursor.pages.length;
  const footer = `${data.tenor.title} vom ${formatDate(data.decidedAt)} · Az. ${data.fileNumber}`;
  cursor.pages.forEach((page, i) => {
    drawFooter(page, fonts, footer, i + 1, total);
  });
  setOutline(doc, headingOutline(tags.finish()), { openPanel: false });

  setDocumentInfo(doc, regular, data);
  return doc.save({ useObjectStreams: true });
}

/** The table of particulars under the title: project, parties, plot, parcels. */
function drawParticulars(cursor: PageCursor, fonts: Fonts, data: BescheidData) {
  cursor.tag("Table", () => {
    drawParticular(cursor, fonts, PARTICULARS, "Vorhaben", [
      data.projectTitle || "–",
      ...(data.measure ? [`Art der Maßnahme: ${data.measure}`] : []),
    ]);
    drawParticular(cursor, fonts, PARTICULARS, TERMS.bauherr, [
      data.bauherr.name || "–",
      ...data.bauherr.details,
    ]);
    if (data.entwurfsverfasser) {
      drawParticular(cursor, fonts, PARTICULARS, TERMS.entwurfsverfasser, [
        data.entwurfsverfasser.name || "–",
        ...data.entwurfsverfasser.details,
      ]);
    }
    drawSiteParticulars(cursor, fonts, PARTICULARS, data.plot);
  });
}

/** Section "Zugelassene Abweichungen" (only when there are any). */
function drawDeviations(
  cursor: PageCursor,
  fonts: Fonts,
  data: BescheidData,
  next: (title: string) => string,
) {
  const { regular, bold } = fonts;
  if (data.deviations.length > 0) {
    sectionTitle(cursor, bold, next("Zugelassene Abweichungen"));
    paragraph(
      cursor,
      regular,
      BODY,
      "Folgende Abweichungen von bauaufsichtlichen Anforderungen werden zugelassen:",
    );
    cursor.y -= 2;
    cursor.tag("L", () =>
      data.deviations.forEach((d, i) => {
        numberedItem(
          cursor,
          fonts,
          `A${i + 1}`,
          d.text,
          d.legalBasis ? [`Rechtsgrundlage: ${d.legalBasis}`] : [],
        );
      }),
    );
  }
}

/** Nebenbestimmungen grouped by kind and numbered through, then the general notes of a permit. */
function drawConditionsAndNotes(
  cursor: PageCursor,
  fonts: Fonts,
  data: BescheidData,
  next: (title: string) => string,
) {
  const { bold } = fonts;
  const groups = numberConditions(data.conditions);
  const notes = data.tenor.grants ? (data.notes ?? []) : [];
  if (groups.length > 0 || notes.length > 0) {
    sectionTitle(cursor, bold, next(groups.length > 0 ? "Nebenbestimmungen und Hinweise" : "Hinweise"));
    for (const group of groups) {
      cursor.ensure(lineHeight(BODY) * 4);
      cursor.y -= 2;
      cursor.tag("H3", () =>
        cursor.text(CONDITION_GROUP_TITLES[group.kind], { font: bold, size: BODY + 0.5 }),
      );
      cursor.y -= lineHeight(BODY) + 1;
      cursor.tag("L", () => {
        for (const { number, condition } of group.items) {
          const notes = [
            ...(condition.legalBasis ? [`Rechtsgrundlage: ${condition.legalBasis}`] : []),
            ...(condition.sourceLabel ? [`Quelle: ${condition.sourceLabel}`] : []),
          ];
          numberedItem(cursor, fonts, `${number}.`, condition.text, notes);
        }
      });
    }
    if (notes.length > 0) {
      cursor.ensure(lineHeight(BODY) * 4);
      cursor.y -= 2;
      cursor.tag("H3", () => cursor.text("Allgemeine Hinweise", { font: bold, size: BODY + 0.5 }));
      cursor.y -= lineHeight(BODY) + 1;
      cursor.tag("L", () =>
        notes.forEach((n, i) => {
          numberedItem(cursor, fonts, `H${i + 1}`, n.text, [`Rechtsgrundlage: ${n.legalBasis}`]);
        }),
      );
    }
  }
}

/** Title, author, keywords, dates and the PDF/A identification of the Bescheid. */
function setDocumentInfo(doc: PDFDocument, regular: PDFFont, data: BescheidData) {
  const title = `${data.tenor.title} ${data.fileNumber}`;
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.authority.name));
  doc.setSubject(`${data.tenor.title} zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, data.applicationId, "Bescheid"]);
  doc.setCreator(`Bauantrag Bescheid ${BESCHEID_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.decidedAt);
  doc.setModificationDate(data.decidedAt);
  finishAsPdfA(doc, {
    conformance: "U",
    fileNumber: data.fileNumber,
    idSeed: pdfIdSeed("bescheid", data),
    accessible: true,
  });
}

// ---- parts --------------------------------------------------------------------------------------

const NUMBER_WORDS = ["null", "einem", "zwei", "drei", "vier", "fünf", "sechs"];
const inWords = (n: number, unit: [string, string]) =>
  `${NUMBER_WORDS[n] ?? String(n)} ${n === 1 ? unit[0] : unit[1]}`;

/**
 * Validity counted from the Bekanntgabe (the date of the Bekanntgabe is not known when the
 * Bescheid is written): "… erlischt, wenn innerhalb von drei Jahren nach ihrer Bekanntgabe …".
 */
export function validitySentence(data: Pick<BescheidData, "tenor" | "validity">): string {
  const v = data.validity;
  const basis = data.tenor.validityLegalBasis ? ` (${data.tenor.validityLegalBasis})` : "";
  if (!v) return `Die Geltungsdauer richtet sich nach den gesetzlichen Bestimmungen${basis}.`;
  return (
    `Die ${data.tenor.title} erlischt, wenn innerhalb von ${inWords(v.years, ["Jahr", "Jahren"])} nach ihrer Bekanntgabe ` +
    "mit der Ausführung des Vorhabens nicht begonnen oder die Ausführung länger als ein Jahr unterbrochen worden ist" +
    `${basis}. Die Frist kann auf schriftlichen Antrag jeweils um bis zu ${inWords(v.extensionYears, ["Jahr", "Jahre"])} ` +
    "verlängert werden; der Antrag muss vor Fristablauf bei der Bauaufsichtsbehörde eingehen."
  );
}

const REASON_HEADING = /^(\d+)\. (Sachverhalt|Rechtliche Würdigung|Nebenbestimmungen|Kosten)$/u;

/** The Begründung with its fixed section headings set bold. */
function reasonsBlock(cursor: PageCursor, fonts: Fonts, text: string) {
  const parts = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  parts.forEach((p, i) => {
    if (REASON_HEADING.test(p)) {
      cursor.y -= i > 0 ? 8 : 0;
      cursor.ensure(lineHeight(BODY) * 4);
      cursor.tag("H3", () => cursor.text(p, { font: fonts.bold, size: BODY + 0.5 }));
      cursor.y -= lineHeight(BODY) + 2;
      return;
    }
    if (i > 0) cursor.y -= 4;
    for (const line of p.split("\n")) paragraph(cursor, fonts.regular, BODY, line);
  });
}

function sectionTitle(cursor: PageCursor, bold: PDFFont, title: string, keepWith = 64) {
  cursor.y -= 16;
  if (cursor.ensure(keepWith)) cursor.y -= 4;
  cursor.tag("H2", () => cursor.text(title, { font: bold, size: 11.5, color: COLORS.accent }));
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
  color: RGB = COLORS.text,
  indent = 0,
) {
  const lines = wrap(font, size, text, cursor.contentWidth - indent);
  if (lines.length <= 4) cursor.ensure(lines.length * lineHeight(size));
  cursor.tag("P", () => {
    for (const line of lines) {
      cursor.ensure(lineHeight(size));
      cursor.text(line, { x: cursor.left + indent, font, size, color });
      cursor.y -= lineHeight(size);
    }
  });
}

/** Free text with blank-line separated paragraphs (reasons, legal remedy). */
function paragraphs(cursor: PageCursor, font: PDFFont, text: string) {
  const parts = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  parts.forEach((p, i) => {
    if (i > 0) cursor.y -= 4;
    for (const line of p.split("\n")) paragraph(cursor, font, BODY, line);
  });
}

/** The particulars (Vorhaben, Bauherr, Baugrundstück …). */
const PARTICULARS: ParticularsStyle = {
  size: BODY,
  lineHeight: lineHeight(BODY),
  labelWidth: LABEL_WIDTH,
  gap: 2,
  repeatLabel: true,
};

/** "3.  Text …" with a hanging indent and muted note lines (legal basis, source). */
function numberedItem(cursor: PageCursor, { regular }: Fonts, label: string, text: string, notes: string[]) {
  const indent = 24;
  const width = cursor.contentWidth - indent;
  const lh = lineHeight(BODY);
  const lines = wrap(regular, BODY, text, width);
  const noteLines = notes.flatMap((n) => wrap(regular, SMALL, n, width));
  // Keep short items together; long ones flow over pages line by line.
  if (lines.length + noteLines.length <= 6)
    cursor.ensure(lines.length * lh + noteLines.length * lineHeight(SMALL));
  else cursor.ensure(lh * 2);
  cursor.tag("LI", () => {
    cursor.tag("Lbl", () => cursor.text(label, { font: regular, size: BODY }));
    cursor.tag("LBody", () => {
      for (const line of lines) {
        cursor.ensure(lh);
        cursor.text(line, { x: cursor.left + indent, font: regular, size: BODY });
        cursor.y -= lh;
      }
      for (const line of noteLines) {
        cursor.ensure(lineHeight(SMALL));
        cursor.text(line, { x: cursor.left + indent, font: regular, size: SMALL, color: COLORS.muted });
        cursor.y -= lineHeight(SMALL);
      }
    });
  });
  cursor.y -= 4;
}

function drawFeeTable(cursor: PageCursor, fonts: Fonts, fee: BescheidData["fee"]) {
  const { regular, bold } = fonts;
  const size = TABLE;
  const lh = lineHeight(size);
  const amountWidth = 78;
  const labelWidth = 150;
  const tariffWidth = 110;
  const tariffX = cursor.left + labelWidth + 8;
  const basisX = tariffX + tariffWidth + 6;
  const basisWidth = cursor.right - amountWidth - basisX - 6;
  const amountRight = cursor.right - 4;

  if (fee.constructionCostCents !== null) {
    paragraph(
      cursor,
      regular,
      BODY,
      `Anrechenbarer Bauwert: ${formatEuro(fee.constructionCostCents)}` +
        (fee.basisSource?.trim() ? ` (Quelle: ${fee.basisSource.trim()})` : ""),
    );
    cursor.y -= 4;
  }
  const rows = fee.lines.map((line) => {
    const label = cellLines(regular, size, line.label, labelWidth);
    const tariff = cellLines(regular, size, line.tariff?.trim() || "–", tariffWidth);
    const basis = cellLines(regular, size, line.basis, basisWidth, COLORS.muted);
    const height = Math.max(label.length, tariff.length, basis.length) * lh + 6;
    return { label, tariff, basis, height, amount: clean(regular, formatEuro(line.amountCents)) };
  });
  const headerAdvance = 19;
  drawColumnTable(cursor, {
    header: {
      cells: [
        { text: "Gebührentatbestand", x: cursor.left + 4 },
        { text: "Tarifstelle", x: tariffX },
        { text: "Berechnung", x: basisX },
        { text: "Betrag", x: amountRight, right: true },
      ],
      font: bold,
      size: size - 0.5,
      band: 17,
      advance: headerAdvance,
    },
    rows,
    rowHeight: (row) => row.height,
    // Header and first row stay together, with the total when the table is that short.
    keepTogether: headerAdvance + (rows[0] ? rows[0].height : 0) + lh + 8,
    cells: (row, top) => [
      () => drawCellLines(cursor, row.label, cursor.left + 4, top, lh),
      () => drawCellLines(cursor, row.tariff, tariffX, top, lh),
      () => drawCellLines(cursor, row.basis, basisX, top, lh),
      () => drawRightAligned(cursor, row.amount, { right: amountRight, y: top, font: regular, size }),
    ],
    ruleOffset: 8,
    gap: 3,
    foot: () => {
      cursor.ensure(lh + 8);
      const total = clean(bold, formatEuro(fee.totalCents));
      cursor.tag("TR", () => {
        cursor.tag(
          "TH",
          () => cursor.text("Gesamtbetrag", { x: cursor.left + 4, font: bold, size: size + 0.5 }),
          { scope: "Row", colSpan: 3 },
        );
        cursor.tag("TD", () =>
          drawRightAligned(cursor, total, { right: amountRight, y: cursor.y, font: bold, size: size + 0.5 }),
        );
      });
    },
  });
  cursor.page.drawLine({
    start: { x: cursor.right - amountWidth, y: cursor.y - 4 },
    end: { x: cursor.right, y: cursor.y - 4 },
    thickness: 0.8,
    color: COLORS.text,
  });
  cursor.y -= lh + 6;
  if (fee.debtor) {
    paragraph(cursor, regular, BODY, `${TERMS.costDebtor}: ${fee.debtor}.`);
    cursor.y -= 2;
  }
  if (fee.totalCents > 0) drawPaymentBlock(cursor, fonts, fee.payment ?? null, fee.totalCents);
}

/** The payment instructions as a framed block: what to pay, to whom, until when, with which reference. */
function drawPaymentBlock(
  cursor: PageCursor,
  fonts: Fonts,
  payment: PaymentDetails | null,
  totalCents: number,
) {
  const { regular, bold } = fonts;
  const rows: [string, string][] = [
    ["Betrag", formatEuro(totalCents)],
    ["Zahlbar bis", payment?.dueAt ? formatDate(payment.dueAt) : "einen Monat nach Bekanntgabe"],
    ["Empfänger", payment?.payee?.trim() || "(in der Verwaltung nicht hinterlegt)"],
    ["IBAN", payment?.iban ? formatIban(payment.iban) : "(in der Verwaltung nicht hinterlegt)"],
    ...(payment?.bic ? ([["BIC", payment.bic]] as [string, string][]) : []),
    [
      "Verwendungszweck",
      payment?.reference ? `Kassenzeichen ${payment.reference}` : "Aktenzeichen des Bescheids",
    ],
  ];
  const lh = lineHeight(BODY);
  const height = rows.length * lh + 28;
  cursor.ensure(height + 4);
  const top = cursor.y + 4;
  cursor.page.drawRectangle({
    x: cursor.left,
    y: top - height,
    width: cursor.contentWidth,
    height,
    color: COLORS.panel,
    borderColor: COLORS.rule,
    borderWidth: 0.5,
  });
  cursor.y -= 8;
  cursor.tag("H3", () => cursor.text("Zahlungshinweis", { x: cursor.left + 8, font: bold, size: BODY }));
  cursor.y -= lh + 2;
  cursor.tag("Table", () => {
    for (const [label, value] of rows) {
      cursor.tag("TR", () => {
        cursor.tag(
          "TH",
          () =>
            cursor.text(label, { x: cursor.left + 8, font: regular, size: BODY - 1, color: COLORS.muted }),
          { scope: "Row" },
        );
        cursor.tag("TD", () =>
          cursor.text(value, {
            x: cursor.left + 118,
            font: label === "Verwendungszweck" ? bold : regular,
            size: BODY,
          }),
        );
      });
      cursor.y -= lh;
    }
  });
  cursor.y = top - height - 8;
  paragraph(
    cursor,
    regular,
    SMALL + 0.5,
    "Die Gebühr wird mit der Bekanntgabe dieses Bescheids fällig. Bitte geben Sie bei der Überweisung das Kassenzeichen an; " +
      "nur so kann die Zahlung zugeordnet werden.",
    COLORS.muted,
  );
}

function drawSignature(cursor: PageCursor, fonts: Fonts, data: BescheidData) {
  cursor.y -= 18;
  drawSignatureBlock(cursor, fonts, { name: data.decidedBy, authority: data.authority.name, size: BODY });
  cursor.y -= 4;
  paragraph(
    cursor,
    fonts.regular,
    SMALL,
    "Dieser Bescheid wurde elektronisch erlassen und ist ohne Unterschrift gültig. Die als zugehörig gekennzeichneten " +
      "Bauvorlagen sind Bestandteil des Bescheids; ihre SHA-256-Prüfsummen weisen nach, welche Fassungen genau gemeint sind.",
    COLORS.muted,
  );
}

function drawDocumentList(cursor: PageCursor, fonts: Fonts, all: BescheidDocument[]) {
  const { regular, bold, mono } = fonts;
  const documents = annexDocuments(all);
  sectionTitle(cursor, bold, `Anlage: Genehmigte Bauvorlagen (${documents.length})`);
  if (documents.length === 0) {
    paragraph(cursor, regular, BODY, "Dem Bescheid sind keine Bauvorlagen zugeordnet.");
    return;
  }
  const size = TABLE;
  const lh = lineHeight(size);
  const nrWidth = 22;
  const typeWidth = 150;
  const versionWidth = 60;
  const typeX = cursor.left + nrWidth;
  const fileX = typeX + typeWidth;
  const fileWidth = cursor.right - versionWidth - fileX - 6;
  const versionRight = cursor.right - 3;
  const rows = documents.map((d) => {
    const type = [
      ...cellLines(bold, size, d.typeLabel, typeWidth - 8, COLORS.text),
      ...(d.title && d.title.trim() !== d.typeLabel.trim()
        ? cellLines(regular, size, d.title, typeWidth - 8, COLORS.muted)
        : []),
    ];
    const file = cellLines(regular, size, d.filename, fileWidth);
    return { d, type, file, height: Math.max(type.length * lh, file.length * lh + 11) + 6 };
  });
  drawColumnTable(cursor, {
    header: {
      cells: [
        { text: "Nr.", x: cursor.left + 3 },
        { text: "Bauvorlage", x: typeX },
        { text: "Datei und SHA-256-Prüfsumme", x: fileX },
        { text: "Version", x: versionRight, right: true },
      ],
      font: bold,
      size: size - 0.5,
      band: 17,
      advance: 20,
    },
    rows,
    rowHeight: (row) => row.height,
    // Header and first row stay together (a first row of up to four lines plus its checksum).
    keepTogether: 20 + lh * 4 + 17,
    cells: ({ d, type, file }, top, i) => [
      () =>
        cursor.text(String(i + 1), { x: cursor.left + 3, y: top, font: regular, size, color: COLORS.muted }),
      () => drawCellLines(cursor, type, typeX, top, lh),
      () => {
        drawCellLines(cursor, file, fileX, top, lh);
        cursor.text(d.sha256, {
          x: fileX,
          y: top - file.length * lh - 1,
          font: mono,
          size: 6.3,
          color: COLORS.muted,
        });
      },
      () => {
        drawRightAligned(cursor, String(d.versionNumber), {
          right: versionRight,
          y: top,
          font: regular,
          size,
        });
        if (d.stamped) {
          drawRightAligned(cursor, "gestempelt", {
            right: versionRight,
            y: top - lh,
            font: regular,
            size: 6.5,
            color: COLORS.muted,
          });
        }
      },
    ],
    ruleOffset: 6,
    gap: 6,
  });
}

function drawContinuationHeader(page: PDFPage, { regular, bold }: Fonts, data: BescheidData): number {
  const y = A4.height - MARGIN.top + 8;
  page.drawText(clean(bold, data.tenor.title), {
    x: MARGIN.left,
    y,
    font: bold,
    size: 9,
    color: COLORS.accent,
  });
  const size = 8;
  const maxWidth = A4.width - MARGIN.left - MARGIN.right - 120;
  const text = wrap(regular, size, `Az. ${data.fileNumber} · ${data.authority.name}`, maxWidth)[0] ?? "";
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
  drawPageFooter(page, regular, { margin: MARGIN, y: MARGIN.bottom - 32, label, page: n, total });
}
