import type { Job } from "bullmq";
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { sendRequest } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type NotifyPayload, parsePayload } from "~/utils/queue.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { NOTIFY_EVENTS, notifyProcessor } from "./notify";

/**
 * The review events in the notification table, run by the real processor against the real
 * database (mail disabled): who is told what, with which link, and never twice.
 */

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let clerk: SessionUser;
let applicationId: string;

beforeAll(async () => {
  district = await createTestDistrict("notify-review");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  bauherr = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
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
  applicationId = id;
});

async function run(payload: NotifyPayload, log = logger) {
  const parsed = parsePayload("system.notify", payload);
  const job = { id: "test", name: "system.notify", data: parsed } as unknown as Job<
    NotifyPayload,
    unknown,
    "system.notify"
  >;
  return notifyProcessor(parsed, job, { db: db(), mailer: null, log });
}

async function notificationsOf(type: string) {
  return db().notification.findMany({
    where: { applicationId, type },
    select: { userId: true, title: true, body: true, link: true },
    orderBy: { createdAt: "asc" },
  });
}

describe("review notifications", () => {
  it("application.deemed-withdrawn tells the applicant side only", async () => {
    await run({ applicationId, event: "application.deemed-withdrawn", actorId: clerk.id });
    const n = await notificationsOf("application.deemed-withdrawn");
    expect(n.map((x) => x.userId).sort()).toEqual([architect.id, bauherr.id].sort());
    expect(n[0]?.title).toContain("gilt als zurückgenommen");
  });

  it("has a text for every review event", () => {
    for (const e of [
      "request.sent",
      "request.answered",
      "request.expired",
      "application.withdrawn",
      "application.deemed-withdrawn",
      "application.complete",
    ] as const) {
      expect(NOTIFY_EVENTS[e].messages.length).toBeGreaterThan(0);
    }
  });

  it("request.sent tells the applicant side (not the clerk), once per request even when retried", async () => {
    const deadline = new Date(Date.now() + 60 * 86_400_000);
    const shown = new Intl.DateTimeFormat("de-DE", {
      timeZone: "Europe/Berlin",
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
    }).format(deadline);
    const first = await sendRequest(clerk, applicationId, {
      items: [{ category: "05", message: "Brandschutznachweis fehlt" }],
      message: "",
      internalNote: "VERTRAULICH",
      deadline,
    });
    if (!first.ok) throw new Error(first.message);
    const payload: NotifyPayload = {
      applicationId,
      event: "request.sent",
      actorId: clerk.id,
      scope: first.requestId,
      details: { requestId: first.requestId, deadline: deadline.toISOString() },
    };
    await run(payload);
    await run(payload);
    let sent = await notificationsOf("request.sent");
    expect(sent.map((n) => n.userId).sort()).toEqual([architect.id, bauherr.id].sort());
    expect(sent[0]?.link).toBe(`/antraege/${applicationId}/nachforderung`);
    expect(sent[0]?.body).toContain(`bis zum ${shown}`);
    expect(JSON.stringify(sent)).not.toContain("VERTRAULICH");

    // A second request on the same case is a new notification (the scope is the request id).
    await run({ ...payload, scope: "second-request" });
    sent = await notificationsOf("request.sent");
    expect(sent).toHaveLength(4);
  });

  it("request.answered tells the clerks and the other members, not the one who answered", async () => {
    await run({ applicationId, event: "request.answered", actorId: architect.id, scope: "r1" });
    const n = await notificationsOf("request.answered");
    expect(n.map((x) => x.userId).sort()).toEqual([bauherr.id, clerk.id].sort());
    expect(n.find((x) => x.userId === clerk.id)?.link).toBe(`/behoerde/faelle/${applicationId}`);
  });

  it("application.complete tells the applicant side the latest decision date", async () => {
    await run({
      applicationId,
      event: "application.complete",
      actorId: clerk.id,
      details: { decisionDueAt: "2027-02-22T22:59:59.999Z" },
    });
    const n = await notificationsOf("application.complete");
    expect(n.map((x) => x.userId).sort()).toEqual([architect.id, bauherr.id].sort());
    expect(n[0]?.body).toContain("spätestens am 22.02.2027");
  });

  it("application.withdrawn tells the clerks and the other members", async () => {
    await run({
      applicationId,
      event: "application.withdrawn",
      actorId: bauherr.id,
      details: { reason: null },
    });
    const n = await notificationsOf("application.withdrawn");
    expect(n.map((x) => x.userId).sort()).toEqual([architect.id, clerk.id].sort());
  });

  it("drops a job whose details do not fit the notification (logged, nothing sent, no retry)", async () => {
    // A producer that went around notifyInTx: request.sent without its deadline.
    const logged: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logged.push(line) });
    const result = await run(
      {
        applicationId,
        event: "request.sent",
        actorId: clerk.id,
        scope: "malformed",
        details: { requestId: "r1" },
      },
      log,
    );
    expect(result).toMatchObject({ dropped: true, recipients: 0 });
    const entry = JSON.parse(logged.find((l) => l.includes("notification dropped")) ?? "{}");
    expect(entry).toMatchObject({ level: 50, event: "request.sent", applicationId });
    expect(entry.issues).toContain("deadline");
    const sent = await db().notification.findMany({
      where: { applicationId, type: "request.sent", dedupeKey: { contains: ":malformed:" } },
    });
    expect(sent).toEqual([]);
  });
});
