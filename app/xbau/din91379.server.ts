import fs from "node:fs";
import path from "node:path";
import { xbauXsdDir } from "./paths.server";

/**
 * DIN 91379 (string.latin+) character sets as XBau 2.6 uses them: most text fields are of type
 * `din91379:datatypeC` (names, addresses), attachment titles of `datatypeD`. The patterns are read
 * from the shipped XSD (din-norm-91379-datatypes.xsd) so they match the validator exactly.
 *
 * User input can hold characters outside these sets (typographic quotes, dashes, emoji, Cyrillic).
 * `toDin91379` maps common typographic characters to their allowed equivalents, strips diacritics
 * the norm does not list, drops pictographs and replaces anything else with "?", so an export never
 * fails on a name; the original stays in the application data.
 */

export type DinDatatype = "datatypeC" | "datatypeD";

const patterns = new Map<DinDatatype, { whole: RegExp; single: RegExp }>();

function xsdPatternToRegExpSource(xsdPattern: string): string {
  return xsdPattern
    .replace(/\\&#x/g, "&#x")
    .replace(/&#x([0-9A-Fa-f]+);/g, (_m, hex: string) => `\\u{${hex}}`)
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"');
}

function load(type: DinDatatype): { whole: RegExp; single: RegExp } {
  const existing = patterns.get(type);
  if (existing) return existing;
  const xsd = fs.readFileSync(path.join(xbauXsdDir(), "din-norm-91379-datatypes.xsd"), "utf8");
  const block = new RegExp(`<xs:simpleType name="${type}">[\\s\\S]*?<xs:pattern value="([^"]*)"`).exec(xsd);
  if (!block?.[1]) throw new Error(`DIN 91379 pattern ${type} not found in XSD`);
  const source = xsdPatternToRegExpSource(block[1]);
  // The XSD pattern is "(alternatives)*"; a single grapheme must match one or more alternatives.
  const compiled = { whole: new RegExp(`^(?:${source})$`, "u"), single: new RegExp(`^(?:${source})$`, "u") };
  patterns.set(type, compiled);
  return compiled;
}

const REPLACEMENTS: Record<string, string> = {
  "\u201E": '"', // „
  "\u201C": '"', // “
  "\u201D": '"', // ”
  "\u00AB": '"', // «
  "\u00BB": '"', // »
  "\u201A": "'", // ‚
  "\u2018": "'", // ‘
  "\u2039": "'", // ‹
  "\u203A": "'", // ›
  "\u2013": "-", // –
  "\u2014": "-", // —
  "\u2212": "-", // −
  "\u2026": "...", // …
  "\u2022": "-", // •
  "\u00AD": "", // soft hyphen
  "\u200B": "", // zero-width space
  "\u2009": " ", // thin space
  "\u202F": " ", // narrow no-break space
  "\u2002": " ",
  "\u2003": " ",
  "\u00D7": "x", // × (allowed in C, listed for D fallbacks)
};

const segmenter = new Intl.Segmenter("de", { granularity: "grapheme" });

/** Returns `value` restricted to the DIN 91379 data type (unchanged if it already conforms). */
export function toDin91379(value: string, type: DinDatatype = "datatypeC"): string {
  const { whole, single } = load(type);
  const nfc = value.normalize("NFC");
  if (whole.test(nfc)) return nfc;
  let out = "";
  for (const { segment } of segmenter.segment(nfc)) {
    if (single.test(segment)) {
      out += segment;
      continue;
    }
    const replacement = REPLACEMENTS[segment];
    if (replacement !== undefined && (replacement === "" || whole.test(replacement))) {
      out += replacement;
      continue;
    }
    if (/\p{Extended_Pictographic}/u.test(segment)) continue;
    if (/^\s+$/u.test(segment)) {
      out += " ";
      continue;
    }
    const stripped = segment.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
    if (stripped && whole.test(stripped)) {
      out += stripped;
      continue;
    }
    if (/^\p{Cc}+$/u.test(segment)) continue; // other control characters carry no text
    out += "?";
  }
  return out;
}

/** True when `value` conforms to the DIN 91379 data type as the XSD states it. */
export function isDin91379(value: string, type: DinDatatype = "datatypeC"): boolean {
  return load(type).whole.test(value);
}
