import { randomBytes } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type DeleteExpiredSessionsPayload, parsePayload, queueOf } from "~/utils/queue.server";
import { createSession } from "~/utils/session.server";
import { createTestUser } from "~/utils/test-tenant.server";
import { type RunningWorkers, startWorkers } from "../start";
import { randomPrefix, waitFor } from "../test-support";
import {
  DELETE_EXPIRED_SESSIONS_JOB,
  DELETE_EXPIRED_SESSIONS_REPEAT,
  deleteExpiredSessionsProcessor,
  scheduleSessionCleanup,
} from "./delete-expired-sessions";

let user: Pick<SessionUser, "id">;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  user = await createTestUser({ roles: ["APPLICANT"] });
});

afterAll(async () => {
  await workers?.close();
});

/** A session row that expired `msAgo` ago (negative: still valid). */
async function sessionExpired(msAgo: number): Promise<string> {
  const id = randomBytes(16).toString("hex");
  await db().session.create({ data: { id, userId: user.id, expiresAt: new Date(Date.now() - msAgo) } });
  return id;
}

async function exists(id: string): Promise<boolean> {
  return (await db().session.count({ where: { id } })) === 1;
}

function run(payload: DeleteExpiredSessionsPayload) {
  const parsed = parsePayload(DELETE_EXPIRED_SESSIONS_JOB, payload);
  const job = { id: "test", name: DELETE_EXPIRED_SESSIONS_JOB, data: parsed } as unknown as Job<
    DeleteExpiredSessionsPayload,
    unknown,
    typeof DELETE_EXPIRED_SESSIONS_JOB
  >;
  return deleteExpiredSessionsProcessor(parsed, job, { db: db(), mailer: null, log: logger });
}

describe("system.delete-expired-sessions", () => {
  it("deletes expired sessions only; a second run deletes nothing more", async () => {
    const expired = await sessionExpired(60_000);
    const valid = (await createSession(user.id)).sessionId;
    const first = (await run({})) as { deleted: number };
    expect(first.deleted).toBeGreaterThanOrEqual(1);
    expect(await exists(expired)).toBe(false);
    expect(await exists(valid)).toBe(true);
    // `now` moves the cut-off (manual runs, tests); the valid session expires in the future only.
    const later = await sessionExpired(-3_600_000);
    await run({ now: new Date(Date.now() + 2 * 3_600_000).toISOString() });
    expect(await exists(later)).toBe(false);
    expect(await exists(valid)).toBe(true);
  });

  it("is scheduled daily in the worker and runs from the scheduler", async () => {
    expect(DELETE_EXPIRED_SESSIONS_REPEAT).toEqual({ pattern: "30 3 * * *", tz: "Europe/Berlin" });
    const expired = await sessionExpired(1_000);
    workers = startWorkers({ prefix: randomPrefix(), concurrency: 1, mailer: null, relay: false });
    await workers.ready;
    // The daily pattern is registered as given; a short interval lets the test see a run.
    await scheduleSessionCleanup(workers.queues);
    const queue = workers.queues.get(queueOf(DELETE_EXPIRED_SESSIONS_JOB));
    const daily = (await queue.getJobSchedulers()).find((s) => s.key === DELETE_EXPIRED_SESSIONS_JOB);
    expect(daily).toMatchObject({ pattern: "30 3 * * *", tz: "Europe/Berlin" });
    await scheduleSessionCleanup(workers.queues, { every: 300 });
    await waitFor(async () => !(await exists(expired)), { timeoutMs: 20_000, what: "scheduled cleanup" });
    await queue.removeJobScheduler(DELETE_EXPIRED_SESSIONS_JOB);
    await workers.close();
    workers = undefined;
  }, 60_000);
});
