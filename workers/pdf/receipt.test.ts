import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { formatReceivedAt, RECEIPT_RENDERER_VERSION, renderReceipt } from "./receipt";
import { sampleReceipt, sampleReceiptDocument } from "./receipt-samples";
import { compareGrey, decodeGreyPng, pdfPageCount, pdfPages, pdfText, renderPagePng } from "./test-support";

const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/receipt-page1.png");
/** Share of page-1 pixels (at 50 dpi) that may differ by more than 48 grey levels (rasteriser noise; a changed Aktenzeichen alone moves ~0.15 %). */
const GOLDEN_TOLERANCE = 0.0005;

const squash = (s: string) => s.replace(/\s+/g, "");

describe("Eingangsbestätigung renderer", () => {
  it("produces a valid PDF with every fact the issue lists", async () => {
    const data = sampleReceipt();
    const bytes = await renderReceipt(data);
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe("%PDF-");
    const reparsed = await PDFDocument.load(bytes);
    expect(reparsed.getTitle()).toBe(`Eingangsbestätigung ${data.fileNumber}`);
    expect(reparsed.getCreator()).toContain(RECEIPT_RENDERER_VERSION);

    const text = await pdfText(bytes);
    const flat = squash(text);
    expect(text).toContain("Eingangsbestätigung");
    expect(text).toContain(data.authority.name.split(" – ")[0] as string);
    expect(text).toContain(data.fileNumber);
    expect(text).toContain("15.03.2026, 11:29 Uhr"); // 10:29 UTC = 11:29 in Berlin (CET)
    expect(text).toContain(data.bauherr.name);
    expect(text).toContain(data.entwurfsverfasser?.name);
    expect(text).toContain("Am Ryck 3, 17489 Greifswald");
    expect(text).toContain("Gemarkung Eldena, Flur 12, Flurstück 7/12");
    expect(text).toContain("Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)");
    for (const d of data.documents) {
      // Long names wrap inside the table cell, so compare without whitespace.
      expect(flat).toContain(squash(d.filename));
      expect(text).toContain(d.sha256);
    }
    expect(text).toContain("Noch nachzureichende Unterlagen (2)");
    expect(text).toContain("wird nachgereicht");
    expect(text).toContain("müssen noch");
    for (const o of data.openItems) expect(text).toContain(o.typeLabel);
    expect(flat).toContain(squash(data.caseUrl));
  });

  it("gives the receipt time in German local time, summer and winter", () => {
    expect(formatReceivedAt(new Date("2026-03-15T10:29:00Z"))).toBe("15.03.2026, 11:29 Uhr");
    expect(formatReceivedAt(new Date("2026-07-01T22:30:00Z"))).toBe("02.07.2026, 00:30 Uhr");
  });

  it("leaves out the open-items section when nothing is outstanding", async () => {
    const text = await pdfText(await renderReceipt(sampleReceipt({ openItems: [] })));
    expect(text).not.toContain("nachzureichende");
    expect(text).toContain("Eingereichte Bauvorlagen (6)");
  });

  it("is deterministic: the same input renders to the same bytes", async () => {
    const a = await renderReceipt(sampleReceipt());
    const b = await renderReceipt(sampleReceipt());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = await renderReceipt(sampleReceipt({ fileNumber: "63-2026-00043" }));
    expect(Buffer.from(a).equals(Buffer.from(other))).toBe(false);
  });

  it("spreads a long document list over several pages with correct page numbers", async () => {
    const documents = Array.from({ length: 90 }, (_, i) => sampleReceiptDocument(i));
    const bytes = await renderReceipt(sampleReceipt({ documents }));
    const count = await pdfPageCount(bytes);
    expect(count).toBeGreaterThanOrEqual(4);
    const pages = await pdfPages(bytes);
    expect(pages).toHaveLength(count);
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${count}`);
      expect(page).toContain("63-2026-00042");
    });
    // Continuation pages repeat the table header.
    expect(pages[1]).toContain("Datei und SHA-256-Prüfsumme");
    const flat = squash(pages.join(""));
    for (const d of documents) {
      expect(flat).toContain(squash(d.filename));
      expect(flat).toContain(d.sha256);
    }
    // Every row exactly once (none lost or duplicated at a page break).
    for (const d of documents) expect(flat.split(d.sha256).length - 1).toBe(1);
  });

  it("draws text the font cannot show as '?' instead of failing", async () => {
    const bytes = await renderReceipt(
      sampleReceipt({
        projectTitle: "Umbau 🏠 Werkstatt 工场",
        bauherr: { name: "Zoë Ångström-Łukasz", details: [] },
      }),
    );
    const text = await pdfText(bytes);
    expect(text).toContain("Zoë Ångström-Łukasz");
    expect(text).toContain("Umbau ? Werkstatt ??");
  });

  it("matches the golden image of page 1 (pdftoppm -r 50)", async () => {
    const bytes = await renderReceipt(sampleReceipt());
    const png = await renderPagePng(bytes, { dpi: 50 });
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, png);
      if (process.env.UPDATE_GOLDEN !== "1")
        throw new Error(`golden image was missing; written to ${GOLDEN}`);
    }
    const golden = decodeGreyPng(await readFile(GOLDEN));
    const actual = decodeGreyPng(png);
    const diff = compareGrey(golden, actual);
    expect(diff.sameSize).toBe(true);
    expect(diff.ratio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);

    // The comparison is sensitive enough to notice a changed Aktenzeichen and a missing row.
    const changed = decodeGreyPng(
      await renderPagePng(await renderReceipt(sampleReceipt({ fileNumber: "99-2031-77777" })), { dpi: 50 }),
    );
    expect(compareGrey(golden, changed).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
    const fewer = decodeGreyPng(
      await renderPagePng(
        await renderReceipt(sampleReceipt({ documents: sampleReceipt().documents.slice(0, 4) })),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, fewer).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
  });
});
