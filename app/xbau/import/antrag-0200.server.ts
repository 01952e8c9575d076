import {
  type Address,
  type ApplicationData,
  applicationDataSchema,
  type Bauherr,
  type Land,
  MEASURE_TYPES,
  type MeasureType,
  PLANNING_AREA_LABELS,
  PROCEDURE_TYPES,
  type ProcedureType,
  USE_TYPE_LABELS,
  USE_TYPES,
  type UseType,
} from "~/domain/application-data";
import { resolveProfile } from "~/domain/land-profiles";
import { NUTZUNGSFLAECHEN } from "../baugenehmigung-antrag-0200.server";
import {
  BUNDESLAND_CODES,
  CHANNEL_EMAIL,
  CHANNEL_PHONE,
  DEFAULT_PROCEDURE_CODES,
  MEASURE_TYPE_CODES,
  XBAU_NS,
} from "../codes";
import { type IntakeProblem, IntakeRefused } from "./problems";
import type { XNode } from "./safe-xml.server";

/**
 * Maps a parsed (and XSD- and Schematron-valid) `baugenehmigung.antrag.0200` onto our case model:
 * the reverse of app/xbau/baugenehmigung-antrag-0200.server.ts. What the form data cannot hold is
 * not invented; what the case needs and the message lacks is refused with the element named.
 */

export interface MessageParty {
  id: string;
  name: string;
}

export interface ImportedDocument {
  title: string;
  typeCode: string;
  versionNumber: number;
  mimeType: string;
  toBeSubmittedLater: boolean;
  /** The file delivered beside the message (anhang); absent for a link or "wird nachgereicht". */
  file?: { filename: string; sha256?: string; sizeBytes?: number };
  /** Where it sits in the message, for refusals ("xbau:anlagen/anlage[3]"). */
  element: string;
}

export interface ImportedAntrag {
  messageId: string;
  createdAt: Date | null;
  reader: MessageParty;
  author: MessageParty;
  /** referenzAntragsservice: the sender's id of the application. */
  senderReference: string | null;
  procedureType: ProcedureType;
  title: string;
  data: ApplicationData;
  documents: ImportedDocument[];
}

export const child = (n: XNode | undefined, name: string): XNode | undefined =>
  n?.children.find((c) => c.name === name);
const children = (n: XNode | undefined, name: string): XNode[] =>
  n?.children.filter((c) => c.name === name) ?? [];
/** Follows local names ("a/b/c"); undefined when a step is missing. */
export function at(n: XNode | undefined, path: string): XNode | undefined {
  let cur = n;
  for (const step of path.split("/")) cur = child(cur, step);
  return cur;
}
export const textAt = (n: XNode | undefined, path: string): string | undefined => {
  const t = at(n, path)?.text;
  return t ? t : undefined;
};

function address(n: XNode | undefined): Address | undefined {
  if (!n) return undefined;
  const a: Address = {
    street: textAt(n, "strasse"),
    houseNumber: textAt(n, "hausnummer"),
    postalCode: textAt(n, "postleitzahl"),
    city: textAt(n, "ort"),
  };
  const clean = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Address;
  return Object.keys(clean).length > 0 ? clean : undefined;
}

function contacts(n: XNode): { email?: string; phone?: string } {
  const out: { email?: string; phone?: string } = {};
  for (const k of children(n, "kommunikation")) {
    const channel = textAt(k, "kanal/code");
    const value = textAt(k, "kennung");
    if (!value) continue;
    if (channel === CHANNEL_EMAIL && !out.email) out.email = value;
    if (channel === CHANNEL_PHONE && !out.phone) out.phone = value;
  }
  return out;
}

/** A Kernmodul Akteur (natuerlichePerson or organisation) as our Bauherr shape. */
function akteur(n: XNode | undefined): Bauherr | undefined {
  const person = child(n, "natuerlichePerson");
  if (person) {
    return {
      kind: "PERSON",
      firstName: textAt(person, "name/vorname/name"),
      lastName: textAt(person, "name/familienname/name"),
      address: address(child(person, "anschrift")),
      ...contacts(person),
    };
  }
  const org = child(n, "organisation");
  if (org) {
    return {
      kind: "COMPANY",
      companyName: textAt(org, "name/name"),
      address: address(child(org, "anschrift")),
      ...contacts(org),
    };
  }
  return undefined;
}

