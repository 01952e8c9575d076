import { readFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { type PackageData, renderParticipationPackage, stampText } from "./participation-package";
import { decodeGreyPng, pdfPages, renderPagePng } from "./test-support";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

function sample(overrides: Partial<PackageData> = {}): PackageData {
  return {
    authority: { name: "Landkreis Nordwestmecklenburg", addressLine: "Rostocker Straße 76, 23970 Wismar" },
    agency: { name: "Untere Denkmalschutzbehörde", addressLine: "Rostocker Straße 76, 23970 Wismar" },
    fileNumber: "63-2026-00042",
    participationId: "0d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d",
    date: new Date("2026-11-22T10:00:00Z"),
    kindLabel: "Bitte um fachliche Stellungnahme",
    question: "Wir bitten um Ihre denkmalrechtliche Stellungnahme.",
    reason: "Ein Baudenkmal ist betroffen.",
    legalBasis: "Denkmalschutzgesetz des Landes; Frist: § 69 Abs. 1 LBauO M-V",
    deadline: new Date("2026-12-22T22:59:59.999Z"),
    silenceConsequence:
      "Zustimmung gilt als erteilt: Geht bis zum Ablauf der Frist keine Stellungnahme ein, gilt die Zustimmung als erteilt.",
    clerkName: "Thomas Krüger",
    portalUrl: "https://bauantrag.example/beteiligung/0d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d",
    summary: {
      projectTitle: "Umbau Gutshaus Klütz",
      measure: "Änderung",
      procedureLabel: "Baugenehmigungsverfahren (§ 64 LBauO M-V)",
      details: ["Baudenkmal betroffen", "Gebäudeklasse 3"],
      bauherr: { name: "Jana Schröder", details: ["Mittelweg 12, 23946 Ostseebad Boltenhagen"] },
      entwurfsverfasser: null,
      plot: {
        address: "Schloßstraße 1, 23948 Klütz",
        municipality: "Klütz",
        parcels: [
          { gemarkung: "Klütz", flur: "1", zaehler: "12", nenner: "3" },
          { gemarkung: "Klütz", flur: "1", zaehler: "13" },
        ],
      },
    },
    documents: [
      {
        typeLabel: "Lageplan",
        title: "Lageplan",
        filename: "lageplan.pdf",
        versionNumber: 1,
        sha256: "a".repeat(64),
        mimeType: "application/pdf",
        bytes: fixture("lageplan.pdf"),
      },
      {
        typeLabel: "Foto",
        title: "Ansicht Süd",
        filename: "photo.jpg",
        versionNumber: 1,
        sha256: "b".repeat(64),
        mimeType: "image/jpeg",
        bytes: fixture("photo.jpg"),
      },
      {
        typeLabel: "Foto",
        title: "Ansicht Nord",
        filename: "photo.png",
        versionNumber: 2,
        sha256: "c".repeat(64),
        mimeType: "image/png",
        bytes: fixture("photo.png"),
      },
      {
        typeLabel: "Sonstiges",
        title: "Aufmaß",
        filename: "aufmass.dwg",
        versionNumber: 1,
        sha256: "d".repeat(64),
        mimeType: "image/vnd.dwg",
        bytes: null,
      },
    ],
    ...overrides,
  };
}

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
