import { readFileSync } from "node:fs";
import path from "node:path";
import type { PackageData } from "./participation-package";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
/** Bytes of a file in fixtures/bauvorlagen. */
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

/** A realistic Beteiligungspaket input (used by the package tests and the every-kind tests). */
export function samplePackage(overrides: Partial<PackageData> = {}): PackageData {
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
