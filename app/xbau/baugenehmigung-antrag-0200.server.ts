import {
  type Address,
  type ApplicationData,
  type Bauherr,
  type Entwurfsverfasser,
  type Land,
  MEASURE_TYPE_LABELS,
  PLANNING_AREA_LABELS,
  USE_TYPE_LABELS,
  type UseType,
} from "~/domain/application-data";
import { anlagenCodelist } from "./codelists.server";
import { BUNDESLAND_CODES, CHANNEL_EMAIL, CHANNEL_PHONE, CODELISTS, MEASURE_TYPE_CODES } from "./codes";
import { toDin91379 } from "./din91379.server";
import { XbauInputError } from "./input-error";
import {
  c,
  checkAuthorities,
  codeEl,
  derivedUuid,
  isoDate,
  messageRoot,
  UUID_RE,
  type XbauAuthority,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

export { derivedUuid, type XbauAuthority } from "./message.server";

/**
 * Builds the XBau 2.6 message `baugenehmigung.antrag.0200` (Bauantrag with its Bauvorlagen) from a
 * submitted application. The structure follows xbau-nachrichten-baugenehmigung.xsd and the types of
 * xbau-baukasten.xsd / xbau-kernmodul-datentypen.xsd. Elements of the XBau namespace are written
 * with the `xbau:` prefix; Kernmodul and XÖV base elements (and those declared `form="unqualified"`)
 * carry no namespace.
 *
 * The input must describe a complete application: missing mandatory parts (Bauherr name and
 * address, at least one Flurstück, Art der Maßnahme, at least one document) raise an
 * `XbauInputError` listing them. Free text is normalised to DIN 91379 (see din91379.server.ts).
 */

export interface Antrag0200Document {
  /** Our Document id (UUID): referenced when no file is attached. */
  documentId: string;
  title: string;
  /** XBau anlagen 3.0 code, e.g. "1803" (Lageplan). */
  typeCode: string;
  /** Version number of the (latest) version; 1 for a document that is handed in later. */
  versionNumber: number;
  /** Date of the version (upload) or of the declaration "wird nachgereicht". */
  date: Date | string;
  /** MIME type of the file; for a later document the expected type (default application/pdf). */
  mimeType?: string;
  toBeSubmittedLater: boolean;
  /** Present when a file exists. */
  file?: {
    /** DocumentVersion id (UUID). */
    versionId: string;
    filename: string;
    sizeBytes: number | bigint;
    /** Hex SHA-256 of the stored bytes. */
    sha256: string;
  };
  /** Link to the document in the portal (used when there is no file). */
  url?: string;
}

export interface Antrag0200Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The sending service (the portal acting for the applicant). */
  sender: XbauAuthority;
  /** The Bauaufsichtsbehörde receiving the application. */
  authority: XbauAuthority;
  /** Our application id (UUID); becomes `referenzAntragsservice`. */
  applicationId: string;
  /** Land of the plot (Flurstück Bundesland); defaults to the one of the Gemeindeschlüssel. */
  land: Land;
  /** Aktenzeichen, when already assigned (carried as additional information). */
  fileNumber?: string | null;
  submittedAt?: Date | null;
  /** Bezeichnung des Bauvorhabens; derived from the data when absent. */
  title?: string | null;
  /** Verfahrensart code from the Land profile (or `defaultProcedure()`). */
  procedure: { code: string; listUri: string; listVersionId: string; name?: string };
  data: ApplicationData;
  documents: Antrag0200Document[];
  product?: { name: string; vendor: string; version?: string };
  /** Marks the message as a test message (attribute `test`). */
  test?: boolean;
}

function anschrift(name: string, address: Address | undefined): XmlElement | null {
  if (!address) return null;
  const parts = [
    address.street && el("strasse", null, c(address.street)),
    address.houseNumber && el("hausnummer", null, c(address.houseNumber)),
    address.postalCode && el("postleitzahl", null, c(address.postalCode)),
    address.city && el("ort", null, c(address.city)),
  ].filter((p): p is XmlElement => Boolean(p));
  return parts.length > 0 ? el(name, null, parts) : null;
}

