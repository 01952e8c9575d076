import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import fontkit from "@pdf-lib/fontkit";
import { type PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import "./deflate";
import { type ElementOptions, type StructRole, Tagger } from "./tagging";

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

/**
 * The embedded faces. Names carry a fixed subset tag ("XXXXXX+", ISO 32000-1 9.6.4: a subset's
 * name begins with six capitals and "+"), so readers and PDF/A checkers see a subset; fixed
 * (instead of pdf-lib's random suffix) keeps the output byte-identical per input.
 */
const FACES = {
  regular: { file: "NotoSans-Regular.woff", name: "BAUREG+NotoSans-Regular" },
  bold: { file: "NotoSans-Bold.woff", name: "BAUBLD+NotoSans-Bold" },
  mono: { file: "DejaVuSansMono.ttf", name: "BAUMON+DejaVuSansMono" },
} as const;
export type Face = keyof typeof FACES;

type FontkitFont = ReturnType<typeof fontkit.create>;
type GlyphRun = ReturnType<FontkitFont["layout"]>;

/** Map with a size bound: the oldest entry goes when full (enough for per-process caches). */
function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
  return value;
}

/**
 * fontkit with a memory, so embedding a font costs next to nothing after the first document:
 * - pdf-lib parses the font file again for every document (`fontkit.create` per embedFont), and
 *   the first layout then parses Noto Sans' large GSUB/GPOS tables again (~250 ms a document).
 *   One parsed instance per font file now serves every document of the process; pdf-lib only
 *   reads it (each document gets its own `createSubset()`).
 * - Shaping (`layout`) of the same string gives the same glyph run; stamps, footers and headings
 *   repeat the same strings on every document, so runs are cached per font (bounded).
 * - A subset's bytes depend only on the glyphs in it; fontkit writes them through a stream that
 *   waits a timer tick per chunk. Subsets with the same glyph list (the stamp on every plan of a
 *   decision) reuse the bytes.
 * Together they took stamping single-sheet plans with an embedded font from ~4 to >200 sheets/s.
 */
const parsedFonts = new WeakMap<Uint8Array, FontkitFont>();
const memoFontkit: typeof fontkit = {
  ...fontkit,
  create(buffer: Uint8Array, postscriptName?: string) {
    if (postscriptName) return fontkit.create(buffer, postscriptName);
    let font = parsedFonts.get(buffer);
    if (!font) {
      font = withCaches(fontkit.create(buffer));
      parsedFonts.set(buffer, font);
    }
    return font;
  },
};

interface ByteStream {
  on(event: "data" | "end" | "error", fn: (arg?: unknown) => void): ByteStream;
}

function withCaches(font: FontkitFont): FontkitFont {
  // fontkit caches glyph objects by id with the code points of the first request. Encoding a
  // subset asks for the parts of composite glyphs without code points ("·" is built from the
  // glyph of "."), and on a shared font that glyph object then reached the next document without
  // them: its ToUnicode map lost ".", and pdftotext read "18 06 2026". A later request that
  // knows the code points fills them in.
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = ((id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && codePoints?.length && glyph.codePoints.length === 0) glyph.codePoints = codePoints;
    return glyph;
  }) as FontkitFont["getGlyph"];

  const runs = new Map<string, GlyphRun>();
  const layout = font.layout.bind(font);
  font.layout = ((text: string, features?: unknown, ...rest: unknown[]) => {
    if (features !== undefined || rest.length > 0) return layout(text, features as never, ...(rest as []));
    return runs.get(text) ?? boundedSet(runs, text, layout(text), 5000);
  }) as FontkitFont["layout"];

  const subsets = new Map<string, Promise<Uint8Array>>();
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    // fontkit's Subset keeps the included glyph ids in `glyphs`; its typings omit it.
    const glyphIds = (subset as unknown as { glyphs: number[] }).glyphs;
    const encodeStream = subset.encodeStream.bind(subset) as unknown as () => ByteStream;
    subset.encodeStream = (() => {
      // The glyph list before encoding (encoding adds the parts of composite glyphs itself).
      const key = glyphIds.join(",");
      let bytes = subsets.get(key);
      if (!bytes) {
        bytes = new Promise<Uint8Array>((resolve, reject) => {
          const parts: Uint8Array[] = [];
          encodeStream()
            .on("data", (chunk) => parts.push(chunk as Uint8Array))
            .on("end", () => resolve(Buffer.concat(parts)))
            .on("error", reject);
        });
        boundedSet(subsets, key, bytes, 64);
        bytes.catch(() => subsets.delete(key));
      }
      return replay(bytes);
    }) as unknown as typeof subset.encodeStream;
    return subset;
  };
  return font;
}

