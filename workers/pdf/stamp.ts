import {
  concatTransformationMatrix,
  degrees,
  drawLinesOfText,
  PDFDocument,
  type PDFFont,
  type PDFHexString,
  type PDFName,
  type PDFPage,
  rgb,
} from "pdf-lib";
import {
  findFreeRect,
  type GreyPage,
  leastOccupiedRect,
  rememberOccupiedPages,
  renderGreyPages,
  withInk,
} from "./free-area";
import { clean, embedFonts, textWidth, wrap } from "./layout";
import { finishAsPdfA, freshInfo, pdfIdSeed } from "./pdfa";
import { drawArtifact } from "./tagging";
import { drawUpright, isolateContent } from "./verification";

/**
 * Stamps every page of an approved plan ("Zugehörig zur Baugenehmigung Az. … vom …").
 *
 * The plan's scale must stay exact (a 1:100 plan printed at 100 % still measures right), so the
 * page boxes and the drawing stay exactly as they are: the stamp goes *inside* the sheet, into a
 * free area found by rendering the page at low resolution (workers/pdf/verification.ts: an empty
 * rectangle at least 5 mm from every edge, nearest the bottom-right corner where title blocks
 * sit), on a white background, upright for the reader (/Rotate respected). Where no empty area is
 * large enough, a compact stamp (headline and authority only, smaller) is tried, and failing that
 * it goes where it covers the least ink; such sheets are reported in `tight` so the clerk sees
 * them. Page count, order and the original content stay as they were. Deterministic: the same
 * input bytes and text give the same output bytes.
 */
export const STAMP_RENDERER_VERSION = "2.0.0";

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

/** Height of the full stamp at scale 1 (points; ~18 mm). */
export const STAMP_HEIGHT = 50;
const STAMP_COLOR = rgb(0.08, 0.22, 0.55);
const PAD = 8;

/** "Zugehörig zur Baugenehmigung Az. 63-2026-00042 vom 18.06.2026". */
export function stampHeadline(decisionTitle: string, fileNumber: string, decidedOn: string): string {
  const article = decisionTitle === "Vorbescheid" ? "zum" : "zur";
  return `Zugehörig ${article} ${decisionTitle} Az. ${fileNumber} vom ${decidedOn}`;
}

export interface StampPlacement {
  /** 1-based page number. */
  page: number;
  /** The stamp's rectangle as the reader sees the page (points from the visible bottom-left). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** "full" in free space; "compact" (smaller, fewer lines) in free space; "covering" over some of the drawing. */
  fit: "full" | "compact" | "covering";
}

export interface StampResult {
  bytes: Uint8Array;
  pageCount: number;
  placements: StampPlacement[];
  /** Pages without free room for the full stamp (compact or covering): the clerk should look at them. */
  tight: number[];
}

/** The lines every sheet's stamp shares, measured once per document. */
interface StampLines {
  compact: boolean;
  /** Headline and authority lines, shaped and encoded once for all sheets. */
  headline: PDFHexString;
  authorityLines: PDFHexString[];
  /** Unscaled size. */
  boxWidth: number;
  boxHeight: number;
}

interface StampLayout extends StampLines {
  scale: number;
}

/**
 * Returns the stamped PDF. The pages keep their boxes, content and scale; each carries the stamp
 * inside the sheet.
 */
