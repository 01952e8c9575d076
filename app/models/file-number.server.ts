import { formatFileNumber } from "~/domain/file-number";
import type { Tx } from "~/utils/db.server";

/**
 * Aktenzeichen allocation. One counter row per authority and year; the next number comes from a
 * single `INSERT … ON CONFLICT DO UPDATE … RETURNING` inside the caller's transaction. The row
 * stays locked until that transaction ends, so concurrent submissions to the same authority queue
 * up on it (never two with the same number), and a rolled-back submission gives its number back
 * (no gaps). Call it as late as possible in the transaction to keep the lock short.
 */

/** The calendar year in Germany (an application submitted on 31 Dec 23:30 UTC+1 belongs to that year). */
export function berlinYear(date: Date): number {
  const year = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", year: "numeric" }).format(date);
  return Number(year);
}

export async function nextFileNumberSequence(tx: Tx, authorityId: string, year: number): Promise<number> {
  const rows = await tx.$queryRaw<{ lastValue: number }[]>`
    INSERT INTO "FileNumberCounter" ("authorityId", "year", "lastValue")
    VALUES (${authorityId}::uuid, ${year}, 1)
    ON CONFLICT ("authorityId", "year")
    DO UPDATE SET "lastValue" = "FileNumberCounter"."lastValue" + 1
    RETURNING "lastValue"`;
  const value = rows[0]?.lastValue;
  if (typeof value !== "number" || value < 1) throw new Error("Aktenzeichen-Zähler lieferte keinen Wert");
  return value;
}

export interface AllocatedFileNumber {
  fileNumber: string;
  year: number;
  sequence: number;
}

/** Allocates and formats the next Aktenzeichen of an authority (in the caller's transaction). */
export async function allocateFileNumber(
  tx: Tx,
  authority: { id: string; fileNumberFormat: string; slug?: string },
  at: Date = new Date(),
): Promise<AllocatedFileNumber> {
  const year = berlinYear(at);
  const sequence = await nextFileNumberSequence(tx, authority.id, year);
  const fileNumber = formatFileNumber(authority.fileNumberFormat, {
    year,
    sequence,
    authorityCode: authorityCode(authority.slug),
  });
  return { fileNumber, year, sequence };
}

/** `{CODE}` in a format: the authority's slug in upper case, shortened to the allowed 20 characters. */
function authorityCode(slug: string | undefined): string | undefined {
  if (!slug) return undefined;
  return (
    slug
      .toUpperCase()
      .slice(0, 20)
      .replace(/[^\p{L}\d\-./]+/gu, "-")
      .replace(/^-+/, "") || undefined
  );
}
