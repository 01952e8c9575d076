import { decisionTenor } from "~/domain/decision-tenor";
import { MV_PROFILE } from "~/domain/land-profiles";
import type { BescheidData } from "./bescheid";
import { sampleSha } from "./receipt-samples";

/**
 * Fixed Bescheid inputs for the renderer tests, the golden image and the bench. Not used by
 * production code.
 */

export const SAMPLE_AUFLAGE =
  "Die Fenster der straßenseitigen Fassade sind als Holzfenster mit glasteilenden Sprossen in der historischen Teilung auszuführen.";

export function sampleBescheid(overrides: Partial<BescheidData> = {}): BescheidData {
  return {
    authority: {
      name: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
      addressLine: "Feldstraße 85a, 17489 Greifswald",
      email: "bauaufsicht@kreis-vg.example",
    },
    fileNumber: "63-2026-00042",
    applicationId: "5b0c7e0e-7a51-4d8f-9a34-0d6c1c2f4e11",
    decidedAt: new Date("2026-06-18T09:15:00Z"),
    receivedAt: new Date("2026-03-15T10:29:00Z"),
    decidedBy: "Sabine Sachbearbeiterin",
    tenor: decisionTenor("BAUGENEHMIGUNG", MV_PROFILE, "15.03.2026"),
    procedureLabel: "Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)",
    projectTitle: "Neubau eines Einfamilienhauses mit Carport",
    measure: "Errichtung",
    bauherr: {
      name: "Erika Müller-Lüdenscheidt",
      details: ["Am Ryck 3, 17489 Greifswald", "erika@example.org"],
    },
    entwurfsverfasser: {
      name: "Jana Beispiel, Architektin",
      details: ["Kammer-Nr. AK-MV 2041 (Mecklenburg-Vorpommern)", "Markt 1, 17489 Greifswald"],
    },
    plot: {
      address: "Am Ryck 3, 17489 Greifswald",
      municipality: "Greifswald",
      parcels: [{ gemarkung: "Eldena", flur: "12", zaehler: "7", nenner: "12" }],
    },
    deviations: [
      {
        text: "Unterschreitung der Abstandsfläche zur nördlichen Grundstücksgrenze (Flurstück 7/11) um 0,40 m auf 2,60 m.",
        legalBasis: "§ 67 Abs. 1 LBauO M-V",
      },
    ],
    conditions: [
      {
        kind: "BEDINGUNG",
        text: "Mit der Bauausführung darf erst begonnen werden, wenn der geprüfte Standsicherheitsnachweis der Bauaufsichtsbehörde vorliegt.",
        legalBasis: "§ 72 Abs. 3 LBauO M-V",
        sourceLabel: null,
      },
      {
        kind: "AUFLAGE",
        text: SAMPLE_AUFLAGE,
        legalBasis: "§ 7 DSchG M-V",
        sourceLabel: "Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026",
      },
      {
        kind: "AUFLAGE",
        text: "Das auf den Dachflächen anfallende Niederschlagswasser ist auf dem Grundstück zu versickern.",
        legalBasis: null,
        sourceLabel: "Untere Wasserbehörde, Stellungnahme vom 28.05.2026",
      },
      {
        kind: "HINWEIS",
        text: "Der Baubeginn ist der Bauaufsichtsbehörde mindestens eine Woche vorher schriftlich anzuzeigen.",
        legalBasis: "§ 72 Abs. 8 LBauO M-V",
        sourceLabel: null,
      },
    ],
    fee: {
      constructionCostCents: 38_500_000,
      totalCents: 231_000 + 5_000,
      lines: [
        {
          label: "Baugenehmigung (vereinfachtes Verfahren)",
          basis: "6 ‰ der Baukosten von 385.000,00 €",
          amountCents: 231_000,
        },
        { label: "Beteiligung Denkmalschutzbehörde", basis: "Festgebühr je Beteiligung", amountCents: 5_000 },
      ],
    },
    reasons:
      "Das Vorhaben liegt im Geltungsbereich des Bebauungsplans Nr. 12 „Am Ryck“ und entspricht dessen Festsetzungen. " +
      "Die Gemeinde hat ihr Einvernehmen erteilt. Die beteiligten Fachbehörden haben dem Vorhaben unter Nebenbestimmungen zugestimmt.\n\n" +
      "Die Abweichung von der Abstandsfläche wird zugelassen, weil die Schutzziele des Abstandsflächenrechts (Belichtung, Belüftung, Brandschutz) gewahrt bleiben " +
      "und der Eigentümer des Nachbargrundstücks zugestimmt hat.",
    legalRemedy:
      "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich " +
      "oder zur Niederschrift beim Landkreis Vorpommern-Greifswald, Feldstraße 85a, 17489 Greifswald, einzulegen.",
    documents: [
      ["1803", "Lageplan", "Lageplan", "Lageplan_M1-500_Am-Ryck-3.pdf", 1, true],
      ["2001", "Grundrisse", "Grundriss Erdgeschoss", "Grundriss_EG_M1-100.pdf", 2, true],
      ["2002", "Schnitte", "Schnitt A-A", "Schnitt_AA.pdf", 1, true],
      ["2003", "Ansichten", "Ansichten Nord, Ost, Süd, West", "Ansichten.pdf", 1, true],
      ["1502", "Baubeschreibung", "Baubeschreibung", "Baubeschreibung.pdf", 1, false],
    ].map(([typeCode, typeLabel, title, filename, versionNumber, stamped], i) => ({
      typeCode: typeCode as string,
      typeLabel: typeLabel as string,
      title: title as string,
      filename: filename as string,
      versionNumber: versionNumber as number,
      sha256: sampleSha(i),
      stamped: stamped as boolean,
    })),
    validUntil: new Date("2029-06-17T22:00:00Z"),
    caseUrl: "https://bauantrag.example/antraege/5b0c7e0e-7a51-4d8f-9a34-0d6c1c2f4e11",
    ...overrides,
  };
}
