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
  pdfPageCount,
  pdfPages,
  renderPagePng,
} from "./test-support";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/stamped-plan-page1.png");
const GOLDEN_TOLERANCE = 0.0005;

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

  it("falls back to the embedded font for names beyond WinAnsi and keeps them readable", async () => {
    const { bytes } = await stampPdf(fixture("grundriss-eg.pdf"), {
      ...text,
      authority: "Gmina Łukasz – Bauaufsicht",
    });
    const [page] = await pdfPages(bytes);
    expect(page).toContain("Gmina Łukasz – Bauaufsicht");
    expect(page?.replace(/\s+/g, " ")).toContain("Zugehörig zur Baugenehmigung Az. 63-2026-00042");
  });

  it("matches the golden image of a stamped plan page (pdftoppm -r 50)", async () => {
    const { bytes } = await stampPdf(fixture("grundriss-eg.pdf"), text);
    const png = await renderPagePng(bytes, { dpi: 50 });
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, png);
      if (process.env.UPDATE_GOLDEN !== "1")
        throw new Error(`golden image was missing; written to ${GOLDEN}`);
    }
    const golden = decodeGreyPng(await readFile(GOLDEN));
    const diff = compareGrey(golden, decodeGreyPng(png));
    expect(diff.sameSize).toBe(true);
    expect(diff.ratio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);

    // A stamp in another place or without its frame and text is noticed.
    const bare = decodeGreyPng(
      await renderPagePng(
        await stampPdf(fixture("grundriss-eg.pdf"), { headline: "", authority: "", detail: "" }).then(
          (r) => r.bytes,
        ),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, bare).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
  });
});
