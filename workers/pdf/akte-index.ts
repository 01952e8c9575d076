import { PDFDocument, type PDFFont } from "pdf-lib";
import { formatDateTime } from "~/domain/format";
import { COLORS, clean, drawPageFooter, embedFonts, type Fonts, PageCursor, textWidth, wrap } from "./layout";
import { finishAsPdfA, pdfIdSeed } from "./pdfa";

/**
 * Aktenverzeichnis: the human-readable index of an Akte export (issue 16 item 4). Lists the case's
 * key data, every file with its place in the ZIP, size and SHA-256 (files that were listed but not
 * packed say why), and the history. A pure function of its input; PDF/A-2u like our letters
 * (embedded fonts, XMP, OutputIntent). The worker seals the result with the authority's seal.
 */
export const AKTE_INDEX_RENDERER_VERSION = "1.0.0";

export interface AkteIndexFile {
  section: string;
  title: string;
  type: string;
  /** "v2" for document versions. */
  version?: number;
  filename: string;
  /** Place in the ZIP; null when not packed. */
  path: string | null;
  created: Date;
  sizeBytes: number | null;
  sha256: string | null;
  /** Why it is listed but not in the ZIP. */
  notExportedReason?: string;
  /** False: the stored bytes differ from the hash recorded at upload. */
  matchesRecord: boolean | null;
}

export interface AkteIndexData {
  authority: { name: string; addressLine?: string | null };
  fileNumber: string;
  applicationId: string;
  title: string;
  statusLabel: string;
  procedure: string;
  facts: [label: string, value: string][];
  exportedAt: Date;
  exportedBy: string;
  files: AkteIndexFile[];
  history: { createdAt: Date; label: string; actor: string | null }[];
}

const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 };
const BODY = 9;
const SMALL = 7.5;
const LABEL_WIDTH = 120;

