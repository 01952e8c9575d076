import { retrievalPeriodEnd } from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import { LAND_PROFILES, type LandProfile, resolveProfile } from "~/domain/land-profiles";
import { AWAITING_STATEMENT_STATUSES } from "~/domain/lifecycle";
import type { ApplicationStatus, PrismaClient } from "~/generated/prisma/client";
import { Prisma } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { sqlStatuses } from "~/models/lifecycle.server";
import {
  applyDeemedConsent,
  type DueParticipation,
  markOverdue,
  remindOfDeadline,
} from "~/models/participation.server";
import { type Queues, queueOf } from "~/utils/queue.server";
import type { Processor } from "../types";

/**
 * `deadlines.check-requests` (repeatable) watches the deadlines of requests and (below,
 * checkParticipationDeadlines) of participations.
 *
 * Requests: finds OPEN requests whose deadline has passed and not
 * been handled yet, sets `expiredAt` once, records the event "request.expired" on the case (the
 * clerk's view shows "Frist abgelaufen – gilt als zurückgenommen?") and enqueues the notification
 * for both sides. The request stays OPEN: a late answer is still possible until the clerk decides.
 *
 * Idempotent: each request is claimed with `FOR UPDATE SKIP LOCKED` and updated only while
 * `expiredAt IS NULL`, event and outbox row in the same transaction; the notify job id and the
 * notification dedupe key carry the request id — two runs (even at once) never notify twice.
 */

const AWAITING = sqlStatuses(AWAITING_STATEMENT_STATUSES);
/** Nobody is reminded or told about a procedure the applicant side ended. */
const WITHDRAWN = sqlStatuses(["WITHDRAWN", "DEEMED_WITHDRAWN"] satisfies ApplicationStatus[]);

export const CHECK_REQUESTS_JOB = "deadlines.check-requests" as const;
/** How often the worker process runs the check. */
export const CHECK_REQUESTS_EVERY_MS = 15 * 60_000;

export interface CheckRequestsOptions {
  now?: Date;
  /** Only cases of this authority (tests sharing a database). */
  authorityId?: string;
  /** Only this case (participations; e2e time travel must not touch other specs' cases). */
  applicationId?: string;
  batchSize?: number;
}

export interface CheckRequestsResult {
  expired: number;
  requestIds: string[];
}

export async function checkExpiredRequests(
  db: PrismaClient,
  { now = new Date(), authorityId, batchSize = 200 }: CheckRequestsOptions = {},
): Promise<CheckRequestsResult> {
  const requestIds: string[] = [];
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const tenant =
        authorityId === undefined ? Prisma.empty : Prisma.sql`AND a."authorityId" = ${authorityId}::uuid`;
      const rows = await tx.$queryRaw<{ id: string; applicationId: string; deadline: Date }[]>`
        SELECT r."id", r."applicationId", r."deadline"
        FROM "Request" r JOIN "Application" a ON a."id" = r."applicationId"
        WHERE r."status" = 'OPEN' AND r."expiredAt" IS NULL AND r."deadline" < ${now} ${tenant}
        ORDER BY r."deadline", r."id"
        LIMIT ${batchSize}
        FOR UPDATE OF r SKIP LOCKED`;
      const done: string[] = [];
      for (const row of rows) {
        const { count } = await tx.request.updateMany({
          where: { id: row.id, status: "OPEN", expiredAt: null },
          data: { expiredAt: now },
        });
        if (count !== 1) continue;
        await appendEvent(tx, {
          applicationId: row.applicationId,
          actorId: null,
          type: "request.expired",
          payload: {
            requestId: row.id,
            deadline: row.deadline.toISOString(),
            label: "Frist abgelaufen – gilt als zurückgenommen?",
          },
        });
        await notifyInTx(tx, "request.expired", {
          applicationId: row.applicationId,
          scope: row.id,
          details: { requestId: row.id, deadline: row.deadline.toISOString() },
        });
        done.push(row.id);
      }
      return { claimed: rows.length, done };
    });
    requestIds.push(...batch.done);
    if (batch.claimed < batchSize) break;
  }
  return { expired: requestIds.length, requestIds };
}

// ---- participations ------------------------------------------------------------------------------

export interface CheckParticipationsResult {
  reminded: string[];
  deemedConsent: string[];
  overdue: string[];
}

