import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { decisionTenor } from "~/domain/decision-tenor";
import { MV_PROFILE } from "~/domain/land-profiles";
import {
  BESCHEID_RENDERER_VERSION,
  type BescheidCondition,
  numberConditions,
  renderBescheid,
} from "./bescheid";
import { SAMPLE_AUFLAGE, sampleBescheid } from "./bescheid-samples";
import { compareGrey, decodeGreyPng, pdfPageCount, pdfPages, pdfText, renderPagePng } from "./test-support";

const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/bescheid-page1.png");
/** Share of page-1 pixels (50 dpi) that may differ by more than 48 grey levels (rasteriser noise). */
const GOLDEN_TOLERANCE = 0.0005;

const squash = (s: string) => s.replace(/\s+/g, "");

describe("Bescheid renderer", () => {
  it("contains every part of a Bescheid: letterhead, Az., parties, plot, tenor, Abweichung, Nebenbestimmungen, fees, reasons, Belehrung, Bauvorlagen", async () => {
    const data = sampleBescheid();
    const bytes = await renderBescheid(data);
    const reparsed = await PDFDocument.load(bytes);
    expect(reparsed.getTitle()).toBe("Baugenehmigung 63-2026-00042");
    expect(reparsed.getCreator()).toContain(BESCHEID_RENDERER_VERSION);

    const text = await pdfText(bytes);
    const flat = squash(text);
    expect(text).toContain("Landkreis Vorpommern-Greifswald");
    expect(text).toContain("63-2026-00042");
    expect(text).toContain("18.06.2026");
    expect(text).toContain("Erika Müller-Lüdenscheidt");
    expect(text).toContain("Jana Beispiel, Architektin");
    expect(text).toContain("Gemarkung Eldena, Flur 12, Flurstück 7/12");
    expect(text).toContain("Gemeinde Greifswald");
    expect(text).toContain("Neubau eines Einfamilienhauses mit Carport");
    expect(text).toContain("Bescheid nach § 72 Abs. 1 LBauO M-V");
    expect(flat).toContain(squash("wird die Baugenehmigung für das oben bezeichnete Vorhaben"));
    expect(text).toContain("Zugelassene Abweichungen");
    expect(flat).toContain(squash("Unterschreitung der Abstandsfläche"));
    // Grouped by kind, numbered through, with their source.
    for (const heading of ["Bedingungen", "Auflagen", "Hinweise"]) expect(text).toContain(heading);
    expect(text).not.toContain("Vorbehalte");
    expect(flat).toContain(squash(SAMPLE_AUFLAGE));
    expect(flat).toContain(squash("Quelle: Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026"));
    const headings = text
      .split("\n")
      .filter((l) => ["Bedingungen", "Auflagen", "Vorbehalte", "Hinweise"].includes(l.trim()));
    expect(headings.map((l) => l.trim())).toEqual(["Bedingungen", "Auflagen", "Hinweise"]);
    // Fee table in German currency format.
    expect(text).toContain("2.310,00 €");
    expect(text).toContain("50,00 €");
    expect(text).toContain("Gesamtbetrag");
    expect(text).toContain("2.360,00 €");
    expect(text).toContain("gültig bis 18.06.2029");
    expect(text).toContain("Begründung");
    expect(flat).toContain(squash("Bebauungsplans Nr. 12"));
    expect(text).toContain("Rechtsbehelfsbelehrung");
    expect(flat).toContain(squash("innerhalb eines Monats nach Bekanntgabe Widerspruch"));
    for (const d of data.documents) {
      expect(text).toContain(d.sha256);
      expect(flat).toContain(squash(d.filename));
    }
    const pages = await pdfPages(bytes);
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
  });

  it("numbers the Nebenbestimmungen through, grouped in the order Bedingungen, Auflagen, Vorbehalte, Hinweise", () => {
    const c = (kind: BescheidCondition["kind"], text: string): BescheidCondition => ({ kind, text });
    const groups = numberConditions([
      c("HINWEIS", "h1"),
      c("AUFLAGE", "a1"),
      c("BEDINGUNG", "b1"),
      c("AUFLAGE", "a2"),
      c("VORBEHALT", "v1"),
    ]);
    expect(groups.map((g) => [g.kind, g.items.map((i) => `${i.number}:${i.condition.text}`)])).toEqual([
      ["BEDINGUNG", ["1:b1"]],
      ["AUFLAGE", ["2:a1", "3:a2"]],
      ["VORBEHALT", ["4:v1"]],
      ["HINWEIS", ["5:h1"]],
    ]);
  });

  it("an Ablehnung has its own title and tenor and no validity", async () => {
    const text = await pdfText(
      await renderBescheid(
        sampleBescheid({
          tenor: decisionTenor("ABLEHNUNG", MV_PROFILE, "15.03.2026"),
          conditions: [],
          deviations: [],
          validUntil: null,
        }),
      ),
    );
    expect(text).toContain("Ablehnungsbescheid");
    expect(squash(text)).toContain(
      squash("auf Erteilung einer Baugenehmigung für das oben bezeichnete Vorhaben wird abgelehnt"),
    );
    expect(text).not.toContain("Geltungsdauer");
    expect(text).not.toContain("Nebenbestimmungen und Hinweise");
  });

  it("is deterministic: the same input renders to the same bytes", async () => {
    const a = await renderBescheid(sampleBescheid());
    const b = await renderBescheid(sampleBescheid());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("flows long texts over pages: every condition once, footers numbered", async () => {
    const conditions: BescheidCondition[] = Array.from({ length: 45 }, (_, i) => ({
      kind: (["BEDINGUNG", "AUFLAGE", "VORBEHALT", "HINWEIS"] as const)[i % 4] as BescheidCondition["kind"],
      text: `Nebenbestimmung Nummer ${i} ${"mit einem langen Text, der über mehrere Zeilen umbrechen muss, ".repeat(3 + (i % 5))}Ende${i}.`,
      legalBasis: i % 3 === 0 ? "§ 36 VwVfG" : null,
      sourceLabel: i % 2 === 0 ? `Fachstelle ${i}, Stellungnahme vom 01.06.2026` : null,
    }));
    const reasons = Array.from(
      { length: 12 },
      (_, i) => `Absatz ${i}: ${"Begründungstext ".repeat(60)}`,
    ).join("\n\n");
    const bytes = await renderBescheid(sampleBescheid({ conditions, reasons }));
    const count = await pdfPageCount(bytes);
    expect(count).toBeGreaterThanOrEqual(6);
    const pages = await pdfPages(bytes);
    expect(pages).toHaveLength(count);
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${count}`);
      expect(page).toContain("63-2026-00042");
    });
    const flat = squash(pages.join(""));
    for (let i = 0; i < conditions.length; i++) expect(flat.split(`Ende${i}.`).length - 1).toBe(1);
    for (let i = 0; i < 12; i++) expect(flat).toContain(`Absatz${i}:`);
  });

  it("matches the golden image of page 1 (pdftoppm -r 50)", async () => {
    const png = await renderPagePng(await renderBescheid(sampleBescheid()), { dpi: 50 });
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

    // Sensitive enough to notice another decision kind and a missing Nebenbestimmung.
    const other = decodeGreyPng(
      await renderPagePng(
        await renderBescheid(
          sampleBescheid({ tenor: decisionTenor("VORBESCHEID", MV_PROFILE, "15.03.2026") }),
        ),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, other).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
    const fewer = decodeGreyPng(
      await renderPagePng(
        await renderBescheid(sampleBescheid({ conditions: sampleBescheid().conditions.slice(1) })),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, fewer).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
  });
});
