/**
 * Bauvorlagen document types used by the product, with their codes and names from the XBau
 * codelist "XBau Anlage Art" (urn:xoev-de:xbau:codeliste:anlagen, version 3.0). `label` is the
 * codelist's Beschreibung verbatim; `shortLabel` is the friendlier name shown in the UI.
 *
 * Pure data: runs in the browser, on the server and in workers.
 */

export const ANLAGEN_CODELIST = {
  listURI: "urn:xoev-de:xbau:codeliste:anlagen",
  listVersionID: "3.0",
} as const;

export const MIME_PDF = "application/pdf";
export const MIME_JPEG = "image/jpeg";
export const MIME_PNG = "image/png";

const PDF_ONLY = [MIME_PDF] as const;
const PDF_OR_IMAGE = [MIME_PDF, MIME_JPEG, MIME_PNG] as const;

export type DocumentGroup =
  | "berechtigung"
  | "zustimmung"
  | "lageplan"
  | "bauzeichnung"
  | "beschreibung"
  | "planungsrecht"
  | "nachweis"
  | "statistik"
  | "sonstiges";

export interface DocumentType {
  /** XBau anlagen code (four digits, as a string: leading zeros matter). */
  readonly code: string;
  /** Beschreibung from the XBau codelist, verbatim. */
  readonly label: string;
  /** Short German name for lists and buttons. */
  readonly shortLabel: string;
  readonly group: DocumentGroup;
  /** Accepted MIME types; plans (Bauzeichnungen, Lagepläne) are PDF only. */
  readonly mimeTypes: readonly string[];
  /** A drawing to scale (Bauzeichnung / Lageplan). */
  readonly isPlan: boolean;
}

function doc(
  code: string,
  label: string,
  shortLabel: string,
  group: DocumentGroup,
  opts: { isPlan?: boolean; images?: boolean } = {},
): DocumentType {
  return {
    code,
    label,
    shortLabel,
    group,
    isPlan: opts.isPlan ?? false,
    mimeTypes: opts.images && !opts.isPlan ? PDF_OR_IMAGE : PDF_ONLY,
  };
}