/** The small part of a readable stream pdf-lib uses (`on('data' | 'end' | 'error')`). */
function replay(bytes: Promise<Uint8Array>): ByteStream {
  const handlers: Record<string, ((arg?: unknown) => void)[]> = { data: [], end: [], error: [] };
  bytes.then(
    (b) => {
      for (const fn of handlers.data ?? []) fn(b);
      for (const fn of handlers.end ?? []) fn();
    },
    (err) => {
      for (const fn of handlers.error ?? []) fn(err);
    },
  );
  const stream: ByteStream = {
    on(event, fn) {
      handlers[event]?.push(fn);
      return stream;
    },
  };
  return stream;
}

/**
 * Embeds the product's fonts as subsets (only the glyphs used end up in the file), once per
 * document: every page of the document shares the same font objects. `faces` limits which
 * fonts are embedded (the stamp needs no monospace face); the others are left out of the result.
 */
export async function embedFonts(doc: PDFDocument): Promise<Fonts>;
export async function embedFonts<F extends Face>(
  doc: PDFDocument,
  faces: readonly F[],
): Promise<Pick<Fonts, F>>;
export async function embedFonts(
  doc: PDFDocument,
  faces: readonly Face[] = ["regular", "bold", "mono"],
): Promise<Partial<Fonts>> {
  doc.registerFontkit(memoFontkit);
  const out: Partial<Fonts> = {};
  for (const face of faces) {
    const { file, name } = FACES[face];
    out[face] = await doc.embedFont(readFont(file), { subset: true, customName: name });
  }
  return out;
}

/*
 * Per-font caches below are keyed by the font's name, not the PDFFont object: every document
 * gets new PDFFont objects, but a name always stands for the same font file (FACES, fixed
 * customName), so the character set and advances carry over from one document to the next.
 */
const charsets = new Map<string, Set<number>>();

/**
 * Makes user text drawable: whitespace and control characters become single blanks, characters
 * the font has no glyph for become "?" (instead of an invisible .notdef box), NFC so "ä" typed as
 * a + combining mark still finds its glyph.
 */
export function clean(font: PDFFont, text: string): string {
  let set = charsets.get(font.name);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font.name, set);
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

const advances = new Map<string, Map<string, number>>();

/**
 * Width of (cleaned) text from cached per-character advances. pdf-lib's widthOfTextAtSize runs
 * fontkit's full shaping each call, which made word wrapping the slowest part of rendering.
 */
