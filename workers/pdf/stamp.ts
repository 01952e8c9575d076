import {
  concatTransformationMatrix,
  PDFDocument,
  type PDFFont,
  PDFName,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from "pdf-lib";
import { clean, embedFonts, textWidth, wrap } from "./layout";
import { finishAsPdfA, freshInfo, pdfIdSeed } from "./pdfa";

/**
 * Stamps every page of an approved plan ("Zugehörig zur Baugenehmigung Az. … vom …").
 *
 * The stamp must never cover the drawing or its title block, and the plan's scale must stay
 * exact (a 1:100 plan printed at 100 % still measures right). So nothing is drawn onto the
 * sheet itself: each page gets a strip added above its visible top edge (MediaBox/CropBox
 * enlarged, taking /Rotate into account so "top" is the top the reader sees) and the stamp is
 * drawn into that strip. Page count, page order and the original content stream stay as they
 * were. Deterministic: the same input bytes and text give the same output bytes.
 */
export const STAMP_RENDERER_VERSION = "1.3.0";

export interface StampText {
  /** "Zugehörig zur Baugenehmigung Az. 63-2026-00042 vom 18.06.2026". */
  headline: string;
  /** Issuing authority. */
  authority: string;
  /** What the sheet is ("Lageplan, Version 1"); "Blatt x von y" is added per page. */
  detail: string;
  /** The Aktenzeichen, for the file's metadata (dc:subject); without it, the "Az. …" of the headline. */
  fileNumber?: string;
}

/** Height of the added strip at scale 1 (points; ~21 mm). */
export const STAMP_STRIP_HEIGHT = 60;
const STAMP_COLOR = rgb(0.08, 0.22, 0.55);
const PAD = 8;

/** "Zugehörig zur Baugenehmigung Az. 63-2026-00042 vom 18.06.2026". */
export function stampHeadline(decisionTitle: string, fileNumber: string, decidedOn: string): string {
  const article = decisionTitle === "Vorbescheid" ? "zum" : "zur";
  return `Zugehörig ${article} ${decisionTitle} Az. ${fileNumber} vom ${decidedOn}`;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function boxOf(r: { x: number; y: number; width: number; height: number }): Box {
  return { x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height };
}

function setBox(page: PDFPage, name: "MediaBox" | "CropBox" | "TrimBox" | "BleedBox" | "ArtBox", b: Box) {
  const value = page.doc.context.obj([b.x0, b.y0, b.x1, b.y1]);
  page.node.set(PDFName.of(name), value);
}

/** Rotation normalised to 0, 90, 180 or 270. */
function rotationOf(page: PDFPage): 0 | 90 | 180 | 270 {
  const r = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  return r as 0 | 90 | 180 | 270;
}

/**
 * Enlarges the visible box by `strip` at the edge the reader sees on top and returns the matrix
 * that maps upright "visual" coordinates (origin bottom-left of the new strip, u right, v up)
 * to user space, plus the strip's visual width.
 */
function addTopStrip(
  page: PDFPage,
  strip: number,
): { matrix: [number, number, number, number, number, number]; width: number } {
  const rotation = rotationOf(page);
  const media = boxOf(page.getMediaBox());
  // getCropBox falls back to the MediaBox; the visible area is their intersection.
  const crop = boxOf(page.getCropBox());
  const visible: Box = {
    x0: Math.max(media.x0, crop.x0),
    y0: Math.max(media.y0, crop.y0),
    x1: Math.min(media.x1, crop.x1),
    y1: Math.min(media.y1, crop.y1),
  };
  const grown = { ...visible };
  let matrix: [number, number, number, number, number, number];
  let width: number;
  switch (rotation) {
    case 0: // visual top = user y max
      grown.y1 += strip;
      matrix = [1, 0, 0, 1, visible.x0, visible.y1];
      width = visible.x1 - visible.x0;
      break;
    case 90: // shown turned clockwise: visual top = user x min, visual right = user y max
      grown.x0 -= strip;
      matrix = [0, 1, -1, 0, visible.x0, visible.y0];
      width = visible.y1 - visible.y0;
      break;
    case 180: // visual top = user y min, everything mirrored
      grown.y0 -= strip;
      matrix = [-1, 0, 0, -1, visible.x1, visible.y0];
      width = visible.x1 - visible.x0;
      break;
    case 270: // visual top = user x max, visual right = user y min
      grown.x1 += strip;
      matrix = [0, -1, 1, 0, visible.x1, visible.y1];
      width = visible.y1 - visible.y0;
      break;
  }
  setBox(page, "MediaBox", {
    x0: Math.min(media.x0, grown.x0),
    y0: Math.min(media.y0, grown.y0),
    x1: Math.max(media.x1, grown.x1),
    y1: Math.max(media.y1, grown.y1),
  });
  setBox(page, "CropBox", grown);
  // Print-production boxes would cut the strip off again.
  for (const name of ["TrimBox", "BleedBox", "ArtBox"] as const) {
    if (page.node.get(PDFName.of(name))) setBox(page, name, grown);
  }
  return { matrix, width };
}

/**
 * Returns the stamped PDF. The original pages keep their content, size of the sheet and scale;
 * each gains a strip with the stamp above its top edge.
 */
export async function stampPdf(
  source: Uint8Array,
  text: StampText,
): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const doc = await PDFDocument.load(source, { updateMetadata: false });
  // Noto Sans embedded as a subset, once for the whole document: every page's stamp shares the
  // two font objects, so the glyphs are stored once however many sheets the plan has. Embedded
  // (not a PDF standard font) so the stamp looks the same in every viewer and names beyond
  // WinAnsi ("Małgorzata", "Ирина") print.
  const { regular, bold } = await embedFonts(doc, ["regular", "bold"]);
  const pages = doc.getPages();
  const total = pages.length;
  pages.forEach((page, i) => {
    drawStamp(page, { regular, bold }, text, `${text.detail} · Blatt ${i + 1} von ${total}`);
  });
  // A new file of the authority: the architect's document information and XMP go.
  freshInfo(doc);
  doc.setTitle(`${text.detail} – ${text.headline}`, { showInWindowTitleBar: true });
  doc.setAuthor(clean(regular, text.authority));
  doc.setSubject(text.headline);
  doc.setCreator(`Bauantrag Stempel ${STAMP_RENDERER_VERSION}`);
  doc.setProducer("Bauantrag (pdf-lib)");
  finishAsPdfA(doc, {
    conformance: "B",
    fileNumber: text.fileNumber ?? /\bAz\. (\S+)/.exec(text.headline)?.[1] ?? text.headline,
    idSeed: pdfIdSeed("stamp", { source, text }),
  });
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pageCount: total };
}

