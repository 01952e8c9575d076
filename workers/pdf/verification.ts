import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  concatTransformationMatrix,
  type PDFDocument,
  type PDFFont,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from "pdf-lib";
import QRCode from "qrcode";
import { clean, embedFonts, textWidth, wrap } from "./layout";
import { appendTagged, drawArtifact } from "./tagging";

/**
 * The verification mark of an issued document: a QR code with the public check address
 * (/pruefen/<code>), the code in plain text, and who sealed the file when. Drawn onto the finished
 * PDF just before the seal (workers/pdf/seal.ts), as vectors (the QR is one path), with its own
 * embedded font subsets.
 *
 * Where: inside the page, in a free area found by rendering the page at low resolution with
 * poppler's pdftoppm (an empty rectangle at least 5 mm from every edge, preferring the bottom
 * right, as the reader sees the page — /Rotate is taken into account). Letters get it once (the
 * last page with room, searching backwards), packages on the first page with room, stamped plans
 * on every sheet. Where no page has room, a one-line text mark goes 5 mm above the bottom edge of
 * the last page and the result says so (`tight`).
 */

// --- Codes (made and read in app/domain/issued-documents.ts, shared with the check page) --------

import {
  formatVerificationCode,
  VERIFICATION_CODE_ALPHABET,
  VERIFICATION_CODE_LENGTH,
} from "~/domain/issued-documents";

export { normalizeVerificationCode, verificationUrl } from "~/domain/issued-documents";

/** A new verification code: 12 random Base32 characters (60 bits), shown as XXXX-XXXX-XXXX. */
export function newVerificationCode(): string {
  let out = "";
  for (const b of randomBytes(VERIFICATION_CODE_LENGTH)) out += VERIFICATION_CODE_ALPHABET[b & 31];
  return formatVerificationCode(out);
}

// --- Free area ---------------------------------------------------------------------------------

/** Rendering resolution for the free-area search (dpi): 1 px = 4 pt. */
const DPI = 18;
const PT_PER_PX = 72 / DPI;
/** At least 5 mm from every edge (printers clip closer to the edge). */
const EDGE_PT = 14.2;
/** Grey value below which a pixel counts as ink. */
const INK = 245;

export interface GreyPage {
  width: number;
  height: number;
  /** Row-major from the top, one byte per pixel. */
  data: Uint8Array;
}

