/**
 * A minimal, strict XML writer for the XBau messages.
 *
 * Nodes are plain data (`el(name, attrs, ...children)`), serialised with `toXml`. Text and attribute
 * values are escaped; characters that XML 1.0 cannot carry at all (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) make serialisation throw instead of producing a broken document.
 * Callers decide which characters a field may hold (see din91379.server.ts); this module only
 * guarantees well-formed output.
 */

export type XmlChild = XmlElement | string | number | boolean | null | undefined | false | XmlChild[];

export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly children: ReadonlyArray<XmlElement | string>;
}

export type XmlAttrs = Record<string, string | number | boolean | null | undefined>;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;

export class XmlBuildError extends Error {
  override name = "XmlBuildError";
}

function flatten(children: XmlChild[], out: Array<XmlElement | string>): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child === true) {
      // `false` means "leave out" (for `cond && el(...)`); a boolean *value* must be passed as text.
      throw new XmlBuildError("Boolean child: pass boolean values as String(value)");
    }
    if (Array.isArray(child)) flatten(child, out);
    else if (typeof child === "object") out.push(child);
    else out.push(String(child));
  }
}

/**
 * Creates an element. `null`/`undefined`/`false` children and `null`/`undefined` attributes are
 * left out, so `cond && el(...)` works; boolean values must be passed as `String(value)`.
 */
export function el(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): XmlElement {
  if (!NAME_RE.test(name)) throw new XmlBuildError(`Invalid XML element name: ${JSON.stringify(name)}`);
  const attrList: Array<readonly [string, string]> = [];
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined) continue;
    if (!NAME_RE.test(key)) throw new XmlBuildError(`Invalid XML attribute name: ${JSON.stringify(key)}`);
    attrList.push([key, String(value)]);
  }
  const flat: Array<XmlElement | string> = [];
  flatten(children, flat);
  return { name, attrs: attrList, children: flat };
}

/** Characters allowed by XML 1.0 (§2.2): #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the point here
const INVALID_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkChars(value: string, where: string): void {
  const m = INVALID_XML_CHAR.exec(value);
  if (m) {
    const cp = m[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
    throw new XmlBuildError(`Character U+${cp} cannot be represented in XML (${where})`);
  }
}

export function escapeText(value: string): string {
  checkChars(value, "text");
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

export function escapeAttr(value: string): string {
  checkChars(value, "attribute");
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

function write(node: XmlElement, indent: string, step: string, out: string[]): void {
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("");
  if (node.children.length === 0) {
    out.push(`${indent}<${node.name}${attrs}/>`);
    return;
  }
  const onlyText = node.children.every((c) => typeof c === "string");
  if (onlyText) {
    out.push(
      `${indent}<${node.name}${attrs}>${(node.children as string[]).map(escapeText).join("")}</${node.name}>`,
    );
    return;
  }
  // Mixed content is not used by XBau; text between elements would change meaning with indentation.
  if (node.children.some((c) => typeof c === "string")) {
    throw new XmlBuildError(`Mixed content is not supported (element ${node.name})`);
  }
  out.push(`${indent}<${node.name}${attrs}>`);
  for (const child of node.children) write(child as XmlElement, indent + step, step, out);
  out.push(`${indent}</${node.name}>`);
}

/** Serialises a document: XML declaration (UTF-8) and the indented root element. */
export function toXml(root: XmlElement, options: { indent?: string } = {}): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, "", options.indent ?? "  ", out);
  return `${out.join("\n")}\n`;
}
