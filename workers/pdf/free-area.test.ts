import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { degrees, PDFDocument, rgb } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { findFreeRect, forgetRenderedPages, renderGreyPages, renderRuns } from "./free-area";

/** Seven different sheets (sizes, turned, drawn boxes at different places). */
async function sheetSet(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < 7; i++) {
    const page = doc.addPage(i % 2 ? [1190.55, 841.89] : [595.28, 841.89]);
    if (i === 3) page.setRotation(degrees(90));
    page.drawRectangle({ x: 40 + 30 * i, y: 60 + 20 * i, width: 200, height: 120, color: rgb(0, 0, 0) });
  }
  return doc.save();
}

/** What one plain pdftoppm run over the whole file renders (the reference). */
async function pdftoppmAlone(pdf: Uint8Array, page: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "free-area-test-"));
  try {
    await writeFile(path.join(dir, "in.pdf"), pdf);
    const args = ["-gray", "-r", "18", "-f", String(page), "-l", String(page), "-singlefile"];
    await promisify(execFile)("pdftoppm", [...args, path.join(dir, "in.pdf"), path.join(dir, "p")]);
    return readFile(path.join(dir, "p.pgm"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("free-area rendering", () => {
  it("splits a page range over the cores in contiguous runs that cover every wanted page once", () => {
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

  it("renders each page exactly as pdftoppm alone does, split or from the cache", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    const all = [1, 2, 3, 4, 5, 6, 7];
    const first = await renderGreyPages(pdf, all);
    for (const n of all) {
      const reference = await pdftoppmAlone(pdf, n);
      const page = first.get(n);
      expect(page, `Seite ${n}`).toBeDefined();
      expect(Buffer.from(reference.subarray(reference.length - (page?.data.length ?? 0)))).toEqual(
        Buffer.from(page?.data ?? []),
      );
    }
    const again = await renderGreyPages(pdf, [6, 2]);
    expect([...again.keys()]).toEqual([6, 2]);
    expect(again.get(6)?.data).toEqual(first.get(6)?.data);
    // The cached page still serves the search.
    const spot = findFreeRect(first.get(1) as NonNullable<ReturnType<typeof first.get>>, 250, 50);
    expect(spot).not.toBeNull();
  });

  it("refuses a page the file does not have", async () => {
    forgetRenderedPages();
    const pdf = await sheetSet();
    await expect(renderGreyPages(pdf, [9])).rejects.toThrow(/Seite 9 wurde nicht gerendert|pdftoppm/);
  });
});
