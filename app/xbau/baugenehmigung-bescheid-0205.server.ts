import type { ConditionKind } from "~/domain/decision";
import { RECHTSBEREICH_CODELIST, type RechtsbereichCode } from "~/domain/participation";
import { type Antrag0200Document, anlagenElement } from "./baugenehmigung-antrag-0200.server";
import { anlagenCodelist } from "./codelists.server";
import { XbauInputError } from "./input-error";
import {
  bezug,
  checkAuthorities,
  codeEl,
  type HtmlSection,
  isoDate,
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
 * Builds the XBau 2.6 message `baugenehmigung.bescheid.0205` (§ 72 MBO): the Bescheid the
 * Bauaufsichtsbehörde sends to the applicant side's service. Where each part goes (xbau:Bescheid
 * in xbau-baukasten.xsd):
 * - `tenor/istGenehmigung`: the decision; `tenor/kommentareFachrecht` only for what it is meant
 *   for — the comments of the agencies that took part, one element per agency;
 * - `abweichung` per approved Abweichung/Befreiung (art from abweichungart 2.1), `nebenbestimmung`
 *   per Nebenbestimmung (art from nebenbestimmungart 3.0, Rechtsbereich, text with its legal basis
 *   and its reason), all TextFormatiert as HTML;
 * - `begruendung`: the reasons (HTML, sections with headings);
 * - `rechtshelfsbelehrung`;
 * - `hinweise`: the operative text with its legal basis, the validity and the fee notice
 *   (Tarifstelle per line, total, Kassenzeichen, payee, IBAN/BIC, due date) as headed HTML
 *   sections and tables — the 0205 has no structured element for them (XBau carries a fee notice
 *   as its own message, prozessnachrichten.gebuehrenbescheid.1160);
 * - `anlagen`: the Bescheid PDF typed 5013 "Bescheid" and the approved (stamped) Bauvorlagen only,
 *   each with its sha256.
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
  /** Why it is imposed (its purpose), when the decision records one. */
  reason?: string | null;
  /** Where it came from, e.g. the agency's statement. */
  source?: string | null;
}

/** One fee line: what for, under which Tarifstelle, how much. */
export interface Bescheid0205FeeLine {
  label: string;
  /** Tarifstelle / legal basis of the line, e.g. "Tarifstelle 1.1.1 BauGebVO M-V". */
  basis: string;
  amountCents: number;
}

/** The fee notice of the Bescheid, with what is needed to pay it. */
export interface Bescheid0205Fee {
  lines: Bescheid0205FeeLine[];
  totalCents: number;
  /** Basis of the calculation (e.g. Rohbauwert) and where it comes from. */
  basisText?: string | null;
  kassenzeichen?: string | null;
  payee?: string | null;
  iban?: string | null;
  bic?: string | null;
  dueDate?: Date | string | null;
  /** Kostenschuldner sentence. */
  debtor?: string | null;
}

/** The Bescheid's validity (e.g. three years, § 73 LBauO M-V). */
export interface Bescheid0205Validity {
  until: Date | string;
  legalBasis: string;
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
  /** The operative text (Entscheidungsformel) and its legal basis. */
  tenor: { text: string; legalBasis: string };
  deviations: Bescheid0205Deviation[];
  conditions: Bescheid0205Condition[];
  /** Begründung: plain text (paragraphs) or headed sections. */
  reasons: string | HtmlSection[];
  legalRemedy: string;
  validity?: Bescheid0205Validity | null;
  fee?: Bescheid0205Fee | null;
  /** Further Hinweise (plain text paragraphs). */
  notes?: string | null;
  /** The agencies' comments (kommentareFachrecht), one per agency. */
  agencyComments?: { agency: string; text: string }[];
  /** Bescheid PDF and decisive Bauvorlagen; at least one. */
  attachments: Antrag0200Document[];
  product?: XbauProduct;
  test?: boolean;
}

function checkInput(input: Bescheid0205Input): string[] {
  const problems: string[] = [];
  if (!UUID_RE.test(input.messageId)) problems.push("Nachrichten-ID ist keine UUID");
  if (!UUID_RE.test(input.reference.applicationId)) problems.push("Antrags-ID ist keine UUID");
  if (!input.reference.message) problems.push("Bezug auf den Antrag (bezugNachricht) fehlt");
  problems.push(
    ...checkAuthorities([
      ["Bauaufsichtsbehörde", input.authority],
      ["Empfänger", input.recipient],
    ]),
  );
  if (!input.tenor.text.trim()) problems.push("Tenor fehlt");
  if (!input.tenor.legalBasis.trim()) problems.push("Rechtsgrundlage des Tenors fehlt");
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
  if (input.attachments.length > 0 && !input.attachments.some((a) => a.typeCode === BESCHEID_ANLAGE))
    problems.push(`Der Bescheid selbst fehlt unter den Anlagen (Anlagenart ${BESCHEID_ANLAGE} „Bescheid“)`);
  if (input.fee) {
    const sum = input.fee.lines.reduce((n, l) => n + l.amountCents, 0);
    if (input.fee.lines.length > 0 && sum !== input.fee.totalCents)
      problems.push("Gebühren: die Summe der Positionen stimmt nicht mit dem Gesamtbetrag überein");
  }
  return problems;
}

