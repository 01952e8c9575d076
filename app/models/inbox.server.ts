import { Prisma } from "~/generated/prisma/client";
import { isUuid } from "~/models/application.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * The clerk's inbox: the submitted cases of the clerk's own authority, filtered, searched, sorted
 * (nearest deadline by default; newest or oldest submission, Aktenzeichen) and paged. The authority is part of every WHERE (never a filter the caller
 * chooses), drafts are never listed. The query is plain SQL built here so the bench (bench/inbox.ts)
 * can EXPLAIN ANALYZE exactly what listInbox runs.
 *
 * Search: `Application.searchText` holds Aktenzeichen, title, Bauherr, Entwurfsverfasser, address and
 * Flurstücke as one lower-case text (buildSearchText in app/domain/search-text.ts, written at
 * submission). The search forgives: every word of the query must occur in the text, and both sides
 * go through the SQL function `bauantrag_search_fold` (migration 20261206051500_casetruth_search_fold:
 * ö = oe, ß = ss, other accents dropped, "Str." = "Straße", leading zeros of numbers dropped, "/"
 * between digits = "-"), so "koehler" finds Köhler, "Wismarsche Str. 12" finds "Wismarsche Straße 12"
 * and "2026-42" finds "63-2026-00042". The condition is served by the trigram GIN index on
 * `bauantrag_search_fold("searchText")` of that migration.
 */

/** Statuses a case can have in the inbox (drafts are private to the applicant side). */
export const INBOX_STATUSES = [
  "SUBMITTED",
  "IN_REVIEW",
  "INCOMPLETE",
  "COMPLETE",
  "PARTICIPATION",
  "DECISION_PENDING",
  "DECIDED",
  "WITHDRAWN",
  "DEEMED_WITHDRAWN",
] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/**
 * Orders of the inbox. Each ends in the id, so pages never overlap or skip rows between ties.
 * Constant SQL only (never built from input): the caller picks a key of this table.
 */
const INBOX_ORDER = {
  deadline: `a."nextDeadlineAt" ASC NULLS LAST, a."submittedAt" ASC NULLS LAST, a."id" ASC`,
  newest: `a."submittedAt" DESC NULLS LAST, a."id" DESC`,
  oldest: `a."submittedAt" ASC NULLS LAST, a."id" ASC`,
  fileNumber: `a."fileNumber" ASC NULLS LAST, a."id" ASC`,
} as const;
export type InboxSort = keyof typeof INBOX_ORDER;
export const INBOX_SORTS = Object.keys(INBOX_ORDER) as InboxSort[];

export function isInboxSort(value: unknown): value is InboxSort {
  return typeof value === "string" && Object.hasOwn(INBOX_ORDER, value);
}

export const INBOX_PAGE_SIZE_MAX = 100;
export const INBOX_SEARCH_MAX = 100;
/** Words of a search beyond this many are ignored (each is one LIKE condition). */
export const INBOX_SEARCH_WORDS_MAX = 8;

export interface InboxFilters {
  status?: string;
  procedureType?: string;
  municipalityId?: string;
  /** A clerk's user id, or "none" for unassigned cases. */
  assignedClerkId?: string | "none";
  due?: "overdue" | "week";
  q?: string;
  /** Next deadline first unless given (unknown values fall back to that, too). */
  sort?: string;
  page?: number;
  pageSize?: number;
}

export interface InboxRow {
  id: string;
  fileNumber: string | null;
  title: string;
  status: InboxStatus;
  procedureType: string;
  submittedAt: Date | null;
  /** "PAPER" / "EMAIL" for an application registered by a clerk (paper intake); null = online. */
  intakeChannel: string | null;
  nextDeadlineAt: Date | null;
  decisionDueAt: Date | null;
  municipalityName: string | null;
  assignedClerkId: string | null;
  assignedClerkName: string | null;
  /** Bauherr as entered (company, or first and last name); null when the form has none. */
  applicantName: string | null;
  /** Street, house number and city of the plot. */
  plotAddress: string | null;
}

