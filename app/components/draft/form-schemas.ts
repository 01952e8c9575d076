import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import {
  type ApplicationData,
  LAENDER,
  MEASURE_TYPES,
  PLANNING_AREAS,
  USE_TYPES,
} from "~/domain/application-data";
import type { SectionKey } from "./steps";

/**
 * Form-side schemas of the four steps: they turn what a browser posts (strings; "true"/"false" from
 * Ja/Nein radios; "250.000" for costs) into the domain shape of app/domain/application-data.ts,
 * with German messages next to the field. The server validates the result again with the domain
 * schema (saveDraftSection). Used by Conform on the server (parse) and in the browser (live
 * validation and the live completeness check).
 */

const germanErrors = z.locales.de().localeError;

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

function isBlankDeep(v: unknown): boolean {
  if (isBlank(v)) return true;
  if (Array.isArray(v)) return v.every(isBlankDeep);
  if (typeof v === "object" && v !== null) return Object.values(v).every(isBlankDeep);
  return false;
}

const trimmed = (v: unknown) => (isBlank(v) ? undefined : typeof v === "string" ? v.trim() : v);

const text = (max = 200) =>
  z.preprocess(trimmed, z.string().max(max, `Bitte höchstens ${max} Zeichen eingeben.`).optional());

const yesNo = () =>
  z.preprocess(
    (v) => (v === "true" || v === true ? true : v === "false" || v === false ? false : undefined),
    z.boolean().optional(),
  );

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess(trimmed, z.enum(values, { error: message }).optional());

/** Whole numbers as people type them: "250.000", "250 000 €", "1.250.000,00". */
export function parseWholeNumber(v: unknown): unknown {
  if (isBlank(v)) return undefined;
  if (typeof v !== "string") return v;
  const t = v
    .replace(/[\s€]/g, "")
    .replace(/,00$/, "")
    .replace(/\.(?=\d{3}(\.|$))/g, "");
  return /^-?\d+$/.test(t) ? Number(t) : v;
}

const wholeNumber = (min: number, max: number, message: string) =>
  z.preprocess(
    parseWholeNumber,
    z.number({ error: message }).int(message).min(min, message).max(max, message).optional(),
  );

/** An optional group: absent when every field in it is empty. */
const group = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess((v) => (isBlankDeep(v) ? undefined : v), z.object(shape).optional());

const address = () =>
  group({
    street: text(),
    houseNumber: text(20),
    postalCode: z.preprocess(
      trimmed,
      z
        .string()
        .regex(/^\d{5}$/, "Die Postleitzahl hat fünf Ziffern.")
        .optional(),
    ),
    city: text(),
  });

const email = () =>
  z.preprocess(
    trimmed,
    z.email("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.").optional(),
  );

export const bauherrForm = z.object({
  kind: choice(["PERSON", "COMPANY"] as const, "Bitte wählen Sie Person oder Unternehmen."),
  firstName: text(),
  lastName: text(),
  companyName: text(),
  email: email(),
  phone: text(40),
  address: address(),
  hasRepresentative: yesNo(),
});

export const entwurfsverfasserForm = z.object({
  name: text(),
  chamberNumber: text(40),
  chamberLand: choice(LAENDER, "Bitte wählen Sie ein Land aus der Liste."),
  email: email(),
  phone: text(40),
  address: address(),
});

const parcel = z.object({
  gemarkung: text(60),
  flur: text(20),
  zaehler: text(20),
  nenner: text(20),
});

export const plotForm = z.object({
  address: address(),
  municipalityAgs: z.preprocess(
    trimmed,
    z
      .string()
      .regex(/^\d{8}$/, "Der Gemeindeschlüssel hat acht Ziffern.")
      .optional(),
  ),
  parcels: z.preprocess((v) => {
    if (!Array.isArray(v)) return undefined;
    const rows = v.filter((p) => !isBlankDeep(p));
    return rows.length ? rows : undefined;
  }, z.array(parcel).max(200, "Höchstens 200 Flurstücke.").optional()),
  planningArea: choice(PLANNING_AREAS, "Bitte wählen Sie die planungsrechtliche Lage."),
  developmentPlanName: text(),
  nextToMajorRoad: yesNo(),
  applicantIsOwner: yesNo(),
});

export const projectForm = z.object({
  measureType: choice(MEASURE_TYPES, "Bitte wählen Sie die Art der Maßnahme."),
  description: text(4000),
  buildingClass: wholeNumber(1, 5, "Die Gebäudeklasse ist eine Zahl von 1 bis 5."),
  specialBuilding: yesNo(),
  monument: yesNo(),
  use: choice(USE_TYPES, "Bitte wählen Sie eine Nutzung aus der Liste."),
  heatedRooms: yesNo(),
  newSewerConnection: yesNo(),
  largeGarage: yesNo(),
  estimatedCosts: wholeNumber(0, 10_000_000_000, "Bitte geben Sie die Kosten als ganze Euro-Zahl an."),
  minorWork: yesNo(),
  attachedBuilding: yesNo(),
  neighbourConsent: yesNo(),
  deviationsRequested: yesNo(),
});

export const SECTION_FORMS = {
  bauherr: bauherrForm,
  entwurfsverfasser: entwurfsverfasserForm,
  plot: plotForm,
  project: projectForm,
} as const;

/** Conform parse of a step's form data (server: authoritative; browser: live validation). */
export function parseSection(section: SectionKey, formData: FormData | URLSearchParams) {
  return parseWithZod(formData, {
    schema: SECTION_FORMS[section],
    disableAutoCoercion: true,
    error: germanErrors,
  });
}

function deletePath(target: unknown, path: readonly PropertyKey[]) {
  let node = target as Record<PropertyKey, unknown> | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    node = node?.[path[i]!] as Record<PropertyKey, unknown> | undefined;
    if (typeof node !== "object" || node === null) return;
  }
  if (node && path.length) delete node[path[path.length - 1]!];
}

/**
 * Best-effort value of a step while the user types: what parses is kept, what does not (a half
 * typed e-mail address) counts as not yet given. Never throws.
 */
export function lenientSectionValue(section: SectionKey, payload: unknown): unknown {
  const schema = SECTION_FORMS[section];
  let candidate: unknown = structuredClone(payload ?? {});
  for (let attempt = 0; attempt < 8; attempt++) {
    const result = schema.safeParse(candidate);
    if (result.success) return result.data;
    for (const issue of result.error.issues) deletePath(candidate, issue.path);
    if (result.error.issues.every((i) => i.path.length === 0)) candidate = {};
  }
  return undefined;
}

/** Data with one section replaced by the step's current form value. */
export function mergeSection(data: ApplicationData | null | undefined, section: SectionKey, value: unknown) {
  return { ...(data ?? {}), [section]: value ?? undefined } as ApplicationData;
}