export const DOCUMENT_TYPES: readonly DocumentType[] = [
  doc(
    "0401",
    "Nachweis der Bauvorlageberechtigung - Architekt",
    "Bauvorlageberechtigung (Architekt)",
    "berechtigung",
  ),
  doc(
    "0402",
    "Nachweis der Bauvorlageberechtigung - Bauingenieur",
    "Bauvorlageberechtigung (Bauingenieur)",
    "berechtigung",
  ),
  doc(
    "0403",
    "Nachweis der Bauvorlageberechtigung - Innenarchitekt",
    "Bauvorlageberechtigung (Innenarchitekt)",
    "berechtigung",
  ),
  doc(
    "0404",
    "Nachweis der Bauvorlageberechtigung - Ingenieur",
    "Bauvorlageberechtigung (Ingenieur)",
    "berechtigung",
  ),
  doc(
    "0405",
    "Nachweis der Bauvorlageberechtigung - Person mit Befähigung zum bautechnischen Verwaltungsdienst Laufbahngruppe 2",
    "Bauvorlageberechtigung (bautechnischer Verwaltungsdienst)",
    "berechtigung",
  ),
  doc(
    "0406",
    "Nachweis der Bauvorlageberechtigung - Absolventen",
    "Bauvorlageberechtigung (Absolventen)",
    "berechtigung",
  ),
  doc("0601", "Zustimmung des Grundstückseigentümers", "Zustimmung des Grundstückseigentümers", "zustimmung"),
  doc(
    "0602",
    "Nachweis der Vertretungsvollmacht (Vertreterbestellung/ Vollmacht/ Bevollmächtigung)",
    "Vertretungsvollmacht",
    "zustimmung",
  ),
  doc("0603", "Vollmacht des Bauherren für die Antragsstellung", "Vollmacht des Bauherrn", "zustimmung"),
  doc(
    "0800",
    "Erläuterung zu geplanten Ausnahmen, Befreiungen und Abweichungen",
    "Begründung Abweichungen/Befreiungen",
    "beschreibung",
  ),
  doc(
    "0901",
    "vom Nachbarn unterzeichnete Lagepläne und Bauzeichnungen",
    "Nachbarzustimmung (unterschriebene Pläne)",
    "zustimmung",
    { isPlan: true },
  ),
  doc("1101", "Antragsformulare [Alle möglichen Anträge]", "Antragsformular", "sonstiges"),
  doc(
    "1301",
    "Nachweise und Angaben zu Landwirtschaft (z.B. Maschinenaufstellplan) § 35 Abs. 1 Nr. 1 BauGB",
    "Angaben zum landwirtschaftlichen Betrieb",
    "planungsrecht",
  ),
  doc("1501", "Baubeschreibung formlos", "Baubeschreibung (formlos)", "beschreibung"),
  doc("1502", "Baubeschreibung Vordruck", "Baubeschreibung", "beschreibung"),
  doc("1503", "Abbruchbeschreibung formlos", "Abbruchbeschreibung", "beschreibung"),
  doc(
    "1601",
    "Betriebsbeschreibung für gewerbliche Betriebe",
    "Betriebsbeschreibung (gewerblich)",
    "beschreibung",
  ),
  doc(
    "1602",
    "Betriebsbeschreibung für landwirtschaftliche Betriebe",
    "Betriebsbeschreibung (landwirtschaftlich)",
    "beschreibung",
  ),
  doc("1603", "Betriebsbeschreibung formlos", "Betriebsbeschreibung (formlos)", "beschreibung"),
  doc("1700", "Angaben über die gesicherte Erschließung", "Angaben zur Erschließung", "planungsrecht"),
  doc("1802", "Liegenschaftskarte / Flurkarte", "Auszug aus der Liegenschaftskarte", "lageplan", {
    isPlan: true,
  }),
  doc("1803", "Lageplan", "Lageplan", "lageplan", { isPlan: true }),
  doc("1806", "Lageplan Entwässerung", "Entwässerungsplan", "lageplan", { isPlan: true }),
  doc(
    "1901",
    "Berechnung des Maßes der geplanten baulichen Nutzung [GFZ | GRZ | BMZ ]",
    "Berechnung GRZ/GFZ",
    "planungsrecht",
  ),
  doc("2001", "Grundrisse", "Grundrisse", "bauzeichnung", { isPlan: true }),
  doc("2002", "Schnitte", "Schnitte", "bauzeichnung", { isPlan: true }),
  doc("2003", "Ansichten", "Ansichten", "bauzeichnung", { isPlan: true }),
  doc("2007", "Ansicht der baulichen Anlage als Lichtbild", "Foto der baulichen Anlage", "sonstiges", {
    images: true,
  }),
  doc("2102", "Berechnung der Abstandflächen", "Abstandsflächenberechnung", "nachweis"),
  doc("2104", "Berechnung Gebäudeklasse", "Berechnung der Gebäudeklasse", "nachweis"),
  doc(
    "2301",
    "KFZ-Stellplatznachweis | Berechnung der erforderlichen Stellplätze",
    "Stellplatznachweis (Kfz)",
    "nachweis",
  ),
  doc(
    "2302",
    "Fahrrad-Stellplatznachweis | Berechnung der erforderlichen Stellplätze",
    "Stellplatznachweis (Fahrrad)",
    "nachweis",
  ),
  doc(
    "2501",
    "Erhebungsbogen für die Baustatistik gem. Hochbaustatistikgesetz",
    "Statistischer Erhebungsbogen",
    "statistik",
  ),
  doc(
    "2502",
    "Abgangsbogen für die Baustatistik gem. Hochbaustatistikgesetz",
    "Statistischer Abgangsbogen",
    "statistik",
  ),
  doc("2701", "Brandschutznachweis zur Prüfung bei der Bauaufsicht", "Brandschutznachweis", "nachweis"),
  doc("2705", "Brandschutzkonzept", "Brandschutzkonzept", "nachweis"),
  doc("2801", "Standsicherheitsnachweis", "Standsicherheitsnachweis", "nachweis"),
  doc("2804", "Nachweis Schallschutz", "Schallschutznachweis", "nachweis"),
  doc("2805", "Nachweis Wärmeschutz", "Wärmeschutznachweis (GEG)", "nachweis"),
  doc(
    "2811",
    "Bestätigung/Beurteilung der Standsicherheit des angebauten Gebäudes (bei der Beseitigung von Anlagen)",
    "Standsicherheit angebauter Gebäude",
    "nachweis",
  ),
  doc("2913", "Maßnahmen an einem Baudenkmal", "Unterlagen zum Baudenkmal", "nachweis", { images: true }),
  doc(
    "3302",
    "Beschreibung des Beseitigungsverfahrens mit Angaben über den Geräteeinsatz und Schutzmaßnahmen",
    "Beschreibung des Beseitigungsverfahrens",
    "beschreibung",
  ),
  doc("3700", "Fotos, Fotomontagen zum Bauvorhaben", "Fotos / Fotomontagen", "sonstiges", { images: true }),
  doc("9999", "Weitere, nicht näher spezifizierte Anlage", "Sonstige Anlage", "sonstiges", { images: true }),
];

const BY_CODE: ReadonlyMap<string, DocumentType> = new Map(DOCUMENT_TYPES.map((d) => [d.code, d]));

export function getDocumentType(code: string): DocumentType | undefined {
  return BY_CODE.get(code);
}

export function isKnownDocumentType(code: string): boolean {
  return BY_CODE.has(code);
}

/** Short label of a code, or the code itself when unknown (never throws: used in messages). */
export function documentTypeLabel(code: string): string {
  return BY_CODE.get(code)?.shortLabel ?? code;
}

/** Whether a file of this MIME type may be uploaded as this document type. */
export function acceptsMimeType(code: string, mimeType: string): boolean {
  const t = BY_CODE.get(code);
  return t ? t.mimeTypes.includes(mimeType.toLowerCase()) : false;
}
