import { describe, expect, it } from "vitest";
import { renderStatement } from "./statement";
import { sampleStatement } from "./statement-samples";
import { pdfPages } from "./test-support";

const data = sampleStatement();

describe("renderStatement", () => {
  it("numbers every Nebenbestimmung, breaks pages with header and footer and is deterministic", async () => {
    const bytes = await renderStatement(data);
    expect(Buffer.from(await renderStatement(data)).equals(Buffer.from(bytes))).toBe(true);
    const pages = (await pdfPages(bytes)).map((p) => p.replace(/\s+/g, " "));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((text, i) => {
      expect(text).toContain(`Seite ${i + 1} von ${pages.length}`);
      expect(text).toContain("Az. 63-2026-00042");
      if (i > 0) expect(text).toContain("(Fortsetzung)");
    });
    const all = pages.join(" ");
    expect(all).toContain("(2. Runde)");
    for (let n = 1; n <= 40; n++) expect(all).toContain(`Nebenbestimmung Nummer ${n}:`);
    expect(all).toContain("39. Auflage");
    expect(all).toContain("40. Hinweis");
    expect(all.indexOf("Begründung")).toBeGreaterThan(all.indexOf("40. Hinweis"));
    expect(all).toContain(`SHA-256 ${"ab".repeat(32)}`);
    expect(all).toContain("02.04.2026, im Auftrag Petra Prüfer");
  });
});
