import type { ConditionKind } from "~/domain/decision";
import { RECHTSBEREICH_CODELIST, type RechtsbereichCode } from "~/domain/participation";
import { type Antrag0200Document, anlagenElement } from "./baugenehmigung-antrag-0200.server";
import { anlagenCodelist } from "./codelists.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  checkAuthorities,
  codeEl,
  type MessageReference,
  messageRoot,
  textElement,
  UUID_RE,
  type XbauAuthority,
  type XbauProduct,
} from "./message.server";
import { el, toXml, type XmlElement } from "./xml-builder";

/**
 * Builds the XBau 2.6 message `baugenehmigung.bescheid.0205` (§ 72 MBO): the Bescheid the
 * Bauaufsichtsbehörde sends to the applicant side's service. Sending it is issuing the Bescheid:
 * tenor (istGenehmigung plus the operative text as kommentarFachrecht), the approved Abweichungen,
 * the Nebenbestimmungen (art from nebenbestimmungart 3.0, Rechtsbereich of the agency they came
 * from), Begründung, Rechtsbehelfsbelehrung, Hinweise (validity, fees) and the Anlagen: the
 * Bescheid PDF and the decisive (stamped) Bauvorlagen with their sha256.
 */

/** Codelist nebenbestimmungart 3.0 (XRepository). */
export const NEBENBESTIMMUNG_ART = {
  uri: "urn:xoev-de:xbau:codeliste:nebenbestimmungart",
  version: "3.0",
  codes: { BEDINGUNG: "1", AUFLAGE: "2", VORBEHALT: "3", HINWEIS: "4" } satisfies Record<
    ConditionKind,
    string
  >,
} as const;

/** Codelist abweichungart 2.1 (XRepository): what kind of deviation was allowed. */
export const ABWEICHUNG_ART = {
  uri: "urn:xoev-de:xbau:codeliste:abweichungart",
  version: "2.1",
  codes: {
    BEFREIUNG: "1",
    AUSNAHME_BPLAN: "2",
    ABWEICHUNG: "3",
    ABWEICHUNG_67_2: "4",
    AUSNAHME_VERAENDERUNGSSPERRE: "5",
  },
} as const;

/** The abweichungart code from the cited legal basis; an Abweichung nach § 67 Abs. 1 unless it says otherwise. */
export function abweichungArtOf(legalBasis: string | null | undefined): string {
  const b = (legalBasis ?? "").replace(/\s+/g, " ");
  if (/§ ?31 Abs\. ?2/.test(b)) return ABWEICHUNG_ART.codes.BEFREIUNG;
  if (/§ ?31 Abs\. ?1/.test(b)) return ABWEICHUNG_ART.codes.AUSNAHME_BPLAN;
  if (/§ ?14 Abs\. ?2/.test(b)) return ABWEICHUNG_ART.codes.AUSNAHME_VERAENDERUNGSSPERRE;
  if (/§ ?67 Abs\. ?2/.test(b)) return ABWEICHUNG_ART.codes.ABWEICHUNG_67_2;
  return ABWEICHUNG_ART.codes.ABWEICHUNG;
}

export interface Bescheid0205Deviation {
  /** Stable UUID of the Abweichung (derived from the decision). */
  id: string;
  text: string;
  legalBasis?: string | null;
}

export interface Bescheid0205Condition {
  kind: ConditionKind;
  rechtsbereich: RechtsbereichCode;
  text: string;
  legalBasis?: string | null;
}