/**
 * Participation deadlines (routed, not answered, not closed):
 *
 * - reminder: once `Authority.participationReminderDays` days (of the case's Bauaufsicht) before
 *   the deadline, the agency is reminded; `reminderSentAt` marks it (a granted extension clears it,
 *   so the new deadline gets its own reminder);
 * - deadline passed with fiction (`silenceIsConsent`): status DEEMED_CONSENT with
 *   `deemedConsentAt`, case event, clerks and agency are told "Zustimmung gilt als erteilt";
 * - deadline passed without fiction: `expiredAt` is set once and the clerks are told.
 *
 * This worker only finds and claims the rows; what happens to each is the participation model's
 * (remindOfDeadline, applyDeemedConsent, markOverdue in app/models/participation.server.ts).
 *
 * A withdrawn case is left alone: nobody is reminded or told about a procedure that ended.
 *
 * Same exactly-once pattern as for requests: rows claimed FOR UPDATE SKIP LOCKED, every UPDATE
 * guarded by the state it changes, event and outbox row in the same transaction, notify job ids
 * and scopes carry the participation id (and the deadline, for a reminder/overdue after an
 * extension).
 */
export async function checkParticipationDeadlines(
  db: PrismaClient,
  { now = new Date(), authorityId, applicationId, batchSize = 200 }: CheckRequestsOptions = {},
): Promise<CheckParticipationsResult> {
  const result: CheckParticipationsResult = { reminded: [], deemedConsent: [], overdue: [] };
  const tenant = Prisma.sql`${
    authorityId === undefined ? Prisma.empty : Prisma.sql`AND a."authorityId" = ${authorityId}::uuid`
  } ${applicationId === undefined ? Prisma.empty : Prisma.sql`AND p."applicationId" = ${applicationId}::uuid`}`;
  const columns = Prisma.sql`p."id", p."applicationId", p."agencyId", ag."name" AS "agencyName", p."deadline",
    p."legalBasis", p."silenceIsConsent", p."kind"::text AS "kind"`;

  // Reminders.
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<DueParticipation[]>`
        SELECT ${columns}
        FROM "Participation" p
        JOIN "Application" a ON a."id" = p."applicationId"
        JOIN "Authority" ba ON ba."id" = a."authorityId"
        JOIN "Authority" ag ON ag."id" = p."agencyId"
        WHERE p."status" IN (${AWAITING}) AND p."closedAt" IS NULL AND p."reminderSentAt" IS NULL
          AND a."status" NOT IN (${WITHDRAWN})
          AND ba."participationReminderDays" > 0
          AND p."deadline" >= ${now}
          AND p."deadline" - make_interval(days => ba."participationReminderDays") <= ${now} ${tenant}
        ORDER BY p."deadline", p."id"
        LIMIT ${batchSize}
        FOR UPDATE OF p SKIP LOCKED`;
      const done: string[] = [];
      for (const row of rows) {
        if (!(await remindOfDeadline(tx, row, now))) continue;
        done.push(row.id);
      }
      return { claimed: rows.length, done };
    });
    result.reminded.push(...batch.done);
    if (batch.claimed < batchSize) break;
  }

  // Deadline passed without a statement.
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<DueParticipation[]>`
        SELECT ${columns}
        FROM "Participation" p
        JOIN "Application" a ON a."id" = p."applicationId"
        JOIN "Authority" ag ON ag."id" = p."agencyId"
        WHERE p."status" IN (${AWAITING}) AND p."closedAt" IS NULL AND p."deadline" < ${now}
          AND a."status" NOT IN (${WITHDRAWN})
          AND (p."silenceIsConsent" OR p."expiredAt" IS NULL) ${tenant}
        ORDER BY p."deadline", p."id"
        LIMIT ${batchSize}
        FOR UPDATE OF p SKIP LOCKED`;
      const deemed: string[] = [];
      const overdue: string[] = [];
      for (const row of rows) {
        if (row.silenceIsConsent) {
          if (await applyDeemedConsent(tx, row, now)) deemed.push(row.id);
        } else if (await markOverdue(tx, row, now)) {
          overdue.push(row.id);
        }
      }
      return { claimed: rows.length, deemed, overdue };
    });
    result.deemedConsent.push(...batch.deemed);
    result.overdue.push(...batch.overdue);
    if (batch.claimed < batchSize) break;
  }
  return result;
}

// ---- Bekanntgabe by retrieval ----------------------------------------------------------------------

function retrievalRules(profile: string | null | LandProfile) {
  return (typeof profile === "object" && profile !== null ? profile : resolveProfile(profile)).bekanntgabe
    .retrieval;
}

/**
 * A Bescheid provided for retrieval that nobody of the applicant side retrieved within the
 * provision period (§ 41 Abs. 2a Satz 4 VwVfG and the Land's VwVfG: then it is not bekannt gegeben)
 * and that has no other Bekanntgabe recorded: the responsible clerk(s) are warned ONCE — event
 * "decision.not-retrieved" and its notification in one transaction, the decision row claimed
 * FOR UPDATE SKIP LOCKED and skipped once the event exists; the notify job id carries the
 * decision id. The case page shows the same state (app/models/bekanntgabe.server.ts).
 */
