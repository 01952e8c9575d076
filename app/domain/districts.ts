/**
 * Where a site lies and which Bauaufsichtsbehörde it belongs to, by the Amtlicher
 * Gemeindeschlüssel (AGS, 8 digits: Land 2, Regierungsbezirk 1, Kreis 2, Gemeinde 3).
 *
 * A Landkreis carries its Kreis key with "000" as Gemeinde part (Landkreis Nordwestmecklenburg
 * 13074000): every Gemeinde whose AGS starts with 13074 lies in its district. An authority whose AGS
 * names one Gemeinde (a große kreisangehörige Stadt as its own Bauaufsicht, e.g. the Hansestadt
 * Wismar 13074087, § 57 Abs. 1 LBauO M-V) is responsible for that Gemeinde only.
 *
 * The keys and postcodes below, and where each was checked: docs/xbau-codelisten.md.
 */

export interface Gemeinde {
  /** Official name as in the Gemeindeverzeichnis. */
  name: string;
  /** Amtlicher Gemeindeschlüssel. */
  ags: string;
  /** Postcodes of the Gemeinde (the first is the one of its administration). */
  postcodes: string[];
}

export interface Landkreis {
  name: string;
  /** AGS of the Kreis: Kreis key + "000". */
  ags: string;
  gemeinden: Gemeinde[];
}

/** Landkreis Nordwestmecklenburg (Kreis key 13074): the Gemeinden the demo and the tests use. */
export const NORDWESTMECKLENBURG: Landkreis = {
  name: "Landkreis Nordwestmecklenburg",
  ags: "13074000",
  gemeinden: [
    { name: "Grevesmühlen, Stadt", ags: "13074026", postcodes: ["23936"] },
    { name: "Ostseebad Boltenhagen", ags: "13074010", postcodes: ["23946"] },
    { name: "Wismar, Hansestadt", ags: "13074087", postcodes: ["23966", "23952", "23968", "23970"] },
  ],
};

/** A Gemeinde outside Nordwestmecklenburg (Landkreis Vorpommern-Greifswald), for refusals. */
export const GREIFSWALD: Gemeinde = {
  name: "Greifswald, Universitäts- und Hansestadt",
  ags: "13075039",
  postcodes: ["17489", "17491", "17493"],
};

export const AGS_RE = /^\d{8}$/;

export function gemeindeByAgs(ags: string | null | undefined): Gemeinde | undefined {
  return [...NORDWESTMECKLENBURG.gemeinden, GREIFSWALD].find((g) => g.ags === ags);
}

/** Whether the Gemeinde `siteAgs` lies in the district of the authority with `authorityAgs`. */
export function liesInDistrict(authorityAgs: string, siteAgs: string): boolean {
  if (!AGS_RE.test(authorityAgs) || !AGS_RE.test(siteAgs)) return false;
  if (authorityAgs.endsWith("000")) return siteAgs.startsWith(authorityAgs.slice(0, 5));
  return siteAgs === authorityAgs;
}

/**
 * The German refusal when a site lies outside the authority's district; null when it lies inside
 * or cannot be checked (the authority or the site has no AGS).
 */
export function outsideDistrictMessage(
  authority: { name: string; ags: string | null },
  site: { ags: string | null | undefined; municipalityName?: string | null },
): string | null {
  if (!authority.ags || !site.ags) return null;
  if (!AGS_RE.test(site.ags))
    return `Der Gemeindeschlüssel des Baugrundstücks „${site.ags}“ ist kein amtlicher Gemeindeschlüssel (8 Ziffern).`;
  if (liesInDistrict(authority.ags, site.ags)) return null;
  const known = gemeindeByAgs(site.ags);
  const where = site.municipalityName || known?.name;
  return (
    `Das Baugrundstück liegt nicht im Zuständigkeitsbereich von ${authority.name}: ` +
    `Gemeindeschlüssel ${site.ags}${where ? ` (${where})` : ""}. ` +
    "Bitte reichen Sie den Antrag bei der für diese Gemeinde zuständigen Bauaufsichtsbehörde ein oder berichtigen Sie die Angaben zum Baugrundstück."
  );
}