export interface Bescheid0205Input {
  /** UUID of this message. */
  messageId: string;
  /** The moment of the decision. */
  createdAt: Date;
  /** The Bauaufsichtsbehörde (autor). */
  authority: XbauAuthority;
  /** The applicant side's service (leser), i.e. the portal that sent the 0200. */
  recipient: XbauAuthority;
  /** Application id, Aktenzeichen and the 0200 this decides. */
  reference: MessageReference;
  /** Positive tenor (Genehmigung, Vorbescheid, Teilbaugenehmigung) or Ablehnung. */
  approved: boolean;
  /** The operative text with its legal basis. */
  tenorText: string;
  deviations: Bescheid0205Deviation[];
  conditions: Bescheid0205Condition[];
  reasons: string;
  legalRemedy: string;
  /** Hinweise: validity, fees. */
  notes?: string | null;
  /** Bescheid PDF and decisive Bauvorlagen; at least one. */
  attachments: Antrag0200Document[];
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: Bescheid0205Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  problems.push(
    ...checkAuthorities([
      ["Bauaufsichtsbehörde", input.authority],
      ["Empfänger", input.recipient],
    ]),
  );
  if (!input.tenorText.trim()) problems.push("Tenor fehlt");
  if (!input.legalRemedy.trim()) problems.push("Rechtsbehelfsbelehrung fehlt");
  if (!input.approved && input.conditions.some((c) => c.kind !== "HINWEIS"))
    problems.push("Eine Ablehnung hat keine Nebenbestimmungen");
  input.deviations.forEach((d, i) => {
    if (!UUID_RE.test(d.id)) problems.push(`Abweichung ${i + 1}: Kennung ist keine UUID`);
    if (!d.text.trim()) problems.push(`Abweichung ${i + 1}: Text fehlt`);
  });
  input.conditions.forEach((c, i) => {
    if (!Object.hasOwn(NEBENBESTIMMUNG_ART.codes, c.kind))
      problems.push(`Nebenbestimmung ${i + 1}: unbekannte Art "${c.kind}"`);
    if (!Object.hasOwn(RECHTSBEREICH_CODELIST.entries, c.rechtsbereich))
      problems.push(`Nebenbestimmung ${i + 1}: unbekannter Rechtsbereich "${c.rechtsbereich}"`);
    if (!c.text.trim()) problems.push(`Nebenbestimmung ${i + 1}: Text fehlt`);
  });
  if (input.attachments.length === 0) problems.push("Mindestens eine Anlage (der Bescheid) ist nötig");
  const anlagen = anlagenCodelist();
  input.attachments.forEach((a, i) => {
    if (!anlagen.entries.has(a.typeCode))
      problems.push(`Anlage ${i + 1}: unbekannte Anlagenart ${a.typeCode}`);
  });
  return problems;
}

/** xbauk:TextFormatiert: the text as base64 of its UTF-8 bytes (no office format), as in the 0300. */
function textFormatiert(name: string, text: string): XmlElement {
  return el(name, null, el("text", null, Buffer.from(text, "utf8").toString("base64")));
}

function withLegalBasis(text: string, legalBasis?: string | null): string {
  return legalBasis?.trim() ? `${text.trim()}\n\nRechtsgrundlage: ${legalBasis.trim()}` : text;
}

function abweichung(d: Bescheid0205Deviation): XmlElement {
  return el(
    "xbau:abweichung",
    null,
    el("xbau:id", null, d.id.toLowerCase()),
    el("xbau:istZugelassen", null, "true"),
    codeEl("xbau:art", abweichungArtOf(d.legalBasis), {
      listURI: ABWEICHUNG_ART.uri,
      listVersionID: ABWEICHUNG_ART.version,
    }),
    textFormatiert("xbau:vorschrift", d.legalBasis?.trim() || "nicht angegeben"),
    textFormatiert("xbau:begruendung", d.text),
  );
}

function nebenbestimmung(c: Bescheid0205Condition): XmlElement {
  return el(
    "xbau:nebenbestimmung",
    null,
    codeEl("xbau:art", NEBENBESTIMMUNG_ART.codes[c.kind], {
      listURI: NEBENBESTIMMUNG_ART.uri,
      listVersionID: NEBENBESTIMMUNG_ART.version,
    }),
    codeEl("xbau:rechtsbereich", c.rechtsbereich, {
      listURI: RECHTSBEREICH_CODELIST.uri,
      listVersionID: RECHTSBEREICH_CODELIST.version,
    }),
    textFormatiert("xbau:nebenbestimmung", withLegalBasis(c.text, c.legalBasis)),
  );
}

export function buildBescheid0205(input: Bescheid0205Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0205", problems);
  return messageRoot(
    {
      element: "baugenehmigung.bescheid.0205",
      messageId: input.messageId,
      typeCode: "0205",
      createdAt: input.createdAt,
      reader: input.recipient,
      author: input.authority,
      product: input.product,
      test: input.test,
    },
    bezug("xbau:bezug", input.reference),
    el(
      "xbau:bescheid",
      null,
      el(
        "xbau:tenor",
        null,
        el("xbau:istGenehmigung", null, String(input.approved)),
        el("xbau:kommentareFachrecht", null, textElement("xbau:kommentarFachrecht", input.tenorText)),
      ),
      input.deviations.map(abweichung),
      input.conditions.map(nebenbestimmung),
      input.reasons.trim() ? textFormatiert("xbau:begruendung", input.reasons) : null,
      textElement("xbau:rechtshelfsbelehrung", input.legalRemedy),
      input.notes?.trim() ? textFormatiert("xbau:hinweise", input.notes) : null,
    ),
    anlagenElement(input.attachments),
  );
}

export function buildBescheid0205Xml(input: Bescheid0205Input): string {
  return toXml(buildBescheid0205(input));
}