function execFileBuffer(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { encoding: "buffer", maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

function parsePgm(buf: Buffer): GreyPage {
  // "P5\n<w> <h>\n<max>\n" then the pixels.
  const header = buf.subarray(0, 64).toString("latin1");
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error("pdftoppm lieferte kein PGM");
  const width = Number(m[1]);
  const height = Number(m[2]);
  const data = buf.subarray(m[0].length, m[0].length + width * height);
  if (data.length !== width * height) throw new Error("PGM unvollständig");
  return { width, height, data: new Uint8Array(data) };
}

/**
 * Renders the pages (1-based numbers) of a PDF at low resolution in grey, as the reader sees them:
 * one pdftoppm run for the whole range (starting it once per page cost three times as much).
 */
export async function renderGreyPages(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const out = new Map<number, GreyPage>();
  if (pages.length === 0) return out;
  const dir = await mkdtemp(path.join(tmpdir(), "bauantrag-mark-"));
  try {
    const file = path.join(dir, "in.pdf");
    await writeFile(file, pdf);
    const first = Math.min(...pages);
    const last = Math.max(...pages);
    await execFileBuffer("pdftoppm", [
      "-gray",
      "-r",
      String(DPI),
      "-f",
      String(first),
      "-l",
      String(last),
      file,
      path.join(dir, "p"),
    ]);
    // pdftoppm names the files p-<n>.pgm with n zero-padded to the width of the last page number.
    for (const name of await readdir(dir)) {
      const m = /^p-(\d+)\.pgm$/.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      if (pages.includes(n)) out.set(n, parsePgm(await readFile(path.join(dir, name))));
    }
    for (const n of pages) if (!out.has(n)) throw new Error(`Seite ${n} wurde nicht gerendert`);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface VisibleRect {
  /** From the visible bottom-left corner, in points. */
  x: number;
  y: number;
  width: number;
  height: number;
}

function inkTable(page: GreyPage): (x0: number, y0: number, x1: number, y1: number) => number {
  const { width: W, height: H, data } = page;
  // Summed-area table of ink pixels.
  const sat = new Int32Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += (data[y * W + x] as number) < INK ? 1 : 0;
      sat[(y + 1) * (W + 1) + x + 1] = (sat[y * (W + 1) + x + 1] as number) + row;
    }
  }
  return (x0, y0, x1, y1) =>
    (sat[y1 * (W + 1) + x1] as number) -
    (sat[y0 * (W + 1) + x1] as number) -
    (sat[y1 * (W + 1) + x0] as number) +
    (sat[y0 * (W + 1) + x0] as number);
}

/**
 * Scans every position of a `width`×`height` pt rectangle (one pixel clearance around) at least
 * 5 mm from every edge and returns the one with the least ink, nearest the bottom-right corner
 * (where title blocks sit) among equals; `maxInk` 0 asks for an empty one. Null when the page is
 * too small for the rectangle or nothing is within `maxInk`.
 */
function bestRect(page: GreyPage, width: number, height: number, maxInk: number): VisibleRect | null {
  const { width: W, height: H } = page;
  const inkIn = inkTable(page);
  const edge = Math.ceil(EDGE_PT / PT_PER_PX);
  const w = Math.ceil(width / PT_PER_PX) + 2;
  const h = Math.ceil(height / PT_PER_PX) + 2;
  let best: { left: number; top: number; ink: number; distance: number } | null = null;
  for (let top = H - edge - h; top >= edge; top--) {
    for (let left = W - edge - w; left >= edge; left--) {
      const ink = inkIn(left, top, left + w, top + h);
      if (ink > maxInk) continue;
      const distance = W - edge - (left + w) + (H - edge - (top + h));
      if (!best || ink < best.ink || (ink === best.ink && distance < best.distance)) {
        best = { left, top, ink, distance };
      }
    }
  }
  if (!best) return null;
  return {
    x: (best.left + 1) * PT_PER_PX,
    y: (H - best.top - h + 1) * PT_PER_PX,
    width,
    height,
  };
}

/**
 * An ink-free rectangle of `width`×`height` points on the rendered page, at least 5 mm (plus one
 * pixel of clearance) from every edge, the one nearest the bottom-right corner; null when none fits.
 */
export function findFreeRect(page: GreyPage, width: number, height: number): VisibleRect | null {
  return bestRect(page, width, height, 0);
}

/** Where a rectangle covers the least of the drawing (≥ 5 mm from the edges); null only when the page is too small. */
export function leastOccupiedRect(page: GreyPage, width: number, height: number): VisibleRect | null {
  return bestRect(page, width, height, Number.POSITIVE_INFINITY);
}

// --- Drawing -----------------------------------------------------------------------------------

interface MarkFonts {
  regular: PDFFont;
  bold: PDFFont;
}

/**
 * The product's Noto Sans through layout.ts (its parsed-font and subset caches make embedding
 * cheap), under subset tags of its own: the letter's subsets BAUREG+/BAUBLD+ hold other glyphs,
 * and ISO 32000-1 9.6.4 wants different subsets in one file to carry different tags.
 */
async function embedMarkFonts(doc: PDFDocument): Promise<MarkFonts> {
  const { regular, bold } = await embedFonts(doc, ["regular", "bold"]);
  renameSubset(regular, "BAUVRG+NotoSans-Regular");
  renameSubset(bold, "BAUVBD+NotoSans-Bold");
  return { regular, bold };
}

/** pdf-lib writes the font's name when the document is saved, from its embedder's customName. */
function renameSubset(font: PDFFont, name: string): void {
  (font as unknown as { embedder: { customName?: string } }).embedder.customName = name;
}

const MARK_COLOR = rgb(0.08, 0.22, 0.55);
const TEXT_COLOR = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.36, 0.38, 0.42);
const QR_SIZE = 54;
const PAD = 4;
const GAP = 7;
const TEXT_WIDTH = 176;
const MARK_WIDTH = PAD + QR_SIZE + GAP + TEXT_WIDTH + PAD;
const LEADING = 2.2;

interface MarkLine {
  text: string;
  font: PDFFont;
  size: number;
  color: ReturnType<typeof rgb>;
}

interface MarkLayout {
  lines: MarkLine[];
  width: number;
  height: number;
}

function layoutMark(fonts: MarkFonts, t: MarkText): MarkLayout {
  const lines: MarkLine[] = [];
  const add = (text: string, font: PDFFont, size: number, color = TEXT_COLOR, max = 1) => {
    for (const l of wrap(font, size, text, TEXT_WIDTH).slice(0, max))
      lines.push({ text: clean(font, l), font, size, color });
  };
  add("Elektronisch gesiegelt", fonts.bold, 7.5, MARK_COLOR);
  add(t.sealedBy, fonts.regular, 6.5, TEXT_COLOR, 2);
  add(`am ${berlinDateTime(t.sealedAt)}`, fonts.regular, 6.5);
  add(`Prüfcode ${t.code}`, fonts.bold, 7.5);
  // The address without the code (which is on the line above and in the QR code).
  const site = t.url.replace(/^https?:\/\//, "").replace(/\/[^/]*$/, "");
  add(`Echtheit prüfen: ${site}`, fonts.regular, 6, MUTED, 2);
  const textHeight = lines.reduce((sum, l) => sum + l.size + LEADING, 0);
  return { lines, width: MARK_WIDTH, height: PAD + Math.max(QR_SIZE, textHeight) + PAD };
}

/** The QR code as one SVG path of its dark modules (runs per row), `size` points wide. */
export function qrPath(text: string): { path: string; modules: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const parts: string[] = [];
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (!qr.modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && qr.modules.get(y, x)) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  }
  return { path: parts.join(""), modules: n };
}

export interface MarkText {
  code: string;
  url: string;
  /** "Landkreis … – Untere Bauaufsichtsbehörde". */
  sealedBy: string;
  sealedAt: Date;
}

function berlinDateTime(d: Date): string {
  const f = new Intl.DateTimeFormat("de-DE", {
    timeZone: "Europe/Berlin",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  return `${f.format(d).replace(",", "")} Uhr`;
}

/** Where the visible point (vx, vy) of a page lies in user space, and the angle that draws upright there. */
export function visibleToUser(
  page: PDFPage,
  vx: number,
  vy: number,
): { x: number; y: number; angle: number } {
  const { x: bx, y: by, width: w, height: h } = page.getCropBox();
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  switch (angle) {
    case 90:
      return { x: bx + w - vy, y: by + vx, angle };
    case 180:
      return { x: bx + w - vx, y: by + h - vy, angle };
    case 270:
      return { x: bx + vy, y: by + h - vx, angle };
    default:
      return { x: bx + vx, y: by + vy, angle: 0 };
  }
}

/** Runs `draw` in a coordinate system whose origin is the visible point (vx, vy), upright for the reader. */
export function drawUpright(page: PDFPage, vx: number, vy: number, draw: () => void): void {
  const { x, y, angle } = visibleToUser(page, vx, vy);
  const r = (angle * Math.PI) / 180;
  const cos = Math.round(Math.cos(r));
  const sin = Math.round(Math.sin(r));
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(cos, sin, -sin, cos, x, y));
  draw();
  page.pushOperators(popGraphicsState());
}

const wrapped = new WeakSet<PDFPage>();
/** The page's own content in q … Q, so a transformation it leaves behind cannot move the mark. */
export function isolateContent(page: PDFPage): void {
  if (wrapped.has(page)) return;
  const { context } = page.doc;
  const start = context.register(context.contentStream([pushGraphicsState()]));
  const end = context.register(context.contentStream([popGraphicsState()]));
  page.node.wrapContentStreams(start, end);
  wrapped.add(page);
}

function drawFullMark(page: PDFPage, at: VisibleRect, layout: MarkLayout, url: string): void {
  isolateContent(page);
  const qr = qrPath(url);
  const module = QR_SIZE / qr.modules;
  const doc = page.doc;
  drawUpright(page, at.x, at.y, () => {
    // Tagged files (our letters): frame an artifact, the QR a Figure with its address as /Alt,
    // the lines a paragraph; untagged files (stamped plans): all of it an artifact.
    drawArtifact(page, () =>
      page.drawRectangle({
        x: 0,
        y: 0,
        width: layout.width,
        height: layout.height,
        color: rgb(1, 1, 1),
        borderColor: MARK_COLOR,
        borderWidth: 0.6,
      }),
    );
    // SVG paths are drawn downwards from (x, y): start at the QR's top-left corner.
    const qrTop = layout.height - PAD;
    appendTagged(
      doc,
      page,
      "Figure",
      () => page.drawSvgPath(qr.path, { x: PAD, y: qrTop, scale: module, color: rgb(0, 0, 0) }),
      { alt: `QR-Code zur Prüfung des Dokuments: ${url}` },
    );
    const left = PAD + QR_SIZE + GAP;
    let y = layout.height - PAD;
    appendTagged(doc, page, "P", () => {
      for (const l of layout.lines) {
        y -= l.size;
        page.drawText(l.text, { x: left, y: y + 1, size: l.size, font: l.font, color: l.color });
        y -= LEADING;
      }
    });
  });
}

/** One line 5 mm above the bottom edge, centred: for pages without room for the full mark. */
function drawLineMark(page: PDFPage, fonts: MarkFonts, t: MarkText): void {
  isolateContent(page);
  const text = clean(
    fonts.regular,
    `Elektronisch gesiegelt · Prüfcode ${t.code} · ${t.url.replace(/^https?:\/\//, "")}`,
  );
  const size = 6;
  const width = textWidth(fonts.regular, text, size);
  const crop = page.getCropBox();
  const visibleWidth = page.getRotation().angle % 180 === 0 ? crop.width : crop.height;
  const vx = Math.max(EDGE_PT, (visibleWidth - width) / 2);
  drawUpright(page, vx, EDGE_PT, () => {
    drawArtifact(page, () =>
      page.drawRectangle({ x: -2, y: -2, width: width + 4, height: size + 4, color: rgb(1, 1, 1) }),
    );
    appendTagged(page.doc, page, "P", () =>
      page.drawText(text, { x: 0, y: 0, size, font: fonts.regular, color: TEXT_COLOR }),
    );
  });
}

export type MarkPlacement = "last-page" | "first-page" | "every-page";

export interface MarkResult {
  /** 1-based pages that carry the full mark. */
  pages: number[];
  /** Pages that had no room for the full mark and got the one-line mark instead. */
  tight: number[];
}

/**
 * Draws the verification mark into `doc` (loaded from `bytes`, which is what gets rendered to find
 * room). The caller saves and seals the document afterwards.
 */
export async function drawVerificationMark(
  doc: PDFDocument,
  bytes: Uint8Array,
  placement: MarkPlacement,
  text: MarkText,
): Promise<MarkResult> {
  const pages = doc.getPages();
  const fonts = await embedMarkFonts(doc);
  const layout = layoutMark(fonts, text);
  const result: MarkResult = { pages: [], tight: [] };
  const numbers = pages.map((_, i) => i + 1);
  const order = placement === "last-page" ? numbers.reverse() : numbers;
  if (placement === "every-page") {
    const grey = await renderGreyPages(bytes, order);
    for (const n of order) {
      const page = pages[n - 1] as PDFPage;
      const spot = findFreeRect(grey.get(n) as GreyPage, layout.width, layout.height);
      if (spot) {
        drawFullMark(page, spot, layout, text.url);
        result.pages.push(n);
      } else {
        drawLineMark(page, fonts, text);
        result.tight.push(n);
      }
    }
    return result;
  }
  // One mark: all pages rendered in one pdftoppm run (starting it is the expensive part), the
  // first page in `order` with room gets it.
  const grey = await renderGreyPages(bytes, order);
  for (const n of order) {
    const spot = findFreeRect(grey.get(n) as GreyPage, layout.width, layout.height);
    if (spot) {
      drawFullMark(pages[n - 1] as PDFPage, spot, layout, text.url);
      result.pages.push(n);
      return result;
    }
  }
  const fallback = (placement === "last-page" ? pages.length : 1) as number;
  drawLineMark(pages[fallback - 1] as PDFPage, fonts, text);
  result.tight.push(fallback);
  return result;
}
