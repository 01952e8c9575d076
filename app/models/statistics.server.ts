import { endOfBerlinDay } from "~/domain/deadlines";
import { AWAITING_STATEMENT_STATUSES } from "~/domain/lifecycle";
import { Prisma } from "~/generated/prisma/client";
import { sqlStatuses } from "~/models/lifecycle.server";
import { db, type Tx } from "~/utils/db.server";

/** Routed and without statement (the lifecycle table's set, not a copy). */
const AWAITING = sqlStatuses(AWAITING_STATEMENT_STATUSES);

/**
 * Statistics of one authority's cases, for the authority itself ("does the digital process pay
 * off?"): received, complete and decided per month, median days from submission to complete and to
 * decision, how many Nachforderungen a case needs, and participations past their deadline.
 *
 * Every statement has the authority in its WHERE (the tenant is a parameter, never interpolated)
 * and starts from an index on it: Application(authorityId, …) and Participation(status, deadline).
 * Months are calendar months in Berlin time, like every date the users see (timestamps are stored
 * as UTC without zone, hence `AT TIME ZONE 'UTC'` before converting).
 */

export interface MonthRow {
  /** "2026-03". */
  month: string;
  received: number;
  complete: number;
  decided: number;
}

export interface OverdueParticipation {
  id: string;
  applicationId: string;
  fileNumber: string | null;
  title: string;
  agencyName: string;
  kind: string;
  status: string;
  deadline: Date;
}

export interface AuthorityStatistics {
  /** First instant of the window (start of the first month, Berlin) and the end (now). */
  from: Date;
  to: Date;
  months: MonthRow[];
  totals: { received: number; complete: number; decided: number };
  /** Median calendar days (fractional) over the cases that became complete / were decided in the window. */
  medianDaysToComplete: number | null;
  medianDaysToDecision: number | null;
  /** How many cases the medians are based on. */
  completeCount: number;
  decidedCount: number;
  /** Nachforderungen of the cases received in the window. */
  requests: {
    cases: number;
    requests: number;
    casesWithRequest: number;
    perCase: number | null;
    share: number | null;
  };
  overdue: { count: number; items: OverdueParticipation[] };
}

const TIME_ZONE = "Europe/Berlin";

/** "2026-03" of an instant in Berlin time. */
export function berlinMonth(date: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(date);
  return `${parts.find((p) => p.type === "year")?.value}-${parts.find((p) => p.type === "month")?.value}`;
}

