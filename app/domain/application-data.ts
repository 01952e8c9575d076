import { z } from "zod";

/**
 * The form data of a Bauantrag (Application.data). Shared by browser, server and workers.
 *
 * A draft may be incomplete, so every field is optional here; a field that is present must be
 * well-formed. What is *required* (and when) is not decided here but by the completeness rules
 * (app/domain/completeness), which report missing fields as findings.
 */

export const LAENDER = [
  "BW",
  "BY",
  "BE",
  "BB",
  "HB",
  "HH",
  "HE",
  "MV",
  "NI",
  "NW",
  "RP",
  "SL",
  "SN",
  "ST",
  "SH",
  "TH",
] as const;
export type Land = (typeof LAENDER)[number];

export const LAND_NAMES: Record<Land, string> = {
  BW: "Baden-Württemberg",
  BY: "Bayern",
  BE: "Berlin",
  BB: "Brandenburg",
  HB: "Bremen",
  HH: "Hamburg",
  HE: "Hessen",
  MV: "Mecklenburg-Vorpommern",
  NI: "Niedersachsen",
  NW: "Nordrhein-Westfalen",
  RP: "Rheinland-Pfalz",
  SL: "Saarland",
  SN: "Sachsen",
  ST: "Sachsen-Anhalt",
  SH: "Schleswig-Holstein",
  TH: "Thüringen",
};

/** Verfahrensart (MBO numbering). The XBau code list is Land-defined; see the Land profile. */
export const PROCEDURE_TYPES = [
  "BAUGENEHMIGUNG",
  "VEREINFACHT",
  "GENEHMIGUNGSFREISTELLUNG",
  "VORBESCHEID",
  "BESEITIGUNG",
] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];

export const PROCEDURE_TYPE_LABELS: Record<ProcedureType, string> = {
  BAUGENEHMIGUNG: "Baugenehmigungsverfahren (§ 64 MBO)",
  VEREINFACHT: "Vereinfachtes Baugenehmigungsverfahren (§ 63 MBO)",
  GENEHMIGUNGSFREISTELLUNG: "Genehmigungsfreistellung (§ 62 MBO)",
  VORBESCHEID: "Vorbescheid (§ 75 MBO)",
  BESEITIGUNG: "Beseitigung / Abbruch (§ 61 Abs. 3 MBO)",
};

export const MEASURE_TYPES = ["ERRICHTUNG", "AENDERUNG", "NUTZUNGSAENDERUNG", "BESEITIGUNG"] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];
export const MEASURE_TYPE_LABELS: Record<MeasureType, string> = {
  ERRICHTUNG: "Errichtung",
  AENDERUNG: "Änderung",
  NUTZUNGSAENDERUNG: "Nutzungsänderung",
  BESEITIGUNG: "Beseitigung",
};

/** Planungsrechtliche Lage of the plot (§§ 30, 34, 35 BauGB). */
export const PLANNING_AREAS = ["BEBAUUNGSPLAN", "INNENBEREICH", "AUSSENBEREICH"] as const;
export type PlanningArea = (typeof PLANNING_AREAS)[number];
export const PLANNING_AREA_LABELS: Record<PlanningArea, string> = {
  BEBAUUNGSPLAN: "Im Geltungsbereich eines Bebauungsplans (§ 30 BauGB)",
  INNENBEREICH: "Innenbereich (§ 34 BauGB)",
  AUSSENBEREICH: "Außenbereich (§ 35 BauGB)",
};

export const USE_TYPES = ["WOHNEN", "GEWERBE", "BUERO", "LANDWIRTSCHAFT", "OEFFENTLICH", "SONSTIGE"] as const;
export type UseType = (typeof USE_TYPES)[number];
export const USE_TYPE_LABELS: Record<UseType, string> = {
  WOHNEN: "Wohnen",
  GEWERBE: "Gewerbe / Handel",
  BUERO: "Büro / Verwaltung",
  LANDWIRTSCHAFT: "Land- und Forstwirtschaft",
  OEFFENTLICH: "Öffentliche Einrichtung",
  SONSTIGE: "Sonstige Nutzung",
};

const text = (max = 200) => z.string().trim().min(1).max(max);
const optText = (max = 200) => text(max).optional();

export const addressSchema = z.object({
  street: optText(),
  houseNumber: optText(20),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}$/, "Postleitzahl hat fünf Ziffern")
    .optional(),
  city: optText(),
});
export type Address = z.infer<typeof addressSchema>;