function kommunikation(email: string | undefined, phone: string | undefined): XmlElement[] {
  const out: XmlElement[] = [];
  if (email)
    out.push(
      el(
        "kommunikation",
        null,
        codeEl("kanal", CHANNEL_EMAIL, { listVersionID: CODELISTS.erreichbarkeit.version }),
        el("kennung", null, c(email)),
      ),
    );
  if (phone)
    out.push(
      el(
        "kommunikation",
        null,
        codeEl("kanal", CHANNEL_PHONE, { listVersionID: CODELISTS.erreichbarkeit.version }),
        el("kennung", null, c(phone)),
      ),
    );
  return out;
}

function allgemeinerName(name: string, value: string | undefined): XmlElement {
  return value
    ? el(name, null, el("name", null, c(value)))
    : el(name, null, el("nichtVorhanden", null, "true"));
}

/** Splits a single "Vorname Nachname" field: the last word is the family name. */
export function splitPersonName(full: string): { first?: string; last: string } {
  const words = full.trim().split(/\s+/);
  if (words.length === 1) return { last: words[0] ?? full };
  return { first: words.slice(0, -1).join(" "), last: words[words.length - 1] ?? full };
}

/** Akteur (Kernmodul): natuerlichePerson or organisation; all child elements unqualified. */
function akteurContent(
  id: string,
  person: { first?: string; last: string } | null,
  organisationName: string | null,
  address: Address | undefined,
  email: string | undefined,
  phone: string | undefined,
): XmlElement {
  if (organisationName) {
    return el(
      "organisation",
      null,
      el("id", null, id),
      el("name", null, el("name", null, c(organisationName))),
      anschrift("anschrift", address),
      kommunikation(email, phone),
    );
  }
  if (!person) throw new Error("person or organisation required");
  const addr = anschrift("anschrift", address);
  if (!addr) throw new Error("natuerlichePerson requires an address");
  return el(
    "natuerlichePerson",
    null,
    el("id", null, id),
    el("name", null, allgemeinerName("familienname", person.last), allgemeinerName("vorname", person.first)),
    addr,
    kommunikation(email, phone),
  );
}

function bauherrAkteur(b: Bauherr, id: string): XmlElement {
  if (b.kind === "COMPANY") return akteurContent(id, null, b.companyName ?? "", b.address, b.email, b.phone);
  return akteurContent(id, { first: b.firstName, last: b.lastName ?? "" }, null, b.address, b.email, b.phone);
}

function hasAddress(a: Address | undefined): boolean {
  return Boolean(a && (a.street || a.houseNumber || a.postalCode || a.city));
}

function checkInput(input: Antrag0200Input): string[] {
  const problems: string[] = [];
  const { data } = input;
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.applicationId)) problems.push("Antrags-ID ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Absender", input.sender],
      ["Bauaufsichtsbehörde", input.authority],
    ]),
  );
  const b = data.bauherr;
  if (!b) problems.push("Bauherr fehlt");
  else if (b.kind === "COMPANY") {
    if (!b.companyName) problems.push("Bauherr: Firmenname fehlt");
  } else {
    if (!b.lastName) problems.push("Bauherr: Nachname fehlt");
    if (!hasAddress(b.address)) problems.push("Bauherr: Anschrift fehlt");
  }
  const parcels = data.plot?.parcels ?? [];
  if (parcels.length === 0) problems.push("Baugrundstück: mindestens ein Flurstück ist anzugeben");
  parcels.forEach((p, i) => {
    if (!p.gemarkung) problems.push(`Flurstück ${i + 1}: Gemarkung fehlt`);
    if (!p.zaehler) problems.push(`Flurstück ${i + 1}: Flurstücksnummer (Zähler) fehlt`);
  });
  if (!data.project?.measureType) problems.push("Art der Maßnahme fehlt");
  if (input.documents.length === 0) problems.push("Mindestens eine Anlage ist erforderlich");
  const anlagen = anlagenCodelist();
  for (const d of input.documents) {
    if (!anlagen.entries.has(d.typeCode))
      problems.push(`Anlage "${d.title}": unbekannte Anlagenart ${d.typeCode}`);
    if (!Number.isInteger(d.versionNumber) || d.versionNumber < 1)
      problems.push(`Anlage "${d.title}": Versionsnummer muss positiv sein`);
    if (!d.file && !d.toBeSubmittedLater) problems.push(`Anlage "${d.title}": Datei fehlt`);
    if (d.file && !/^[0-9a-fA-F]{64}$/.test(d.file.sha256))
      problems.push(`Anlage "${d.title}": SHA-256 ungültig`);
  }
  if (!input.procedure.code || !input.procedure.listUri || !input.procedure.listVersionId)
    problems.push("Verfahrensart (Code, Liste, Version) fehlt");
  return problems;
}

