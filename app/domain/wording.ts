/**
 * One German voice (issue 15 item 5): the user-facing terms the UI and the PDFs share, with one
 * gender form each, and the small grammar helpers that texts built from data need (article of an
 * authority's name, singular/plural of a count). Pure: browser, server and workers.
 *
 * Gender form: the colon ("Bauherr:in"), as the product already writes "Sachbearbeiter:in". Where a
 * role is named in a letter next to a person's name, the neutral role label is used; the person's
 * own name says who it is.
 */

/** Role and document terms as printed. English keys as in the code (see shared/DOMAIN.md). */
export const TERMS = {
  applicant: "Antragsteller:in",
  bauherr: "Bauherr:in",
  entwurfsverfasser: "Entwurfsverfasser:in",
  clerk: "Sachbearbeiter:in",
  representative: "Bevollmächtigte:r",
  agency: "Fachstelle",
  municipality: "Gemeinde",
  authority: "Bauaufsichtsbehörde",
  request: "Nachforderung",
  resubmission: "Nachreichung",
  decision: "Bescheid",
  fileNumber: "Aktenzeichen",
  paymentReference: "Kassenzeichen",
  costDebtor: "Kostenschuldner:in",
} as const;
export type Term = keyof typeof TERMS;

export function term(key: Term): string {
  return TERMS[key];
}

/** Singular and plural of the counted nouns the product prints. */
const NOUNS = {
  request: ["Nachforderung", "Nachforderungen"],
  case: ["Fall", "Fälle"],
  document: ["Bauvorlage", "Bauvorlagen"],
  file: ["Datei", "Dateien"],
  agency: ["Stelle", "Stellen"],
  participation: ["Beteiligung", "Beteiligungen"],
  item: ["Punkt", "Punkte"],
  condition: ["Nebenbestimmung", "Nebenbestimmungen"],
  day: ["Tag", "Tage"],
  page: ["Seite", "Seiten"],
} as const satisfies Record<string, readonly [string, string]>;
export type CountedNoun = keyof typeof NOUNS;

/** "1 Nachforderung", "2 Nachforderungen", "0 Nachforderungen" (German: only 1 is singular). */
export function countOf(n: number, noun: CountedNoun): string {
  const [one, many] = NOUNS[noun];
  return `${new Intl.NumberFormat("de-DE").format(n)} ${n === 1 ? one : many}`;
}

/** Just the noun in the right number ("Stelle" / "Stellen"). */
export function nounFor(n: number, noun: CountedNoun): string {
  const [one, many] = NOUNS[noun];
  return n === 1 ? one : many;
}

type Gender = "m" | "f" | "n";

/** Head nouns an authority's name starts with, and their grammatical gender. */
const HEAD_NOUNS: [RegExp, Gender][] = [
  [/^(Landkreis|Kreis|Landrat|Magistrat|Bezirk|Senat|Fachdienst|Fachbereich)\b/u, "m"],
  [
    /^(Stadt|Hansestadt|Landeshauptstadt|Gemeinde|Verwaltung|Kreisverwaltung|Stadtverwaltung|Untere|Obere|Behörde|Bauaufsicht|Bauaufsichtsbehörde|Denkmalschutzbehörde|Naturschutzbehörde|Wasserbehörde|Straßenbauverwaltung|Brandschutzdienststelle)\b/u,
    "f",
  ],
  [/^(Amt|Bauamt|Landesamt|Bauordnungsamt|Ordnungsamt|Straßenbauamt|Landratsamt|Ministerium)\b/u, "n"],
];

function genderOf(name: string): Gender | null {
  const n = name.trim();
  for (const [re, g] of HEAD_NOUNS) if (re.test(n)) return g;
  return null;
}

/**
 * "beim Landkreis Nordwestmecklenburg", "bei der Stadt Wismar", "beim Amt Grevesmühlen-Land";
 * a name without a known head noun ("Greifswald") stays "bei Greifswald"'s safe form "bei ...".
 */
export function atAuthority(name: string): string {
  const g = genderOf(name);
  if (g === "m" || g === "n") return `beim ${name}`;
  if (g === "f") return `bei der ${name}`;
  return `bei ${name}`;
}

/** "an den Landkreis …", "an die Stadt …", "an das Amt …". */
export function toAuthority(name: string): string {
  const g = genderOf(name);
  if (g === "m") return `an den ${name}`;
  if (g === "f") return `an die ${name}`;
  if (g === "n") return `an das ${name}`;
  return `an ${name}`;
}

/** "des Landkreises …"? Kept simple: "von Landkreis" is wrong, "vom Landkreis …" is right. */
export function fromAuthority(name: string): string {
  const g = genderOf(name);
  if (g === "m" || g === "n") return `vom ${name}`;
  if (g === "f") return `von der ${name}`;
  return `von ${name}`;
}

/** Signature block lines: "Im Auftrag" on its own line, the name below (DIN 5008). */
export function signatureLines(name: string | null | undefined): string[] {
  return ["Im Auftrag", ...(name?.trim() ? [name.trim()] : [])];
}

/**
 * A part of a generated file name: letters (umlauts and ß kept), digits, ".", "_" and "-"; anything
 * else becomes "-". The downloads send the name RFC 5987-encoded (filename*=UTF-8''…) with an
 * ASCII fallback, so "Grevesmühlen" stays "Grevesmühlen" and not "Grevesm-hlen".
 */
export function fileNamePart(s: string): string {
  return s.replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/^-+|-+$/g, "") || "Datei";
}
