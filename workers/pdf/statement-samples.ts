import type { StatementPdfData } from "./statement";

/** A Stellungnahme with 40 Nebenbestimmungen (several pages). */
export function sampleStatement(overrides: Partial<StatementPdfData> = {}): StatementPdfData {
  return {
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
    ...overrides,
  };
}
