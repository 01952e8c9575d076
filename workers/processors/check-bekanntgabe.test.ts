import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appendEvent } from "~/models/case-event.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { parsePayload } from "~/utils/queue.server";
import { buildCase } from "../../test/kit/case";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { checkBekanntgabeRetrievals } from "./check-deadlines";
import { notifyProcessor } from "./notify";

// The ten-day retrieval warning (§ 41 Abs. 2a Satz 4 VwVfG M-V; issue 14 item 2) as the deadline
// worker runs it, with controlled time against the real database: once, to the responsible
// clerk(s), never for a Bescheid retrieved in time or made known by post.

const DAY = 86_400_000;

/** A decided case whose Bescheid file is stored and announced to the applicant side now. */
async function providedBescheid(label: string) {
  const built = await buildCase({ until: "decided", label });
  const decisionId = built.decisionId as string;
  const key = randomUUID();
  const file = await db().generatedDocument.create({
    data: {
      applicationId: built.application.id,
      kind: "BESCHEID",
      title: "Bescheid",
      filename: "bescheid.pdf",
      mimeType: "application/pdf",
      sizeBytes: 1000n,
      sha256: "0".repeat(64),
      storageKey: `test/${key}`,
      sourceKey: `test-bescheid-${key}`,
      audience: "CASE",
      decisionId,
    },
    select: { id: true },
  });
  await appendEvent(db(), {
    applicationId: built.application.id,
    actorId: null,
    type: "decision.delivered",
    payload: { decisionId },
  });
  return { ...built, decisionId, fileId: file.id };
}

const check = (applicationId: string, now: Date) => checkBekanntgabeRetrievals(db(), { now, applicationId });

async function warnings(applicationId: string) {
  return db().caseEvent.findMany({
    where: { applicationId, type: "decision.not-retrieved" },
    select: { payload: true },
  });
}

async function notifyJobs(applicationId: string) {
  return db().outboxMessage.findMany({
    where: {
      jobName: "system.notify",
      payload: { path: ["event"], equals: "decision.not-retrieved" },
      AND: { payload: { path: ["applicationId"], equals: applicationId } },
    },
    select: { payload: true },
  });
}

async function runNotify(job: { payload: unknown }) {
  const payload = parsePayload("system.notify", job.payload);
  return notifyProcessor(payload, { id: "t", name: "system.notify", data: payload } as never, {
    db: db(),
    mailer: null,
    log: logger,
  });
}

describe("ten-day retrieval warning", () => {
  it("warns once after the provision period, to the assigned clerk only", async () => {
    const c = await providedBescheid("retrieval-warn");
    const id = c.application.id;
    const provided = Date.now();

    // Within the ten days (and on the tenth): nothing.
    expect((await check(id, new Date(provided + 5 * DAY))).warned).toEqual([]);
    expect((await check(id, new Date(provided + 10 * DAY - 60_000))).warned).toEqual([]);
    expect(await warnings(id)).toHaveLength(0);

    // The clerk responsible for the case is the one told; a second clerk of the authority is not.
    const second = await sessionUser({ roles: ["CLERK"], authorityId: c.district.authority.id });
    await db().application.update({ where: { id }, data: { assignedClerkId: c.district.clerk.id } });

    const later = new Date(provided + 12 * DAY);
    expect((await check(id, later)).warned).toEqual([c.decisionId]);
    // Repeat-safe: a second run (the worker runs every 15 minutes) and a later one add nothing.
    expect((await check(id, later)).warned).toEqual([]);
    expect((await check(id, new Date(provided + 40 * DAY))).warned).toEqual([]);
    const events = await warnings(id);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      decisionId: c.decisionId,
      legalBasis: "§ 41 Abs. 2a Satz 4 und 5 VwVfG M-V",
    });
    const jobs = await notifyJobs(id);
    expect(jobs).toHaveLength(1);
    await runNotify(jobs[0] as { payload: unknown });
    await runNotify(jobs[0] as { payload: unknown });
    const told = await db().notification.findMany({
      where: { applicationId: id, type: "decision.not-retrieved" },
      select: { userId: true, title: true, body: true, link: true },
    });
    expect(told.map((n) => n.userId)).toEqual([c.district.clerk.id]);
    expect(told.map((n) => n.userId)).not.toContain(second.id);
    expect(told[0]).toMatchObject({
      title: expect.stringContaining("Bescheid nicht abgerufen"),
      body: expect.stringContaining("nicht bekannt gegeben"),
      link: `/behoerde/faelle/${id}#bekanntgabe-heading`,
    });
    // The applicant side never sees this one.
    const architectTold = await db().notification.count({
      where: { applicationId: id, type: "decision.not-retrieved", userId: c.district.architect.id },
    });
    expect(architectTold).toBe(0);
  });

  it("no one assigned: every clerk of the authority is told", async () => {
    const c = await providedBescheid("retrieval-warn-all");
    const id = c.application.id;
    const second = await sessionUser({ roles: ["CLERK"], authorityId: c.district.authority.id });
    expect((await check(id, new Date(Date.now() + 12 * DAY))).warned).toEqual([c.decisionId]);
    const jobs = await notifyJobs(id);
    await runNotify(jobs[0] as { payload: unknown });
    const told = await db().notification.findMany({
      where: { applicationId: id, type: "decision.not-retrieved" },
      select: { userId: true },
    });
    expect(told.map((n) => n.userId).sort()).toEqual([c.district.clerk.id, second.id].sort());
  });

  it("no warning when the Bescheid was retrieved in time or a Zustellung by post is recorded", async () => {
    const retrieved = await providedBescheid("retrieval-in-time");
    await db().decisionRetrieval.create({
      data: {
        decisionId: retrieved.decisionId,
        generatedDocumentId: retrieved.fileId,
        userId: retrieved.district.architect.id,
        role: "ENTWURFSVERFASSER",
        retrievedAt: new Date(Date.now() + 3 * DAY),
      },
    });
    expect((await check(retrieved.application.id, new Date(Date.now() + 12 * DAY))).warned).toEqual([]);

    const byPost = await providedBescheid("retrieval-post");
    await db().decisionPostDelivery.create({
      data: {
        decisionId: byPost.decisionId,
        method: "ZUSTELLUNGSURKUNDE",
        deliveredOn: new Date().toISOString().slice(0, 10),
        recordedById: byPost.district.clerk.id,
      },
    });
    expect((await check(byPost.application.id, new Date(Date.now() + 12 * DAY))).warned).toEqual([]);

    // A retrieval only after the period does not make it known: that case is warned.
    const late = await providedBescheid("retrieval-late");
    await db().decisionRetrieval.create({
      data: {
        decisionId: late.decisionId,
        generatedDocumentId: late.fileId,
        userId: late.district.architect.id,
        role: "ENTWURFSVERFASSER",
        retrievedAt: new Date(Date.now() + 11 * DAY),
      },
    });
    expect((await check(late.application.id, new Date(Date.now() + 12 * DAY))).warned).toEqual([
      late.decisionId,
    ]);
    expect(await notifyJobs(retrieved.application.id)).toHaveLength(0);
    expect(await notifyJobs(byPost.application.id)).toHaveLength(0);
  });
});
