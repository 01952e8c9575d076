import { createHash } from "node:crypto";
import { rasterPool } from "./raster";

/**
 * Finding room on a page for the plan stamp and the verification mark: the page is rendered at
 * low resolution in grey (workers/pdf/raster.ts: PDFium in worker threads, as the reader sees it,
 * CropBox and /Rotate applied) and searched for an ink-free rectangle at least 5 mm from every
 * edge, nearest the bottom-right corner where title blocks sit.
 *
 * Speed (issue 13: stamping ≥ 200 pages/s): PDFium stays loaded, so a page costs its rendering
 * only (no process start, no font files loaded per run); long page ranges are split over the
 * rasteriser's threads, and the ink table of a rendered page is built once however many
 * rectangles are tried on it. Rendered pages are kept per file hash (bounded, least recently used
 * out): the same Bauvorlage stamped again for a later decision, or a document checked again, is
 * not rendered twice.
 */

/** Rendering resolution for the free-area search (dpi): 1 px = 4 pt. */
const DPI = 18;
const PT_PER_PX = 72 / DPI;
/** At least 5 mm from every edge (printers clip closer to the edge). */
export const EDGE_PT = 14.2;
/**
 * Grey value below which a pixel counts as ink. PDFium draws text smaller than a pixel lighter
 * than poppler did (a 4 pt grey "M 1:100" label: 246 where poppler gave 240), so the bound sits
 * at 250: ~2 % coverage of a pixel counts, a white page (255) never does.
 */
const INK = 250;
/**
 * Fewer pages than this per request are not worth a second thread: each request loads the file
 * and its fonts anew (bench/seal.ts on a busy 2-core machine: a 4-page Bescheid split in two was
 * slower).
 */
const MIN_PAGES_PER_RUN = 8;

export interface GreyPage {
  width: number;
  height: number;
  /** Row-major from the top, one byte per pixel. */
  data: Uint8Array;
}

/** The wanted pages as contiguous ranges, long ranges cut so that each thread gets a share. */
export function renderRuns(pages: number[], threads: number): [number, number][] {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }
  const perRun = Math.max(MIN_PAGES_PER_RUN, Math.ceil(sorted.length / Math.max(1, threads)));
  return ranges.flatMap(([first, last]) => {
    const runs: [number, number][] = [];
    for (let f = first; f <= last; f += perRun) runs.push([f, Math.min(last, f + perRun - 1)]);
    return runs;
  });
}

/**
 * Rendered pages per sha256 of the file (and recorded occupied pages per "occupied:" + sha256), in
 * least-recently-used order (Map keeps insertion order).
 */
const rendered = new Map<string, Map<number, GreyPage>>();
/** Upper bound for the kept pixels (an A1 sheet at 18 dpi is ~250 kB). */
const CACHE_BYTES = 32 * 1024 * 1024;
let cachedBytes = 0;

function remember(key: string, pages: Map<number, GreyPage>): void {
  const size = (m: Map<number, GreyPage>) => [...m.values()].reduce((sum, p) => sum + p.data.length, 0);
  const old = rendered.get(key);
  if (old) cachedBytes -= size(old);
  rendered.delete(key);
  const bytes = size(pages);
  if (bytes > CACHE_BYTES) return;
  rendered.set(key, pages);
  cachedBytes += bytes;
  for (const [k, v] of rendered) {
    if (cachedBytes <= CACHE_BYTES) break;
    rendered.delete(k);
    cachedBytes -= size(v);
  }
}

/**
 * Records how occupied the pages of a file are without rendering it: a stamped plan is its
 * original outside the stamps (stamp.test.ts checks that pixel by pixel), so the verification
 * mark sealed onto it next (issue time) searches the original's pages with the stamps as ink
 * (`withInk`) instead of rendering the stamped file again. Kept beside the rendered pages (same
 * bound), apart from them: renderGreyPages still answers with what the file really looks like.
 */
export function rememberOccupiedPages(pdf: Uint8Array, pages: Map<number, GreyPage>): void {
  remember(`occupied:${createHash("sha256").update(pdf).digest("hex")}`, new Map(pages));
}

/**
 * The pages of a PDF as the free-area search needs them: recorded by rememberOccupiedPages when
 * all are known (a file just stamped), otherwise rendered.
 */
export async function occupiedPages(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const key = `occupied:${createHash("sha256").update(pdf).digest("hex")}`;
  const known = rendered.get(key);
  if (known && pages.every((n) => known.has(n))) {
    remember(key, known);
    return new Map(pages.map((n) => [n, known.get(n) as GreyPage]));
  }
  return renderGreyPages(pdf, pages);
}

