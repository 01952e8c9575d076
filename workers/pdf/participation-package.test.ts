import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { fixture, samplePackage as sample } from "./package-samples";
import { renderParticipationPackage, stampText } from "./participation-package";
import { decodeGreyPng, pdfPages, renderPagePng } from "./test-support";

describe("participation package PDF", () => {
  it("cover letter, summary, merged PDF pages and images; every page stamped x/y", async () => {
    const bytes = await renderParticipationPackage(sample());
    const pages = await pdfPages(bytes);
    // cover + summary + 1 Lageplan page + 2 images; the DWG is only listed.
    expect(pages).toHaveLength(5);
    const flat = pages.map((p) => p.replace(/\s+/g, " "));
    expect(flat[0]).toContain("Aktenzeichen");
    expect(flat[0]).toContain("63-2026-00042");
    expect(flat[0]).toContain("22.12.2026");
    expect(flat[0]).toContain("Untere Denkmalschutzbehörde");
    expect(flat[0]).toContain("Rostocker Straße 76");
    expect(flat[0]).toContain("Wir bitten um Ihre denkmalrechtliche Stellungnahme.");
    expect(flat[0]).toContain("Zustimmung gilt als erteilt");
    expect(flat[1]).toContain("Zusammenfassung des Falls");
    expect(flat[1]).toContain("Gemarkung Klütz, Flur 1, Flurstück 12/3");
    expect(flat[1]).toContain("aufmass.dwg (Version 1) – nicht eingebunden, im Portal abrufbar");
    flat.forEach((text, i) => {
      expect(text).toContain(stampText("63-2026-00042", i + 1, 5));
    });
    // The images keep their orientation (both are landscape).
    const doc = await PDFDocument.load(bytes);
    for (const i of [3, 4]) {
      const { width, height } = doc.getPage(i).getSize();
      expect(width).toBeGreaterThan(height);
    }
    // And are really drawn: the image page is far from blank.
    const grey = decodeGreyPng(await renderPagePng(bytes, { page: 4, dpi: 30 }));
    const dark = grey.pixels.filter((v) => v < 200).length / grey.pixels.length;
    expect(dark).toBeGreaterThan(0.05);
  });

  it("is deterministic for the same input", async () => {
    const a = await renderParticipationPackage(sample());
    const b = await renderParticipationPackage(sample());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("names the file that cannot be read", async () => {
    const broken = sample({
      documents: [
        {
          typeLabel: "Lageplan",
          title: "Lageplan",
          filename: "broken.pdf",
          versionNumber: 1,
          sha256: "e".repeat(64),
          mimeType: "application/pdf",
          bytes: fixture("broken.pdf"),
        },
      ],
    });
    await expect(renderParticipationPackage(broken)).rejects.toThrow(/broken\.pdf/);
  });
});
