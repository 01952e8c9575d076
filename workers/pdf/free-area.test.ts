import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { degrees, PDFDocument, rgb } from "pdf-lib";
import { describe, expect, it } from "vitest";
import {
  findFreeRect,
  forgetRenderedPages,
  type GreyPage,
  leastOccupiedRect,
  renderGreyPages,
  renderRuns,
} from "./free-area";

/** Seven different sheets (sizes, turned, drawn boxes at different places, hairlines, text). */
async function sheetSet(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < 7; i++) {
    const page = doc.addPage(i % 2 ? [1190.55, 841.89] : [595.28, 841.89]);
    if (i === 3) page.setRotation(degrees(90));
    if (i === 5) page.setRotation(degrees(270));
    page.drawRectangle({ x: 40 + 30 * i, y: 60 + 20 * i, width: 200, height: 120, color: rgb(0, 0, 0) });
    // A 0.1 pt hairline and small grey text far from the box: ink the search must not overlook.
    page.drawLine({
      start: { x: 300, y: 30 + 10 * i },
      end: { x: 560, y: 400 },
      thickness: 0.1,
      color: rgb(0.5, 0.5, 0.5),
    });
    page.drawText("M 1:100", { x: 420, y: 40, size: 4, color: rgb(0.6, 0.6, 0.6) });
  }
  return doc.save();
}