/**
 * A copy of the page with the rectangle (points from the visible bottom-left, as the search
 * returns it) and one pixel around it counted as ink: what was drawn there is occupied.
 */
export function withInk(page: GreyPage, rect: VisibleRect): GreyPage {
  const { width: W, height: H } = page;
  const x0 = Math.max(0, Math.floor(rect.x / PT_PER_PX) - 1);
  const x1 = Math.min(W - 1, Math.ceil((rect.x + rect.width) / PT_PER_PX) + 1);
  const y0 = Math.max(0, H - Math.ceil((rect.y + rect.height) / PT_PER_PX) - 1);
  const y1 = Math.min(H - 1, H - Math.floor(rect.y / PT_PER_PX) + 1);
  const data = new Uint8Array(page.data);
  for (let y = y0; y <= y1; y++) data.fill(0, y * W + x0, y * W + x1 + 1);
  return { width: W, height: H, data };
}

/** Forgets every rendered page (benchmarks measure the uncached path with it). */
export function forgetRenderedPages(): void {
  rendered.clear();
  cachedBytes = 0;
}

/**
 * Renders the pages (1-based numbers) of a PDF at low resolution in grey, as the reader sees them.
 * Each page is rendered on its own, so splitting the range over threads changes no pixel. The
 * returned pages are shared with the cache: read them, never write into them.
 */
export async function renderGreyPages(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const key = createHash("sha256").update(pdf).digest("hex");
  const known = new Map(rendered.get(key));
  const missing = pages.filter((n) => !known.has(n));
  if (missing.length > 0) {
    for (const [n, page] of await renderMissing(pdf, missing)) known.set(n, page);
  }
  if (known.size > 0) remember(key, known);
  return new Map(pages.map((n) => [n, known.get(n) as GreyPage]));
}

async function renderMissing(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const pool = rasterPool();
  const runs = renderRuns(pages, pool.threads).map(([first, last]) =>
    pool.render(
      pdf,
      Array.from({ length: last - first + 1 }, (_, i) => first + i),
      DPI,
    ),
  );
  const out = new Map<number, GreyPage>();
  for (const run of await Promise.all(runs)) {
    for (const { page, width, height, data } of run) out.set(page, { width, height, data });
  }
  return out;
}

export interface VisibleRect {
  /** From the visible bottom-left corner, in points. */
  x: number;
  y: number;
  width: number;
  height: number;
}

type InkCounter = (x0: number, y0: number, x1: number, y1: number) => number;
/** One ink table per rendered page: the stamp tries up to three sizes on the same page. */
const inkTables = new WeakMap<GreyPage, InkCounter>();

function inkTable(page: GreyPage): InkCounter {
  const cached = inkTables.get(page);
  if (cached) return cached;
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
  const counter: InkCounter = (x0, y0, x1, y1) =>
    (sat[y1 * (W + 1) + x1] as number) -
    (sat[y0 * (W + 1) + x1] as number) -
    (sat[y1 * (W + 1) + x0] as number) +
    (sat[y0 * (W + 1) + x0] as number);
  inkTables.set(page, counter);
  return counter;
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
  const lowest = H - edge - h;
  const rightmost = W - edge - w;
  const toRect = (left: number, top: number): VisibleRect => ({
    x: (left + 1) * PT_PER_PX,
    y: (H - top - h + 1) * PT_PER_PX,
    width,
    height,
  });
  if (lowest < edge || rightmost < edge) return null;
  if (maxInk === 0) {
    // An empty rectangle: positions in order of their distance from the bottom-right corner
    // (dx + dy pixels), lowest first among equals; the first empty one is the answer, so a sheet
    // with room near its title block is searched in a few hundred steps instead of every position.
    for (let d = 0; d <= lowest - edge + (rightmost - edge); d++) {
      for (let dy = Math.max(0, d - (rightmost - edge)); dy <= Math.min(d, lowest - edge); dy++) {
        const top = lowest - dy;
        const left = rightmost - (d - dy);
        if (inkIn(left, top, left + w, top + h) === 0) return toRect(left, top);
      }
    }
    return null;
  }
  let best: { left: number; top: number; ink: number; distance: number } | null = null;
  for (let top = lowest; top >= edge; top--) {
    for (let left = rightmost; left >= edge; left--) {
      const ink = inkIn(left, top, left + w, top + h);
      if (ink > maxInk) continue;
      const distance = rightmost - left + (lowest - top);
      if (!best || ink < best.ink || (ink === best.ink && distance < best.distance)) {
        best = { left, top, ink, distance };
      }
    }
  }
  return best ? toRect(best.left, best.top) : null;
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
