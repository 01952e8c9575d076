/**
 * Aktenzeichen (file number) formatting. The format is configured per authority, e.g.
 * "63-{YYYY}-{NNNNN}" -> "63-2026-00042".
 *
 * Tokens:
 * - `{YYYY}` four-digit year, `{YY}` two-digit year
 * - `{N}`, `{NN}`, ... the sequence number, zero-padded to the number of N (1–10); exactly one
 *   sequence token is required. Numbers longer than the width are printed in full, never cut.
 * - `{CODE}` the authority code (letters, digits, `-`, `.`, `/`), required as an argument then.
 * Literal text may use letters (incl. umlauts), digits, blanks and `- / . _ :`.
 */

export type FileNumberToken =
  | { readonly type: "literal"; readonly text: string }
  | { readonly type: "year4" }
  | { readonly type: "year2" }
  | { readonly type: "sequence"; readonly width: number }
  | { readonly type: "authority" };

export type FileNumberFormatCheck =
  | { readonly ok: true; readonly tokens: readonly FileNumberToken[] }
  | { readonly ok: false; readonly error: string };

export const MAX_FORMAT_LENGTH = 60;
const LITERAL = /^[\p{L}\d \-/._:]+$/u;
const AUTHORITY_CODE = /^[\p{L}\d][\p{L}\d\-./]{0,19}$/u;

/** Parse and validate a format string; errors are German for the admin form. */
export function parseFileNumberFormat(format: string): FileNumberFormatCheck {
  if (typeof format !== "string" || format.trim() === "") {
    return { ok: false, error: "Das Format darf nicht leer sein." };
  }
  if (format.length > MAX_FORMAT_LENGTH) {
    return { ok: false, error: `Das Format darf höchstens ${MAX_FORMAT_LENGTH} Zeichen lang sein.` };
  }
  const tokens: FileNumberToken[] = [];
  let sequences = 0;
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf("{", i);
    const close = format.indexOf("}", i);
    if (close !== -1 && (open === -1 || close < open)) {
      return { ok: false, error: "Das Format enthält eine schließende Klammer „}“ ohne öffnende." };
    }
    if (open === -1) {
      const rest = format.slice(i);
      if (!LITERAL.test(rest)) return literalError(rest);
      tokens.push({ type: "literal", text: rest });
      break;
    }
    if (open > i) {
      const lit = format.slice(i, open);
      if (!LITERAL.test(lit)) return literalError(lit);
      tokens.push({ type: "literal", text: lit });
    }
    const end = format.indexOf("}", open);
    if (end === -1)
      return { ok: false, error: "Das Format enthält eine öffnende Klammer „{“ ohne schließende." };
    const name = format.slice(open + 1, end);
    if (name === "YYYY") tokens.push({ type: "year4" });
    else if (name === "YY") tokens.push({ type: "year2" });
    else if (name === "CODE") tokens.push({ type: "authority" });
    else if (/^N+$/.test(name)) {
      if (name.length > 10)
        return { ok: false, error: "Die laufende Nummer hat höchstens 10 Stellen ({NNNNNNNNNN})." };
      sequences++;
      tokens.push({ type: "sequence", width: name.length });
    } else {
      return {
        ok: false,
        error: `Unbekannter Platzhalter „{${name}}“. Erlaubt sind {YYYY}, {YY}, {N…} und {CODE}.`,
      };
    }
    i = end + 1;
  }
  if (sequences === 0) {
    return { ok: false, error: "Das Format muss eine laufende Nummer enthalten, z. B. {NNNNN}." };
  }
  if (sequences > 1) return { ok: false, error: "Das Format darf nur eine laufende Nummer enthalten." };
  return { ok: true, tokens };
}

function literalError(text: string): FileNumberFormatCheck {
  return {
    ok: false,
    error: `Unzulässige Zeichen im Format: „${text}“. Erlaubt sind Buchstaben, Ziffern, Leerzeichen und - / . _ :`,
  };
}

export function validateFileNumberFormat(format: string): string | null {
  const r = parseFileNumberFormat(format);
  return r.ok ? null : r.error;
}

export interface FileNumberParts {
  readonly year: number;
  /** Positive integer, per authority (and usually per year) from the FileNumberCounter. */
  readonly sequence: number;
  readonly authorityCode?: string;
}

export class FileNumberFormatError extends Error {
  override name = "FileNumberFormatError";
}

const cache = new Map<string, readonly FileNumberToken[]>();

export function formatFileNumber(format: string, parts: FileNumberParts): string {
  let tokens = cache.get(format);
  if (!tokens) {
    const parsed = parseFileNumberFormat(format);
    if (!parsed.ok) throw new FileNumberFormatError(parsed.error);
    tokens = parsed.tokens;
    if (cache.size > 100) cache.clear();
    cache.set(format, tokens);
  }
  const { year, sequence, authorityCode } = parts;
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new FileNumberFormatError(`Ungültiges Jahr: ${year}`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new FileNumberFormatError(`Ungültige laufende Nummer: ${sequence}`);
  }
  let out = "";
  for (const t of tokens) {
    switch (t.type) {
      case "literal":
        out += t.text;
        break;
      case "year4":
        out += String(year);
        break;
      case "year2":
        out += String(year % 100).padStart(2, "0");
        break;
      case "sequence":
        out += String(sequence).padStart(t.width, "0");
        break;
      case "authority":
        if (!authorityCode || !AUTHORITY_CODE.test(authorityCode)) {
          throw new FileNumberFormatError(
            "Das Format verwendet {CODE}, aber kein gültiges Behördenkürzel ist gesetzt.",
          );
        }
        out += authorityCode;
        break;
    }
  }
  return out;
}