function lineHeight(size: number) {
  return size * 1.38;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Byte`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toLocaleString("de-DE", { maximumFractionDigits: 0 })} KB`;
  return `${(kb / 1024).toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

export async function renderAkteIndex(data: AkteIndexData): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const { regular, bold } = fonts;
  const cursor = new PageCursor({
    doc,
    margin: MARGIN,
    onContinuationPage: (page) => {
      const y = page.getHeight() - MARGIN.top;
      page.drawText(clean(regular, `Aktenverzeichnis · Az. ${data.fileNumber}`), {
        x: MARGIN.left,
        y,
        font: regular,
        size: SMALL,
        color: COLORS.muted,
      });
      return y - 22;
    },
  });

  // Head: the authority, the title, the facts a reader checks first.
  cursor.text(data.authority.name, { font: bold, size: 12, color: COLORS.accent });
  cursor.y -= 13;
  if (data.authority.addressLine) {
    cursor.text(data.authority.addressLine, { font: regular, size: SMALL, color: COLORS.muted });
    cursor.y -= 10;
  }
  cursor.y -= 22;
  cursor.text("Aktenverzeichnis", { font: bold, size: 21, color: COLORS.accent });
  cursor.y -= 18;
  paragraph(
    cursor,
    regular,
    BODY,
    "Vollständige Akte des Bauantrags zur Übergabe an ein Dokumentenmanagementsystem oder Archiv. " +
      "Die Datei akte.json enthält dieselben Angaben maschinenlesbar, SHA256SUMS die Prüfsummen aller Dateien " +
      "(prüfbar mit „sha256sum -c SHA256SUMS“).",
  );
  cursor.y -= 6;

  section(cursor, bold, "Angaben zum Fall");
  labelled(cursor, fonts, "Aktenzeichen", data.fileNumber);
  labelled(cursor, fonts, "Vorhaben", data.title || "–");
  labelled(cursor, fonts, "Verfahrensart", data.procedure);
  labelled(cursor, fonts, "Stand des Verfahrens", data.statusLabel);
  for (const [label, value] of data.facts) labelled(cursor, fonts, label, value);
  labelled(cursor, fonts, "Exportiert am", formatDateTime(data.exportedAt));
  labelled(cursor, fonts, "Exportiert von", data.exportedBy);

  const sections = [...new Set(data.files.map((f) => f.section))];
  for (const name of sections) {
    section(cursor, bold, name);
    for (const f of data.files.filter((x) => x.section === name)) fileBlock(cursor, fonts, f);
  }
  if (data.files.length === 0) {
    section(cursor, bold, "Dateien");
    paragraph(cursor, regular, BODY, "Dieser Fall enthält keine Dateien.");
  }

  section(cursor, bold, "Verlauf");
  for (const e of data.history) {
    const when = formatDateTime(e.createdAt);
    const text = `${e.label}${e.actor ? ` – ${e.actor}` : ""}`;
    const lines = wrap(regular, BODY, text, cursor.contentWidth - LABEL_WIDTH);
    cursor.ensure(lines.length * lineHeight(BODY) + 2);
    cursor.text(when, { font: regular, size: BODY, color: COLORS.muted });
    for (const line of lines) {
      cursor.text(line, { x: cursor.left + LABEL_WIDTH, font: regular, size: BODY });
      cursor.y -= lineHeight(BODY);
    }
  }

  const total = cursor.pages.length;
  cursor.pages.forEach((page, i) => {
    drawPageFooter(page, regular, {
      margin: MARGIN,
      y: 36,
      label: `Aktenverzeichnis vom ${formatDateTime(data.exportedAt)} · Az. ${data.fileNumber}`,
      page: i + 1,
      total,
    });
  });

  doc.setTitle(`Aktenverzeichnis ${data.fileNumber}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, data.authority.name));
  doc.setSubject(`Aktenverzeichnis zum Bauantrag ${data.fileNumber}`);
  doc.setKeywords([data.fileNumber, data.applicationId, "Aktenverzeichnis"]);
  doc.setCreator(`Bauantrag Aktenverzeichnis ${AKTE_INDEX_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(data.exportedAt);
  doc.setModificationDate(data.exportedAt);
  finishAsPdfA(doc, { conformance: "U", fileNumber: data.fileNumber, idSeed: pdfIdSeed("akte-index", data) });
  return doc.save({ useObjectStreams: true });
}

function paragraph(cursor: PageCursor, font: PDFFont, size: number, text: string, color = COLORS.text) {
  for (const line of wrap(font, size, text, cursor.contentWidth)) {
    cursor.ensure(lineHeight(size));
    cursor.text(line, { font, size, color });
    cursor.y -= lineHeight(size);
  }
}

function section(cursor: PageCursor, bold: PDFFont, title: string) {
  cursor.y -= 14;
  if (cursor.ensure(70)) cursor.y -= 4;
  cursor.text(title, { font: bold, size: 12, color: COLORS.accent });
  cursor.y -= 5;
  cursor.page.drawLine({
    start: { x: cursor.left, y: cursor.y },
    end: { x: cursor.right, y: cursor.y },
    thickness: 0.5,
    color: COLORS.rule,
  });
  cursor.y -= 13;
}

function labelled(cursor: PageCursor, { regular, bold }: Fonts, label: string, value: string) {
  const lines = wrap(regular, BODY, value, cursor.contentWidth - LABEL_WIDTH);
  cursor.ensure(lines.length * lineHeight(BODY));
  cursor.text(label, { font: bold, size: BODY });
  for (const line of lines) {
    cursor.text(line, { x: cursor.left + LABEL_WIDTH, font: regular, size: BODY });
    cursor.y -= lineHeight(BODY);
  }
  cursor.y -= 1;
}

function fileBlock(cursor: PageCursor, { regular, bold, mono }: Fonts, f: AkteIndexFile) {
  const heading = `${f.version !== undefined ? `Fassung ${f.version} · ` : ""}${f.title}`;
  const headLines = wrap(bold, BODY, heading, cursor.contentWidth);
  const meta = [
    f.type,
    f.filename,
    formatDateTime(f.created),
    ...(f.sizeBytes !== null ? [formatSize(f.sizeBytes)] : []),
  ].join(" · ");
  const metaLines = wrap(regular, SMALL, meta, cursor.contentWidth);
  const status: string[] = [];
  if (f.path === null || f.sha256 === null) {
    status.push(`Nicht im Export enthalten: ${f.notExportedReason ?? "Datei nicht lesbar"}`);
  } else {
    status.push(`Im Export: ${f.path}`);
    if (f.matchesRecord === false) {
      status.push("Achtung: Die gespeicherte Datei weicht von der beim Eingang erfassten Prüfsumme ab.");
    }
  }
  const statusLines = status.flatMap((s) => wrap(regular, SMALL, s, cursor.contentWidth));
  const height =
    headLines.length * lineHeight(BODY) +
    (metaLines.length + statusLines.length + (f.sha256 ? 1 : 0)) * lineHeight(SMALL) +
    6;
  cursor.ensure(height);
  for (const line of headLines) {
    cursor.text(line, { font: bold, size: BODY });
    cursor.y -= lineHeight(BODY);
  }
  for (const line of metaLines) {
    cursor.text(line, { font: regular, size: SMALL, color: COLORS.muted });
    cursor.y -= lineHeight(SMALL);
  }
  const warn = f.path === null || f.matchesRecord === false;
  for (const line of statusLines) {
    cursor.text(line, { font: regular, size: SMALL, color: warn ? COLORS.warnRule : COLORS.text });
    cursor.y -= lineHeight(SMALL);
  }
  if (f.sha256) {
    const label = "SHA-256 ";
    cursor.text(label, { font: regular, size: SMALL, color: COLORS.muted });
    cursor.text(f.sha256, {
      x: cursor.left + textWidth(regular, label, SMALL),
      font: mono,
      size: 6.5,
      color: COLORS.muted,
    });
    cursor.y -= lineHeight(SMALL);
  }
  cursor.y -= 6;
}
