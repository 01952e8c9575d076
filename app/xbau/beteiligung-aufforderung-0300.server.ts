import type { Bauherr } from "~/domain/application-data";
import { berlinDate } from "~/domain/deadlines";
import {
  type BeteiligungRolle,
  RECHTSBEREICH_CODELIST,
  type RechtsbereichCode,
} from "~/domain/participation";
import {
  type Antrag0200Document,
  anlagenElement,
  type BauvorhabenSource,
  bauvorhabenElement,
} from "./baugenehmigung-antrag-0200.server";
import { anlagenCodelist } from "./codelists.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  c,
  checkAuthorities,
  codeEl,
  type MessageReference,
  messageRoot,
  textElement,
  textFormatiert,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

/**
 * Builds the XBau 2.6 message `beteiligung.aufforderung.0300`: the Bauaufsichtsbehörde asks an
 * agency (Fachstelle) or the Gemeinde for its statement. Carries the reference to the case
 * (Aktenzeichen), the id of the request (`referenzAufforderung` = our participation id, to which
 * the agency's 0301/0303 refer), why it is asked (role, Rechtsbereich, reason), the Bauvorhaben
 * (as in the 0200), the shared documents, the deadline (a date) and the legal consequence of
 * missing it.
 */

/** XBau Code.BeteiligungRolle 2.0 (fixed list and version in the XSD). */
export const BETEILIGUNG_ROLLE = {
  uri: "urn:xoev-de:xbau:codeliste:beteiligungrolle",
  version: "2.0",
} as const;

export interface Anliegen0300 {
  rolle: BeteiligungRolle;
  rechtsbereich: RechtsbereichCode;
  /** Grund der Beteiligung: reason and question, plain text. */
  grund: string;
}

export interface Aufforderung0300Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The Bauaufsichtsbehörde (autor). */
  authority: XbauAuthority;
  /** The agency or Gemeinde asked (leser). */
  agency: XbauAuthority;
  /** Application id and Aktenzeichen. */
  reference: MessageReference;
  /** Id of the request (our participation id, a UUID). */
  requestId: string;
  /** Technical address of the agency on a shared platform (e.g. its e-mail or tenant slug). */
  agencyAddress?: string | null;
  anliegen: Anliegen0300[];
  project: Omit<BauvorhabenSource, "messageId">;
  documents: Antrag0200Document[];
  /** Deadline; carried as the Berlin calendar date. */
  deadline: Date;
  /** Rechtsfolge bei Fristversäumnis. */
  silenceConsequence: string;
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: Aufforderung0300Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  if (!UUID_RE.test(input.requestId)) problems.push("Kennung der Aufforderung ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Bauaufsichtsbehörde", input.authority],
      ["Beteiligte Stelle", input.agency],
    ]),
  );
  if (input.anliegen.length === 0) problems.push("Anliegen der Beteiligung fehlt");
  for (const a of input.anliegen) {
    if (!["1", "2", "3"].includes(a.rolle)) problems.push(`Unbekannte Rolle ${a.rolle}`);
    if (!Object.hasOwn(RECHTSBEREICH_CODELIST.entries, a.rechtsbereich))
      problems.push(`Unbekannter Rechtsbereich ${a.rechtsbereich}`);
    if (!a.grund.trim()) problems.push("Grund der Beteiligung fehlt");
  }
  const b: Bauherr | undefined = input.project.data.bauherr;
  if (!b) problems.push("Bauherr fehlt");
  else if (b.kind === "COMPANY" ? !b.companyName : !b.lastName) problems.push("Bauherr: Name fehlt");
  if (Number.isNaN(input.deadline.getTime())) problems.push("Frist fehlt");
  if (!input.silenceConsequence.trim()) problems.push("Rechtsfolge bei Fristversäumnis fehlt");
  const anlagen = anlagenCodelist();
  for (const d of input.documents) {
    if (!anlagen.entries.has(d.typeCode))
      problems.push(`Anlage "${d.title}": unbekannte Anlagenart ${d.typeCode}`);
    if (!d.file) problems.push(`Anlage "${d.title}": Datei fehlt`);
    else if (!/^[0-9a-fA-F]{64}$/.test(d.file.sha256)) problems.push(`Anlage "${d.title}": SHA-256 ungültig`);
  }
  return problems;
}

export function buildAufforderung0300(input: Aufforderung0300Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0300", problems);
  return messageRoot(
    {
      element: "beteiligung.aufforderung.0300",
      messageId: input.messageId,
      typeCode: "0300",
      createdAt: input.createdAt,
      reader: input.agency,
      author: input.authority,
      product: input.product,
      test: input.test,
    },
    bezug("xbau:bezug", input.reference),
    el("xbau:referenzAufforderung", null, el("xbau:referenzAuftrag", null, input.requestId.toLowerCase())),
    input.agencyAddress ? el("xbau:zuBeteiligendeStelle", null, c(input.agencyAddress)) : null,
    input.anliegen.map((a) =>
      el(
        "xbau:anliegenBeteiligung",
        null,
        codeEl("xbau:rolle", a.rolle, {
          listURI: BETEILIGUNG_ROLLE.uri,
          listVersionID: BETEILIGUNG_ROLLE.version,
        }),
        codeEl("xbau:rechtsbereich", a.rechtsbereich, {
          listURI: RECHTSBEREICH_CODELIST.uri,
          listVersionID: RECHTSBEREICH_CODELIST.version,
        }),
        textFormatiert("xbau:grundDerBeteiligung", a.grund),
      ),
    ),
    bauvorhabenElement("xbau:bauvorhaben", { ...input.project, messageId: input.messageId }),
    input.documents.length > 0 ? anlagenElement(input.documents) : null,
    el("xbau:frist", null, berlinDate(input.deadline)),
    textElement("xbau:rechtsfolgeFristversaeumnis", input.silenceConsequence),
  );
}

export function buildAufforderung0300Xml(input: Aufforderung0300Input): string {
  return toXml(buildAufforderung0300(input));
}
