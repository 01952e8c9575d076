import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import fontkit from "@pdf-lib/fontkit";
import { type PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";

/**
 * Small layout toolkit shared by the PDF renderers: embedded fonts with German glyphs
 * (fixtures/fonts, see its README), text sanitising against the font's character set, word
 * wrapping that also breaks overlong words (file names, URLs), and a page cursor that starts a new
 * page when the next block does not fit.
 */

const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/fonts");

const fontBytes = new Map<string, Uint8Array>();
function readFont(file: string): Uint8Array {
  let bytes = fontBytes.get(file);
  if (!bytes) {
    const raw = readFileSync(path.join(FONT_DIR, file));
    bytes = file.endsWith(".woff") ? woffToSfnt(raw) : raw;
    fontBytes.set(file, bytes);
  }
  return bytes;
}

/**
 * Unpacks a WOFF 1.0 font into the plain TrueType/OpenType file it wraps (tables inflated with
 * node's zlib). fontkit can read WOFF itself, but inflates tables in JavaScript again and again
 * while subsetting: a receipt took ~10 s with the WOFF, well under one with the unpacked font.
 * Same glyphs and tables, only the container differs; done in memory, the files stay as shipped.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString("latin1", 0, 4) !== "wOFF") throw new Error("not a WOFF 1.0 font");
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: Buffer; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const entry = 44 + i * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : Buffer.from(stored);
    if (data.length !== origLength) throw new Error("WOFF table has the wrong length after inflating");
    tables.push({ tag: woff.subarray(entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), data });
  }
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const headerLength = 12 + numTables * 16;
  const padded = (n: number) => (n + 3) & ~3;
  const total = tables.reduce((sum, t) => sum + padded(t.data.length), headerLength);
  const out = Buffer.alloc(total);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let dataOffset = headerLength;
  tables.forEach((t, i) => {
    const record = 12 + i * 16;
    t.tag.copy(out, record);
    out.writeUInt32BE(t.checksum, record + 4);
    out.writeUInt32BE(dataOffset, record + 8);
    out.writeUInt32BE(t.data.length, record + 12);
    t.data.copy(out, dataOffset);
    dataOffset += padded(t.data.length);
  });
  return out;
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

export async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  doc.registerFontkit(fontkit);
  // Fixed names (instead of pdf-lib's random suffix) keep the output byte-identical per input.
  const [regular, bold, mono] = await Promise.all([
    doc.embedFont(readFont("NotoSans-Regular.woff"), { subset: true, customName: "NotoSans-Regular" }),
    doc.embedFont(readFont("NotoSans-Bold.woff"), { subset: true, customName: "NotoSans-Bold" }),
    doc.embedFont(readFont("DejaVuSansMono.ttf"), { subset: true, customName: "DejaVuSansMono" }),
  ]);
  return { regular, bold, mono };
}

const charsets = new WeakMap<PDFFont, Set<number>>();

/**
 * Makes user text drawable: whitespace and control characters become single blanks, characters
 * the font has no glyph for become "?" (instead of an invisible .notdef box), NFC so "ä" typed as
 * a + combining mark still finds its glyph.
 */
export function clean(font: PDFFont, text: string): string {
  let set = charsets.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  const normalised = String(text ?? "")
    .normalize("NFC")
    .replace(/[\s\p{Cc}\u2028\u2029]+/gu, " ")
    .trim();
  let out = "";
  for (const ch of normalised) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp === 0x20 || set.has(cp) ? ch : "?";
  }
  return out;
}

const advances = new WeakMap<PDFFont, Map<string, number>>();

/**
 * Width of (cleaned) text from cached per-character advances. pdf-lib's widthOfTextAtSize runs
 * fontkit's full shaping each call, which made word wrapping the slowest part of rendering.
 */
export function textWidth(font: PDFFont, text: string, size: number): number {
  let map = advances.get(font);
  if (!map) {
    map = new Map();
    advances.set(font, map);
  }
  let units = 0;
  for (const ch of text) {
    let w = map.get(ch);
    if (w === undefined) {
      w = font.widthOfTextAtSize(ch, 1000);
      map.set(ch, w);
    }
    units += w;
  }
  return (units * size) / 1000;
}