export async function stampPdf(source: Uint8Array, text: StampText): Promise<StampResult> {
  const doc = await PDFDocument.load(source, { updateMetadata: false });
  const pages = doc.getPages();
  const total = pages.length;
  // The pages render in the rasteriser's threads while this thread embeds and measures.
  const rendering = renderGreyPages(
    source,
    pages.map((_, i) => i + 1),
  );
  // Noto Sans embedded as a subset, once for the whole document: every page's stamp shares the
  // two font objects, so the glyphs are stored once however many sheets the plan has. Embedded
  // (not a PDF standard font) so the stamp looks the same in every viewer and names beyond
  // WinAnsi ("Małgorzata", "Ирина") print.
  const { regular, bold } = await embedFonts(doc, ["regular", "bold"]);
  // What every sheet's stamp shares is measured once (fontkit shaping is most of a stamp's cost).
  const lines = {
    full: stampLines({ regular, bold }, text, false),
    compact: stampLines({ regular, bold }, text, true),
  };
  const grey = await rendering;
  const placements: StampPlacement[] = [];
  const stampedPages = new Map<number, GreyPage>();
  pages.forEach((page, i) => {
    const detail = `${text.detail} · Blatt ${i + 1} von ${total}`;
    const rendered = grey.get(i + 1) as GreyPage;
    const visibleWidth = rendered.width * (72 / 18);
    const place = (compact: boolean) => {
      const layout = stampLayout(compact ? lines.compact : lines.full, visibleWidth);
      const w = layout.boxWidth * layout.scale;
      const h = layout.boxHeight * layout.scale;
      return { layout, w, h, spot: findFreeRect(rendered, w, h) };
    };
    let fit: StampPlacement["fit"] = "full";
    let chosen = place(false);
    if (!chosen.spot) {
      fit = "compact";
      chosen = place(true);
    }
    let spot = chosen.spot;
    if (!spot) {
      fit = "covering";
      spot = leastOccupiedRect(rendered, chosen.w, chosen.h) ?? {
        x: 14.2,
        y: 14.2,
        width: chosen.w,
        height: chosen.h,
      };
    }
    drawStamp(page, { regular, bold }, detail, chosen.layout, spot);
    const placement = { page: i + 1, x: spot.x, y: spot.y, width: chosen.w, height: chosen.h, fit };
    placements.push(placement);
    stampedPages.set(i + 1, withInk(rendered, placement));
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
  // The stamped file looks like its original outside the stamps: the verification mark sealed
  // onto it at issue time finds its room without rendering it again.
  rememberOccupiedPages(bytes, stampedPages);
  return {
    bytes,
    pageCount: total,
    placements,
    tight: placements.filter((p) => p.fit !== "full").map((p) => p.page),
  };
}

const HEAD_SIZE = 8.5;

function stampLines(
  fonts: { regular: PDFFont; bold: PDFFont },
  text: StampText,
  compact: boolean,
): StampLines {
  const headline = clean(fonts.bold, text.headline);
  const innerWidth = Math.max(200, textWidth(fonts.bold, headline, HEAD_SIZE));
  return {
    compact,
    headline: fonts.bold.encodeText(headline),
    authorityLines: wrap(fonts.regular, 7, text.authority, innerWidth)
      .slice(0, compact ? 1 : 2)
      .map((line) => fonts.regular.encodeText(line)),
    boxWidth: innerWidth + 2 * PAD,
    boxHeight: compact ? 30 : STAMP_HEIGHT,
  };
}

function stampLayout(lines: StampLines, visibleWidth: number): StampLayout {
  // Small sheets get a proportionally smaller stamp rather than a clipped one; compact stamps
  // are smaller still.
  const fitScale = Math.max(0.3, (visibleWidth - 2 * 14.2 - 16) / lines.boxWidth);
  return { ...lines, scale: Math.min(lines.compact ? 0.75 : 1, fitScale) };
}

function drawStamp(
  page: PDFPage,
  fonts: { regular: PDFFont; bold: PDFFont },
  detail: string,
  layout: StampLayout,
  at: { x: number; y: number },
) {
  const detailLine = wrap(fonts.regular, 6.3, detail, layout.boxWidth - 2 * PAD)[0] ?? "";
  isolateContent(page);
  // An artifact (ADR 0011): the applicant's sheet has no structure of ours to hang a Figure on;
  // what the stamp says is in the Bescheid and on the check page.
  drawUpright(page, at.x, at.y, () =>
    drawArtifact(page, () => drawStampBody(page, fonts, layout, detailLine)),
  );
}

function drawStampBody(
  page: PDFPage,
  { regular, bold }: { regular: PDFFont; bold: PDFFont },
  { scale, boxWidth, boxHeight, compact, headline, authorityLines }: StampLayout,
  detailLine: string,
) {
  page.pushOperators(concatTransformationMatrix(scale, 0, 0, scale, 0, 0));
  page.drawRectangle({
    x: 0,
    y: 0,
    width: boxWidth,
    height: boxHeight,
    borderColor: STAMP_COLOR,
    borderWidth: 1.2,
    color: rgb(1, 1, 1),
  });
  let ty = boxHeight - PAD - HEAD_SIZE + 1;
  showText(page, bold, headline, HEAD_SIZE, PAD, ty);
  ty -= 11;
  for (const line of authorityLines) {
    showText(page, regular, line, 7, PAD, ty);
    ty -= 9;
  }
  if (!compact) showText(page, regular, regular.encodeText(detailLine), 6.3, PAD, 5);
}

const fontKeys = new WeakMap<PDFPage, Map<PDFFont, PDFName>>();

/**
 * Text already encoded for `font` (page.drawText would shape it again with fontkit on every sheet),
 * in the stamp's colour; the font goes into the page's resources once.
 */
function showText(page: PDFPage, font: PDFFont, encoded: PDFHexString, size: number, x: number, y: number) {
  const keys = fontKeys.get(page) ?? new Map<PDFFont, PDFName>();
  fontKeys.set(page, keys);
  const key = keys.get(font) ?? page.node.newFontDictionary(font.name, font.ref);
  keys.set(font, key);
  page.pushOperators(
    ...drawLinesOfText([encoded], {
      color: STAMP_COLOR,
      font: key,
      size,
      rotate: degrees(0),
      xSkew: degrees(0),
      ySkew: degrees(0),
      x,
      y,
      lineHeight: size,
    }),
  );
}
