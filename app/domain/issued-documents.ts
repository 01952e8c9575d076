/**
 * Documents an authority issues (issue 13): sealed with its electronic seal and given a public
 * verification code, checked at /pruefen/:code. Keyed by GeneratedDocument.kind. `placement` says
 * where the verification mark goes (workers/pdf/verification.ts).
 */
export const ISSUED_DOCUMENT_KINDS = {
  RECEIPT: { label: "Eingangsbestätigung", placement: "last-page" },
  BESCHEID: { label: "Bescheid", placement: "last-page" },
  APPROVED_PLAN: { label: "Genehmigte Bauvorlage (gestempelt)", placement: "every-page" },
  STATEMENT: { label: "Stellungnahme einer beteiligten Stelle", placement: "last-page" },
  PARTICIPATION_PACKAGE: {
    label: "Beteiligungsunterlagen (Anschreiben mit Bauvorlagen)",
    placement: "first-page",
  },
} as const satisfies Record<string, { label: string; placement: "last-page" | "first-page" | "every-page" }>;

export type IssuedDocumentKind = keyof typeof ISSUED_DOCUMENT_KINDS;

export function isIssuedKind(kind: string): kind is IssuedDocumentKind {
  return Object.hasOwn(ISSUED_DOCUMENT_KINDS, kind);
}

/** Crockford's Base32: no I, L, O, U (no confusion with 1 and 0, no accidental words). */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const VERIFICATION_CODE_ALPHABET = ALPHABET;
export const VERIFICATION_CODE_LENGTH = 12;
const CODE_LENGTH = VERIFICATION_CODE_LENGTH;

export function formatVerificationCode(raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

/**
 * A code as typed or scanned, in stored form (XXXX-XXXX-XXXX), or null when it cannot be one:
 * case, blanks and dashes do not matter, O reads as 0 and I/L as 1 (Crockford).
 */
export function normalizeVerificationCode(input: string): string | null {
  if (typeof input !== "string" || input.length > 40) return null;
  const raw = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (raw.length !== CODE_LENGTH) return null;
  for (const c of raw) if (!ALPHABET.includes(c)) return null;
  return formatVerificationCode(raw);
}

/** The public check address printed in the QR code. */
export function verificationUrl(appUrl: string, code: string): string {
  return `${appUrl.replace(/\/+$/, "")}/pruefen/${code}`;
}
