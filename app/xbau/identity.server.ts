import type { XbauAuthority } from "./message.server";

/**
 * XBau identities: who writes and who reads a message (nachrichtenkopf.g2g autor/leser). They come
 * from the directory service (DVDV) registration and are configuration — each authority's admin
 * enters its Behördenkennung at /verwaltung/xbau, the portal's own identity is installation
 * configuration (XBAU_PORTAL_KENNUNG, XBAU_PORTAL_NAME). Nothing is derived from the AGS or made
 * up: an authority without a registered Kennung is not addressed by XBau messages at all.
 *
 * Format (xoev-basisnachricht-behoerde 1.1, element `kennung`; XBau Schematron sch-xbau-001/-002
 * for the Verzeichnisdienst "DVDV"): "<Präfix>:<Kennung>", the prefix three lower-case letters,
 * the Kennung a sequence of digits, e.g. "psw:01003110".
 */

/** Verzeichnisdienst codes (KoSIT urn:xoev-de:kosit:codeliste:verzeichnisdienst) we address by. */
export const DIRECTORY_SERVICES = ["DVDV"] as const;
export const DVDV_PREFIX_RE = /^[a-z]{3}$/;
export const DVDV_CODE_RE = /^\d{1,30}$/;
const KENNUNG_RE = /^([a-z]{3}):(\d{1,30})$/;

/** The thrown reason when a message would need an identity that is not configured. */
export class XbauIdentityMissing extends Error {
  override name = "XbauIdentityMissing";
}

export interface ConfiguredAuthority {
  name: string;
  xbauKennung: string | null;
  xbauName?: string | null;
}

export type KennungCheck =
  | { ok: true; kennung: string }
  | { ok: false; field: "prefix" | "code"; message: string };

/** Validates an admin's input (prefix and Kennung separately) and joins them. */
export function checkKennung(prefixInput: string, codeInput: string): KennungCheck {
  const prefix = prefixInput.trim();
  const code = codeInput.replace(/\s+/g, "");
  if (!DVDV_PREFIX_RE.test(prefix))
    return {
      ok: false,
      field: "prefix",
      message: "Das Präfix besteht aus genau drei Kleinbuchstaben (z. B. „psw“), wie im DVDV eingetragen.",
    };
  if (!DVDV_CODE_RE.test(code))
    return {
      ok: false,
      field: "code",
      message: "Die Kennung besteht nur aus Ziffern (höchstens 30), wie im DVDV eingetragen.",
    };
  return { ok: true, kennung: `${prefix}:${code}` };
}

export function splitKennung(kennung: string | null | undefined): { prefix: string; code: string } {
  const m = KENNUNG_RE.exec(kennung ?? "");
  return { prefix: m?.[1] ?? "", code: m?.[2] ?? "" };
}

/** The authority's identity in XBau messages; throws XbauIdentityMissing when it has none. */
export function xbauIdentityOf(a: ConfiguredAuthority): XbauAuthority {
  if (!a.xbauKennung || !KENNUNG_RE.test(a.xbauKennung))
    throw new XbauIdentityMissing(
      `Für „${a.name}“ ist keine XBau-Behördenkennung (DVDV) eingerichtet; die Verwaltung der Behörde trägt sie unter „Verwaltung → XBau“ ein.`,
    );
  return { name: a.xbauName?.trim() || a.name, id: a.xbauKennung, directory: "DVDV" };
}

/**
 * Development and test identity of the portal when XBAU_PORTAL_KENNUNG is not set (documented in
 * docs/xbau-codelisten.md). Production uses it only for a local trial (ALLOW_LOCAL_APP_URL=true);
 * otherwise the portal's messages are not built until the installation is registered.
 */
export const DEVELOPMENT_PORTAL_IDENTITY: XbauAuthority = {
  name: "Bauantrag-Portal (Entwicklung)",
  id: "bap:0",
  directory: "DVDV",
};

/** The portal (Antragsservice) as sender of the 0200 and reader of the authority's answers. */
export function portalIdentity(env: NodeJS.ProcessEnv = process.env): XbauAuthority {
  const kennung = env.XBAU_PORTAL_KENNUNG?.trim();
  if (kennung) {
    if (!KENNUNG_RE.test(kennung))
      throw new XbauIdentityMissing(
        `XBAU_PORTAL_KENNUNG „${kennung}“ hat nicht die Form „abc:123“ (Präfix aus drei Kleinbuchstaben, Doppelpunkt, Ziffern).`,
      );
    return { name: env.XBAU_PORTAL_NAME?.trim() || "Bauantrag-Portal", id: kennung, directory: "DVDV" };
  }
  // Production uses the development identity only for a trial on this machine (quick start, e2e).
  if (env.NODE_ENV === "production" && env.ALLOW_LOCAL_APP_URL !== "true")
    throw new XbauIdentityMissing(
      "Die XBau-Kennung des Portals ist nicht eingerichtet (Umgebungsvariable XBAU_PORTAL_KENNUNG).",
    );
  return DEVELOPMENT_PORTAL_IDENTITY;
}
