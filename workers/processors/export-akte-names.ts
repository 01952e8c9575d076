/**
 * Paths inside the Akte ZIP. Every name comes from people (file names of uploads, document titles,
 * agency names), so each path segment is cleaned here: no separators, no "." / ".." segments, no
 * control characters, no characters Windows refuses; umlauts and ß stay (NFC, so "ä" is one
 * character in every unpacker). Names are made unique case-insensitively, because the DMS or a
 * Windows share the ZIP is unpacked into may not tell "Plan.pdf" from "plan.pdf".
 */

const MAX_SEGMENT = 120;
/** Separators, Windows-reserved characters and every control or format character. */
const FORBIDDEN = /[/\\:*?"<>|\p{Cc}\p{Cf}\u2028\u2029]+/gu;
/** CON, PRN, AUX, NUL, COM1-9, LPT1-9: reserved device names on Windows, with or without extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** One path segment from free text: safe, readable, at most MAX_SEGMENT characters, never empty. */
export function safeSegment(raw: string, fallback = "Datei"): string {
  let s = String(raw ?? "")
    .normalize("NFC")
    .replace(FORBIDDEN, "_")
    .replace(/\s+/g, " ")
    .trim()
    // Leading dots hide a file on Unix and make ".." possible; trailing dots/blanks vanish on Windows.
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (WINDOWS_DEVICE.test(s)) s = `_${s}`;
  if (s === "") s = fallback;
  return truncateKeepingExtension(s, MAX_SEGMENT);
}

function truncateKeepingExtension(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const dot = s.lastIndexOf(".");
  const ext = dot > 0 && s.length - dot <= 11 ? s.slice(dot) : "";
  const stem = [...s.slice(0, s.length - ext.length)].slice(0, max - [...ext].length).join("");
  return `${stem.replace(/[.\s]+$/, "")}${ext}`;
}

/** Joins cleaned segments with "/"; the result never starts with "/" and has no empty segment. */
export function zipPath(...segments: string[]): string {
  return segments.map((s) => safeSegment(s)).join("/");
}

/**
 * Hands out each path once: a second "unterlagen/Lageplan/v1_plan.pdf" becomes
 * "unterlagen/Lageplan/v1_plan (2).pdf". Comparison ignores case and Unicode normalisation.
 */
export class UniquePaths {
  private readonly taken = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.add(keyOf(r));
  }

  claim(path: string): string {
    if (!this.taken.has(keyOf(path))) {
      this.taken.add(keyOf(path));
      return path;
    }
    const slash = path.lastIndexOf("/");
    const dir = slash >= 0 ? path.slice(0, slash + 1) : "";
    const name = path.slice(dir.length);
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let n = 2; ; n++) {
      const candidate = `${dir}${stem} (${n})${ext}`;
      if (!this.taken.has(keyOf(candidate))) {
        this.taken.add(keyOf(candidate));
        return candidate;
      }
    }
  }
}

function keyOf(path: string): string {
  return path.normalize("NFC").toLowerCase();
}