function drawStamp(
  page: PDFPage,
  fonts: { regular: PDFFont; bold: PDFFont },
  text: StampText,
  detail: string,
) {
  const { regular, bold } = fonts;
  const headline = clean(bold, text.headline);
  const headSize = 8.5;
  const innerWidth = Math.max(200, textWidth(bold, headline, headSize));
  const authorityLines = wrap(regular, 7, text.authority, innerWidth).slice(0, 2);
  const detailLine = wrap(regular, 6.3, detail, innerWidth)[0] ?? "";
  const boxWidth = innerWidth + 2 * PAD;
  const boxHeight = STAMP_STRIP_HEIGHT - 10;

  // Small sheets get a proportionally smaller stamp (and strip) rather than a clipped one.
  const visualWidth = rotationOf(page) % 180 === 0 ? page.getCropBox().width : page.getCropBox().height;
  const scale = Math.min(1, (visualWidth - 12) / boxWidth);
  const strip = STAMP_STRIP_HEIGHT * scale;
  const { matrix, width } = addTopStrip(page, strip);

  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...matrix));
  page.pushOperators(concatTransformationMatrix(scale, 0, 0, scale, 0, 0));
  // Visual coordinates from here: the strip spans u in [0, width/scale], v in [0, STAMP_STRIP_HEIGHT].
  const x = width / scale - boxWidth - 6;
  const y = 4;
  page.drawRectangle({
    x,
    y,
    width: boxWidth,
    height: boxHeight,
    borderColor: STAMP_COLOR,
    borderWidth: 1.2,
    color: rgb(1, 1, 1),
  });
  let ty = y + boxHeight - PAD - headSize + 1;
  page.drawText(headline, { x: x + PAD, y: ty, font: bold, size: headSize, color: STAMP_COLOR });
  ty -= 11;
  for (const line of authorityLines) {
    page.drawText(line, { x: x + PAD, y: ty, font: regular, size: 7, color: STAMP_COLOR });
    ty -= 9;
  }
  page.drawText(detailLine, { x: x + PAD, y: y + 5, font: regular, size: 6.3, color: STAMP_COLOR });
  page.pushOperators(popGraphicsState());
}