export const bauherrSchema = z.object({
  kind: z.enum(["PERSON", "COMPANY"]).optional(),
  firstName: optText(),
  lastName: optText(),
  companyName: optText(),
  email: z.email("Keine gültige E-Mail-Adresse").optional(),
  phone: optText(40),
  address: addressSchema.optional(),
  /** A Bevollmächtigter acts for the Bauherr (a Vollmacht must be attached). */
  hasRepresentative: z.boolean().optional(),
});

export const entwurfsverfasserSchema = z.object({
  name: optText(),
  /** Kammer membership number; plausibility is checked by the completeness rules. */
  chamberNumber: optText(40),
  chamberLand: z.enum(LAENDER).optional(),
  email: z.email("Keine gültige E-Mail-Adresse").optional(),
  phone: optText(40),
  address: addressSchema.optional(),
});

/**
 * Flurstück as XBau carries it. Kept as strings so the completeness rules can tell the user what
 * is wrong with a value (e.g. "Flur hat höchstens drei Ziffern") instead of losing it.
 */
export const parcelSchema = z.object({
  gemarkung: optText(60),
  flur: optText(20),
  zaehler: optText(20),
  nenner: optText(20),
});
export type Parcel = z.infer<typeof parcelSchema>;

export const plotSchema = z.object({
  address: addressSchema.optional(),
  /** Amtlicher Gemeindeschlüssel of the Gemeinde the plot lies in. */
  municipalityAgs: z
    .string()
    .regex(/^\d{8}$/, "Gemeindeschlüssel hat acht Ziffern")
    .optional(),
  parcels: z.array(parcelSchema).max(200).optional(),
  planningArea: z.enum(PLANNING_AREAS).optional(),
  developmentPlanName: optText(),
  /** Directly next to a Bundes- or Landesstraße (Straßenbaulastträger takes part). */
  nextToMajorRoad: z.boolean().optional(),
  /** The Bauherr owns the plot; if not, the owner's consent (Zustimmung) may be required. */
  applicantIsOwner: z.boolean().optional(),
});

export const projectSchema = z.object({
  measureType: z.enum(MEASURE_TYPES).optional(),
  description: optText(4000),
  /** Gebäudeklasse 1–5 (§ 2 Abs. 3 MBO). */
  buildingClass: z.number().int().min(1).max(5).optional(),
  /** Sonderbau (§ 2 Abs. 4 MBO). */
  specialBuilding: z.boolean().optional(),
  /** A Baudenkmal is affected. */
  monument: z.boolean().optional(),
  use: z.enum(USE_TYPES).optional(),
  heatedRooms: z.boolean().optional(),
  newSewerConnection: z.boolean().optional(),
  /** Mittel- or Großgarage (§ 2 GarVO). */
  largeGarage: z.boolean().optional(),
  /** Estimated construction costs in whole euros. */
  estimatedCosts: z.number().int().min(0).max(10_000_000_000).optional(),
  /** Minor or technically simple project: no bauvorlageberechtigter Entwurfsverfasser needed (§ 65 MBO). */
  minorWork: z.boolean().optional(),
  /** Beseitigung of a building that is not free-standing (§ 61 Abs. 3 Satz 3 MBO). */
  attachedBuilding: z.boolean().optional(),
  /** Neighbours consented by signing the plans (their signed plans are attached). */
  neighbourConsent: z.boolean().optional(),
  /** Abweichungen, Ausnahmen or Befreiungen are applied for (§ 67 MBO, § 31 BauGB). */
  deviationsRequested: z.boolean().optional(),
});

export const applicationDataSchema = z.object({
  bauherr: bauherrSchema.optional(),
  entwurfsverfasser: entwurfsverfasserSchema.optional(),
  plot: plotSchema.optional(),
  project: projectSchema.optional(),
});

export type ApplicationData = z.infer<typeof applicationDataSchema>;
export type Bauherr = z.infer<typeof bauherrSchema>;
export type Entwurfsverfasser = z.infer<typeof entwurfsverfasserSchema>;
export type Plot = z.infer<typeof plotSchema>;
export type Project = z.infer<typeof projectSchema>;

export function bauherrDisplayName(b: Bauherr | undefined): string {
  if (!b) return "";
  if (b.kind === "COMPANY") return b.companyName ?? "";
  return [b.firstName, b.lastName].filter(Boolean).join(" ");
}
