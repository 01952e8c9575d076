import { z } from "zod";

/**
 * Sheets of an issued PDF where the stamp or the verification mark found no free area big enough
 * (issue 13 item 5). The worker records them on GeneratedDocument.tightSheets from the results of
 * workers/pdf/stamp.ts (`placements[].fit`) and workers/pdf/verification.ts (`tight`); the clerk
 * sees them as a hint beside the file, so they look at exactly those sheets before relying on them.
 */

/** The stamp: "compact" = smaller stamp in free space; "covering" = over the part of the drawing with least ink. */
export const TIGHT_STAMP_FITS = ["compact", "covering"] as const;

export const tightSheetSchema = z.discriminatedUnion("part", [
  z.object({ page: z.number().int().positive(), part: z.literal("stamp"), fit: z.enum(TIGHT_STAMP_FITS) }),
  // The verification mark: only the one-line text mark at the bottom edge, no QR code.
  z.object({ page: z.number().int().positive(), part: z.literal("mark"), fit: z.literal("line") }),
]);
export type TightSheet = z.infer<typeof tightSheetSchema>;

export const tightSheetsSchema = z.array(tightSheetSchema);

/** The stored column as written by the worker; anything unreadable counts as nothing recorded. */
export function readTightSheets(value: unknown): TightSheet[] {
  const parsed = tightSheetsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** The worker's entries from the stamp placements and the verification mark's tight pages, by page. */
export function tightSheetsFrom(
  stampPlacements: readonly { page: number; fit: string }[],
  markTightPages: readonly number[],
): TightSheet[] {
  const out: TightSheet[] = [];
  for (const p of stampPlacements) {
    if (p.fit === "compact" || p.fit === "covering") out.push({ page: p.page, part: "stamp", fit: p.fit });
  }
  for (const page of markTightPages) out.push({ page, part: "mark", fit: "line" });
  return out.sort((a, b) => a.page - b.page || (a.part === b.part ? 0 : a.part === "stamp" ? -1 : 1));
}

/** "Blatt 2", "Blatt 2 und 5", "Blatt 2, 3 und 5". */
export function sheetList(pages: readonly number[], noun: "Blatt" | "Seite"): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b).map(String);
  if (sorted.length <= 1) return `${noun} ${sorted.join("")}`;
  return `${noun} ${sorted.slice(0, -1).join(", ")} und ${sorted.at(-1)}`;
}

const REASON = "kein freier Bereich";

/**
 * German hints for the clerk, one per kind of trouble, with the page numbers, e.g.
 * "Stempel verkleinert auf Blatt 2 und 5 – kein freier Bereich; bitte Blatt prüfen."
 * `noun` is "Blatt" for plan sheets and "Seite" for letters.
 */
export function describeTightSheets(
  sheets: readonly TightSheet[],
  noun: "Blatt" | "Seite" = "Blatt",
): string[] {
  const pagesOf = (match: (s: TightSheet) => boolean) => sheets.filter(match).map((s) => s.page);
  const check = (pages: number[]) =>
    `bitte ${pages.length > 1 ? (noun === "Blatt" ? "Blätter" : "Seiten") : noun} prüfen.`;
  const hints: string[] = [];
  const compact = pagesOf((s) => s.part === "stamp" && s.fit === "compact");
  if (compact.length > 0) {
    hints.push(`Stempel verkleinert auf ${sheetList(compact, noun)} – ${REASON}; ${check(compact)}`);
  }
  const covering = pagesOf((s) => s.part === "stamp" && s.fit === "covering");
  if (covering.length > 0) {
    hints.push(
      `Stempel verkleinert und über die Zeichnung gesetzt (wo sie am wenigsten bedeckt) auf ${sheetList(covering, noun)} – ${REASON}; ${check(covering)}`,
    );
  }
  const line = pagesOf((s) => s.part === "mark");
  if (line.length > 0) {
    hints.push(
      `Prüfvermerk ohne QR-Code, nur als Textzeile am unteren Rand auf ${sheetList(line, noun)} – ${REASON}; ${check(line)}`,
    );
  }
  return hints;
}

/** The hints for a generated file of this kind (GeneratedDocument.kind): plans have sheets, letters pages. */
export function tightHintsFor(kind: string, stored: unknown): string[] {
  return describeTightSheets(readTightSheets(stored), kind === "APPROVED_PLAN" ? "Blatt" : "Seite");
}