/**
 * File names as XBau allows them (Dateiname pattern): unsupported characters become "_", an
 * extension is ensured, and names are made unique within the message.
 */
export function xbauFilename(filename: string, mimeType: string, used: Set<string>): string {
  const fallbackExt =
    mimeType === "application/pdf" ? "pdf" : (mimeType.split("/")[1]?.replace(/[^a-z0-9]/gi, "") ?? "bin");
  const allowed = /^[-a-zA-Z0-9ÄÖÜäöüß _!=+~,;.#°§$%()[\]]$/;
  let name = [...filename.normalize("NFC")]
    .map((ch) => {
      if (allowed.test(ch)) return ch;
      const plain = ch.normalize("NFD").replace(/\p{M}/gu, "");
      return allowed.test(plain) ? plain : "_";
    })
    .join("")
    .replace(/_{2,}/g, "_")
    .trim();
  let dot = name.lastIndexOf(".");
  if (dot <= 0 || !/^[a-zA-Z0-9]+$/.test(name.slice(dot + 1))) {
    name = `${name.replace(/\.+$/, "") || "anlage"}.${fallbackExt || "bin"}`;
    dot = name.lastIndexOf(".");
  }
  const base = name.slice(0, dot);
  const ext = name.slice(dot + 1);
  let candidate = name;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${base} (${n}).${ext}`;
  used.add(candidate.toLowerCase());
  return candidate;
}

/** xbau:anlagen for the given documents (0200; also the changed documents of a 0202). */
export function anlagenElement(documents: readonly Antrag0200Document[]): XmlElement {
  const used = new Set<string>();
  return el(
    "xbau:anlagen",
    null,
    documents.map((d) => {
      const mimeType = d.mimeType || "application/pdf";
      const link = d.file
        ? el(
            "anhang",
            { filesize: d.file.sizeBytes.toString(), hashValue: d.file.sha256.toLowerCase() },
            el("dokumentid", null, `urn:uuid:${d.file.versionId}`),
            el("dateiname", null, xbauFilename(d.file.filename, mimeType, used)),
          )
        : el("verlinkung", null, el("uriVerlinkung", null, d.url ?? `urn:uuid:${d.documentId}`));
      return el(
        "anlage",
        null,
        el("bezeichnung", null, toDin91379(d.title, "datatypeD")),
        el("versionsnummer", null, d.versionNumber),
        el("datum", null, isoDate(d.date)),
        codeEl("anlageart", d.typeCode, { listVersionID: CODELISTS.anlagen.version }),
        codeEl("mimeType", mimeType, {
          listURI: CODELISTS.mimeTypes.uri,
          listVersionID: CODELISTS.mimeTypes.version,
        }),
        el("anhangOderVerlinkung", null, link),
        el("xbau:wirdNachgereicht", null, String(d.toBeSubmittedLater)),
      );
    }),
  );
}

function projectTitle(input: BauvorhabenSource): string {
  if (input.title?.trim()) return input.title.trim();
  const p = input.data.project;
  const measure = p?.measureType ? MEASURE_TYPE_LABELS[p.measureType] : "Bauvorhaben";
  const use = p?.use ? ` (${USE_TYPE_LABELS[p.use]})` : "";
  const a = input.data.plot?.address;
  const where = a?.street
    ? `, ${[a.street, a.houseNumber].filter(Boolean).join(" ")}${a.city ? `, ${a.city}` : ""}`
    : "";
  return `${measure}${use}${where}`;
}

function entwurfsverfasser(e: Entwurfsverfasser | undefined, messageId: string): XmlElement | null {
  if (!e?.name || !hasAddress(e.address)) return null;
  const berechtigung =
    e.chamberNumber && e.chamberLand
      ? el(
          "xbau:berechtigung",
          null,
          el(
            "xbau:mitgliedschaftInland",
            null,
            el(
              "xbau:mitgliedsnummerBundesland",
              null,
              el("xbau:mitgliedsnummer", null, e.chamberNumber.replace(/\s+/g, " ").trim()),
              codeEl("xbau:bundesland", BUNDESLAND_CODES[e.chamberLand], {
                listVersionID: CODELISTS.bundesland.version,
              }),
            ),
          ),
        )
      : null;
  return el(
    "xbau:entwurfsverfasser",
    null,
    el(
      "xbau:personendaten",
      null,
      akteurContent(
        derivedUuid(`${messageId}:entwurfsverfasser`),
        splitPersonName(e.name),
        null,
        e.address,
        e.email,
        e.phone,
      ),
    ),
    berechtigung,
  );
}

function gemarkung(value: string): XmlElement {
  return /^\d{1,4}$/.test(value)
    ? el("gemarkung", null, el("nummer", null, value))
    : el("gemarkung", null, el("bezeichnung", null, c(value)));
}

function grundstueck(input: BauvorhabenSource): XmlElement {
  const plot = input.data.plot ?? {};
  const land = input.land;
  const a = plot.address;
  const addressParts = [
    a?.street && el("strasse", null, c(a.street)),
    a?.houseNumber && el("hausnummer", null, c(a.houseNumber)),
    a?.postalCode && el("postleitzahl", null, c(a.postalCode)),
    a?.city && el("ort", null, c(a.city)),
    plot.municipalityAgs &&
      codeEl("xbau:gemeindeschluessel", plot.municipalityAgs, { listVersionID: CODELISTS.ags.version }),
  ].filter((p): p is XmlElement => Boolean(p));
  return el(
    "xbau:grundstueck",
    null,
    addressParts.length > 0 ? el("xbau:anschrift", null, addressParts) : null,
    (plot.parcels ?? []).map((p) =>
      el(
        "xbau:flurstueck",
        null,
        codeEl("bundesland", BUNDESLAND_CODES[land], { listVersionID: CODELISTS.bundesland.version }),
        el(
          "kodierungFlurstueck",
          null,
          gemarkung((p.gemarkung ?? "").trim()),
          p.flur && el("flur", null, p.flur.trim()),
          el("zaehler", null, (p.zaehler ?? "").trim()),
          p.nenner && el("nenner", null, p.nenner.trim()),
        ),
      ),
    ),
    bebauungsplanElementWritten(plot)
      ? el(
          "xbau:bebauungsplan",
          null,
          el("xbau:bezeichnungBebauungsplan", null, c(plot.developmentPlanName ?? "")),
        )
      : null,
  );
}

/**
 * A site in the area of a Bebauungsplan (§ 30 BauGB) whose plan is named: xbau:bebauungsplan says
 * both, so no text line repeats the planungsrechtliche Lage.
 */
function bebauungsplanElementWritten(plot: NonNullable<ApplicationData["plot"]>): boolean {
  return (
    plot.planningArea === "BEBAUUNGSPLAN" &&
    Boolean(plot.developmentPlanName && c(plot.developmentPlanName).trim())
  );
}

function gegenstand(input: BauvorhabenSource): XmlElement {
  const p = input.data.project ?? {};
  const measure = p.measureType ? MEASURE_TYPE_CODES[p.measureType] : "10";
  const klassifikation =
    p.buildingClass !== undefined || p.largeGarage !== undefined
      ? el(
          "xbau:bauordnungsrechtlicheKlassifikation",
          null,
          p.buildingClass !== undefined && codeEl("xbau:gebaeudeklasse", String(p.buildingClass)),
          p.largeGarage !== undefined && el("xbau:mittelOderGrossGarage", null, String(p.largeGarage)),
        )
      : null;
  const denkmal = p.monument
    ? el(
        "xbau:baudenkmalBetroffen",
        null,
        el(
          "xbau:begruendung",
          null,
          el(
            "text",
            null,
            Buffer.from("Nach Angabe des Antragstellers ist ein Baudenkmal betroffen.").toString("base64"),
          ),
        ),
      )
    : null;
  return el(
    "xbau:gegenstand",
    null,
    el("xbau:anzahlDerGebaeude", null, el("xbau:anzahlDerGebaeudeImBauvorhaben", null, 1)),
    codeEl("xbau:artDerMassnahme", measure),
    klassifikation,
    denkmal,
    datenblatt(p.use),
    p.estimatedCosts && p.estimatedCosts > 0
      ? el("xbau:herstellungskosten", null, el("xbau:summeHerstellungskosten", null, p.estimatedCosts))
      : null,
  );
}

/**
 * Nutzungsflächen of DIN 277 (XBau code list „Nutzungsflächen“, urn:xoev-de:xbau:codeliste:nutzungsflaechen
 * 2.0, the version the XSD fixes for xbau:Code.Nutzungsflaechen) for the uses of our form that
 * name the same group: Wohnen → NUF 1 „Wohnen und Aufenthalt“, Büro / Verwaltung → NUF 2
 * „Büroarbeit“, Sonstige Nutzung → NUF 7 „Sonstige Nutzungen“. „Gewerbe / Handel“ (NUF 3 or 4),
 * „Land- und Forstwirtschaft“ and „Öffentliche Einrichtung“ (NUF 5, 6 or others) name no single
 * group: they carry the description only, never a guessed code.
 */
export const NUTZUNGSFLAECHEN = {
  listURI: "urn:xoev-de:xbau:codeliste:nutzungsflaechen",
  listVersionID: "2.0",
  byUse: { WOHNEN: "01", BUERO: "02", SONSTIGE: "07" } as Partial<Record<UseType, string>>,
} as const;

/**
 * The project's use as structured data: xbau:bauvorhabenDatenblatt/xbau:nutzungen with one
 * xbau:nutzungseinheit for the main use — its description is our label (read back by the import),
 * its xbau:nutzungsflaeche the DIN 277 group where one matches. No number of Nutzungseinheiten is
 * given: the form does not ask for it.
 */
function datenblatt(use: UseType | undefined): XmlElement | null {
  if (!use) return null;
  const code = NUTZUNGSFLAECHEN.byUse[use];
  return el(
    "xbau:bauvorhabenDatenblatt",
    null,
    el(
      "xbau:nutzungen",
      null,
      el(
        "xbau:nutzungseinheit",
        null,
        el("xbau:beschreibungDerNutzungseinheit", null, c(USE_TYPE_LABELS[use])),
        code &&
          codeEl("xbau:nutzungsflaeche", code, {
            listURI: NUTZUNGSFLAECHEN.listURI,
            listVersionID: NUTZUNGSFLAECHEN.listVersionID,
          }),
      ),
    ),
  );
}

/**
 * What XBau 2.6 has no element for, as labelled lines the import reads back. Checked against the
 * XSD: the Bauvorhaben has no free-text description besides its Bezeichnung (our title); the
 * planungsrechtliche Lage has an element only for a Bebauungsplan with its name or number
 * (xbau:grundstueck/xbau:bebauungsplan, written in `grundstueck`), none for § 34/§ 35 BauGB;
 * xbau:sonderbau needs the kind of Sonderbau (code list mbo-sonderbauten), the form asks only
 * yes/no; xbau:erschliessung needs the Entwässerung and the Straßenanbindung together, the form
 * has one flag for each and no code for the Straßenanbindung. The use is in `datenblatt`.
 */
function weitereAngaben(input: BauvorhabenSource): string[] {
  const out: string[] = [];
  const p = input.data.project;
  const plot = input.data.plot;
  // No Aktenzeichen (the portal cannot know the authority's) and no submission time (the header's
  // erstellungszeitpunkt says it): only what XBau has no element for.
  if (p?.description) out.push(`Beschreibung: ${p.description}`);
  if (plot?.planningArea && !bebauungsplanElementWritten(plot))
    out.push(`Planungsrechtliche Lage: ${PLANNING_AREA_LABELS[plot.planningArea]}`);
  if (p?.specialBuilding) out.push("Sonderbau (§ 2 Abs. 4 MBO)");
  if (p?.heatedRooms) out.push("Beheizte Räume vorhanden");
  if (p?.newSewerConnection) out.push("Neuer Anschluss an die öffentliche Entwässerung");
  if (plot?.nextToMajorRoad) out.push("Grundstück liegt an einer Bundes- oder Landesstraße");
  return out.map(c).filter((s) => s.trim().length > 0);
}

/** Builds the 0200 message as an element tree (see `buildAntrag0200Xml` for the string). */
export function buildAntrag0200(input: Antrag0200Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0200", problems);
  const { data } = input;
  const bauherr = data.bauherr as Bauherr;
  const bauherrId = derivedUuid(`${input.messageId}:bauherr`);

  return messageRoot(
    {
      element: "baugenehmigung.antrag.0200",
      messageId: input.messageId,
      typeCode: "0200",
      createdAt: input.createdAt,
      reader: input.authority,
      author: input.sender,
      product: input.product,
      test: input.test,
    },
    el(
      "xbau:referenzAntragsservice",
      null,
      el("referenzAntragsservice", null, input.applicationId.toLowerCase()),
    ),
    el("xbau:antragsteller", null, bauherrAkteur(bauherr, bauherrId)),
    el(
      "xbau:prozessmerkmale",
      null,
      codeEl("xbau:verfahrensart", input.procedure.code, {
        listURI: input.procedure.listUri,
        listVersionID: input.procedure.listVersionId,
      }),
    ),
    bauvorhabenElement("xbau:bauvorhaben", input),
    anlagenElement(input.documents),
  );
}

/** What the Bauvorhaben part (xbau:Bauvorhaben) is built from. */
export type BauvorhabenSource = Pick<
  Antrag0200Input,
  "messageId" | "land" | "data" | "title" | "fileNumber" | "submittedAt"
>;

/**
 * xbau:Bauvorhaben (Bezeichnung, Beteiligte, Gegenstand, Verortung, weitere Angaben): the 0200's
 * `bauvorhaben`, and the 0202's `bauvorhabenAenderungsdaten`. Needs a Bauherr in `data`.
 */
export function bauvorhabenElement(name: string, input: BauvorhabenSource): XmlElement {
  const bauherr = input.data.bauherr as Bauherr;
  const bauherrId = derivedUuid(`${input.messageId}:bauherr`);
  return el(
    name,
    null,
    el("xbau:bezeichnungDesBauvorhabens", null, c(projectTitle(input))),
    el(
      "xbau:beteiligte",
      null,
      el("xbau:bauherr", null, el("xbau:bauherr", null, bauherrAkteur(bauherr, bauherrId))),
      entwurfsverfasser(input.data.entwurfsverfasser, input.messageId),
      el("xbau:gebuehrenpflichtiger", null, bauherrAkteur(bauherr, bauherrId)),
    ),
    gegenstand(input),
    el("xbau:verortung", null, el("xbau:baugrundstueck", null, grundstueck(input))),
    weitereAngaben(input).map((text) => el("xbau:weitereAngaben", null, text)),
  );
}

/** Builds the 0200 message as an XML string (UTF-8, indented). */
export function buildAntrag0200Xml(input: Antrag0200Input): string {
  return toXml(buildAntrag0200(input));
}
