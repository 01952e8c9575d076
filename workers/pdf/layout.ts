import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
    bytes = readFileSync(path.join(FONT_DIR, file));
    fontBytes.set(file, bytes);
  }
  return bytes;
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

/** Splits text into lines no wider than maxWidth; words longer than a line are broken by character. */
export function wrap(font: PDFFont, size: number, text: string, maxWidth: number): string[] {
  const words = clean(font, text).split(" ").filter(Boolean);
  if (words.length === 0) return [""];
  const width = (s: string) => font.widthOfTextAtSize(s, size);
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
