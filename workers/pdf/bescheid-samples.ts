import { decisionLaw } from "~/domain/decision-law";
import {
  assembleReasons,
  type ReasonFacts,
  type ReasonTexts,
  reasonsToText,
} from "~/domain/decision-reasons";
import { decisionTenor } from "~/domain/decision-tenor";
import { formatDateNumeric } from "~/domain/format";
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
      name: "Landkreis Vorpommern-Greifswald",
      orgUnit: "Fachdienst Bauordnung – Untere Bauaufsichtsbehörde",
      addressLine: "Feldstraße 85a, 17489 Greifswald",
      phone: "03834 8760-3100",
      email: "bauaufsicht.sachgebiet-nord@kreis-vg.example",
      officeHours: "Di 9–12 und 13–18 Uhr, Do 9–12 Uhr",
    },
    fileNumber: "63-2026-00042",
    applicationId: "5b0c7e0e-7a51-4d8f-9a34-0d6c1c2f4e11",
    decidedAt: new Date("2026-06-18T09:15:00Z"),
    receivedAt: new Date("2026-03-15T10:29:00Z"),
    decidedBy: "Sabine Krüger",
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
        text: "Im Baufeld ist mit Bodendenkmalen zu rechnen; Funde sind der unteren Denkmalschutzbehörde unverzüglich anzuzeigen.",
        legalBasis: "§ 11 DSchG M-V",
        sourceLabel: "Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026",
      },
    ],
    notes: decisionLaw("MV").permitNotes,
    fee: {
      constructionCostCents: 35_000_000,
      basisSource:
        "Rohbauwert nach § 2 BauGebVO M-V aus 1.120 m³ Brutto-Rauminhalt; die Baubeschreibung nennt Gesamtkosten von 465.000,00 € einschließlich Ausstattung",
      totalCents: 280_000 + 5_000,
      lines: [
        {
          label: "Gebühr für die Baugenehmigung",
          basis: "8,00 € je angefangene 1.000,00 € von 350.000,00 € (350 × 8,00 €), mindestens 60,00 €",
          tariff: "Anlage 1 Nr. 1.1.2 BauGebVO M-V",
          amountCents: 280_000,
        },
        {
          label: "Beteiligung einer Stelle",
          basis: "1 × 50,00 €",
          tariff: "BauGebVO M-V, Gebührenverzeichnis (Beteiligung je Stelle)",
          amountCents: 5_000,
        },
      ],
      payment: {
        payee: "Landkreis Vorpommern-Greifswald, Kreiskasse",
        iban: "DE89370400440532013000",
        bic: "NOLADE21GRW",
        reference: "KZ-2026-000042",
        dueAt: new Date("2026-07-18T21:59:59.999Z"),
      },
      debtor: "Erika Müller-Lüdenscheidt (Bauherr:in)",
    },
    validity: { years: 3, extensionYears: 1 },
    reasons: sampleReasons(),
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

/** The facts of the sample case, for the Begründung (a § 30 case in a Bebauungsplan). */
export function sampleReasonFacts(overrides: Partial<ReasonFacts> = {}): ReasonFacts {
  return {
    kind: "BAUGENEHMIGUNG",
    profileId: "MV",
    procedureType: "VEREINFACHT",
    procedureLabel: "Vereinfachtes Baugenehmigungsverfahren",
    projectTitle: "Neubau eines Einfamilienhauses mit Carport",
    measure: "Errichtung",
    submittedAt: new Date("2026-03-15T10:29:00Z"),
    completeAt: new Date("2026-04-02T08:00:00Z"),
    formatDate: formatDateNumeric,
    planningArea: "BEBAUUNGSPLAN",
    developmentPlanName: "Nr. 12 „Am Ryck“",
    use: "WOHNEN",
    participations: [
      { agencyName: "Untere Denkmalschutzbehörde", outcome: "CONSENT_WITH_CONDITIONS" },
      { agencyName: "Untere Wasserbehörde", outcome: "CONSENT_WITH_CONDITIONS" },
    ],
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
        reason:
          "Die Standsicherheit des Hanggrundstücks ist erst mit dem geprüften Nachweis belegt; ohne ihn wäre die Genehmigungsvoraussetzung des § 12 LBauO M-V nicht gesichert.",
      },
      {
        kind: "AUFLAGE",
        text: SAMPLE_AUFLAGE,
        legalBasis: "§ 7 DSchG M-V",
        reason:
          "Das Haus liegt in der Umgebung des Baudenkmals Klosterruine Eldena; die historische Fensterteilung wahrt dessen Erscheinungsbild.",
        sourceLabel: "Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026",
      },
      {
        kind: "AUFLAGE",
        text: "Das auf den Dachflächen anfallende Niederschlagswasser ist auf dem Grundstück zu versickern.",
        legalBasis: null,
        sourceLabel: "Untere Wasserbehörde, Stellungnahme vom 28.05.2026",
      },
    ],
    fee: {
      totalCents: 285_000,
      constructionCostCents: 35_000_000,
      basisSource: "Rohbauwert nach § 2 BauGebVO M-V aus dem Brutto-Rauminhalt",
    },
    ...overrides,
  };
}

export function sampleReasons(facts: Partial<ReasonFacts> = {}, texts: ReasonTexts = {}): string {
  return reasonsToText(
    assembleReasons(sampleReasonFacts(facts), {
      wuerdigung:
        "Die Abweichung von der Abstandsfläche wahrt die Schutzziele (Belichtung, Belüftung, Brandschutz); der Eigentümer des Nachbargrundstücks hat zugestimmt.",
      ...texts,
    }),
  );
}