const drop = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const landOfCode = (code: string | undefined): Land | undefined =>
  (Object.entries(BUNDESLAND_CODES) as [Land, string][]).find(([, c]) => c === code)?.[0];

const measureOfCode = (code: string | undefined): MeasureType | undefined =>
  MEASURE_TYPES.find((m) => MEASURE_TYPE_CODES[m] === code) ??
  // baumassnahmeart 2.0: 13/14 Nutzungsänderung with/without work; 3x Beseitigung variants.
  (code === "14"
    ? "NUTZUNGSAENDERUNG"
    : code?.startsWith("3")
      ? "BESEITIGUNG"
      : code?.startsWith("1")
        ? "ERRICHTUNG"
        : undefined);

function procedureOf(node: XNode | undefined, landProfile: string, problems: IntakeProblem[]): ProcedureType {
  const code = textAt(node, "code") ?? "";
  const list = node?.attrs.listURI ?? "";
  const profile = resolveProfile(landProfile);
  const fromProfile =
    list === profile.procedureTypes.listURI
      ? profile.procedureTypes.entries.find((e) => e.code === code)?.type
      : undefined;
  const fromDefault = PROCEDURE_TYPES.find((t) => DEFAULT_PROCEDURE_CODES[t].code === code);
  const type =
    fromProfile ?? fromDefault ?? profile.procedureTypes.entries.find((e) => e.code === code)?.type;
  if (!type) {
    problems.push({
      element: "xbau:prozessmerkmale/xbau:verfahrensart",
      message: `Die Verfahrensart "${code}" (Liste ${list || "ohne Angabe"}) ist dieser Behörde nicht bekannt.`,
    });
    return "BAUGENEHMIGUNG";
  }
  return type;
}

/**
 * The main use from xbau:bauvorhabenDatenblatt/xbau:nutzungen: our export writes one
 * Nutzungseinheit whose description is the form's label; another sender's message is read by the
 * DIN 277 group (xbau:nutzungsflaeche) of its first unit where that group is one of our uses.
 */
function mainUseOfDatenblatt(gegenstand: XNode | undefined): UseType | undefined {
  const units = children(at(gegenstand, "bauvorhabenDatenblatt/nutzungen"), "nutzungseinheit");
  for (const unit of units) {
    const label = textAt(unit, "beschreibungDerNutzungseinheit");
    const use = USE_TYPES.find((u) => USE_TYPE_LABELS[u] === label);
    if (use) return use;
  }
  const code = textAt(units[0], "nutzungsflaeche/code");
  return code ? USE_TYPES.find((u) => NUTZUNGSFLAECHEN.byUse[u] === code) : undefined;
}

/**
 * weitereAngaben lines our export writes ("Beschreibung: …", flags) back into the form data. Also
 * reads the lines of messages exported before use and Bebauungsplan moved into their elements.
 */
function fromWeitereAngaben(lines: string[], data: ApplicationData): string[] {
  data.project = data.project ?? {};
  data.plot = data.plot ?? {};
  const { project, plot } = data;
  const rest: string[] = [];
  const byLabel = <K extends string>(labels: Record<K, string>, value: string) =>
    (Object.entries(labels) as [K, string][]).find(([, l]) => l === value)?.[0];
  for (const line of lines) {
    const [head, ...tail] = line.split(": ");
    const value = tail.join(": ");
    if (head === "Beschreibung" && value) project.description = value;
    else if (head === "Nutzung" && byLabel(USE_TYPE_LABELS, value))
      project.use = byLabel(USE_TYPE_LABELS, value);
    else if (head === "Planungsrechtliche Lage" && byLabel(PLANNING_AREA_LABELS, value))
      plot.planningArea = byLabel(PLANNING_AREA_LABELS, value);
    else if (line === "Sonderbau (§ 2 Abs. 4 MBO)") project.specialBuilding = true;
    else if (line === "Beheizte Räume vorhanden") project.heatedRooms = true;
    else if (line === "Neuer Anschluss an die öffentliche Entwässerung") project.newSewerConnection = true;
    else if (line === "Grundstück liegt an einer Bundes- oder Landesstraße") plot.nextToMajorRoad = true;
    else if (head === "Aktenzeichen" || head === "Eingereicht am")
      continue; // the sender's, not ours
    else rest.push(line);
  }
  return rest;
}

