import type { ApplicationData } from "~/domain/application-data";
import type { Antrag0200Document, Antrag0200Input } from "./baugenehmigung-antrag-0200.server";
import { defaultProcedure } from "./codes";

/**
 * Sample 0200 inputs used by the XBau tests and bench/xbau.ts: a minimal application, a full one
 * (company as Bauherr, several Flurstücke, architect), one with documents handed in later and one
 * with characters that need escaping or DIN 91379 normalisation.
 */

/**
 * Identities as an installation would configure them (test values, not real DVDV entries): the
 * samples' sites lie in Greifswald (AGS 13075039), so the reader is Landkreis Vorpommern-Greifswald.
 */
const SENDER = { name: "Bauantrag Portal", id: "bap:1000001" };
const AUTHORITY = {
  name: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
  id: "psw:13075000",
};
const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

export function sampleDocument(i: number, overrides: Partial<Antrag0200Document> = {}): Antrag0200Document {
  const types = ["1802", "1803", "2001", "2002", "2003", "1502", "2801", "2701", "0401"] as const;
  const typeCode = types[i % types.length] ?? "1803";
  const hex = i.toString(16).padStart(12, "0");
  return {
    documentId: `7d4c2b1a-0000-4000-8000-${hex}`,
    title: `Bauvorlage ${i + 1}`,
    typeCode,
    versionNumber: 1 + (i % 3),
    date: "2026-03-14",
    mimeType: "application/pdf",
    toBeSubmittedLater: false,
    file: {
      versionId: `5e6f7a8b-0000-4000-9000-${hex}`,
      filename: `bauvorlage-${i + 1}.pdf`,
      sizeBytes: 10_000 + i,
      sha256: SHA,
    },
    ...overrides,
  };
}

function base(
  data: ApplicationData,
  documents: Antrag0200Document[],
  extra: Partial<Antrag0200Input> = {},
): Antrag0200Input {
  return {
    messageId: "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
    createdAt: new Date("2026-03-15T10:30:00.000Z"),
    sender: SENDER,
    authority: AUTHORITY,
    applicationId: "6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b",
    land: "MV",
    procedure: defaultProcedure("BAUGENEHMIGUNG"),
    data,
    documents,
    ...extra,
  };
}

export const minimalApplication: Antrag0200Input = base(
  {
    bauherr: { kind: "PERSON", firstName: "Erika", lastName: "Musterfrau", address: { city: "Greifswald" } },
    plot: { parcels: [{ gemarkung: "1234", zaehler: "17" }] },
    project: { measureType: "ERRICHTUNG" },
  },
  [sampleDocument(1)],
);

export const fullApplication: Antrag0200Input = base(
  {
    bauherr: {
      kind: "COMPANY",
      companyName: "Wohnbau Nordost GmbH & Co. KG",
      email: "bau@wohnbau-nordost.example",
      phone: "+49 3834 123456",
      address: { street: "Hafenstraße", houseNumber: "12a", postalCode: "17489", city: "Greifswald" },
    },
    entwurfsverfasser: {
      name: "Dipl.-Ing. Jana Beispiel",
      chamberNumber: "AK-MV 2041",
      chamberLand: "MV",
      email: "jana@architektur-beispiel.example",
      address: { street: "Domstraße", houseNumber: "5", postalCode: "17489", city: "Greifswald" },
    },
    plot: {
      address: { street: "Am Ryck", houseNumber: "3", postalCode: "17489", city: "Greifswald" },
      municipalityAgs: "13075039",
      parcels: [
        { gemarkung: "1302", flur: "4", zaehler: "112", nenner: "3" },
        { gemarkung: "1302", flur: "4", zaehler: "113" },
        { gemarkung: "Eldena", flur: "12", zaehler: "7", nenner: "12" },
      ],
      planningArea: "BEBAUUNGSPLAN",
      developmentPlanName: 'B-Plan Nr. 55 "Am Ryck"',
      nextToMajorRoad: true,
    },
    project: {
      measureType: "ERRICHTUNG",
      description: "Neubau eines Mehrfamilienhauses mit 12 Wohnungen und Tiefgarage.",
      buildingClass: 4,
      specialBuilding: false,
      monument: true,
      use: "WOHNEN",
      heatedRooms: true,
      newSewerConnection: true,
      largeGarage: true,
      estimatedCosts: 3_450_000,
    },
  },
  Array.from({ length: 9 }, (_, i) => sampleDocument(i)),
  {
    fileNumber: "63-2026-00042",
    submittedAt: new Date("2026-03-15T10:29:00.000Z"),
    procedure: defaultProcedure("VEREINFACHT"),
  },
);

