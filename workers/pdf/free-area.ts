import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";

/**
 * Finding room on a page for the plan stamp and the verification mark: the page is rendered at
 * low resolution in grey with poppler's pdftoppm (as the reader sees it, /Rotate applied) and
 * searched for an ink-free rectangle at least 5 mm from every edge, nearest the bottom-right
 * corner where title blocks sit.
 *
 * Speed (issue 13: stamping ≥ 200 pages/s): starting pdftoppm costs little, each page ~5 ms of
 * CPU; so a page range is rendered in one run (long ranges: one run per core, in parallel), and the
 * ink table of a rendered page is built once however many rectangles are tried on it. Rendered
 * pages are kept per file hash (bounded, least recently used out): the same Bauvorlage stamped
 * again for a later decision, or a document checked again, is not rendered twice.
 */

/** Rendering resolution for the free-area search (dpi): 1 px = 4 pt. */
const DPI = 18;
const PT_PER_PX = 72 / DPI;
/** At least 5 mm from every edge (printers clip closer to the edge). */
export const EDGE_PT = 14.2;
/** Grey value below which a pixel counts as ink. */
const INK = 245;
/**
 * Fewer pages than this per pdftoppm run are not worth another process: each run loads the fonts
 * anew (bench/seal.ts on a busy 2-core machine: a 4-page Bescheid split in two was slower).
 */
const MIN_PAGES_PER_RUN = 8;

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

/** The wanted pages as contiguous ranges, long ranges cut so that each core gets a share. */
export function renderRuns(pages: number[], cores = availableParallelism()): [number, number][] {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }
  const perRun = Math.max(MIN_PAGES_PER_RUN, Math.ceil(sorted.length / Math.max(1, cores)));
  return ranges.flatMap(([first, last]) => {
    const runs: [number, number][] = [];
    for (let f = first; f <= last; f += perRun) runs.push([f, Math.min(last, f + perRun - 1)]);
    return runs;
  });
}

/** Rendered pages per sha256 of the file, in least-recently-used order (Map keeps insertion order). */
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

/** Forgets every rendered page (benchmarks measure the uncached path with it). */
export function forgetRenderedPages(): void {
  rendered.clear();
  cachedBytes = 0;
}

/**
 * Renders the pages (1-based numbers) of a PDF at low resolution in grey, as the reader sees them.
 * Each page is rendered on its own by pdftoppm, so splitting the range changes no pixel. The
 * returned pages are shared with the cache: read them, never write into them.
 */
export async function renderGreyPages(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const key = createHash("sha256").update(pdf).digest("hex");
  const known = new Map(rendered.get(key));
  const missing = pages.filter((n) => !known.has(n));
  if (missing.length > 0) {
    for (const [n, page] of await renderWithPdftoppm(pdf, missing)) known.set(n, page);
  }
  if (known.size > 0) remember(key, known);
  return new Map(pages.map((n) => [n, known.get(n) as GreyPage]));
}

async function renderWithPdftoppm(pdf: Uint8Array, pages: number[]): Promise<Map<number, GreyPage>> {
  const out = new Map<number, GreyPage>();
  if (pages.length === 0) return out;
  const dir = await mkdtemp(path.join(tmpdir(), "bauantrag-mark-"));
  try {
    const file = path.join(dir, "in.pdf");
    await writeFile(file, pdf);
    await Promise.all(
      renderRuns(pages).map(([first, last]) =>
        execFileBuffer("pdftoppm", [
          "-gray",
          "-r",
          String(DPI),
          "-f",
          String(first),
          "-l",
          String(last),
          file,
          // One prefix per run: pdftoppm pads the page number to the width of the run's last page.
          path.join(dir, `r${first}`),
        ]),
      ),
    );
    for (const name of await readdir(dir)) {
      const m = /^r\d+-(\d+)\.pgm$/.exec(name);
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
