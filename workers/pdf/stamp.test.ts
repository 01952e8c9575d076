import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { degrees, PDFDocument, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { occupiedPages } from "./free-area";
import { type StampPlacement, type StampText, stampHeadline, stampPdf } from "./stamp";
import { compareGrey, decodeGreyPng, pdfFonts, pdfPages, pdfXmp, renderPagePng } from "./test-support";
import { drawUpright, type GreyPage, renderGreyPages } from "./verification";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
/**
 * The golden image is the stamp only (cropped at its placement): the sample plan's own text is in
 * an unembedded Helvetica (as applicants' files may be), which every machine renders with whatever
 * font it has. The sheet itself is compared against the unstamped original on the same machine.
 */
const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/stamped-plan-stamp.png");
/** At 72 dpi one pixel is one point. */
const GOLDEN_DPI = 72;
/**
 * Stamp pixels that may differ by more than 48 grey levels from the golden image. Everything in
 * the stamp is drawn in our embedded fonts, so the same poppler renders it identically; one
 * changed digit of the Aktenzeichen moves about a dozen pixels.
 */
const STAMP_TOLERANCE_PIXELS = 4;

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

const text: StampText = {
  headline: stampHeadline("Baugenehmigung", "63-2026-00042", "18.06.2026"),
  authority: "Landkreis Nordwestmecklenburg – Untere Bauaufsichtsbehörde",
  detail: "Grundriss Erdgeschoss, Version 2",
};

/** Lageplan (A3), Grundriss turned by 90/180/270 degrees, the two-page Baubeschreibung (A4). */
async function mixedPlanSet(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const add = async (name: string, rotation = 0) => {
    const src = await PDFDocument.load(fixture(name));
    for (const page of await doc.copyPages(src, src.getPageIndices())) {
      page.setRotation(degrees(rotation));
      doc.addPage(page);
    }
  };
  await add("lageplan.pdf");
  await add("grundriss-eg.pdf", 90);
  await add("grundriss-eg.pdf", 180);
  await add("grundriss-eg.pdf", 270);
  await add("baubeschreibung.pdf");
  return doc.save();
}

const SIZES = { A4: [595.28, 841.89], A3: [841.89, 1190.55], A1: [1683.78, 2383.94] } as const;

/**
 * A CAD-like sheet: frame 10 mm inside the edge (20 mm binding margin left), a title block in the
 * bottom-right corner of the frame, walls and dimension lines filling most of the drawing area.
 */
async function sheet(
  size: keyof typeof SIZES,
  orientation: "portrait" | "landscape",
  rotation = 0,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const [a, b] = SIZES[size];
  // w × h is the sheet as the reader sees it; a turned page (/Rotate) has its user space turned
  // the other way, and its content is drawn turned so that it shows upright (as CAD exports do).
  const [w, h] = orientation === "portrait" ? [a, b] : [b, a];
  const page = doc.addPage(rotation % 180 === 0 ? [w, h] : [h, w]);
  page.setRotation(degrees(rotation));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  drawUpright(page, 0, 0, () => drawSheet(page, font, w, h, size));
  return doc.save();
}

function drawSheet(
  page: PDFPage,
  font: Awaited<ReturnType<PDFDocument["embedFont"]>>,
  w: number,
  h: number,
  label: string,
) {
  const mm = 72 / 25.4;
  const left = 20 * mm;
  const m = 10 * mm;
  page.drawRectangle({
    x: left,
    y: m,
    width: w - left - m,
    height: h - 2 * m,
    borderWidth: 1,
    borderColor: rgb(0, 0, 0),
  });
  const tbW = 180 * mm;
  const tbH = 50 * mm;
  page.drawRectangle({
    x: w - m - tbW,
    y: m,
    width: tbW,
    height: tbH,
    borderWidth: 0.8,
    borderColor: rgb(0, 0, 0),
  });
  for (let i = 1; i < 5; i++) {
    page.drawLine({
      start: { x: w - m - tbW, y: m + (i * tbH) / 5 },
      end: { x: w - m, y: m + (i * tbH) / 5 },
      thickness: 0.4,
    });
  }
  page.drawText(`Grundriss EG ${label} · M 1:100`, { x: w - m - tbW + 6, y: m + tbH - 14, size: 9, font });
  // The drawing: rooms in a grid over the area above the title block.
  const top = h - m - 10 * mm;
  // Room above the title block (stamps and notes go there on real sheets).
  const bottom = m + tbH + 30 * mm;
  const cols = 4;
  const rows = 3;
  const cw = (w - left - m - 20 * mm) / cols;
  const rh = (top - bottom) / rows;
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      page.drawRectangle({
        x: left + 10 * mm + c * cw,
        y: bottom + r * rh,
        width: cw,
        height: rh,
        borderWidth: 2.5,
        borderColor: rgb(0.1, 0.1, 0.1),
        color: r === 1 && c === 2 ? rgb(0.98, 0.93, 0.8) : undefined,
      });
    }
  }
}

