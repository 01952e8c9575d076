import path from "node:path";

/**
 * The sample Bauvorlagen (fixtures/bauvorlagen, made by scripts/make-fixture-pdfs.ts) per XBau
 * anlagen code: every document the completeness check asks of the demo Einfamilienhaus gets its own
 * file, so a package or annex lists distinct documents and not one PDF under five names.
 */
export const BAUVORLAGEN_DIR = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");

const FILE_FOR: Readonly<Record<string, string>> = {
  "1802": "liegenschaftskarte.pdf",
  "1803": "lageplan.pdf",
  "2001": "grundriss-eg.pdf",
  "2002": "schnitt.pdf",
  "2003": "ansichten.pdf",
  "1501": "baubeschreibung.pdf",
  "1502": "baubeschreibung.pdf",
  "1901": "berechnung-grz-gfz.pdf",
  "2805": "waermeschutznachweis.pdf",
  "2701": "brandschutznachweis.pdf",
  "2801": "standsicherheit.pdf",
  "0401": "bauvorlageberechtigung.pdf",
  "2501": "statistik-erhebungsbogen.pdf",
  "0603": "vollmacht.pdf",
};

/** File name of the sample for a document type; an unknown type is a mistake in the test, not a fallback. */
export function fixtureFileFor(code: string): string {
  const file = FILE_FOR[code];
  if (!file)
    throw new Error(`Keine Beispiel-Bauvorlage für Dokumenttyp ${code} (e2e/support/fixture-files.ts)`);
  return file;
}

export function fixturePathFor(code: string): string {
  return path.join(BAUVORLAGEN_DIR, fixtureFileFor(code));
}