/** Splits text into lines no wider than maxWidth; words longer than a line are broken by character. */
export function wrap(font: PDFFont, size: number, text: string, maxWidth: number): string[] {
  const words = clean(font, text).split(" ").filter(Boolean);
  if (words.length === 0) return [""];
  const width = (s: string) => textWidth(font, s, size);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    if (width(word) <= maxWidth) {
      line = word;
      continue;
    }
    // Break an overlong word, preferring a position right after a separator.
    let rest = word;
    while (width(rest) > maxWidth) {
      const chars = Array.from(rest);
      let n = 1;
      while (n < chars.length && width(chars.slice(0, n + 1).join("")) <= maxWidth) n++;
      const head = chars.slice(0, n).join("");
      const sep = Math.max(
        head.lastIndexOf("_"),
        head.lastIndexOf("-"),
        head.lastIndexOf("."),
        head.lastIndexOf("/"),
      );
      const cut = sep >= Math.floor(n / 2) ? Array.from(head.slice(0, sep + 1)).length : n;
      lines.push(chars.slice(0, cut).join(""));
      rest = chars.slice(cut).join("");
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

export const A4 = { width: 595.28, height: 841.89 } as const;

export const COLORS = {
  text: rgb(0.1, 0.1, 0.12),
  muted: rgb(0.36, 0.38, 0.42),
  rule: rgb(0.75, 0.77, 0.8),
  accent: rgb(0.0, 0.2, 0.4),
  panel: rgb(0.94, 0.95, 0.97),
  warnPanel: rgb(1.0, 0.96, 0.88),
  warnRule: rgb(0.8, 0.52, 0.0),
} as const;

export interface CursorOptions {
  doc: PDFDocument;
  margin: { top: number; bottom: number; left: number; right: number };
  /** Draws the top of a continuation page and returns the y where content starts. */
  onContinuationPage: (page: PDFPage) => number;
}

/** Tracks the current page and vertical position; `ensure` starts a new page when needed. */
export class PageCursor {
  page: PDFPage;
  y: number;
  readonly pages: PDFPage[] = [];

  constructor(private readonly options: CursorOptions) {
    this.page = this.addPage();
    this.y = A4.height - options.margin.top;
  }

  get left(): number {
    return this.options.margin.left;
  }
  get right(): number {
    return A4.width - this.options.margin.right;
  }
  get contentWidth(): number {
    return this.right - this.left;
  }

  private addPage(): PDFPage {
    const page = this.options.doc.addPage([A4.width, A4.height]);
    this.pages.push(page);
    return page;
  }

  /** Room left on this page above the bottom margin. */
  room(): number {
    return this.y - this.options.margin.bottom;
  }

  /** Starts a new page unless `height` still fits; returns true when it broke the page. */
  ensure(height: number): boolean {
    if (this.room() >= height) return false;
    this.newPage();
    return true;
  }

  newPage(): void {
    this.page = this.addPage();
    this.y = this.options.onContinuationPage(this.page);
  }

  text(
    s: string,
    opts: { x?: number; font: PDFFont; size: number; color?: ReturnType<typeof rgb>; y?: number },
  ): void {
    this.page.drawText(clean(opts.font, s), {
      x: opts.x ?? this.left,
      y: opts.y ?? this.y,
      font: opts.font,
      size: opts.size,
      color: opts.color ?? COLORS.text,
    });
  }
}

export interface PageFooterOptions {
  /** Left and right page margins (the rule spans between them). */
  margin: { left: number; right: number };
  /** Baseline of the footer text. */
  y: number;
  /** Text on the left, e.g. "Bescheid vom … · Az. …". */
  label: string;
  page: number;
  total: number;
  /** Thickness of the rule above the footer. */
  ruleThickness?: number;
}

/** The footer every rendered letter shares: a rule, the label on the left, "Seite n von m" on the right. */
export function drawPageFooter(page: PDFPage, font: PDFFont, o: PageFooterOptions): void {
  const size = 7.5;
  page.drawLine({
    start: { x: o.margin.left, y: o.y + 12 },
    end: { x: A4.width - o.margin.right, y: o.y + 12 },
    thickness: o.ruleThickness ?? 0.5,
    color: COLORS.rule,
  });
  page.drawText(clean(font, o.label), { x: o.margin.left, y: o.y, font, size, color: COLORS.muted });
  const pageLabel = `Seite ${o.page} von ${o.total}`;
  page.drawText(pageLabel, {
    x: A4.width - o.margin.right - textWidth(font, pageLabel, size),
    y: o.y,
    font,
    size,
    color: COLORS.muted,
  });
}