/** Pixels that differ between two renderings of the same page size; must lie inside `rect` (18 dpi, 1 px = 4 pt). */
function changesOutside(
  before: GreyPage,
  after: GreyPage,
  rect: StampPlacement,
): { outside: number; inkChanged: number; changed: number } {
  const px = 4;
  const x0 = Math.floor(rect.x / px) - 1;
  const x1 = Math.ceil((rect.x + rect.width) / px) + 1;
  const y0 = before.height - Math.ceil((rect.y + rect.height) / px) - 1;
  const y1 = before.height - Math.floor(rect.y / px) + 1;
  let outside = 0;
  let inkChanged = 0;
  let changed = 0;
  for (let y = 0; y < before.height; y++) {
    for (let x = 0; x < before.width; x++) {
      const i = y * before.width + x;
      if (before.data[i] === after.data[i]) continue;
      changed++;
      if (x < x0 || x > x1 || y < y0 || y > y1) outside++;
      if ((before.data[i] as number) < 245) inkChanged++;
    }
  }
  return { outside, inkChanged, changed };
}

describe("stamping approved plans", () => {
  it("keeps page count and every page box; the stamp text is on every page", async () => {
    const plan = await mixedPlanSet();
    const before = await PDFDocument.load(plan);
    const { bytes, pageCount, placements } = await stampPdf(plan, text);
    const after = await PDFDocument.load(bytes);
    expect(pageCount).toBe(before.getPageCount());
    expect(after.getPageCount()).toBe(before.getPageCount());
    expect(placements).toHaveLength(pageCount);
    const pages = await pdfPages(bytes);
    after.getPages().forEach((page, i) => {
      const o = before.getPage(i);
      expect(page.getMediaBox()).toEqual(o.getMediaBox());
      expect(page.getCropBox()).toEqual(o.getCropBox());
      expect(page.getRotation()).toEqual(o.getRotation());
      expect(pages[i]?.replace(/\s+/g, " ")).toContain("Az. 63-2026-00042");
      expect(pages[i]?.replace(/\s+/g, " ")).toContain(`Blatt ${i + 1} von ${pageCount}`);
    });
  });

  it("A4, A3 and A1 in both orientations and turned: boxes unchanged, pixels outside the stamp identical, ≥ 5 mm from the edges, near the title block", async () => {
    const cases: [keyof typeof SIZES, "portrait" | "landscape", number][] = [
      ["A4", "portrait", 0],
      ["A4", "landscape", 0],
      ["A3", "portrait", 0],
      ["A3", "landscape", 90],
      ["A1", "portrait", 180],
      ["A1", "landscape", 0],
      ["A1", "landscape", 270],
    ];
    for (const [size, orientation, rotation] of cases) {
      const label = `${size} ${orientation} ${rotation}°`;
      const original = await sheet(size, orientation, rotation);
      const { bytes, placements, tight } = await stampPdf(original, text);
      const o = (await PDFDocument.load(original)).getPage(0);
      const s = (await PDFDocument.load(bytes)).getPage(0);
      expect(s.getMediaBox(), label).toEqual(o.getMediaBox());
      expect(s.getCropBox(), label).toEqual(o.getCropBox());
      expect(tight, label).toEqual([]);
      const at = placements[0] as StampPlacement;
      const before = (await renderGreyPages(original, [1])).get(1) as GreyPage;
      const after = (await renderGreyPages(bytes, [1])).get(1) as GreyPage;
      expect([after.width, after.height], label).toEqual([before.width, before.height]);
      const diff = changesOutside(before, after, at);
      expect(diff.changed, label).toBeGreaterThan(50);
      expect(diff.outside, label).toBe(0);
      expect(diff.inkChanged, label).toBe(0);
      // 5 mm = 14.2 pt from every visible edge.
      const visibleW = before.width * 4;
      const visibleH = before.height * 4;
      expect(at.x, label).toBeGreaterThanOrEqual(14.2);
      expect(at.y, label).toBeGreaterThanOrEqual(14.2);
      expect(visibleW - (at.x + at.width), label).toBeGreaterThanOrEqual(14.2 - 4);
      expect(visibleH - (at.y + at.height), label).toBeGreaterThanOrEqual(14.2 - 4);
      // In the right half, in the lower half: next to the title block, not somewhere in the drawing.
      expect(at.x + at.width / 2, label).toBeGreaterThan(visibleW / 2);
      expect(at.y + at.height / 2, label).toBeLessThan(visibleH / 2);
    }
  });

  it("the CAD-like sample plans (fixtures/plans): stamp just above the title block, sheet unchanged, PDF/A where the fonts are embedded", async () => {
    const PLANS = path.resolve(import.meta.dirname, "../../fixtures/plans");
    for (const [file, archivable] of [
      ["grundriss-a1.pdf", true],
      ["lageplan-a3.pdf", true],
      ["schnitt-a3-hoch.pdf", true],
      ["ansicht-a3-ohne-schrift.pdf", false],
    ] as const) {
      const original = new Uint8Array(readFileSync(path.join(PLANS, file)));
      const { bytes, placements, tight } = await stampPdf(original, text);
      expect(tight, file).toEqual([]);
      const o = (await PDFDocument.load(original)).getPage(0);
      const s = (await PDFDocument.load(bytes)).getPage(0);
      expect(s.getMediaBox(), file).toEqual(o.getMediaBox());
      const at = placements[0] as StampPlacement;
      // The title block is 180 mm wide, 64 mm high (8 rows), 10 mm from the right and bottom edges.
      const mm = 72 / 25.4;
      expect(at.x + at.width, file).toBeGreaterThan(o.getWidth() - 10 * mm - 180 * mm);
      expect(at.y, file).toBeGreaterThanOrEqual(74 * mm - 4);
      expect(at.y, file).toBeLessThan(90 * mm);
      const before = (await renderGreyPages(original, [1])).get(1) as GreyPage;
      const after = (await renderGreyPages(bytes, [1])).get(1) as GreyPage;
      expect(changesOutside(before, after, at).outside, file).toBe(0);
      expect((await pdfXmp(bytes)).includes("pdfaid:part"), file).toBe(archivable);
    }
  });

  it("records the stamped file's pages for the verification mark: its rendering outside the stamps, the stamps as ink", async () => {
    const { bytes, placements } = await stampPdf(await mixedPlanSet(), text);
    const numbers = placements.map((p) => p.page);
    const remembered = await occupiedPages(bytes, numbers);
    const rendered = await renderGreyPages(bytes, numbers);
    for (const at of placements) {
      const mine = remembered.get(at.page) as GreyPage;
      const real = rendered.get(at.page) as GreyPage;
      expect([mine.width, mine.height]).toEqual([real.width, real.height]);
      expect(changesOutside(real, mine, at).outside, `Blatt ${at.page}`).toBe(0);
      // Inside, the stamp is occupied: no mark may go over it.
      const cx = Math.floor((at.x + at.width / 2) / 4);
      const cy = mine.height - Math.floor((at.y + at.height / 2) / 4);
      expect(mine.data[cy * mine.width + cx], `Blatt ${at.page}`).toBe(0);
    }
  });

  it("a sheet without free room gets a compact stamp where it covers least, and says so", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([841.89, 595.28]);
    // Hatching over the whole sheet, a little denser on the left.
    for (let x = 0; x < 842; x += 6)
      page.drawLine({ start: { x, y: 0 }, end: { x, y: 595 }, thickness: x < 400 ? 2 : 0.6 });
    const { placements, tight, bytes } = await stampPdf(await doc.save(), text);
    expect(tight).toEqual([1]);
    expect(placements[0]?.fit).toBe("covering");
    expect(placements[0]?.x).toBeGreaterThan(400);
    expect((await pdfPages(bytes))[0]?.replace(/\s+/g, " ")).toContain("Az. 63-2026-00042");
  });

  it("is deterministic and keeps a shrunken stamp inside narrow sheets", async () => {
    const a = await stampPdf(fixture("grundriss-eg.pdf"), text);
    const b = await stampPdf(fixture("grundriss-eg.pdf"), text);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);

    const narrow = await PDFDocument.create();
    narrow.addPage([150, 400]);
    const stamped = await stampPdf(await narrow.save(), text);
    const page = (await PDFDocument.load(stamped.bytes)).getPage(0);
    expect(page.getCropBox()).toEqual({ x: 0, y: 0, width: 150, height: 400 });
    const at = stamped.placements[0] as StampPlacement;
    expect(at.x).toBeGreaterThanOrEqual(14.2);
    expect(at.x + at.width).toBeLessThanOrEqual(150 - 14.2 + 4);
    expect((await pdfPages(stamped.bytes))[0]?.replace(/\s+/g, " ")).toContain("Az. 63-2026-00042");
  });

  it("draws the stamp in the embedded font, also for plain German text, and adds no unembedded font", async () => {
    const plan = fixture("grundriss-eg.pdf");
    const { bytes } = await stampPdf(plan, text);
    const before = await pdfFonts(plan);
    const after = await pdfFonts(bytes);
    // The plan's own (unembedded) fonts stay as they were; the stamp's fonts are embedded subsets.
    expect(after.filter((f) => !f.embedded).map((f) => f.name)).toEqual(
      before.filter((f) => !f.embedded).map((f) => f.name),
    );
    const added = after.filter((f) => !before.some((b) => b.object === f.object && b.name === f.name));
    expect(added.map((f) => [f.name, f.embedded, f.subset])).toEqual([
      ["BAUBLD+NotoSans-Bold", true, true],
      ["BAUREG+NotoSans-Regular", true, true],
    ]);
    const [page] = await pdfPages(bytes);
    expect(page?.replace(/\s+/g, " ")).toContain("Zugehörig zur Baugenehmigung Az. 63-2026-00042");
  });

  it("stamps several sheets with one embedded copy of each font", async () => {
    const { bytes, pageCount } = await stampPdf(await mixedPlanSet(), text);
    expect(pageCount).toBeGreaterThan(3);
    const ours = (await pdfFonts(bytes)).filter((f) => f.name.includes("NotoSans"));
    expect(ours.map((f) => f.name).sort()).toEqual(["BAUBLD+NotoSans-Bold", "BAUREG+NotoSans-Regular"]);
  });

  it("matches the golden image of the stamp (pdftoppm -r 72, cropped at its placement, independent of installed fonts)", async () => {
    const plan = fixture("grundriss-eg.pdf");
    const stampOf = async (t: StampText) => {
      const { bytes, placements } = await stampPdf(plan, t);
      const { height } = (await PDFDocument.load(bytes)).getPage(0).getSize();
      const at = placements[0] as StampPlacement;
      return renderPagePng(bytes, {
        dpi: GOLDEN_DPI,
        crop: { x: Math.floor(at.x), y: Math.floor(height - at.y - at.height), width: 300, height: 52 },
      });
    };
    const png = await stampOf(text);
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, png);
      if (process.env.UPDATE_GOLDEN !== "1")
        throw new Error(`golden image was missing; written to ${GOLDEN}`);
    }
    const golden = decodeGreyPng(await readFile(GOLDEN));
    const diff = compareGrey(golden, decodeGreyPng(png));
    expect(diff.sameSize).toBe(true);
    expect(diff.differing).toBeLessThanOrEqual(STAMP_TOLERANCE_PIXELS);

    // Another Aktenzeichen in the stamp, or a stamp without its text, is noticed.
    for (const other of [
      { ...text, headline: stampHeadline("Baugenehmigung", "63-2026-00043", "18.06.2026") },
      { headline: "", authority: "", detail: "" },
    ]) {
      const changed = decodeGreyPng(await stampOf(other));
      expect(compareGrey(golden, changed).differing).toBeGreaterThan(STAMP_TOLERANCE_PIXELS);
    }
  });
});
