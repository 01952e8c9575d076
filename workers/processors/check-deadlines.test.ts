import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendRequest } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { buildJobId, queueOf } from "~/utils/queue.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { type RunningWorkers, startWorkers } from "../start";
import { randomPrefix, waitFor } from "../test-support";
import { CHECK_REQUESTS_JOB, checkExpiredRequests, scheduleDeadlineChecks } from "./check-deadlines";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let clerk: SessionUser;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  district = await createTestDistrict("deadlines");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  bauherr = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

afterAll(async () => {
  await workers?.close();
});

async function caseWithRequest(deadline: Date) {
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
  await db().applicationMember.create({
    data: {
      applicationId: id,
      userId: bauherr.id,
      email: bauherr.email,
      role: "BAUHERR",
      invitationState: "ACCEPTED",
      acceptedAt: new Date(),
    },
  });
  const s = await submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
  if (!s.ok) throw new Error(JSON.stringify(s));
  const r = await sendRequest(clerk, id, {
    items: [{ category: "05", message: "Brandschutznachweis fehlt", documentTypeCode: "2701" }],
    message: "Bitte nachreichen.",
    internalNote: "",
    deadline,
  });
  if (!r.ok) throw new Error(r.message);
  return { applicationId: id, requestId: r.requestId };
}

const hours = (n: number) => n * 3_600_000;

describe("checkExpiredRequests (time controlled)", () => {
  it("marks a request once its deadline passed, exactly once, with event and one notify job", async () => {
    const deadline = new Date(Date.now() + hours(48));
    const { applicationId, requestId } = await caseWithRequest(deadline);
    const opts = { authorityId: district.authority.id };

    // Before the deadline: nothing.
    expect(await checkExpiredRequests(db(), { ...opts, now: new Date(deadline.getTime() - 1) })).toEqual({
      expired: 0,
      requestIds: [],
    });

    const now = new Date(deadline.getTime() + hours(1));
    // Two runs at the same time and one after: the request is marked once.
    const [a, b] = await Promise.all([
      checkExpiredRequests(db(), { ...opts, now }),
      checkExpiredRequests(db(), { ...opts, now }),
    ]);
    const again = await checkExpiredRequests(db(), { ...opts, now: new Date(now.getTime() + hours(24)) });
    expect([...a.requestIds, ...b.requestIds, ...again.requestIds]).toEqual([requestId]);

    const req = await db().request.findUniqueOrThrow({ where: { id: requestId } });
    expect(req.status).toBe("OPEN");
    expect(req.expiredAt).toEqual(now);
    const events = await db().caseEvent.findMany({
      where: { applicationId, type: "request.expired" },
      select: { actorId: true, payload: true },
    });
    expect(events).toEqual([
      {
        actorId: null,
        payload: {
          requestId,
          deadline: deadline.toISOString(),
          label: "Frist abgelaufen – gilt als zurückgenommen?",
        },
      },
    ]);
    const jobs = await db().outboxMessage.findMany({
      where: { jobId: buildJobId("system.notify", applicationId, "request.expired", requestId) },
      select: { payload: true },
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload).toMatchObject({ event: "request.expired", scope: requestId, applicationId });
  });

  it("leaves answered requests and other authorities alone", async () => {
    const deadline = new Date(Date.now() + hours(1));
    const { requestId } = await caseWithRequest(deadline);
    await db().request.update({
      where: { id: requestId },
      data: { status: "ANSWERED", answeredAt: new Date() },
    });
    const later = new Date(deadline.getTime() + hours(2));
    expect(
      (await checkExpiredRequests(db(), { authorityId: district.authority.id, now: later })).requestIds,
    ).not.toContain(requestId);
    const other = await createTestDistrict("deadlines-other");
    const { requestId: open } = await caseWithRequest(deadline);
    expect(
      (await checkExpiredRequests(db(), { authorityId: other.authority.id, now: later })).requestIds,
    ).toEqual([]);
    expect((await db().request.findUniqueOrThrow({ where: { id: open } })).expiredAt).toBeNull();
  });
});

describe("deadlines.check-requests in the worker", () => {
  it("runs as a repeatable job and notifies both sides once, however often it runs", async () => {
    const { applicationId, requestId } = await caseWithRequest(new Date(Date.now() + hours(24)));
    // The deadline has passed (set directly: the job runs on the real clock here).
    await db().request.update({
      where: { id: requestId },
      data: { deadline: new Date(Date.now() - 60_000) },
    });

    const prefix = randomPrefix();
    workers = startWorkers({
      prefix,
      concurrency: 2,
      mailer: null,
      relay: {
        intervalMs: 100,
        listenUrl: false,
        jobIdLike: `${buildJobId("system.notify", applicationId, "request.expired")}%`,
      },
    });
    await workers.ready;
    await scheduleDeadlineChecks(workers.queues, 500);
    const queue = workers.queues.get(queueOf(CHECK_REQUESTS_JOB));
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(CHECK_REQUESTS_JOB);

    const expected = [architect.id, bauherr.id, clerk.id].sort();
    await waitFor(
      async () => {
        const n = await db().notification.findMany({
          where: { applicationId, type: "request.expired" },
          select: { userId: true },
        });
        return n.length >= expected.length;
      },
      { timeoutMs: 20_000, what: "request.expired notifications" },
    );
    // Let the scheduler run a few more times.
    await waitFor(async () => (await queue.getCompletedCount()) >= 4, {
      timeoutMs: 20_000,
      what: "more runs",
    });

    const notifications = await db().notification.findMany({
      where: { applicationId, type: "request.expired" },
      select: { userId: true, title: true, link: true },
    });
    expect(notifications.map((n) => n.userId).sort()).toEqual(expected);
    const forClerk = notifications.find((n) => n.userId === clerk.id);
    expect(forClerk?.title).toContain("Frist abgelaufen – gilt als zurückgenommen?");
    expect(forClerk?.link).toBe(`/behoerde/faelle/${applicationId}`);
    expect(notifications.find((n) => n.userId === architect.id)?.link).toBe(
      `/antraege/${applicationId}/nachforderung`,
    );
    expect(await db().caseEvent.count({ where: { applicationId, type: "request.expired" } })).toBe(1);

    await queue.removeJobScheduler(CHECK_REQUESTS_JOB);
    await workers.close();
    workers = undefined;
  }, 60_000);
});
