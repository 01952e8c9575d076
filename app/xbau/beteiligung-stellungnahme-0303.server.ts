import { RECHTSBEREICH_CODELIST, type RechtsbereichCode } from "~/domain/participation";
import { anlagenElement } from "./baugenehmigung-antrag-0200.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  checkAuthorities,
  codeEl,
  type MessageReference,
  messageRoot,
  textFormatiert,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

/**
 * Builds the XBau 2.6 message `beteiligung.stellungnahme.0303`: the statement (Stellungnahme) a
 * participating agency or Gemeinde sends back to the Bauaufsichtsbehörde. One
 * `stellungnahmeStrukturiert` with the tenor (`istZustimmung`), the Rechtsbereich of the agency,
 * one `nebenbestimmung` per condition (art from the codelist nebenbestimmungart 3.0) and the
 * reasons (`begruendung`) and the attachments (`anlagen`, type 5201). XBau texts of type TextFormatiert carry HTML body content, base64.
 */

export const NEBENBESTIMMUNG_ART = {
  uri: "urn:xoev-de:xbau:codeliste:nebenbestimmungart",
  version: "3.0",
  codes: { BEDINGUNG: "1", AUFLAGE: "2", VORBEHALT: "3", HINWEIS: "4" },
} as const;
export type ConditionKindCode = keyof typeof NEBENBESTIMMUNG_ART.codes;

export type Rechtsbereich = RechtsbereichCode;

/**
 * The Rechtsbereich an authority answers for (the product's codelist, as in the 0300): a Gemeinde
 * for planning law (§ 36 BauGB), an agency for its field.
 */
export function rechtsbereichOf(agency: { kind: string; agencyType: string | null }): Rechtsbereich {
  if (agency.kind === "GEMEINDE") return "BAUPLANUNGSRECHT";
  const type = agency.agencyType ?? "SONSTIGE";
  return Object.hasOwn(RECHTSBEREICH_CODELIST.entries, type) ? (type as Rechtsbereich) : "SONSTIGE";
}

export interface Stellungnahme0303Condition {
  kind: ConditionKindCode;
  text: string;
  legalBasis?: string | null;
}

/** A file handed in with the statement; sent as anlage of type 5201 (Stellungnahme, anlagen 3.0). */
export interface Stellungnahme0303Attachment {
  /** StatementAttachment id (UUID). */
  id: string;
  filename: string;
  mimeType: string;
  sizeBytes: number | bigint;
  sha256: string;
  date: Date;
}

export const STATEMENT_ATTACHMENT_TYPE = "5201";

export interface Stellungnahme0303Input {
  /** UUID of this message. */
  messageId: string;
  createdAt: Date;
  /** The agency or Gemeinde that answers (autor). */
  agency: XbauAuthority;
  /** The Bauaufsichtsbehörde that asked (leser). */
  authority: XbauAuthority;
  /** Application id, Aktenzeichen and, if known, the 0300 this answers. */
  reference: MessageReference;
  /** Id of the request (Aufforderungsvorgang): the participation id. */
  requestId: string;
  rechtsbereich: Rechtsbereich;
  /** Tenor: true for consent (with or without conditions, or not affected), false for rejection. */
  consent: boolean;
  conditions: Stellungnahme0303Condition[];
  /** Begründung; for "nicht betroffen" the statement says so here. */
  reasons: string;
  attachments?: Stellungnahme0303Attachment[];
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: Stellungnahme0303Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  if (!UUID_RE.test(input.requestId)) problems.push("Kennung der Aufforderung ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Beteiligte Stelle", input.agency],
      ["Bauaufsichtsbehörde", input.authority],
    ]),
  );
  input.conditions.forEach((c, i) => {
    if (!Object.hasOwn(NEBENBESTIMMUNG_ART.codes, c.kind))
      problems.push(`Nebenbestimmung ${i + 1}: unbekannte Art "${c.kind}"`);
    if (!c.text.trim()) problems.push(`Nebenbestimmung ${i + 1}: Text fehlt`);
  });
  return problems;
}

/** xbauk:TextFormatiert as HTML flow content (shared with the 0205 and 0300). */
export { textFormatiert };

function rechtsbereichEl(r: Rechtsbereich): XmlElement {
  return codeEl("xbau:rechtsbereich", r, {
    listURI: RECHTSBEREICH_CODELIST.uri,
    listVersionID: RECHTSBEREICH_CODELIST.version,
  });
}

function nebenbestimmung(c: Stellungnahme0303Condition, rechtsbereich: Rechtsbereich): XmlElement {
  const text = c.legalBasis?.trim() ? `${c.text.trim()}\n\nRechtsgrundlage: ${c.legalBasis.trim()}` : c.text;
  return el(
    "xbau:nebenbestimmung",
    null,
    codeEl("xbau:art", NEBENBESTIMMUNG_ART.codes[c.kind], {
      listURI: NEBENBESTIMMUNG_ART.uri,
      listVersionID: NEBENBESTIMMUNG_ART.version,
    }),
    rechtsbereichEl(rechtsbereich),
    textFormatiert("xbau:nebenbestimmung", text),
  );
}

export function buildStellungnahme0303(input: Stellungnahme0303Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0303", problems);
  return messageRoot(
    {
      element: "beteiligung.stellungnahme.0303",
      messageId: input.messageId,
      typeCode: "0303",
      createdAt: input.createdAt,
      reader: input.authority,
      author: input.agency,
      product: input.product,
      test: input.test,
    },
    bezug("xbau:bezug", input.reference),
    el("xbau:referenzAufforderung", null, el("xbau:referenzAuftrag", null, input.requestId.toLowerCase())),
    el(
      "xbau:stellungnahme",
      null,
      el(
        "xbau:stellungnahmeStrukturiert",
        null,
        el("xbau:tenor", null, el("xbau:istZustimmung", null, String(input.consent))),
        rechtsbereichEl(input.rechtsbereich),
        input.conditions.map((c) => nebenbestimmung(c, input.rechtsbereich)),
        input.reasons.trim() ? textFormatiert("xbau:begruendung", input.reasons) : null,
        input.attachments?.length
          ? anlagenElement(
              input.attachments.map((a) => ({
                documentId: a.id,
                title: a.filename,
                typeCode: STATEMENT_ATTACHMENT_TYPE,
                versionNumber: 1,
                date: a.date,
                mimeType: a.mimeType,
                toBeSubmittedLater: false,
                file: { versionId: a.id, filename: a.filename, sizeBytes: a.sizeBytes, sha256: a.sha256 },
              })),
            )
          : null,
      ),
    ),
  );
}

export function buildStellungnahme0303Xml(input: Stellungnahme0303Input): string {
  return toXml(buildStellungnahme0303(input));
}
