/**
 * Sample applications for tests and benchmarks (pure data builders, no I/O).
 */
import type { ApplicationData, ProcedureType } from "../application-data";
import type { DocumentInput } from "./types";

/** A complete, valid Einfamilienhaus (GK 1) in a Bebauungsplan area. */
export function einfamilienhaus(): ApplicationData {
  return {
    bauherr: {
      kind: "PERSON",
      firstName: "Erika",
      lastName: "Mustermann",
      email: "erika@example.org",
      address: { street: "Klützer Straße", houseNumber: "5", postalCode: "23936", city: "Grevesmühlen" },
    },
    entwurfsverfasser: {
      name: "Max Planer",
      chamberNumber: "AK-MV 1234",
      chamberLand: "MV",
      email: "planer@example.org",
      address: { street: "Lübsche Straße", houseNumber: "22", postalCode: "23966", city: "Wismar" },
    },
    plot: {
      // A site in Grevesmühlen (Landkreis Nordwestmecklenburg, AGS from the Gemeindeverzeichnis):
      // the test districts' Bauaufsicht and Gemeinde are that Landkreis and that Stadt.
      address: { street: "Lindenweg", houseNumber: "7", postalCode: "23936", city: "Grevesmühlen" },
      municipalityAgs: "13074026",
      parcels: [{ gemarkung: "1234", flur: "5", zaehler: "123", nenner: "4" }],
      planningArea: "BEBAUUNGSPLAN",
      developmentPlanName: "B-Plan Nr. 12 „Am Lindenweg“",
    },
    project: {
      measureType: "ERRICHTUNG",
      description: "Neubau eines Einfamilienhauses mit Carport",
      buildingClass: 1,
      specialBuilding: false,
      monument: false,
      use: "WOHNEN",
      heatedRooms: true,
      newSewerConnection: false,
      largeGarage: false,
      estimatedCosts: 350_000,
    },
  };
}

export function docs(codes: readonly string[], opts: { later?: readonly string[] } = {}): DocumentInput[] {
  return [
    ...codes.map((typeCode) => ({ typeCode, hasFile: true })),
    ...(opts.later ?? []).map((typeCode) => ({ typeCode, hasFile: false, toBeSubmittedLater: true })),
  ];
}

/** A large application: many parcels (some malformed) and many documents. */
export function largeApplication(
  parcels = 200,
  documentCount = 40,
): {
  data: ApplicationData;
  documents: DocumentInput[];
  procedureType: ProcedureType;
} {
  const base = einfamilienhaus();
  const codes = [
    "1802",
    "1803",
    "2001",
    "2002",
    "2003",
    "1502",
    "1901",
    "0401",
    "2805",
    "2801",
    "2701",
    "2301",
  ];
  return {
    procedureType: "BAUGENEHMIGUNG",
    data: {
      ...base,
      project: { ...base.project, buildingClass: 5, specialBuilding: true, monument: true, use: "GEWERBE" },
      plot: {
        ...base.plot,
        parcels: Array.from({ length: parcels }, (_, i) => ({
          gemarkung: String(1000 + (i % 9000)),
          flur: i % 17 === 0 ? "12a" : String(1 + (i % 999)),
          zaehler: String(1 + i),
          nenner: i % 3 === 0 ? undefined : String(1 + (i % 50)),
        })),
      },
    },
    documents: Array.from({ length: documentCount }, (_, i) => ({
      typeCode: codes[i % codes.length] as string,
      hasFile: i % 5 !== 0,
      toBeSubmittedLater: i % 5 === 0,
    })),
  };
}
