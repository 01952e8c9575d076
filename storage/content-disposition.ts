/**
 * Content-Disposition for downloads. Filenames come from uploaders, so they are cleaned before
 * they reach a header: path parts, control characters, quotes and separators are removed.
 * Browsers read the RFC 5987 `filename*` (UTF-8, so "Grundriss_Erdgeschoß.pdf" keeps its ß);
 * the plain `filename` is an ASCII fallback with umlauts transliterated (ä -> ae).
 */

const MAX_FILENAME_LENGTH = 180;
const FALLBACK_NAME = "download";

export function sanitizeFilename(input: string): string {
  const base = String(input ?? "")
    .normalize("NFC")
    .split(/[/\\]/)
    .pop()!
    // control characters, quotes and characters that are special in headers or on file systems
    .replace(/[\p{Cc}"*:<>?|;,\u2028\u2029]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    // no hidden files or names made only of dots
    .replace(/^\.+/, "");
  if (base === "") return FALLBACK_NAME;
  return truncateKeepingExtension(base, MAX_FILENAME_LENGTH);
}

function truncateKeepingExtension(name: string, max: number): string {
  const chars = Array.from(name); // by code point, so no surrogate pair is cut in half
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 11 ? name.slice(dot) : "";
  const stem = Array.from(name.slice(0, name.length - ext.length));
  return stem.slice(0, max - Array.from(ext).length).join("") + ext;
}

const TRANSLITERATION: Record<string, string> = {
  ä: "ae",
  ö: "oe",
  ü: "ue",
  Ä: "Ae",
  Ö: "Oe",
  Ü: "Ue",
  ß: "ss",
  ẞ: "SS",
};

export function asciiFallback(name: string): string {
  const ascii = name
    .replace(/[äöüÄÖÜßẞ]/g, (c) => TRANSLITERATION[c] ?? "_")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // combining accents left by NFKD (é -> e)
    .replace(/[^\x20-\x7e]/g, "_")
    .replace(/["\\%]/g, "_");
  return ascii.trim() === "" ? FALLBACK_NAME : ascii;
}

/** RFC 5987 ext-value: UTF-8, percent-encoded except attr-chars. */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function contentDisposition(filename: string, inline = false): string {
  const clean = sanitizeFilename(filename);
  const type = inline ? "inline" : "attachment";
  return `${type}; filename="${asciiFallback(clean)}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}