export async function checkBekanntgabeRetrievals(
  db: PrismaClient,
  { now = new Date(), authorityId, applicationId, batchSize = 200 }: CheckRequestsOptions = {},
): Promise<{ warned: string[] }> {
  const warned: string[] = [];
  const tenant = Prisma.sql`${
    authorityId === undefined ? Prisma.empty : Prisma.sql`AND a."authorityId" = ${authorityId}::uuid`
  } ${applicationId === undefined ? Prisma.empty : Prisma.sql`AND d."applicationId" = ${applicationId}::uuid`}`;
  // Coarse prefilter in SQL (provided at least periodDays - 1 days ago, any Land); the exact
  // Berlin-date rule is applied per row below.
  const minDays = Math.max(
    0,
    Math.min(...Object.values(LAND_PROFILES).map((p) => retrievalRules(p).periodDays)) - 1,
  );
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<
        {
          id: string;
          applicationId: string;
          landProfile: string | null;
          providedAt: Date;
          firstRetrievedAt: Date | null;
        }[]
      >`
        SELECT d."id", d."applicationId", au."landProfile", del."providedAt",
          (SELECT min(r."retrievedAt") FROM "DecisionRetrieval" r WHERE r."decisionId" = d."id") AS "firstRetrievedAt"
        FROM "Decision" d
        JOIN "Application" a ON a."id" = d."applicationId"
        JOIN "Authority" au ON au."id" = a."authorityId"
        JOIN LATERAL (
          SELECT min(e."createdAt") AS "providedAt" FROM "CaseEvent" e
          WHERE e."applicationId" = d."applicationId" AND e."type" = 'decision.delivered'
        ) del ON del."providedAt" IS NOT NULL
        WHERE d."status" = 'DECIDED'
          AND del."providedAt" <= ${new Date(now.getTime() - minDays * 86_400_000)}
          AND NOT EXISTS (SELECT 1 FROM "DecisionPostDelivery" pd WHERE pd."decisionId" = d."id")
          AND NOT EXISTS (
            SELECT 1 FROM "CaseEvent" w
            WHERE w."applicationId" = d."applicationId" AND w."type" = 'decision.not-retrieved'
          ) ${tenant}
        ORDER BY del."providedAt", d."id"
        LIMIT ${batchSize}
        FOR UPDATE OF d SKIP LOCKED`;
      const done: string[] = [];
      for (const row of rows) {
        const periodEnd = retrievalPeriodEnd(row.providedAt, row.landProfile);
        if (berlinDate(now) <= periodEnd) continue;
        // A retrieval within the period made it known: nothing to warn about.
        if (row.firstRetrievedAt && berlinDate(row.firstRetrievedAt) <= periodEnd) continue;
        const legalBasis = retrievalRules(row.landProfile).periodLegalBasis;
        await appendEvent(tx, {
          applicationId: row.applicationId,
          actorId: null,
          type: "decision.not-retrieved",
          payload: { decisionId: row.id, providedAt: row.providedAt.toISOString(), periodEnd, legalBasis },
        });
        await notifyInTx(tx, "decision.not-retrieved", {
          applicationId: row.applicationId,
          scope: row.id,
          details: { decisionId: row.id, periodEnd, legalBasis },
        });
        done.push(row.id);
      }
      return { claimed: rows.length, done };
    });
    warned.push(...batch.done);
    // Rows inside the prefilter's margin are claimed but not due: stop when a batch warned nobody.
    if (batch.claimed < batchSize || batch.done.length === 0) break;
  }
  return { warned };
}

export const checkDeadlinesProcessor: Processor<"deadlines.check-requests"> = async (
  payload,
  _job,
  { db, log },
) => {
  const now = payload.now ? new Date(payload.now) : new Date();
  const result = await checkExpiredRequests(db, { now });
  if (result.expired > 0) log.info({ expired: result.expired }, "request deadlines passed");
  const participations = await checkParticipationDeadlines(db, { now });
  const { reminded, deemedConsent, overdue } = participations;
  if (reminded.length + deemedConsent.length + overdue.length > 0) {
    log.info(
      { reminded: reminded.length, deemedConsent: deemedConsent.length, overdue: overdue.length },
      "participation deadlines",
    );
  }
  const retrievals = await checkBekanntgabeRetrievals(db, { now });
  if (retrievals.warned.length > 0) log.info({ warned: retrievals.warned.length }, "Bescheide not retrieved");
  return { ...result, participations, retrievals };
};

/**
 * Registers the repeatable check with BullMQ (a job scheduler: one entry however many worker
 * processes start, re-registering just updates it).
 */
export async function scheduleDeadlineChecks(
  queues: Queues,
  everyMs = CHECK_REQUESTS_EVERY_MS,
): Promise<void> {
  const queue = queues.get(queueOf(CHECK_REQUESTS_JOB));
  await queue.upsertJobScheduler(
    CHECK_REQUESTS_JOB,
    { every: everyMs },
    {
      name: CHECK_REQUESTS_JOB,
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
}