export function textWidth(font: PDFFont, text: string, size: number): number {
  let map = advances.get(font.name);
  if (!map) {
    map = new Map();
    advances.set(font.name, map);
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
  /**
   * Tags what the cursor draws (tagging.ts): text goes to the current structure element, all
   * other drawing becomes an artifact. Without one the document is drawn untagged.
   */
  tagger?: Tagger;
}

const UNTAGGED = Tagger.off();

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

  /** The document's tagger (a disabled one when the document is drawn untagged). */
  get tags(): Tagger {
    return this.options.tagger ?? UNTAGGED;
  }

  /** Runs `draw` inside a new structure element (heading, paragraph, list, table cell …). */
  tag<T>(role: StructRole, draw: () => T, options?: ElementOptions): T {
    return this.tags.within(role, draw, options);
  }

  private addPage(): PDFPage {
    const page = this.options.doc.addPage([A4.width, A4.height]);
    this.tags.beginPage(page);
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
    const text = clean(opts.font, s);
    const page = this.page;
    const y = opts.y ?? this.y;
    this.tags.content(
      page,
      () =>
        page.drawText(text, {
          x: opts.x ?? this.left,
          y,
          font: opts.font,
          size: opts.size,
          color: opts.color ?? COLORS.text,
        }),
      text,
      y + opts.size,
    );
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

/**
 * A table's header row: tagged TR with TH cells (/Scope /Column) the first time; where the header
 * is repeated on a continuation page it is drawn as an artifact (the same header again is no content).
 */
export function tableHeaderRow(cursor: PageCursor, repeated: boolean, cells: (() => void)[]) {
  if (repeated) {
    cursor.tags.artifact(() => {
      for (const cell of cells) cell();
    });
    return;
  }
  cursor.tag("TR", () => {
    for (const cell of cells) cursor.tag("TH", cell, { scope: "Column" });
  });
}

/** One line of a table cell, already wrapped (`wrap`) to the column. */
export interface CellLine {
  text: string;
  font: PDFFont;
  size: number;
  color?: ReturnType<typeof rgb>;
}

/** Wrapped lines of one font, size and colour, ready for `drawCellLines`. */
export function cellLines(
  font: PDFFont,
  size: number,
  text: string,
  width: number,
  color?: ReturnType<typeof rgb>,
): CellLine[] {
  return wrap(font, size, text, width).map((line) => ({ text: line, font, size, color }));
}

/** Draws a cell's lines from the row's top down, `lineHeight` apart (the caller tags the cell). */
export function drawCellLines(
  cursor: PageCursor,
  lines: CellLine[],
  x: number,
  top: number,
  lineHeight: number,
) {
  lines.forEach((line, n) => {
    cursor.text(line.text, {
      x,
      y: top - n * lineHeight,
      font: line.font,
      size: line.size,
      color: line.color,
    });
  });
}

/** Text whose right edge is at `right` (amounts, version numbers). */
export function drawRightAligned(
  cursor: PageCursor,
  text: string,
  o: { right: number; y: number; font: PDFFont; size: number; color?: ReturnType<typeof rgb> },
) {
  cursor.text(text, {
    x: o.right - textWidth(o.font, text, o.size),
    y: o.y,
    font: o.font,
    size: o.size,
    color: o.color,
  });
}

export interface ColumnTableOptions<R> {
  header: {
    /** Column titles; `right` aligns a title's right edge at `x`. */
    cells: { text: string; x: number; right?: boolean }[];
    font: PDFFont;
    size: number;
    /** Height of the shaded band behind the titles. */
    band: number;
    /** How far the header moves the cursor down. */
    advance: number;
  };
  rows: readonly R[];
  /** Height of a row; a row that does not fit goes to the next page, under the header again. */
  rowHeight(row: R): number;
  /** The row's cells from left to right (each one tagged TD), drawn from `top` down. */
  cells(row: R, top: number, index: number): (() => void)[];
  /** Height that must fit before the header is drawn; default the header with the first row. */
  keepTogether?: number;
  /** The thin rule under a row: how far above the next row's top it is drawn. */
  ruleOffset: number;
  /** Space below the rule. */
  gap: number;
  /** Rows after the body (e.g. a total), drawn inside the table. */
  foot?: () => void;
}

/**
 * A table of columns, the way every letter draws one: a shaded header row (TR/TH, repeated as an
 * artifact on a continuation page), the header never alone at a page end, rows that move to the
 * next page whole, and a thin rule under each row. Cells are TD elements.
 */
export function drawColumnTable<R>(cursor: PageCursor, o: ColumnTableOptions<R>): void {
  const { font, size } = o.header;
  const header = (repeated: boolean) => {
    const y = cursor.y;
    cursor.page.drawRectangle({
      x: cursor.left,
      y: y - 5,
      width: cursor.contentWidth,
      height: o.header.band,
      color: COLORS.panel,
    });
    tableHeaderRow(
      cursor,
      repeated,
      o.header.cells.map((cell) => () => {
        if (cell.right) drawRightAligned(cursor, cell.text, { right: cell.x, y: y + 0.5, font, size });
        else cursor.text(cell.text, { x: cell.x, y: y + 0.5, font, size });
      }),
    );
    cursor.y -= o.header.advance;
  };
  const first = o.rows[0];
  cursor.ensure(o.keepTogether ?? o.header.advance + (first === undefined ? 0 : o.rowHeight(first)));
  cursor.tag("Table", () => {
    header(false);
    o.rows.forEach((row, i) => {
      const height = o.rowHeight(row);
      if (cursor.ensure(height)) header(true);
      const top = cursor.y;
      cursor.tag("TR", () => {
        for (const cell of o.cells(row, top, i)) cursor.tag("TD", cell);
      });
      cursor.y = top - height + 4;
      cursor.page.drawLine({
        start: { x: cursor.left, y: cursor.y + o.ruleOffset },
        end: { x: cursor.right, y: cursor.y + o.ruleOffset },
        thickness: 0.3,
        color: COLORS.rule,
      });
      cursor.y -= o.gap;
    });
    o.foot?.();
  });
}

export interface LabelledRowOptions {
  label: string;
  labelFont: PDFFont;
  labelSize: number;
  /** The values, each wrapped on its own; the first set in `fonts.first`, the others in `fonts.rest`. */
  values: string[];
  fonts: { first: PDFFont; rest: PDFFont };
  size: number;
  valueX: number;
  /** Distance from one value line to the next. */
  lineHeight: number;
  /** Room a line needs on the page (default `lineHeight`). */
  lineRoom?: number;
  /** Rows of up to this many lines stay on one page; longer ones may break between lines. */
  keepLines: number;
  /** Repeats the label as "… (Forts.)" (an artifact) where the row continues on a new page. */
  repeatLabel?: boolean;
  /** Space below the row. */
  gap: number;
}

/**
 * One row of a letter's table of particulars: the label is the row's header cell (TH /Scope /Row),
 * the wrapped values its data cell. The caller opens the Table.
 */
export function drawLabelledRow(cursor: PageCursor, o: LabelledRowOptions): void {
  const fontOf = (i: number) => (i === 0 ? o.fonts.first : o.fonts.rest);
  const width = cursor.right - o.valueX;
  const lines = o.values.flatMap((v, i) =>
    wrap(fontOf(i), o.size, v, width).map((text) => ({ text, font: fontOf(i) })),
  );
  const room = o.lineRoom ?? o.lineHeight;
  const labelStyle = { font: o.labelFont, size: o.labelSize, color: COLORS.muted };
  cursor.ensure(Math.min(lines.length, o.keepLines) * room);
  cursor.tag("TR", () => {
    cursor.tag("TH", () => cursor.text(o.label, labelStyle), { scope: "Row" });
    cursor.tag("TD", () => {
      for (const line of lines) {
        if (cursor.ensure(room) && o.repeatLabel) {
          cursor.tags.artifact(() => cursor.text(`${o.label} (Forts.)`, labelStyle));
        }
        cursor.text(line.text, { x: o.valueX, font: line.font, size: o.size });
        cursor.y -= o.lineHeight;
      }
    });
  });
  cursor.y -= o.gap;
}

/** How a letter sets its particulars: value size, distance between lines, label column, space below a row. */
export interface ParticularsStyle {
  size: number;
  lineHeight: number;
  labelWidth: number;
  gap: number;
  /** Repeats the label as "… (Forts.)" where a row continues on a new page. */
  repeatLabel?: boolean;
}

/**
 * A particulars row as the letters set it: the label half a point smaller and regular, the first
 * value bold (regular with emphasis "none"), the others regular; rows of up to six lines stay on
 * one page, longer ones (many Flurstücke) may break.
 */
export function drawParticular(
  cursor: PageCursor,
  { regular, bold }: Fonts,
  style: ParticularsStyle,
  label: string,
  values: string[],
  emphasis: "first" | "none" = "first",
): void {
  drawLabelledRow(cursor, {
    label,
    labelFont: regular,
    labelSize: style.size - 0.5,
    values,
    fonts: { first: emphasis === "first" ? bold : regular, rest: regular },
    size: style.size,
    valueX: cursor.left + style.labelWidth,
    lineHeight: style.lineHeight,
    keepLines: 6,
    repeatLabel: style.repeatLabel,
    gap: style.gap,
  });
}

// ---- letters: letterhead and DIN 5008 address block ---------------------------------------------

/**
 * "Feldstraße 85a, 17489 Greifswald" -> ["Feldstraße 85a", "17489 Greifswald"]: street and town
 * on their own lines (DIN 5008). A line without a recognisable postcode stays as it is.
 */
export function splitAddressLine(line: string | null | undefined): string[] {
  const s = (line ?? "").trim();
  if (!s) return [];
  const m = /^(.*?),\s*(\d{5}\s+.+)$/u.exec(s);
  return m ? [(m[1] as string).trim(), (m[2] as string).trim()] : [s];
}

export interface LetterSender {
  name: string;
  /** Organisational unit ("Fachdienst Bauordnung"); absent: "Bauaufsichtsbehörde". */
  orgUnit?: string | null;
  addressLine?: string | null;
  phone?: string | null;
  email?: string | null;
  officeHours?: string | null;
}

export interface LetterheadInput {
  sender: LetterSender;
  /** Recipient: name first, then address lines (street, "PLZ Ort" on separate lines). */
  recipient: string[];
  /** Below the recipient, small ("Zum Abruf im Bauantragsportal bereitgestellt": § 41 Abs. 2a VwVfG, Bekanntgabe by retrieval). */
  deliveryNote?: string | null;
  /** Reference rows on the right (Aktenzeichen, Datum, …), after the sender's contact rows. */
  references: [label: string, value: string, strong?: boolean][];
}

const INFO_LABEL = 8;
const INFO_VALUE = 9;

/**
 * Letterhead shared by the letters (Bescheid, Nachforderung): the authority's name with its
 * organisational unit, a DIN 5008 address field on the left (return line, recipient with street
 * and town on separate lines) and the information block on the right (unit, phone, e-mail,
 * office hours, references). An e-mail address is never broken: it is set smaller until it fits.
 * Leaves the cursor below the lower of both blocks.
 */
export function drawLetterhead(cursor: PageCursor, fonts: Fonts, input: LetterheadInput): void {
  const y = drawSenderHeading(cursor, fonts, input.sender);
  const addressBottom = drawAddressField(cursor, fonts, input, y);
  const infoBottom = drawInfoBlock(cursor, fonts, input, y - 22);
  cursor.y = Math.min(addressBottom, infoBottom) - 4;
}

/** The authority's name (accent bar) and unit, ruled off; returns the y of the rule. */
function drawSenderHeading(cursor: PageCursor, { regular, bold }: Fonts, s: LetterSender): number {
  const { page, left, right } = cursor;
  const unit = s.orgUnit?.trim() || "Bauaufsichtsbehörde";
  const nameLines = wrap(bold, 14, s.name, cursor.contentWidth - 40);
  let y = cursor.y + 8;
  page.drawRectangle({
    x: left - 14,
    y: y - (nameLines.length - 1) * 17 - 4,
    width: 4,
    height: nameLines.length * 17 + 16,
    color: COLORS.accent,
  });
  cursor.tag("P", () => {
    for (const line of nameLines) {
      cursor.text(line, { x: left, y, font: bold, size: 14, color: COLORS.accent });
      y -= 17;
    }
  });
  cursor.tag("P", () =>
    cursor.text(unit, { x: left, y: y + 2, font: regular, size: 10, color: COLORS.muted }),
  );
  y -= 10;
  page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.6, color: COLORS.rule });
  return y;
}