/** The `count` month keys ending with the month of `now`, oldest first. */
export function monthKeys(now: Date, count: number): string[] {
  const [y, m] = berlinMonth(now).split("-").map(Number) as [number, number];
  const keys: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const total = y * 12 + (m - 1) - i;
    keys.push(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`);
  }
  return keys;
}

/** Start of a Berlin month ("2026-03") as an instant: just after the last moment of the month before. */
export function berlinMonthStart(month: string): Date {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const lastDayBefore = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
  return new Date(endOfBerlinDay(lastDayBefore).getTime() + 1);
}

/**
 * The decision of case `a`, when decided in the window. Decision has no authority column, so the
 * tenant's cases drive the query and each looks up its decision by the unique applicationId index;
 * OFFSET 0 keeps the planner from flattening this into a hash join over every tenant's decisions
 * (a sequential scan that grows with the whole installation, not with the authority).
 */
function decidedIn(from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`SELECT d."decidedAt" FROM "Decision" d
     WHERE d."applicationId" = a."id" AND d."status" = 'DECIDED' AND d."decidedAt" >= ${from} AND d."decidedAt" < ${to}
    OFFSET 0`;
}

/** The raw statements (tenant and window as parameters); exported so they can be EXPLAINed. */
export const statisticsSql = {
  /** Received (submittedAt), complete (completeAt), decided (Decision.decidedAt) per Berlin month. */
  perMonth: (authorityId: string, from: Date, to: Date) => Prisma.sql`
      SELECT x.kind, to_char(date_trunc('month', (x.ts AT TIME ZONE 'UTC') AT TIME ZONE ${TIME_ZONE}), 'YYYY-MM') AS month, count(*)::int AS n
        FROM (
          SELECT 'received' AS kind, a."submittedAt" AS ts FROM "Application" a
           WHERE a."authorityId" = ${authorityId}::uuid AND a."submittedAt" >= ${from} AND a."submittedAt" < ${to}
          UNION ALL
          SELECT 'complete', a."completeAt" FROM "Application" a
           WHERE a."authorityId" = ${authorityId}::uuid AND a."completeAt" >= ${from} AND a."completeAt" < ${to}
          UNION ALL
          SELECT 'decided', d."decidedAt" FROM "Application" a
           CROSS JOIN LATERAL (${decidedIn(from, to)}) d
           WHERE a."authorityId" = ${authorityId}::uuid
        ) x
       GROUP BY 1, 2`,
  /** Median days submission -> complete and submission -> decision, with the number of cases. */
  medians: (authorityId: string, from: Date, to: Date) => Prisma.sql`
      SELECT c.days AS complete_days, c.n AS complete_n, d.days AS decision_days, d.n AS decision_n
        FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a."completeAt" - a."submittedAt") / 86400) AS days,
                     count(*)::int AS n
                FROM "Application" a
               WHERE a."authorityId" = ${authorityId}::uuid AND a."completeAt" >= ${from} AND a."completeAt" < ${to}
                 AND a."submittedAt" IS NOT NULL) c
       CROSS JOIN
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d."decidedAt" - a."submittedAt") / 86400) AS days,
                     count(*)::int AS n
                FROM "Application" a
               CROSS JOIN LATERAL (${decidedIn(from, to)}) d
               WHERE a."authorityId" = ${authorityId}::uuid AND a."submittedAt" IS NOT NULL) d`,
  /**
   * Participations sent or opened, without statement, past their deadline (oldest first, with the
   * total). Driven by the tenant's cases like decidedIn: the (status, deadline) index would read
   * every authority's overdue participations.
   */
  overdue: (authorityId: string, now: Date, limit: number) => Prisma.sql`
      SELECT p."id", a."id" AS "applicationId", a."fileNumber", a."title", ag."name" AS "agencyName",
             p."kind"::text AS "kind", p."status"::text AS "status", p."deadline", count(*) OVER ()::int AS total
        FROM "Application" a
       CROSS JOIN LATERAL (
             SELECT q."id", q."agencyId", q."kind", q."status", q."deadline" FROM "Participation" q
              WHERE q."applicationId" = a."id" AND q."status" IN (${AWAITING}) AND q."deadline" < ${now}
             OFFSET 0) p
        JOIN "Authority" ag ON ag."id" = p."agencyId"
       WHERE a."authorityId" = ${authorityId}::uuid
       ORDER BY p."deadline", p."id"
       LIMIT ${limit}`,
  /** Nachforderungen of the cases received in the window. */
  requests: (authorityId: string, from: Date, to: Date) => Prisma.sql`
      SELECT count(*)::int AS cases,
             coalesce(sum(r.n), 0)::int AS requests,
             count(*) FILTER (WHERE r.n > 0)::int AS with_request
        FROM "Application" a
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM "Request" q WHERE q."applicationId" = a."id") r
       WHERE a."authorityId" = ${authorityId}::uuid AND a."submittedAt" >= ${from} AND a."submittedAt" < ${to}`,
};

export async function authorityStatistics(
  authorityId: string,
  {
    months = 12,
    now = new Date(),
    overdueLimit = 50,
  }: { months?: number; now?: Date; overdueLimit?: number } = {},
  client: Tx = db(),
): Promise<AuthorityStatistics> {
  const keys = monthKeys(now, months);
  const from = berlinMonthStart(keys[0] as string);
  const to = now;

  const [perMonth, medians, requestRows, overdueRows] = await Promise.all([
    client.$queryRaw<{ kind: string; month: string; n: number }[]>(
      statisticsSql.perMonth(authorityId, from, to),
    ),
    client.$queryRaw<
      { complete_days: number | null; complete_n: number; decision_days: number | null; decision_n: number }[]
    >(statisticsSql.medians(authorityId, from, to)),
    client.$queryRaw<{ cases: number; requests: number; with_request: number }[]>(
      statisticsSql.requests(authorityId, from, to),
    ),
    client.$queryRaw<(Omit<OverdueParticipation, "deadline"> & { deadline: Date; total: number })[]>(
      statisticsSql.overdue(authorityId, now, overdueLimit),
    ),
  ]);

  const byMonth = new Map<string, MonthRow>(
    keys.map((month) => [month, { month, received: 0, complete: 0, decided: 0 }]),
  );
  for (const row of perMonth) {
    const target = byMonth.get(row.month);
    if (target && (row.kind === "received" || row.kind === "complete" || row.kind === "decided")) {
      target[row.kind] = row.n;
    }
  }
  const monthRows = [...byMonth.values()];
  const m = medians[0];
  const r = requestRows[0] ?? { cases: 0, requests: 0, with_request: 0 };
  return {
    from,
    to,
    months: monthRows,
    totals: {
      received: sum(monthRows.map((x) => x.received)),
      complete: sum(monthRows.map((x) => x.complete)),
      decided: sum(monthRows.map((x) => x.decided)),
    },
    medianDaysToComplete: m?.complete_days ?? null,
    medianDaysToDecision: m?.decision_days ?? null,
    completeCount: m?.complete_n ?? 0,
    decidedCount: m?.decision_n ?? 0,
    requests: {
      cases: r.cases,
      requests: r.requests,
      casesWithRequest: r.with_request,
      perCase: r.cases > 0 ? r.requests / r.cases : null,
      share: r.cases > 0 ? r.with_request / r.cases : null,
    },
    overdue: {
      count: overdueRows[0]?.total ?? 0,
      items: overdueRows.map(({ total: _total, ...p }) => p),
    },
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
