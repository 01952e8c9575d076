/**
 * Paying a fee: IBAN/BIC checks for the authority's settings, the Kassenzeichen format (same tokens
 * as the Aktenzeichen, app/domain/file-number.ts) and the due date. Pure.
 */
import { berlinDate, endOfBerlinDay } from "./deadlines";
import { formatFileNumber, parseFileNumberFormat } from "./file-number";

/** "DE89 3704 0044 0532 0130 00" -> "DE89370400440532013000". */
export function normalizeIban(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

/** Printed in groups of four (DIN 5008 / EPC). */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})(?=.)/g, "$1 ");
}

/** Length of the IBAN per country (the ones an authority in Germany may name). */
const IBAN_LENGTHS: Record<string, number> = {
  DE: 22,
  AT: 20,
  NL: 18,
  BE: 16,
  LU: 20,
  FR: 27,
  DK: 18,
  PL: 28,
};

/** null when valid (ISO 13616: country, length, mod 97 = 1), else a German message. */
export function ibanError(input: string): string | null {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    return "Die IBAN ist ungültig: Sie beginnt mit dem Ländercode (z. B. DE) und zwei Prüfziffern.";
  }
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected && iban.length !== expected) {
    return `Die IBAN ist ungültig: Eine ${iban.slice(0, 2)}-IBAN hat ${expected} Stellen, diese hat ${iban.length}.`;
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const v = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1
    ? null
    : "Die IBAN ist ungültig: Die Prüfziffern stimmen nicht (bitte auf Tippfehler prüfen).";
}

/** null when valid (8 or 11 characters: bank, country, location, optional branch). */
export function bicError(input: string): string | null {
  const bic = input.replace(/\s/g, "").toUpperCase();
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)
    ? null
    : "Der BIC ist ungültig: 8 oder 11 Zeichen, z. B. NOLADE21WIS.";
}

export function normalizeBic(input: string): string {
  return input.replace(/\s/g, "").toUpperCase();
}

/** null when the Kassenzeichen format is usable; the Aktenzeichen's token language. */
export function paymentReferenceFormatError(format: string): string | null {
  const r = parseFileNumberFormat(format);
  return r.ok ? null : r.error.replace("Das Format", "Das Format des Kassenzeichens");
}

export function formatPaymentReference(format: string, year: number, sequence: number): string {
  return formatFileNumber(format, { year, sequence });
}

/** End of the due day: `days` after the decision, end of that day in Berlin. */
export function paymentDueDate(decidedAt: Date, days: number): Date {
  const [y, m, d] = berlinDate(decidedAt).split("-").map(Number) as [number, number, number];
  const due = new Date(Date.UTC(y, m - 1, d + Math.max(0, Math.floor(days))));
  return endOfBerlinDay(due.toISOString().slice(0, 10));
}

/** Everything the fee notice prints about paying; null fields are printed as missing. */
export interface PaymentDetails {
  payee: string | null;
  iban: string | null;
  bic: string | null;
  /** Kassenzeichen: the reference the payment must carry. */
  reference: string | null;
  dueAt: Date | null;
}

/**
 * The fee of a decided Bescheid as data (for the XBau 0205 and anyone else who needs more than the
 * printed table): every line with its Tarifstelle, the total, the fee basis with its source and
 * how to pay. Built from the Decision row and the authority's payment settings. Pure.
 */
export interface DecisionFeeNotice {
  lines: { label: string; tariff: string | null; basis: string; amountCents: number }[];
  totalCents: number;
  /** Anrechenbarer Bauwert in cents, null when none was set. */
  basisCents: number | null;
  basisSource: string | null;
  payment: PaymentDetails;
}

export function decisionFeeNotice(
  decision: {
    feeLines: unknown;
    feeTotalCents: number;
    constructionCostCents: bigint | number | null;
    feeBasisSource: string | null;
    paymentReference: string | null;
    paymentDueAt: Date | null;
  },
  authority: { paymentPayee: string | null; paymentIban: string | null; paymentBic: string | null },
): DecisionFeeNotice {
  const raw = Array.isArray(decision.feeLines) ? (decision.feeLines as Record<string, unknown>[]) : [];
  return {
    lines: raw.map((l) => ({
      label: String(l.label ?? ""),
      tariff: typeof l.tariff === "string" ? l.tariff : null,
      basis: String(l.basis ?? ""),
      amountCents: Number(l.amountCents ?? 0),
    })),
    totalCents: decision.feeTotalCents,
    basisCents: decision.constructionCostCents === null ? null : Number(decision.constructionCostCents),
    basisSource: decision.feeBasisSource,
    payment: {
      payee: authority.paymentPayee,
      iban: authority.paymentIban,
      bic: authority.paymentBic,
      reference: decision.paymentReference,
      dueAt: decision.paymentDueAt,
    },
  };
}
