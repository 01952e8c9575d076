import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { degrees, PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { STAMP_STRIP_HEIGHT, type StampText, stampHeadline, stampPdf } from "./stamp";
import {
  compareGrey,
  decodeGreyPng,
  type GreyImage,
  pdfFonts,
  pdfPageCount,
  pdfPages,
  renderPagePng,
} from "./test-support";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
/**
 * The golden image is the strip with the stamp only: the sample plan's own text is in an unembedded
 * Helvetica (as applicants' files may be), which every machine renders with whatever font it has.
 * The sheet itself is compared against the unstamped original on the same machine instead.
 */
const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/stamped-plan-strip.png");
/** At 72 dpi one pixel is one point: the strip is the top STAMP_STRIP_HEIGHT rows of the page. */
const STRIP_DPI = 72;
/**
 * Strip pixels that may differ by more than 48 grey levels from the golden image. Everything in
 * the strip is drawn in our embedded fonts, so the same poppler renders it identically; one
 * changed digit of the Aktenzeichen moves about a dozen pixels.
 */
const STRIP_TOLERANCE_PIXELS = 4;

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

const text: StampText = {
  headline: stampHeadline("Baugenehmigung", "63-2026-00042", "18.06.2026"),
  authority: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
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

/** The bottom `height` rows of an image. */
function bottomRows(img: GreyImage, height: number): GreyImage {
  return { width: img.width, height, pixels: img.pixels.subarray((img.height - height) * img.width) };
}

describe("stamping approved plans", () => {
  it("keeps the page count, puts the stamp text on every page and grows each page by the strip at the top the reader sees", async () => {
    const source = await mixedPlanSet();
    const { bytes, pageCount } = await stampPdf(source, text);
    const originalCount = await pdfPageCount(source);
    expect(pageCount).toBe(originalCount);
    expect(await pdfPageCount(bytes)).toBe(originalCount);
    const pages = await pdfPages(bytes);
    expect(pages).toHaveLength(originalCount);
    pages.forEach((page, i) => {
      expect(page.replace(/\s+/g, " ")).toContain(
        "Zugehörig zur Baugenehmigung Az. 63-2026-00042 vom 18.06.2026",
      );
      expect(page).toContain(`Blatt ${i + 1} von ${originalCount}`);
    });

    const before = await PDFDocument.load(source);
    const after = await PDFDocument.load(bytes);
    after.getPages().forEach((page, i) => {
      const orig = before.getPage(i);
      const rotation = orig.getRotation().angle;
      expect(page.getRotation().angle).toBe(rotation);
      const o = orig.getCropBox();
      const n = page.getCropBox();
      // Grown by exactly the strip, along the axis that is vertical for the reader.
      if (rotation % 180 === 0) {
        expect(n.width).toBeCloseTo(o.width, 3);
        expect(n.height).toBeCloseTo(o.height + STAMP_STRIP_HEIGHT, 3);
      } else {
        expect(n.width).toBeCloseTo(o.width + STAMP_STRIP_HEIGHT, 3);
        expect(n.height).toBeCloseTo(o.height, 3);
      }
    });
  });

  it("covers nothing of the sheet: below the strip the stamped page renders exactly like the original", async () => {
    for (const [name, rotation] of [
      ["grundriss-eg.pdf", 0],
      ["lageplan.pdf", 90],
      ["baubeschreibung.pdf", 180],
      ["schnitt.pdf", 270],
    ] as const) {
      const doc = await PDFDocument.create();
      const src = await PDFDocument.load(fixture(name));
      const [page] = await doc.copyPages(src, [0]);
      if (!page) throw new Error("no page");
      page.setRotation(degrees(rotation));
      doc.addPage(page);
      const original = await doc.save();
      const { bytes } = await stampPdf(original, text);
      // 36 dpi: the 60 pt strip is exactly 30 pixel rows, so the sheet lines up pixel for pixel.
      const o = decodeGreyPng(await renderPagePng(original, { dpi: 36 }));
      const s = decodeGreyPng(await renderPagePng(bytes, { dpi: 36 }));
      expect(s.width).toBe(o.width);
      expect(s.height).toBe(o.height + 30);
      const diff = compareGrey(o, bottomRows(s, o.height), 8);
      // A few anti-aliased pixels at a rotated sheet's edge may round differently; a stamp on the
      // sheet would change thousands.
      expect(diff.differing, `${name} turned ${rotation}°`).toBeLessThanOrEqual(5);
      // ...and the strip does carry the stamp (dark pixels).
      const strip = s.pixels.subarray(0, 30 * s.width);
      expect(strip.filter((p) => p < 128).length).toBeGreaterThan(200);
    }
  });

  it("is deterministic and keeps a shrunken stamp on narrow sheets", async () => {
    const a = await stampPdf(fixture("grundriss-eg.pdf"), text);
    const b = await stampPdf(fixture("grundriss-eg.pdf"), text);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);

    const narrow = await PDFDocument.create();
    narrow.addPage([150, 400]);
    const stamped = await stampPdf(await narrow.save(), text);
    const page = (await PDFDocument.load(stamped.bytes)).getPage(0);
    expect(page.getCropBox().width).toBe(150);
    expect(page.getCropBox().height).toBeGreaterThan(400);
    expect(page.getCropBox().height).toBeLessThan(400 + STAMP_STRIP_HEIGHT);
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

  it("matches the golden image of the stamp strip (pdftoppm -r 72, independent of installed fonts)", async () => {
    const plan = fixture("grundriss-eg.pdf");
    const stripOf = async (bytes: Uint8Array) => {
      const { width } = (await PDFDocument.load(bytes)).getPage(0).getSize();
      return renderPagePng(bytes, {
        dpi: STRIP_DPI,
        crop: { x: 0, y: 0, width: Math.floor(width), height: STAMP_STRIP_HEIGHT },
      });
    };
    const png = await stripOf((await stampPdf(plan, text)).bytes);
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, png);
      if (process.env.UPDATE_GOLDEN !== "1")
        throw new Error(`golden image was missing; written to ${GOLDEN}`);
    }
    const golden = decodeGreyPng(await readFile(GOLDEN));
    const diff = compareGrey(golden, decodeGreyPng(png));
    expect(diff.sameSize).toBe(true);
    expect(diff.differing).toBeLessThanOrEqual(STRIP_TOLERANCE_PIXELS);

    // Another Aktenzeichen in the stamp, or a stamp without its frame and text, is noticed.
    for (const other of [
      { ...text, headline: stampHeadline("Baugenehmigung", "63-2026-00043", "18.06.2026") },
      { headline: "", authority: "", detail: "" },
    ]) {
      const changed = decodeGreyPng(await stripOf((await stampPdf(plan, other)).bytes));
      expect(compareGrey(golden, changed).differing).toBeGreaterThan(STRIP_TOLERANCE_PIXELS);
    }
  });
});