/** anlagen 3.0: "5013 Bescheid" — the decision document itself. */
export const BESCHEID_ANLAGE = "5013";

const euro = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
export const formatCents = (cents: number) => euro.format(cents / 100);

function germanDate(value: Date | string): string {
  const [y, m, d] = isoDate(value).split("-");
  return `${d}.${m}.${y}`;
}

function nebenbestimmungSections(c: Bescheid0205Condition): HtmlSection[] {
  const out: HtmlSection[] = [{ text: c.text }];
  if (c.legalBasis?.trim()) out.push({ heading: "Rechtsgrundlage", text: c.legalBasis.trim() });
  if (c.reason?.trim()) out.push({ heading: "Begründung", text: c.reason.trim() });
  if (c.source?.trim()) out.push({ heading: "Herkunft", text: c.source.trim() });
  return out;
}

/** Hinweise: the operative text, validity and fee notice as headed sections. */
export function hinweiseSections(input: Bescheid0205Input): HtmlSection[] {
  const out: HtmlSection[] = [
    {
      heading: "Entscheidung",
      text: `${input.tenor.text.trim()}\n\nRechtsgrundlage: ${input.tenor.legalBasis.trim()}`,
    },
  ];
  if (input.validity && input.approved) {
    out.push({
      heading: "Geltungsdauer",
      table: {
        rows: [
          ["Gültig bis", germanDate(input.validity.until)],
          ["Rechtsgrundlage", input.validity.legalBasis],
        ],
      },
    });
  }
  const fee = input.fee;
  if (fee && (fee.lines.length > 0 || fee.totalCents > 0)) {
    out.push({
      heading: "Gebühren",
      text: fee.basisText ?? undefined,
      table: {
        header: ["Gegenstand", "Tarifstelle", "Betrag"],
        rows: [
          ...fee.lines.map((l) => [l.label, l.basis, formatCents(l.amountCents)]),
          ["Gesamtbetrag", "", formatCents(fee.totalCents)],
        ],
      },
    });
    const payment = [
      fee.kassenzeichen ? ["Kassenzeichen (Verwendungszweck)", fee.kassenzeichen] : null,
      fee.payee ? ["Empfänger", fee.payee] : null,
      fee.iban ? ["IBAN", fee.iban] : null,
      fee.bic ? ["BIC", fee.bic] : null,
      fee.dueDate ? ["Fällig am", germanDate(fee.dueDate)] : null,
    ].filter((r): r is string[] => r !== null);
    if (payment.length > 0 || fee.debtor)
      out.push({
        heading: "Zahlung",
        text: fee.debtor ?? undefined,
        table: payment.length > 0 ? { rows: payment } : undefined,
      });
  }
  if (input.notes?.trim()) out.push({ heading: "Weitere Hinweise", text: input.notes });
  return out;
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
    textFormatiert("xbau:nebenbestimmung", nebenbestimmungSections(c)),
  );
}

export function buildBescheid0205(input: Bescheid0205Input): XmlElement {
  const problems = checkInput(input);
  if (problems.length > 0) throw new XbauInputError("0205", problems);
  const comments = (input.agencyComments ?? []).filter((k) => k.text.trim() !== "");
  const hasReasons =
    typeof input.reasons === "string" ? input.reasons.trim() !== "" : input.reasons.length > 0;
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
        comments.length > 0
          ? el(
              "xbau:kommentareFachrecht",
              null,
              comments.map((k) => textElement("xbau:kommentarFachrecht", `${k.agency}:\n\n${k.text}`)),
            )
          : null,
      ),
      input.deviations.map(abweichung),
      input.conditions.map(nebenbestimmung),
      hasReasons ? textFormatiert("xbau:begruendung", input.reasons) : null,
      textElement("xbau:rechtshelfsbelehrung", input.legalRemedy),
      textFormatiert("xbau:hinweise", hinweiseSections(input)),
    ),
    anlagenElement(input.attachments),
  );
}

export function buildBescheid0205Xml(input: Bescheid0205Input): string {
  return toXml(buildBescheid0205(input));
}
