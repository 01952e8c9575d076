import { randomBytes } from "node:crypto";
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
import { EDGE_PT, findFreeRect, type GreyPage, occupiedPages, type VisibleRect } from "./free-area";
import { clean, embedFonts, textWidth, wrap } from "./layout";
import { appendTagged, drawArtifact } from "./tagging";

/**
 * The verification mark of an issued document: a QR code with the public check address
 * (/pruefen/<code>), the code in plain text, and who sealed the file when. Drawn onto the finished
 * PDF just before the seal (workers/pdf/seal.ts), as vectors (the QR is one path), with its own
 * embedded font subsets.
 *
 * Where: inside the page, in a free area found by rendering the page at low resolution
 * (workers/pdf/free-area.ts, PDFium: an empty rectangle at least 5 mm from every edge, preferring
 * the bottom right, as the reader sees the page — /Rotate is taken into account). Letters get it once (the
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

// The free-area search lives in free-area.ts; stamp and tests import it from here too.
export {
  findFreeRect,
  type GreyPage,
  leastOccupiedRect,
  renderGreyPages,
  type VisibleRect,
} from "./free-area";

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
    const grey = await occupiedPages(bytes, order);
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
  // One mark, on the first page in `order` with room. All candidates are rendered in one go
  // (free-area.ts): a Bescheid's last page is often full (the Bauvorlagen table), so rendering the
  // last page alone first mostly cost a second request (the file loaded twice).
  const grey = await occupiedPages(bytes, order);
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