/**
 * The Bauvorhaben part (Wer, Was, Wo) onto the form data: `bauvorhaben` of a 0200 and
 * `bauvorhabenAenderungsdaten` of a 0202 share the type. Problems are collected, not thrown.
 */
export function mapVorhaben(
  vorhaben: XNode | undefined,
  applicant: XNode | undefined,
  element: string,
  problems: IntakeProblem[],
): ApplicationData {
  const beteiligte = child(vorhaben, "beteiligte");
  const bauherr = akteur(at(beteiligte, "bauherr/bauherr")) ?? akteur(applicant);
  if (!bauherr) {
    problems.push({
      element: `xbau:${element}/xbau:beteiligte/xbau:bauherr`,
      message: "Der Bauherr fehlt (weder natürliche Person noch Organisation angegeben).",
    });
  }

  const data: ApplicationData = {};
  if (bauherr) data.bauherr = drop(bauherr);

  const ev = child(beteiligte, "entwurfsverfasser");
  if (ev) {
    const p = at(ev, "personendaten");
    const a = akteur(p);
    const mitglied = at(ev, "berechtigung/mitgliedschaftInland/mitgliedsnummerBundesland");
    const name =
      a?.kind === "COMPANY"
        ? a.companyName
        : [a?.firstName, a?.lastName].filter(Boolean).join(" ") || undefined;
    data.entwurfsverfasser = drop({
      name,
      chamberNumber: textAt(mitglied, "mitgliedsnummer"),
      chamberLand: landOfCode(textAt(mitglied, "bundesland/code")),
      email: a?.email,
      phone: a?.phone,
      address: a?.address,
    });
  }

  const grund = at(vorhaben, "verortung/baugrundstueck/grundstueck");
  const plotAddress = child(grund, "anschrift");
  const parcels = children(grund, "flurstueck").map((f) => {
    const k = child(f, "kodierungFlurstueck");
    return drop({
      gemarkung: textAt(k, "gemarkung/nummer") ?? textAt(k, "gemarkung/bezeichnung"),
      flur: textAt(k, "flur"),
      zaehler: textAt(k, "zaehler"),
      nenner: textAt(k, "nenner"),
    });
  });
  if (parcels.length === 0) {
    problems.push({
      element: "xbau:verortung/xbau:baugrundstueck/xbau:grundstueck/xbau:flurstueck",
      message: "Es ist kein Flurstück angegeben.",
    });
  }
  const bplan = textAt(grund, "bebauungsplan/bezeichnungBebauungsplan");
  data.plot = drop({
    address: address(plotAddress),
    municipalityAgs: textAt(plotAddress, "gemeindeschluessel/code"),
    parcels,
    planningArea: bplan ? ("BEBAUUNGSPLAN" as const) : undefined,
    developmentPlanName: bplan,
  });

  const gegenstand = child(vorhaben, "gegenstand");
  const measureCode = textAt(gegenstand, "artDerMassnahme/code");
  const measureType = measureOfCode(measureCode);
  if (!measureType) {
    problems.push({
      element: "xbau:gegenstand/xbau:artDerMassnahme",
      message: `Die Art der Maßnahme "${measureCode ?? ""}" ist nicht bekannt.`,
    });
  }
  const gk = textAt(gegenstand, "bauordnungsrechtlicheKlassifikation/gebaeudeklasse/code");
  const garage = textAt(gegenstand, "bauordnungsrechtlicheKlassifikation/mittelOderGrossGarage");
  const costs = textAt(gegenstand, "herstellungskosten/summeHerstellungskosten");
  data.project = drop({
    measureType,
    use: mainUseOfDatenblatt(gegenstand),
    buildingClass: gk && /^[1-5]$/.test(gk) ? Number(gk) : undefined,
    largeGarage: garage === undefined ? undefined : garage === "true" || garage === "1",
    monument: child(gegenstand, "baudenkmalBetroffen") ? true : undefined,
    estimatedCosts: costs && /^\d+(\.\d+)?$/.test(costs) ? Math.round(Number(costs)) : undefined,
  });
  fromWeitereAngaben(
    children(vorhaben, "weitereAngaben").map((w) => w.text),
    data,
  );
  data.plot = drop(data.plot);
  data.project = drop(data.project);

  return data;
}

