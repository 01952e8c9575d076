/**
 * Need-to-know in the participation (DOMAIN.md: "a Fachstelle sees only what was shared with it"):
 * which Bauvorlagen each kind of agency is sent by default, and what is never sent.
 *
 * - The statistics forms (Statistischer Erhebungs-/Abgangsbogen, Hochbaustatistikgesetz) are
 *   never shared: statistical data stay with the statistics office (Statistikgeheimnis, § 16 BStatG).
 * - Bauvorlageberechtigung, Vollmachten, owner's consent and the application form are the Bauamt's
 *   business: never pre-selected (the clerk may still add them on purpose).
 * - Per kind of agency the product's defaults below; an authority's admin can set its own
 *   (/verwaltung/beteiligung, Authority.participationDocumentDefaults).
 *
 * Pure data and functions: the form, the server and the admin page use the same lists.
 */

import { DOCUMENT_TYPES, getDocumentType } from "./document-types";
import { AGENCY_TYPE_LABELS, AGENCY_TYPES, type AgencyTypeName } from "./participation";

export type NeedToKnowKey = "GEMEINDE" | AgencyTypeName;
export const NEED_TO_KNOW_KEYS: readonly NeedToKnowKey[] = ["GEMEINDE", ...AGENCY_TYPES];

export const NEED_TO_KNOW_LABELS: Record<NeedToKnowKey, string> = {
  GEMEINDE: "Gemeinde (Einvernehmen)",
  ...AGENCY_TYPE_LABELS,
};

/** Never shared with any agency (statistical secrecy). */
export function isNeverShared(typeCode: string): boolean {
  return getDocumentType(typeCode)?.group === "statistik";
}

/** Document types an admin may put into the defaults (everything but the statistics forms). */
export const SHAREABLE_TYPES = DOCUMENT_TYPES.filter((t) => !isNeverShared(t.code));

/** Lageplan, Liegenschaftskarte, Bauzeichnungen, Baubeschreibung, photos: what everybody needs. */
const CORE = ["1802", "1803", "2001", "2002", "2003", "1501", "1502", "1503", "2007", "3700"];

export const PRODUCT_DEFAULTS: Readonly<Record<NeedToKnowKey, readonly string[]>> = {
  // Planning law (§§ 31, 33-35 BauGB): Maß der Nutzung, Erschließung, Befreiungen, Stellplätze.
  GEMEINDE: [...CORE, "0800", "1301", "1601", "1602", "1603", "1700", "1901", "2102", "2301", "2302"],
  DENKMALSCHUTZ: [...CORE, "0800", "2913"],
  BRANDSCHUTZ: [...CORE, "1601", "1603", "2102", "2104", "2701", "2705"],
  NATURSCHUTZ: [...CORE, "1301", "1602", "1700", "1806"],
  STRASSENBAU: [...CORE, "1700", "2301", "2302"],
  IMMISSIONSSCHUTZ: [...CORE, "1601", "1602", "1603", "2804"],
  SONSTIGE: CORE,
};

export type NeedToKnowDefaults = Record<NeedToKnowKey, string[]>;

/**
 * The authority's defaults: its stored configuration (JSON, checked here — unknown keys, unknown
 * codes and statistics forms are dropped) over the product defaults.
 */
export function resolveNeedToKnow(stored: unknown): NeedToKnowDefaults {
  const out = {} as NeedToKnowDefaults;
  const obj =
    stored && typeof stored === "object" && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  for (const key of NEED_TO_KNOW_KEYS) {
    const raw = obj[key];
    const list = Array.isArray(raw) ? raw : PRODUCT_DEFAULTS[key];
    out[key] = [...new Set(list.filter((c): c is string => typeof c === "string" && isShareableCode(c)))];
  }
  return out;
}

export function isShareableCode(code: string): boolean {
  return getDocumentType(code) !== undefined && !isNeverShared(code);
}

/** The key an agency's defaults are filed under. */
export function needToKnowKey(
  target: { kind: "GEMEINDE" } | { kind: "FACHSTELLE"; agencyType: AgencyTypeName },
): NeedToKnowKey {
  return target.kind === "GEMEINDE" ? "GEMEINDE" : target.agencyType;
}
