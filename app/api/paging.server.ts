import { apiError } from "./problem.server";

/**
 * Cursor paging of /api/v1 lists. A cursor is the sort key of the last item of a page
 * (timestamp + id), base64url-encoded: opaque to clients, and harmless when forged because every
 * query still carries the caller's tenant. Pages are keyset pages, so an item never shows up twice
 * or goes missing because rows were added while a client was paging.
 */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

export interface CursorKey {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id]), "utf8").toString("base64url");
}

/** The cursor's key; a 400 problem when it was not made by encodeCursor. */
export function decodeCursor(raw: string): CursorKey {
  const invalid = () =>
    apiError(
      400,
      "Der Parameter „cursor“ ist ungültig. Verwenden Sie den Wert „nextCursor“ der vorigen Seite.",
      {
        parameter: "cursor",
      },
    );
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== "string" || typeof id !== "string" || !UUID.test(id)) throw invalid();
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw invalid();
  return { at: date, id: id.toLowerCase() };
}

/** `limit` of the query: 1..100, default 50. */
export function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_LIMIT;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw apiError(400, `Der Parameter „limit“ muss eine ganze Zahl von 1 bis ${MAX_LIMIT} sein.`, {
      parameter: "limit",
    });
  }
  return Number(raw);
}

/** An ISO 8601 date-time with time zone (e.g. 2026-12-01T00:00:00Z); a 400 problem otherwise. */
export function parseDateTime(raw: string, parameter: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const date = ok ? new Date(raw) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw apiError(
      400,
      `Der Parameter „${parameter}“ muss ein Zeitpunkt nach ISO 8601 mit Zeitzone sein, z. B. 2026-12-01T08:00:00Z.`,
      { parameter },
    );
  }
  return date;
}

export function isUuid(value: string | undefined | null): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** One page from `limit + 1` rows: the extra row only says that there is a next page. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