/** Every `anlage` of an `anlagen` element, with the file it names (anhang) if one is delivered. */
export function mapAnlagen(anlagen: XNode | undefined): ImportedDocument[] {
  return children(anlagen, "anlage").map((a, i) => {
    const anhang = at(a, "anhangOderVerlinkung/anhang");
    const size = anhang?.attrs.filesize;
    return {
      title: textAt(a, "bezeichnung") ?? `Anlage ${i + 1}`,
      typeCode: textAt(a, "anlageart/code") ?? "",
      versionNumber: Number(textAt(a, "versionsnummer") ?? "1") || 1,
      mimeType: textAt(a, "mimeType/code") ?? "application/pdf",
      toBeSubmittedLater: textAt(a, "wirdNachgereicht") === "true",
      file: anhang
        ? drop({
            filename: textAt(anhang, "dateiname") ?? "",
            sha256: anhang.attrs.hashValue?.toLowerCase(),
            sizeBytes: size && /^\d+$/.test(size) ? Number(size) : undefined,
          })
        : undefined,
      element: `xbau:anlagen/anlage[${i + 1}] "${textAt(a, "bezeichnung") ?? ""}"`,
    };
  });
}

/** The form data's own limits (lengths, formats) are the final word on what a case can hold. */
export function checkData(data: ApplicationData, problems: IntakeProblem[]): ApplicationData {
  const parsed = applicationDataSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues.slice(0, 20)) {
    problems.push({
      element: issue.path.join("/") || "Antragsdaten",
      message: `Der Wert ist für einen Antrag nicht zulässig (${issue.message}).`,
    });
  }
  return data;
}

/** The 0200's root must be in the XBau 2.6 namespace and be exactly this message. */
export function assertAntrag0200Root(root: XNode): void {
  if (root.name !== "baugenehmigung.antrag.0200" || root.ns !== XBAU_NS) {
    throw new IntakeRefused("wrong-message", [
      {
        element: root.name,
        message: `Erwartet wird eine XBau-2.6-Nachricht baugenehmigung.antrag.0200 (Namensraum ${XBAU_NS}); empfangen wurde "${root.name}"${root.ns ? ` im Namensraum ${root.ns}` : " ohne Namensraum"}.`,
      },
    ]);
  }
}

export function mapAntrag0200(root: XNode, landProfile: string): ImportedAntrag {
  assertAntrag0200Root(root);
  const problems: IntakeProblem[] = [];
  const head = child(root, "nachrichtenkopf.g2g");
  const messageId = (textAt(head, "identifikation.nachricht/nachrichtenUUID") ?? "").toLowerCase();
  const created = textAt(head, "identifikation.nachricht/erstellungszeitpunkt");
  const party = (name: string): MessageParty => ({
    id: textAt(head, `${name}/kennung`) ?? "",
    name: textAt(head, `${name}/name`) ?? "",
  });

  const vorhaben = child(root, "bauvorhaben");
  const data = mapVorhaben(vorhaben, child(root, "antragsteller"), "bauvorhaben", problems);
  const documents = mapAnlagen(child(root, "anlagen"));
  const checked = checkData(data, problems);
  const procedureType = procedureOf(at(root, "prozessmerkmale/verfahrensart"), landProfile, problems);
  if (problems.length > 0) throw new IntakeRefused("content", problems);

  return {
    messageId,
    createdAt: created ? new Date(created) : null,
    reader: party("leser"),
    author: party("autor"),
    senderReference: textAt(root, "referenzAntragsservice/referenzAntragsservice") ?? null,
    procedureType,
    title: textAt(vorhaben, "bezeichnungDesBauvorhabens") ?? "Bauvorhaben",
    data: checked,
    documents,
  };
}
