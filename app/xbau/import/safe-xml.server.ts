import { ParseOption, XmlCData, XmlDocument, XmlElement, XmlLibError, XmlText } from "libxml2-wasm";
import { IntakeRefused } from "./problems";

/**
 * Hardened reading of XML that arrives from outside (XBau intake). Layers, in this order:
 *
 * 1. Size: `readBounded` stops reading a stream as soon as it passes the limit, so a 200 MB
 *    body is refused after 20 MB, never buffered whole.
 * 2. Byte pre-scan before any parser sees the document: UTF-8 only (a UTF-16/32 document would
 *    hide "<!DOCTYPE" from a byte scan), and no "<!DOCTYPE" / "<!ENTITY" anywhere — XBau messages
 *    never carry a DTD, so refusing every DTD removes XXE, billion laughs and quadratic blowup at once.
 * 3. libxml2 with XML_PARSE_NONET | XML_PARSE_NO_XXE and without NOENT/DTDLOAD/HUGE (belt and
 *    braces should layer 2 ever be bypassed): no network, no external entities, libxml2's own
 *    limits on name/text size and nesting stay on.
 * 4. Depth and element-count limits while the tree is copied out of WebAssembly memory.
 */

export const XML_LIMITS = {
  /** Largest message (bytes). Attachments travel beside it, so 20 MB is generous. */
  maxBytes: 20 * 1024 * 1024,
  /** Deepest element nesting; a 0200 needs about 12. */
  maxDepth: 64,
  /** Most elements; a 0200 with 200 Flurstücke and 500 Anlagen has ~12,000. */
  maxElements: 200_000,
} as const;

export interface XNode {
  /** Local name. */
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** Concatenated text of the direct text children (trimmed). */
  text: string;
  line: number;
}

const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

export function tooLarge(maxBytes: number): IntakeRefused {
  return new IntakeRefused("too-large", [
    {
      element: "Nachricht",
      message: `Die Nachricht ist größer als ${mb(maxBytes)} und wird nicht angenommen.`,
    },
  ]);
}

/**
 * Reads a stream into memory up to `maxBytes`; throws (and stops reading) as soon as it is more.
 * A declared length (Content-Length) over the limit is refused before the first byte.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number = XML_LIMITS.maxBytes,
  declaredLength?: number | null,
): Promise<Buffer> {
  if (declaredLength != null && declaredLength > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** Layer 2: refuses anything but UTF-8 and any DTD/entity declaration; returns the text. */
export function prescan(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    throw new IntakeRefused("not-well-formed", [
      { element: "Nachricht", message: "Die Nachricht ist leer." },
    ]);
  }
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || bytes.includes(0)) {
    throw new IntakeRefused("encoding", [
      {
        element: "Nachricht",
        message: "Die Nachricht muss UTF-8-kodiert sein (UTF-16/UTF-32 wird nicht angenommen).",
      },
    ]);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new IntakeRefused("encoding", [
      { element: "Nachricht", message: "Die Nachricht enthält Bytes, die kein gültiges UTF-8 sind." },
    ]);
  }
  const decl = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (decl && !/^utf-?8$/i.test(decl[1] ?? "")) {
    throw new IntakeRefused("encoding", [
      {
        element: "Nachricht",
        message: `Die Kodierung "${decl[1]}" wird nicht angenommen; erwartet wird UTF-8.`,
      },
    ]);
  }
  if (/<!DOCTYPE/i.test(text)) {
    throw new IntakeRefused("dtd", [
      {
        element: "DOCTYPE",
        message:
          "Die Nachricht enthält eine Dokumenttyp-Deklaration (DTD). XBau-Nachrichten dürfen keine DTD enthalten; sie wird aus Sicherheitsgründen abgelehnt.",
      },
    ]);
  }
  if (/<!ENTITY/i.test(text)) {
    throw new IntakeRefused("dtd", [
      {
        element: "ENTITY",
        message: "Die Nachricht deklariert Entitäten. Das ist in XBau nicht vorgesehen und wird abgelehnt.",
      },
    ]);
  }
  return text;
}

const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

/**
 * Layers 2–4: returns the message text (for XSD and Schematron) and its element tree.
 * Throws IntakeRefused with a German reason and the line where the parser stopped.
 */
export function parseHardened(bytes: Uint8Array): { text: string; root: XNode } {
  const text = prescan(bytes);
  let doc: XmlDocument;
  try {
    // XmlParseError (a subclass of XmlLibError) carries the line of each problem.
    doc = XmlDocument.fromBuffer(bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    if (error instanceof XmlLibError) {
      const first = error.details?.[0];
      throw new IntakeRefused("not-well-formed", [
        {
          element: first ? `Zeile ${first.line}` : "Nachricht",
          message: `Die Nachricht ist kein wohlgeformtes XML (${(first?.message ?? error.message).trim()}).`,
        },
      ]);
    }
    throw error;
  }
  try {
    let elements = 0;
    const copy = (el: XmlElement, depth: number): XNode => {
      elements += 1;
      if (depth > XML_LIMITS.maxDepth) {
        throw new IntakeRefused("limits", [
          {
            element: el.name,
            message: `Die Elemente sind tiefer als ${XML_LIMITS.maxDepth} Ebenen verschachtelt.`,
          },
        ]);
      }
      if (elements > XML_LIMITS.maxElements) {
        throw new IntakeRefused("limits", [
          {
            element: "Nachricht",
            message: `Die Nachricht enthält mehr als ${XML_LIMITS.maxElements.toLocaleString("de-DE")} Elemente.`,
          },
        ]);
      }
      const attrs: Record<string, string> = {};
      for (const a of el.attrs) attrs[a.name] = a.value;
      const children: XNode[] = [];
      let own = "";
      for (let child = el.firstChild; child; child = child.next) {
        if (child instanceof XmlText || child instanceof XmlCData) own += child.content;
        else if (child instanceof XmlElement) children.push(copy(child, depth + 1));
      }
      return { name: el.name, ns: el.namespaceUri, attrs, children, text: own.trim(), line: el.line };
    };
    return { text, root: copy(doc.root, 1) };
  } finally {
    doc.dispose();
  }
}