/** DIN 5008 address field (return line, recipient, delivery note); returns the y below it. */
function drawAddressField(
  cursor: PageCursor,
  { regular, bold }: Fonts,
  input: LetterheadInput,
  y: number,
): number {
  const { page, left } = cursor;
  const s = input.sender;
  // Address field: DIN 5008 form B puts it 45 mm (127.6 pt) below the top edge, 85 mm wide.
  const fieldTop = Math.min(y - 22, A4.height - 127.6);
  const addressWidth = 240;
  const senderLines = [s.name, ...splitAddressLine(s.addressLine)];
  const returnText = clean(regular, senderLines.join(" · "));
  const returnSize = Math.max(5, Math.min(7, (7 * addressWidth) / textWidth(regular, returnText, 7)));
  cursor.tag("P", () =>
    cursor.text(wrap(regular, returnSize, returnText, addressWidth)[0] ?? "", {
      y: fieldTop,
      font: regular,
      size: returnSize,
      color: COLORS.muted,
    }),
  );
  page.drawLine({
    start: { x: left, y: fieldTop - 3 },
    end: { x: left + addressWidth, y: fieldTop - 3 },
    thickness: 0.4,
    color: COLORS.rule,
  });
  let ay = fieldTop - 20;
  cursor.tag("P", () =>
    input.recipient.forEach((line, i) => {
      for (const part of wrap(i === 0 ? bold : regular, 10.5, line, addressWidth)) {
        cursor.text(part, { y: ay, font: i === 0 ? bold : regular, size: 10.5 });
        ay -= 14;
      }
    }),
  );
  const deliveryNote = input.deliveryNote;
  if (deliveryNote) {
    ay -= 4;
    cursor.tag("P", () => {
      for (const part of wrap(regular, 7.5, deliveryNote, addressWidth)) {
        cursor.text(part, { y: ay, font: regular, size: 7.5, color: COLORS.muted });
        ay -= 10;
      }
    });
  }
  return ay;
}

