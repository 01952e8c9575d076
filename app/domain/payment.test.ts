import { describe, expect, it } from "vitest";
import {
  bicError,
  decisionFeeNotice,
  formatIban,
  formatPaymentReference,
  ibanError,
  paymentDueDate,
  paymentReferenceFormatError,
} from "./payment";

describe("payment", () => {
  it("checks an IBAN (country, length, mod 97) with German messages", () => {
    expect(ibanError("DE89 3704 0044 0532 0130 00")).toBeNull();
    expect(ibanError("de89370400440532013000")).toBeNull();
    expect(ibanError("DE89 3704 0044 0532 0130 01")).toMatch(/Prüfziffern/);
    expect(ibanError("DE89 3704 0044 0532 0130")).toMatch(/22 Stellen/);
    expect(ibanError("1234")).toMatch(/Ländercode/);
    expect(formatIban("DE89370400440532013000")).toBe("DE89 3704 0044 0532 0130 00");
  });

  it("checks a BIC", () => {
    expect(bicError("NOLADE21GRW")).toBeNull();
    expect(bicError("NOLADE21")).toBeNull();
    expect(bicError("NOLA DE")).toMatch(/8 oder 11/);
  });

  it("formats the Kassenzeichen with the Aktenzeichen's tokens and refuses a format without a number", () => {
    expect(formatPaymentReference("KZ-{YYYY}-{NNNNNN}", 2026, 42)).toBe("KZ-2026-000042");
    expect(formatPaymentReference("5.0100.{YY}.{NNNN}", 2026, 7)).toBe("5.0100.26.0007");
    expect(paymentReferenceFormatError("KZ-{YYYY}")).toMatch(/laufende Nummer/);
    expect(paymentReferenceFormatError("KZ-{YYYY}-{NNNN}")).toBeNull();
  });

  it("due date: n days after the decision, end of that day in Berlin (summer and winter time)", () => {
    expect(paymentDueDate(new Date("2026-03-10T09:00:00Z"), 30)).toEqual(
      new Date("2026-04-09T21:59:59.999Z"),
    );
    expect(paymentDueDate(new Date("2026-11-20T23:30:00Z"), 14)).toEqual(
      new Date("2026-12-05T22:59:59.999Z"),
    );
  });

  it("exposes the fee of a decision as data (lines with Tarifstelle, basis with source, payment)", () => {
    const notice = decisionFeeNotice(
      {
        feeLines: [
          {
            label: "Gebühr",
            basis: "8,00 € je …",
            tariff: "Anlage 1 Nr. 1.1.2 BauGebVO M-V",
            amountCents: 280_000,
          },
        ],
        feeTotalCents: 280_000,
        constructionCostCents: 35_000_000n,
        feeBasisSource: "Rohbauwert nach § 2 BauGebVO M-V",
        paymentReference: "KZ-2026-000001",
        paymentDueAt: new Date("2026-04-09T21:59:59.999Z"),
      },
      { paymentPayee: "Kreiskasse", paymentIban: "DE89370400440532013000", paymentBic: null },
    );
    expect(notice).toMatchObject({
      totalCents: 280_000,
      basisCents: 35_000_000,
      lines: [{ tariff: "Anlage 1 Nr. 1.1.2 BauGebVO M-V", amountCents: 280_000 }],
      payment: { reference: "KZ-2026-000001", iban: "DE89370400440532013000", payee: "Kreiskasse" },
    });
  });
});
