import type { Land, MeasureType, ProcedureType } from "~/domain/application-data";

/** XML namespace of XBau 2.6 (prefix `xbau`). */
export const XBAU_NS = "http://www.xleitstelle.de/xbau/2/6";
export const XBAU_VERSION = "2.6";
export const XBAU_STANDARD = "XBau-Hochbau";

/** Codelist references used in messages (URI and version as the XSD fixes or expects them). */
export const CODELISTS = {
  nachrichten: { uri: "urn:xoev-de:xbau:codeliste:xbau-nachrichten", version: "4.0" },
  anlagen: { uri: "urn:xoev-de:xbau:codeliste:anlagen", version: "3.0" },
  gebaeudeklasse: { uri: "urn:xoev-de:xbau:codeliste:gebaeudeklasse", version: "3.0" },
  baumassnahmeart: { uri: "urn:xoev-de:xbau:codeliste:baumassnahmeart", version: "2.0" },
  /** Pattern codelist "XBau MIME-Types" offered by the standard for Code.XBau-MimeType. */
  mimeTypes: { uri: "urn:xoev-de:xbau:codeliste:xbau-mimetypes", version: "1.0" },
  /** KoSIT Verzeichnisdienst (DVDV, ...). */
  verzeichnisdienst: { uri: "urn:xoev-de:kosit:codeliste:verzeichnisdienst", version: "3" },
  /** Destatis Bundesland key. */
  bundesland: {
    uri: "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland",
    version: "2010-04-01",
  },
  /** Destatis Amtlicher Gemeindeschlüssel. */
  ags: { uri: "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags", version: "2024-01-31" },
  /** XÖV Erreichbarkeit (communication channel). */
  erreichbarkeit: { uri: "urn:de:xoev:codeliste:erreichbarkeit", version: "3" },
} as const;

/** Destatis Bundesland keys (first two digits of the AGS). */
export const BUNDESLAND_CODES: Record<Land, string> = {
  SH: "01",
  HH: "02",
  NI: "03",
  HB: "04",
  NW: "05",
  HE: "06",
  RP: "07",
  BW: "08",
  BY: "09",
  SL: "10",
  BE: "11",
  BB: "12",
  MV: "13",
  SN: "14",
  ST: "15",
  TH: "16",
};

export function landFromAgs(ags: string | undefined): Land | undefined {
  if (!ags || !/^\d{8}$/.test(ags)) return undefined;
  const prefix = ags.slice(0, 2);
  return (Object.entries(BUNDESLAND_CODES) as Array<[Land, string]>).find(([, code]) => code === prefix)?.[0];
}

/**
 * Art der Maßnahme → baumassnahmeart 2.0. A Nutzungsänderung is sent as "13" (without structural
 * change); the form does not ask whether building work is part of it.
 */
export const MEASURE_TYPE_CODES: Record<MeasureType, string> = {
  ERRICHTUNG: "11",
  AENDERUNG: "12",
  NUTZUNGSAENDERUNG: "13",
  BESEITIGUNG: "30",
};

/** Erreichbarkeit codes (XÖV): 01 E-Mail, 02 Telefon. */
export const CHANNEL_EMAIL = "01";
export const CHANNEL_PHONE = "02";

/**
 * The product's own Verfahrensart list, used when a Land profile does not define its own
 * (the XBau Verfahrensart codelist is Land-defined; listURI and version travel with the code).
 */
export const DEFAULT_PROCEDURE_CODELIST = {
  uri: "urn:bauantrag:codeliste:verfahrensart",
  version: "1.0",
} as const;
export const DEFAULT_PROCEDURE_CODES: Record<ProcedureType, { code: string; name: string }> = {
  BAUGENEHMIGUNG: { code: "64", name: "Baugenehmigungsverfahren" },
  VEREINFACHT: { code: "63", name: "Vereinfachtes Baugenehmigungsverfahren" },
  GENEHMIGUNGSFREISTELLUNG: { code: "62", name: "Genehmigungsfreistellung" },
  VORBESCHEID: { code: "75", name: "Vorbescheid" },
  BESEITIGUNG: { code: "61", name: "Beseitigung" },
};

export function defaultProcedure(type: ProcedureType): {
  code: string;
  name: string;
  listUri: string;
  listVersionId: string;
} {
  return {
    ...DEFAULT_PROCEDURE_CODES[type],
    listUri: DEFAULT_PROCEDURE_CODELIST.uri,
    listVersionId: DEFAULT_PROCEDURE_CODELIST.version,
  };
}