/** The information block on the right (contact rows, then references) from `top`; returns the y below it. */
function drawInfoBlock(
  cursor: PageCursor,
  { regular, bold }: Fonts,
  input: LetterheadInput,
  top: number,
): number {
  const { left, right } = cursor;
  const s = input.sender;
  const infoX = left + 270;
  const valueX = infoX + 66;
  const valueWidth = right - valueX;
  let iy = top;
  type Row = { label: string; value: string; strong: boolean; whole: boolean };
  const rows: Row[] = [
    ...(s.addressLine ? [{ label: "Anschrift", value: s.addressLine, strong: false, whole: false }] : []),
    ...(s.phone ? [{ label: "Telefon", value: s.phone, strong: false, whole: true }] : []),
    ...(s.email ? [{ label: "E-Mail", value: s.email, strong: false, whole: true }] : []),
    ...(s.officeHours ? [{ label: "Sprechzeiten", value: s.officeHours, strong: false, whole: false }] : []),
    ...input.references.map(([label, value, strong]) => ({
      label,
      value,
      strong: strong === true,
      whole: false,
    })),
  ];
  // A table of two columns for assistive technology: each label a row header (TH, /Scope /Row).
  cursor.tag("Table", () => {
    for (const row of rows) cursor.tag("TR", () => drawInfoRow(row));
  });
  function drawInfoRow(row: Row) {
    const font = row.strong ? bold : regular;
    cursor.tag(
      "TH",
      () => cursor.text(row.label, { x: infoX, y: iy, font: regular, size: INFO_LABEL, color: COLORS.muted }),
      { scope: "Row" },
    );
    cursor.tag("TD", () => drawInfoValue(row, font));
    iy -= 1.5;
  }
  function drawInfoValue(row: Row, font: PDFFont) {
    if (row.whole) {
      // Never broken (e-mail, phone): beside the label when it fits, else on its own line across
      // the whole block, set smaller only as a last resort.
      if (textWidth(font, row.value, INFO_VALUE) <= valueWidth) {
        cursor.text(row.value, { x: valueX, y: iy, font, size: INFO_VALUE });
      } else {
        iy -= 11;
        const width = right - infoX;
        const size = Math.min(
          INFO_VALUE,
          (INFO_VALUE * width) / Math.max(1, textWidth(font, row.value, INFO_VALUE)),
        );
        cursor.text(row.value, { x: infoX, y: iy, font, size });
      }
      iy -= 12.5;
    } else {
      const parts = row.label === "Anschrift" ? splitAddressLine(row.value) : [row.value];
      for (const p of parts) {
        for (const part of wrap(font, INFO_VALUE, p, valueWidth)) {
          cursor.text(part, { x: valueX, y: iy, font, size: INFO_VALUE });
          iy -= 12.5;
        }
      }
    }
  }
  return iy;
}

/** "Im Auftrag" on its own line, the name below, then the authority small (DIN 5008 signature block). */
export function drawSignatureBlock(
  cursor: PageCursor,
  { regular, bold }: Fonts,
  o: { name: string | null; authority: string; size: number },
): void {
  const lh = o.size * 1.4;
  cursor.ensure(lh * 4 + 10);
  cursor.tag("P", () => {
    cursor.text("Im Auftrag", { font: regular, size: o.size });
    cursor.y -= lh + 2;
    if (o.name) {
      cursor.text(o.name, { font: bold, size: o.size });
      cursor.y -= lh;
    }
    cursor.text(o.authority, { font: regular, size: o.size - 1.5, color: COLORS.muted });
    cursor.y -= lh;
  });
}