export interface InboxPage {
  rows: InboxRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** Filters after validation: anything malformed is dropped or turns into "matches nothing". */
export interface NormalizedInboxFilters {
  status: InboxStatus | null;
  procedureType: string | null;
  municipalityId: string | null;
  assignedClerkId: string | "none" | null;
  due: "overdue" | "week" | null;
  q: string | null;
  sort: InboxSort;
  page: number;
  pageSize: number;
  /** A filter value that can never match (e.g. a malformed id): the result is empty. */
  impossible: boolean;
}

function toInt(value: unknown, fallback: number): number {
  const n = typeof value === "number" ? value : Number.parseInt(String(value ?? ""), 10);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

export function normalizeInboxFilters(filters: InboxFilters): NormalizedInboxFilters {
  let impossible = false;
  const status = filters.status ? String(filters.status) : null;
  if (status && !(INBOX_STATUSES as readonly string[]).includes(status)) impossible = true;
  const municipalityId = filters.municipalityId || null;
  if (municipalityId && !isUuid(municipalityId)) impossible = true;
  const assigned = filters.assignedClerkId || null;
  if (assigned && assigned !== "none" && !isUuid(assigned)) impossible = true;
  const q = (filters.q ?? "").trim().toLowerCase().replace(/\s+/g, " ").slice(0, INBOX_SEARCH_MAX);
  return {
    status: status && !impossible ? (status as InboxStatus) : null,
    procedureType: filters.procedureType ? String(filters.procedureType).slice(0, 60) : null,
    municipalityId,
    assignedClerkId: assigned,
    due: filters.due === "overdue" || filters.due === "week" ? filters.due : null,
    q: q === "" ? null : q,
    sort: isInboxSort(filters.sort) ? filters.sort : "deadline",
    page: Math.max(1, toInt(filters.page, 1)),
    pageSize: Math.min(INBOX_PAGE_SIZE_MAX, Math.max(1, toInt(filters.pageSize, 25))),
    impossible,
  };
}

/** The words of a normalized search, each of which a case must contain (order does not matter). */
export function searchWords(q: string | null): string[] {
  if (!q) return [];
  return q
    .split(" ")
    .filter((w) => w !== "")
    .slice(0, INBOX_SEARCH_WORDS_MAX);
}

/** Escapes LIKE wildcards so a search for "63_2026" or "100%" means those characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The WHERE of the inbox. The authority comes from the clerk, never from the filters. */
export function inboxWhere(authorityId: string, f: NormalizedInboxFilters, now: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`a."authorityId" = ${authorityId}::uuid`,
    Prisma.sql`a."status" <> 'DRAFT'::"ApplicationStatus"`,
  ];
  if (f.status) parts.push(Prisma.sql`a."status" = ${f.status}::"ApplicationStatus"`);
  if (f.procedureType) parts.push(Prisma.sql`a."procedureType" = ${f.procedureType}`);
  if (f.municipalityId) parts.push(Prisma.sql`a."municipalityId" = ${f.municipalityId}::uuid`);
  if (f.assignedClerkId === "none") parts.push(Prisma.sql`a."assignedClerkId" IS NULL`);
  else if (f.assignedClerkId) parts.push(Prisma.sql`a."assignedClerkId" = ${f.assignedClerkId}::uuid`);
  if (f.due === "overdue") parts.push(Prisma.sql`a."nextDeadlineAt" < ${now}`);
  else if (f.due === "week") {
    parts.push(
      Prisma.sql`a."nextDeadlineAt" >= ${now} AND a."nextDeadlineAt" < ${new Date(now.getTime() + WEEK_MS)}`,
    );
  }
  for (const word of searchWords(f.q)) {
    // Folded in SQL by the same function as the index expression: one definition of "equal".
    parts.push(
      Prisma.sql`public.bauantrag_search_fold(a."searchText") LIKE '%' || public.bauantrag_search_fold(${escapeLike(word)}) || '%'`,
    );
  }
  return Prisma.join(parts, " AND ");
}

/**
 * The statements of listInbox (exported for bench/inbox.ts, which EXPLAIN ANALYZEs them): `rows` is
 * the page and, in the same round trip, the total as an uncorrelated scalar subquery (PostgreSQL
 * runs it once, as an InitPlan: the same work as a separate count, one statement less per inbox
 * request). `count` alone is needed only when the page is empty (paged past the end).
 */
export function inboxQueries(authorityId: string, f: NormalizedInboxFilters, now: Date) {
  const where = inboxWhere(authorityId, f, now);
  const offset = (f.page - 1) * f.pageSize;
  const order = Prisma.raw(INBOX_ORDER[f.sort]);
  // Page first (only Application, in index order), then the joins and JSON extraction for its rows.
  const rows = Prisma.sql`
    SELECT a."id", a."fileNumber", a."title", a."status"::text AS "status", a."procedureType",
           a."submittedAt", a."nextDeadlineAt", a."decisionDueAt", a."intakeChannel"::text AS "intakeChannel",
           m."name" AS "municipalityName",
           a."assignedClerkId", u."displayName" AS "assignedClerkName",
           NULLIF(COALESCE(NULLIF(a."data" #>> '{bauherr,companyName}', ''),
                  trim(concat_ws(' ', a."data" #>> '{bauherr,firstName}', a."data" #>> '{bauherr,lastName}'))), '')
             AS "applicantName",
           NULLIF(concat_ws(', ',
                    NULLIF(trim(concat_ws(' ', a."data" #>> '{plot,address,street}',
                                               a."data" #>> '{plot,address,houseNumber}')), ''),
                    NULLIF(a."data" #>> '{plot,address,city}', '')), '') AS "plotAddress",
           (SELECT count(*)::int FROM "Application" a WHERE ${where}) AS "total"
      FROM (SELECT a."id", a."fileNumber", a."title", a."status", a."procedureType", a."submittedAt",
                   a."nextDeadlineAt", a."decisionDueAt", a."municipalityId", a."assignedClerkId", a."data",
                   a."intakeChannel"
              FROM "Application" a
             WHERE ${where}
             ORDER BY ${order}
             LIMIT ${f.pageSize} OFFSET ${offset}) a
      LEFT JOIN "Authority" m ON m."id" = a."municipalityId"
      LEFT JOIN "User" u ON u."id" = a."assignedClerkId"
     ORDER BY ${order}`;
  const count = Prisma.sql`SELECT count(*)::int AS "total" FROM "Application" a WHERE ${where}`;
  return { rows, count };
}

/** May this user see an inbox at all: a clerk of some authority. */
function clerkAuthority(clerk: SessionUser | null | undefined): string | null {
  if (!clerk?.authorityId || !can(clerk, "read:application:authority")) return null;
  return clerk.authorityId;
}

export async function listInbox(
  clerk: SessionUser,
  filters: InboxFilters,
  options: { now?: Date; client?: Tx } = {},
): Promise<InboxPage> {
  const f = normalizeInboxFilters(filters);
  const authorityId = clerkAuthority(clerk);
  if (!authorityId || f.impossible) return { rows: [], total: 0, page: f.page, pageSize: f.pageSize };
  const client = options.client ?? db();
  const { rows, count } = inboxQueries(authorityId, f, options.now ?? new Date());
  const list = await client.$queryRaw<(InboxRow & { total: number })[]>(rows);
  let total = list[0]?.total ?? 0;
  // An empty page beyond the first does not say how many there are (`client` may be a transaction,
  // so this runs after the first statement, never beside it).
  if (list.length === 0 && f.page > 1) {
    total = (await client.$queryRaw<{ total: number }[]>(count))[0]?.total ?? 0;
  }
  return { rows: list.map(({ total: _, ...row }) => row), total, page: f.page, pageSize: f.pageSize };
}

// ---- search text (built in app/domain/search-text.ts; re-exported for the models that write it) ----

export { buildSearchText, type SearchTextSource } from "~/domain/search-text";
