import type { ReceiptData, ReceiptDocument } from "./receipt";

/**
 * Fixed receipt inputs for the renderer tests, the golden image and scripts. Not used by
 * production code.
 */

const TYPES: [code: string, label: string, title: string][] = [
  ["1803", "Lageplan", "Lageplan"],
  ["2001", "Grundrisse", "Grundriss Erdgeschoss"],
  ["2001", "Grundrisse", "Grundriss Obergeschoss und Dachgeschoss"],
  ["2002", "Schnitte", "Schnitte A-A und B-B"],
  ["2003", "Ansichten", "Ansichten Nord, Ost, Süd, West"],
  ["1502", "Baubeschreibung", "Baubeschreibung"],
  ["2801", "Standsicherheitsnachweis", "Statische Berechnung"],
  ["0401", "Bauvorlageberechtigung (Architekt)", "Nachweis Bauvorlageberechtigung"],
];

/** Deterministic fake sha256 (64 hex digits) for document i. */
export function sampleSha(i: number): string {
  let out = "";
  let x = (i + 1) * 2654435761;
  while (out.length < 64) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += x.toString(16).padStart(8, "0").slice(-8);
  }
  return out.slice(0, 64);
}

export function sampleReceiptDocument(i: number): ReceiptDocument {
  const [typeCode, typeLabel, title] = TYPES[i % TYPES.length] ?? ["9999", "Sonstige Anlage", "Anlage"];
  const filenames = [
    "Lageplan_M1-500_Am-Ryck-3.pdf",
    "Grundriss_EG_M1-100.pdf",
    "Grundriss_OG_DG_M1-100_Stand_2026-03-10_final_überarbeitet.pdf",
    "Schnitte.pdf",
    "Ansichten_Nord_Ost_Süd_West.pdf",
    "Baubeschreibung Mehrfamilienhaus.pdf",
    "Statik_Teil1.pdf",
    "Bauvorlageberechtigung_AK-MV.pdf",
  ];
  return {
    typeCode,
    typeLabel,
    title,
    filename:
      i < filenames.length ? (filenames[i] as string) : `Anlage_${String(i + 1).padStart(3, "0")}.pdf`,
    versionNumber: 1 + (i % 3 === 2 ? 1 : 0),
    sizeBytes: 180_000 + i * 73_123,
    sha256: sampleSha(i),
  };
}

export function sampleReceipt(overrides: Partial<ReceiptData> = {}): ReceiptData {
  return {
    authority: {
      name: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
      addressLine: "Feldstraße 85a, 17489 Greifswald",
      email: "bauaufsicht@kreis-vg.example",
    },
    fileNumber: "63-2026-00042",
    applicationId: "6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b",
    projectTitle: "Neubau Mehrfamilienhaus mit Tiefgarage „Am Ryck“",
    measure: "Errichtung",
    receivedAt: new Date("2026-03-15T10:29:00.000Z"),
    procedureLabel: "Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)",
    bauherr: {
      name: "Wohnbau Nordost GmbH & Co. KG",
      details: ["Hafenstraße 12a, 17489 Greifswald", "bau@wohnbau-nordost.example"],
    },
    entwurfsverfasser: {
      name: "Dipl.-Ing. Jana Größe-Beispiel",
      details: ["Kammer-Nr. AK-MV 2041 (Mecklenburg-Vorpommern)", "Domstraße 5, 17489 Greifswald"],
    },
    plot: {
      address: "Am Ryck 3, 17489 Greifswald",
      municipality: "Universitäts- und Hansestadt Greifswald",
      parcels: [
        { gemarkung: "Greifswald", flur: "4", zaehler: "112", nenner: "3" },
        { gemarkung: "Greifswald", flur: "4", zaehler: "113" },
        { gemarkung: "Eldena", flur: "12", zaehler: "7", nenner: "12" },
      ],
    },
    documents: Array.from({ length: 6 }, (_, i) => sampleReceiptDocument(i)),
    openItems: [
      { typeCode: "2801", typeLabel: "Standsicherheitsnachweis", title: "Standsicherheitsnachweis" },
      { typeCode: "2701", typeLabel: "Brandschutznachweis", title: "Brandschutzkonzept" },
    ],
    submittedBy: "Jana Größe-Beispiel (Entwurfsverfasserin)",
    caseUrl: "https://bauantrag.example/antraege/6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b",
    ...overrides,
  };
}
