import { describe, expect, it } from "vitest";
import { renderStatement, type StatementPdfData } from "./statement";
import { pdfPages } from "./test-support";

const data: StatementPdfData = {
  agency: {
    name: "Landkreis Nordwestmecklenburg – Brandschutzdienststelle",
    addressLine: "Rostocker Straße 76, 23970 Wismar",
    email: "brandschutz@nordwestmecklenburg.de",
  },
  authorityName: "Landkreis Nordwestmecklenburg, Bauaufsicht",
  fileNumber: "63-2026-00042",
  projectTitle: "Neubau Einfamilienhaus mit Carport",
  municipality: "Grevesmühlen",
  question: "Bitte nehmen Sie aus Sicht des vorbeugenden Brandschutzes Stellung.",
  legalBasis: "§ 70 Abs. 1 LBauO M-V",
  round: 2,
  outcomeLabel: "Zustimmung mit Nebenbestimmungen",
  conditions: Array.from({ length: 40 }, (_, i) => ({
    kindLabel: i % 2 === 0 ? "Auflage" : "Hinweis",
    text: `Nebenbestimmung Nummer ${i + 1}: Rauchwarnmelder sind in allen Aufenthaltsräumen, Schlafräumen und Fluren, die zu Aufenthaltsräumen führen, einzubauen und betriebsbereit zu halten.`,
    legalBasis: i % 2 === 0 ? "§ 47 Abs. 4 LBauO M-V" : null,
  })),
  reasons: "Die Rettungswege sind ausreichend.\n\nDie Zufahrt für die Feuerwehr ist gesichert.",
  attachments: [{ filename: "Lageplan-Feuerwehr.pdf", sizeBytes: 204_800, sha256: "ab".repeat(32) }],
  submittedAt: new Date("2026-04-02T09:15:00Z"),
  author: "Petra Prüfer",
};

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
