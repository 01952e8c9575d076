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

/**
 * Landkreis Nordwestmecklenburg (Kreis key 13074): all 83 Gemeinden, ordered by AGS.
 * Keys and official names: Anlage to the MietNEinV (BGBl. I 2021 S. 3739, Gebietsstand 25 January
 * 2021); postcodes: GeoNames postal-code extract and the Gemeinden's infoboxes — which source gave
 * which value is listed in docs/xbau-codelisten.md. The first postcode is the one of the Gemeinde's
 * main place.
 */
export const NORDWESTMECKLENBURG: Landkreis = {
  name: "Landkreis Nordwestmecklenburg",
  ags: "13074000",
  gemeinden: [
    { name: "Alt Meteln", ags: "13074001", postcodes: ["19069"] },
    { name: "Bad Kleinen", ags: "13074002", postcodes: ["23996"] },
    { name: "Barnekow", ags: "13074003", postcodes: ["23968"] },
    { name: "Benz", ags: "13074004", postcodes: ["23970"] },
    { name: "Bernstorf", ags: "13074005", postcodes: ["23936"] },
    { name: "Bibow", ags: "13074006", postcodes: ["19417"] },
    { name: "Blowatz", ags: "13074007", postcodes: ["23974"] },
    { name: "Bobitz", ags: "13074008", postcodes: ["23996"] },
    { name: "Boiensdorf", ags: "13074009", postcodes: ["23974"] },
    { name: "Boltenhagen, Ostseebad", ags: "13074010", postcodes: ["23946", "23944"] },
    { name: "Brüsewitz", ags: "13074012", postcodes: ["19071"] },
    { name: "Carlow", ags: "13074013", postcodes: ["19217"] },
    { name: "Cramonshagen", ags: "13074014", postcodes: ["19071"] },
    { name: "Dalberg-Wendelstorf", ags: "13074015", postcodes: ["19071"] },
    { name: "Damshagen", ags: "13074016", postcodes: ["23948"] },
    { name: "Dassow, Stadt", ags: "13074017", postcodes: ["23942"] },
    { name: "Dechow", ags: "13074018", postcodes: ["19217"] },
    { name: "Dorf Mecklenburg", ags: "13074019", postcodes: ["23972"] },
    { name: "Dragun", ags: "13074020", postcodes: ["19205"] },
    { name: "Gadebusch, Stadt", ags: "13074021", postcodes: ["19205"] },
    { name: "Gägelow", ags: "13074022", postcodes: ["23968"] },
    { name: "Glasin", ags: "13074023", postcodes: ["23992"] },
    { name: "Gottesgabe", ags: "13074024", postcodes: ["19209"] },
    { name: "Grambow", ags: "13074025", postcodes: ["19071"] },
    { name: "Grevesmühlen, Stadt", ags: "13074026", postcodes: ["23936"] },
    { name: "Grieben", ags: "13074027", postcodes: ["23936"] },
    { name: "Groß Molzahn", ags: "13074028", postcodes: ["19217"] },
    { name: "Groß Stieten", ags: "13074030", postcodes: ["23972"] },
    { name: "Hohen Viecheln", ags: "13074031", postcodes: ["23996"] },
    { name: "Hohenkirchen", ags: "13074032", postcodes: ["23968", "23948"] },
    { name: "Holdorf", ags: "13074033", postcodes: ["19217"] },
    { name: "Hornstorf", ags: "13074034", postcodes: ["23974"] },
    { name: "Insel Poel, Ostseebad", ags: "13074035", postcodes: ["23999"] },
    { name: "Jesendorf", ags: "13074036", postcodes: ["19417"] },
    { name: "Kalkhorst", ags: "13074037", postcodes: ["23942"] },
    { name: "Klein Trebbow", ags: "13074038", postcodes: ["19069"] },
    { name: "Klütz, Stadt", ags: "13074039", postcodes: ["23948"] },
    { name: "Kneese", ags: "13074040", postcodes: ["19205"] },
    { name: "Königsfeld", ags: "13074042", postcodes: ["19217"] },
    { name: "Krembz", ags: "13074043", postcodes: ["19205"] },
    { name: "Krusenhagen", ags: "13074044", postcodes: ["23974"] },
    { name: "Lübberstorf", ags: "13074046", postcodes: ["23992"] },
    { name: "Lübow", ags: "13074047", postcodes: ["23972"] },
    { name: "Lübstorf", ags: "13074048", postcodes: ["19069"] },
    { name: "Lüdersdorf", ags: "13074049", postcodes: ["23923"] },
    { name: "Lützow", ags: "13074050", postcodes: ["19209"] },
    { name: "Menzendorf", ags: "13074052", postcodes: ["23923"] },
    { name: "Metelsdorf", ags: "13074053", postcodes: ["23972"] },
    { name: "Mühlen Eichsen", ags: "13074054", postcodes: ["19205"] },
    { name: "Neuburg", ags: "13074056", postcodes: ["23974"] },
    { name: "Neukloster, Stadt", ags: "13074057", postcodes: ["23992"] },
    { name: "Passee", ags: "13074060", postcodes: ["23992"] },
    { name: "Perlin", ags: "13074061", postcodes: ["19209"] },
    { name: "Pingelshagen", ags: "13074062", postcodes: ["19069"] },
    { name: "Pokrent", ags: "13074064", postcodes: ["19205"] },
    { name: "Rehna, Stadt", ags: "13074065", postcodes: ["19217"] },
    { name: "Rieps", ags: "13074066", postcodes: ["19217"] },
    { name: "Roduchelstorf", ags: "13074067", postcodes: ["23923"] },
    { name: "Roggendorf", ags: "13074068", postcodes: ["19205"] },
    { name: "Roggenstorf", ags: "13074069", postcodes: ["23936"] },
    { name: "Rögnitz", ags: "13074070", postcodes: ["19205"] },
    { name: "Rüting", ags: "13074071", postcodes: ["23936"] },
    { name: "Schildetal", ags: "13074072", postcodes: ["19209"] },
    { name: "Schlagsdorf", ags: "13074073", postcodes: ["19217"] },
    { name: "Schönberg, Stadt", ags: "13074074", postcodes: ["23923"] },
    { name: "Seehof", ags: "13074075", postcodes: ["19069"] },
    { name: "Selmsdorf", ags: "13074076", postcodes: ["23923"] },
    { name: "Testorf-Steinfort", ags: "13074077", postcodes: ["23936"] },
    { name: "Thandorf", ags: "13074078", postcodes: ["19217"] },
    { name: "Upahl", ags: "13074079", postcodes: ["23936"] },
    { name: "Utecht", ags: "13074080", postcodes: ["19217"] },
    { name: "Veelböken", ags: "13074081", postcodes: ["19205"] },
    { name: "Ventschow", ags: "13074082", postcodes: ["19417"] },
    { name: "Warin, Stadt", ags: "13074084", postcodes: ["19417"] },
    { name: "Warnow", ags: "13074085", postcodes: ["23936"] },
    { name: "Wismar, Hansestadt", ags: "13074087", postcodes: ["23966", "23952", "23968", "23970"] },
    { name: "Zickhusen", ags: "13074088", postcodes: ["19069"] },
    { name: "Zierow", ags: "13074089", postcodes: ["23968"] },
    { name: "Zurow", ags: "13074090", postcodes: ["23992"] },
    { name: "Züsow", ags: "13074091", postcodes: ["23992"] },
    { name: "Wedendorfersee", ags: "13074092", postcodes: ["19217"] },
    { name: "Stepenitztal", ags: "13074093", postcodes: ["23936"] },
    { name: "Siemz-Niendorf", ags: "13074094", postcodes: ["23923"] },
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

/** Every Gemeinde whose key we carry (the Landkreis Nordwestmecklenburg list). */
const KNOWN_GEMEINDEN: readonly Gemeinde[] = NORDWESTMECKLENBURG.gemeinden;

/**
 * The Gemeinden offered when picking a site's Gemeinde, sorted by name in German order (Ä with A,
 * Ü with U, as in the Gemeindeverzeichnis). With the authority's
 * AGS the choice is narrowed to its district; without it, every Gemeinde we carry is offered.
 * The picker only suggests: any eight-digit key can still be typed, and one outside the district is
 * refused on submission with the message below.
 */
export function gemeindeChoices(authorityAgs?: string | null): Gemeinde[] {
  const inDistrict =
    authorityAgs && AGS_RE.test(authorityAgs)
      ? KNOWN_GEMEINDEN.filter((g) => liesInDistrict(authorityAgs, g.ags))
      : KNOWN_GEMEINDEN;
  const collator = new Intl.Collator("de", { sensitivity: "base" });
  return [...inDistrict].sort((a, b) => collator.compare(a.name, b.name));
}

/** The label a picker shows beside the key: name and postcodes („Rehna, Stadt – 19217"). */
export function gemeindeLabel(g: Gemeinde): string {
  return `${g.name} – ${g.postcodes.join(", ")}`;
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