export const laterDocumentsApplication: Antrag0200Input = base(
  {
    bauherr: {
      kind: "PERSON",
      firstName: "Max",
      lastName: "Mustermann",
      address: { street: "Lindenweg", houseNumber: "1", postalCode: "18055", city: "Rostock" },
    },
    plot: { parcels: [{ gemarkung: "2201", flur: "1", zaehler: "45", nenner: "2" }] },
    project: { measureType: "AENDERUNG", buildingClass: 1 },
  },
  [
    sampleDocument(0),
    sampleDocument(6, {
      toBeSubmittedLater: true,
      file: undefined,
      versionNumber: 1,
      title: "Standsicherheitsnachweis",
    }),
    sampleDocument(7, {
      toBeSubmittedLater: true,
      file: undefined,
      url: "https://bauantrag.example/antraege/6ec0bd7f/dokumente/2701",
      title: "Brandschutznachweis",
    }),
  ],
);

export const specialCharsApplication: Antrag0200Input = base(
  {
    bauherr: {
      kind: "PERSON",
      firstName: 'Zoë & "Jürgen"',
      lastName: "Größe-Übel <Bau> 'Süd'",
      email: "zoe.groesse@example.org",
      address: {
        street: "Straße des 17. Juni & Co <1>",
        houseNumber: "1–3",
        postalCode: "10623",
        city: "Berlin",
      },
    },
    entwurfsverfasser: {
      name: "Łukasz Ćwikła",
      chamberNumber: "BE-12345",
      chamberLand: "BE",
      address: { city: "Berlin-Charlottenburg" },
    },
    plot: {
      address: { street: "Müllerstraße", houseNumber: "7", city: "Berlin" },
      parcels: [{ gemarkung: "Wedding & Gesundbrunnen", flur: "3", zaehler: "99" }],
    },
    project: {
      measureType: "NUTZUNGSAENDERUNG",
      description: "Umbau „Café <Süß & Sauer>“ – Nutzungsänderung 🏠 in Büro\nZweite Zeile\twith tab",
      use: "BUERO",
    },
  },
  [
    sampleDocument(2, {
      title: "Grundriss EG „Café“ <alt> & neu",
      file: {
        versionId: "5e6f7a8b-0000-4000-9000-00000000aaaa",
        filename: 'Grundriss EG: "Café" <v2>.pdf',
        sizeBytes: 2048,
        sha256: SHA.toUpperCase(),
      },
    }),
    sampleDocument(3, {
      title: "Grundriss EG (Kopie)",
      file: {
        versionId: "5e6f7a8b-0000-4000-9000-00000000bbbb",
        filename: 'Grundriss EG: "Café" <v2>.pdf',
        sizeBytes: 2049,
        sha256: SHA,
      },
    }),
  ],
  {
    land: "BE",
    title: 'Nutzungsänderung "Café <Süß & Sauer>"',
    authority: { name: "Bezirksamt Mitte – Bau & Wohnen", id: "psw:11000001" },
  },
);

/** A large application: `parcels` Flurstücke and `documents` Anlagen (bench). */
export function largeApplication(parcels: number, documents: number): Antrag0200Input {
  return {
    ...fullApplication,
    data: {
      ...fullApplication.data,
      plot: {
        ...fullApplication.data.plot,
        parcels: Array.from({ length: parcels }, (_, i) => ({
          gemarkung: String(1300 + (i % 5)),
          flur: String(1 + (i % 20)),
          zaehler: String(100 + i),
          nenner: i % 2 === 0 ? String(1 + (i % 9)) : undefined,
        })),
      },
    },
    documents: Array.from({ length: documents }, (_, i) =>
      sampleDocument(i, { toBeSubmittedLater: i % 10 === 9 }),
    ),
  };
}