/** The page rendered by poppler's pdftoppm (an independent renderer) in grey at `dpi`. */
async function pdftoppm(pdf: Uint8Array, page: number, dpi: number): Promise<GreyPage> {
  const dir = await mkdtemp(path.join(tmpdir(), "free-area-test-"));
  try {
    await writeFile(path.join(dir, "in.pdf"), pdf);
    const args = ["-gray", "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile"];
    await promisify(execFile)("pdftoppm", [...args, path.join(dir, "in.pdf"), path.join(dir, "p")]);
    const buf = await readFile(path.join(dir, "p.pgm"));
    const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString("latin1"));
    if (!m) throw new Error("no PGM");
    const width = Number(m[1]);
    const height = Number(m[2]);
    return { width, height, data: new Uint8Array(buf.subarray(m[0].length, m[0].length + width * height)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Poppler's rendering counts ink below 245 (what the search used with it), ours below 250 (free-area.ts). */
const isInk = (p: GreyPage, x: number, y: number, below = 245) => (p.data[y * p.width + x] as number) < below;

/** Ink pixels under a rectangle found on `page`, counted one by one (with its pixel of clearance). */
function inkPixels(page: GreyPage, r: { x: number; y: number; width: number; height: number }): number {
  const [w, h] = [Math.ceil(r.width / 4) + 2, Math.ceil(r.height / 4) + 2];
  const left = r.x / 4 - 1;
  const top = page.height - (r.y / 4 - 1) - h;
  let ink = 0;
  for (let y = top; y < top + h; y++)
    for (let x = left; x < left + w; x++) ink += isInk(page, x, y, 250) ? 1 : 0;
  return ink;
}

describe("free-area rendering (PDFium in worker threads)", () => {
  it("splits a page range over the threads in contiguous runs that cover every wanted page once", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(renderRuns(twenty, 2)).toEqual([
      [1, 10],
      [11, 20],
    ]);
    expect(renderRuns([4, 3, 2, 1], 2)).toEqual([[1, 4]]);
    expect(renderRuns([2, 7, 8], 4)).toEqual([
      [2, 2],
      [7, 8],
    ]);
  });

  it("sees every page as poppler does: same size with /Rotate applied, and no ink poppler draws is missed", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    const all = [1, 2, 3, 4, 5, 6, 7];
    const ours = await renderGreyPages(pdf, all);
    for (const n of all) {
      const page = ours.get(n) as GreyPage;
      const reference = await pdftoppm(pdf, n, 18);
      expect([page.width, page.height], `Seite ${n}`).toEqual([reference.width, reference.height]);
      // Anti-aliasing differs between renderers by a pixel: each ink pixel of poppler's must have
      // ink within one pixel in ours.
      const missed: [number, number][] = [];
      for (let y = 0; y < reference.height; y++) {
        for (let x = 0; x < reference.width; x++) {
          if (!isInk(reference, x, y)) continue;
          let near = false;
          for (let dy = -1; dy <= 1 && !near; dy++) {
            for (let dx = -1; dx <= 1 && !near; dx++) {
              const [nx, ny] = [x + dx, y + dy];
              near = nx >= 0 && ny >= 0 && nx < page.width && ny < page.height && isInk(page, nx, ny, 250);
            }
          }
          if (!near) missed.push([x, y]);
        }
      }
      expect(missed, `Seite ${n}`).toEqual([]);
    }
  });

  it("finds rectangles that are empty at 72 dpi in poppler's rendering, ≥ 5 mm from every edge, on turned pages too", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    const ours = await renderGreyPages(pdf, [1, 4, 6]);
    for (const n of [1, 4, 6]) {
      const spot = findFreeRect(ours.get(n) as GreyPage, 250, 50);
      expect(spot, `Seite ${n}`).not.toBeNull();
      if (!spot) continue;
      const fine = await pdftoppm(pdf, n, 72);
      expect(spot.x).toBeGreaterThanOrEqual(14.2);
      expect(spot.y).toBeGreaterThanOrEqual(14.2);
      expect(spot.x + spot.width).toBeLessThanOrEqual(fine.width - 14.2);
      expect(spot.y + spot.height).toBeLessThanOrEqual(fine.height - 14.2);
      let ink = 0;
      for (let y = Math.floor(fine.height - spot.y - spot.height); y < Math.ceil(fine.height - spot.y); y++) {
        for (let x = Math.floor(spot.x); x < Math.ceil(spot.x + spot.width); x++)
          ink += isInk(fine, x, y) ? 1 : 0;
      }
      expect(ink, `Seite ${n}`).toBe(0);
    }
  });

  it("renders a page the same split over threads, alone, or from the cache", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    const twentyPages = await PDFDocument.create();
    const src = await PDFDocument.load(pdf);
    for (let i = 0; i < 20; i++) twentyPages.addPage((await twentyPages.copyPages(src, [i % 7]))[0] as never);
    const big = await twentyPages.save();
    const split = await renderGreyPages(
      big,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    forgetRenderedPages();
    const alone = await renderGreyPages(big, [14]);
    expect(alone.get(14)?.data).toEqual(split.get(14)?.data);
    const again = await renderGreyPages(big, [6, 2]);
    expect([...again.keys()]).toEqual([6, 2]);
    expect(again.get(6)?.data).toEqual(split.get(6)?.data);
  });

  it("finds the same empty rectangle as the full scan of every position (random sheets)", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let sheet = 0; sheet < 40; sheet++) {
      const page: GreyPage = { width: 150, height: 105, data: new Uint8Array(150 * 105).fill(255) };
      for (let block = 0; block < 4 + sheet; block++) {
        const [bx, by] = [Math.floor(random() * 150), Math.floor(random() * 105)];
        const [bw, bh] = [1 + Math.floor(random() * 40), 1 + Math.floor(random() * 30)];
        for (let y = by; y < Math.min(105, by + bh); y++)
          page.data.fill(0, y * 150 + bx, y * 150 + Math.min(150, bx + bw));
      }
      const [w, h] = [40 + Math.floor(random() * 200), 20 + Math.floor(random() * 60)];
      const full = leastOccupiedRect(page, w, h);
      const empty = findFreeRect(page, w, h);
      // The full scan ranks by ink, then by distance from the corner: where it finds an empty
      // rectangle, the search for an empty one must find that very one.
      if (full && inkPixels(page, full) === 0) expect(empty, `Blatt ${sheet}`).toEqual(full);
      else expect(empty, `Blatt ${sheet}`).toBeNull();
    }
  });

  it("refuses a page the file does not have", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    await expect(renderGreyPages(pdf, [9])).rejects.toThrow(/Seite 9 fehlt in der Datei/);
  });
});
