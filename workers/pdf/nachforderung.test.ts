import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NACHFORDERUNG_RENDERER_VERSION, renderNachforderung } from "./nachforderung";
import { sampleNachforderung } from "./nachforderung-samples";
import { compareGrey, decodeGreyPng, pdfPages, pdfText, renderPagePng } from "./test-support";

const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/nachforderung-page1.png");
const GOLDEN_TOLERANCE = 0.0005;
const squash = (s: string) => s.replace(/\s+/g, "");

/** Word boxes of page 1 (pdftotext -bbox): text, position and height in points. */
function words(bytes: Uint8Array, page = 1) {
  const html = execFileSync("pdftotext", ["-bbox", "-f", String(page), "-l", String(page), "-", "-"], {
    input: Buffer.from(bytes),
  }).toString();
  return [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g),
  ].map((m) => ({
    word: m[4] as string,
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[3]) - Number(m[2]),
  }));
}

describe("Nachforderung letter", () => {
  it("says what is missing, by when and what happens otherwise, with the letterhead of the authority", async () => {
    const bytes = await renderNachforderung(sampleNachforderung());
    const text = await pdfText(bytes);
    const flat = squash(text);
    expect(text).toContain("Nachforderung zu Ihrem Bauantrag");
    expect(text).toContain("63-2026-00117");
    expect(text).toContain("Fachdienst Bauordnung und Umwelt");
    expect(text).toContain("03841 3040-6300");
    expect(text).toContain("Di 9–12 und 13–17 Uhr");
    expect(flat).toContain(squash("4 Punkte festgestellt"));
    expect(flat).toContain(squash("Frist: 12.05.2026"));
    expect(flat).toContain(squash("gilt der Bauantrag als zurückgenommen"));
    expect(flat).toContain(squash("Stellplatzsatzung der Stadt Grevesmühlen"));
    for (const item of sampleNachforderung().items) expect(flat).toContain(squash(item.message));
    expect(text).toContain("Nachrichtlich: Karla Weiß, Architektin (Entwurfsverfasser:in)");
    expect(text).not.toMatch(/Code \d{4}/);
    // "Im Auftrag" on its own line, the name on the next.
    const lines = text.split("\n").map((l) => l.trim());
    const at = lines.indexOf("Im Auftrag");
    expect(at).toBeGreaterThan(-1);
    expect(lines.slice(at + 1).find((l) => l !== "")).toBe("Thomas Krüger");
    const pages = await pdfPages(bytes);
    pages.forEach((p, i) => {
      expect(p).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
  });

  it("DIN 5008 address block (street and town on separate lines), e-mail in one piece, body ≥ 10 pt", async () => {
    const bytes = await renderNachforderung(sampleNachforderung());
    const w = words(bytes);
    const street = w.find((x) => x.word === "Mühlenteich" && x.x < 200);
    const town = w.find((x) => x.word === "23936" && x.x < 200);
    expect(street && town && town.y - street.y).toBeGreaterThan(8);
    expect(w.filter((x) => x.word.includes("nordwestmecklenburg.example")).map((x) => x.word)).toEqual([
      "bauordnung.vorpruefung@nordwestmecklenburg.example",
    ]);
    // pdftotext's box height is ascent + descent of Noto Sans, ≈ 1.36 × the font size.
    const body = w.find((x) => x.word === "Vollständigkeit");
    expect(body?.height ?? 0).toBeGreaterThanOrEqual(10 * 1.3);
  });

  it("keeps the table header with its first row when the table starts at a page end", async () => {
    // A long cover text pushes the table to the bottom of page 1.
    const long = Array.from(
      { length: 9 },
      (_, i) => `Absatz ${i}: ${"Erläuterung zur Nachforderung ".repeat(9)}`,
    ).join("\n\n");
    const bytes = await renderNachforderung(sampleNachforderung({ message: long }));
    const pages = await pdfPages(bytes);
    const headerPage = pages.findIndex((p) => p.includes("Was fehlt oder zu ändern ist"));
    expect(headerPage).toBeGreaterThanOrEqual(0);
    // The first finding is on the page of the first header.
    expect(squash(pages[headerPage] as string)).toContain(squash("Die Abstandsflächen nach § 6 LBauO M-V"));
  });

  it("is deterministic and matches the golden image of page 1 (pdftoppm -r 50)", async () => {
    const a = await renderNachforderung(sampleNachforderung());
    const b = await renderNachforderung(sampleNachforderung());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).toString("latin1")).toContain(`Nachforderung ${NACHFORDERUNG_RENDERER_VERSION}`);
    const png = await renderPagePng(a, { dpi: 50 });
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
    const fewer = decodeGreyPng(
      await renderPagePng(
        await renderNachforderung(sampleNachforderung({ items: sampleNachforderung().items.slice(1) })),
        {
          dpi: 50,
        },
      ),
    );
    expect(compareGrey(golden, fewer).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
  });
});
