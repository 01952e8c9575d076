import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { grantExtension, startParticipation } from "~/models/participation.server";
import { db } from "~/utils/db.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { checkParticipationDeadlines } from "./check-deadlines";

// Time controlled: every run passes `now`; the tenant filter keeps other tests' rows out.

let d: ParticipationDistrict;
const DAY = 86_400_000;

beforeAll(async () => {
  d = await createParticipationDistrict("pa-deadlines", ["DENKMALSCHUTZ", "BRANDSCHUTZ", "NATURSCHUTZ"]);
  await db().authority.update({ where: { id: d.authority.id }, data: { participationReminderDays: 7 } });
});

/** Three routed participations with a deadline 30 days out: Zustimmung, Zustimmung (fiction), Stellungnahme (none). */
async function routedCase() {
  const app = await createCompleteCase(d);
  const versions = await currentVersionIds(app.id);
  const start = new Date();
  const deadline = berlinDate(new Date(start.getTime() + 30 * DAY));
  const r = await startParticipation(d.clerk, app.id, [
    {
      agencyId: d.agencies.DENKMALSCHUTZ!.id,
      documentVersionIds: versions,
      deadline,
      question: "?",
      kind: "AGENCY_CONSENT",
    },
    {
      agencyId: d.agencies.BRANDSCHUTZ!.id,
      documentVersionIds: versions,
      deadline,
      question: "?",
      kind: "AGENCY_CONSENT",
    },
    {
      agencyId: d.agencies.NATURSCHUTZ!.id,
      documentVersionIds: versions,
      deadline,
      question: "?",
      kind: "AGENCY_STATEMENT",
    },
  ]);
  if (!r.ok) throw new Error(r.message);
  // What the routing worker leaves behind.
  await db().participation.updateMany({
    where: { applicationId: app.id },
    data: { status: "SENT", sentAt: start },
  });
  const rows = await db().participation.findMany({
    where: { applicationId: app.id },
    select: { id: true, agencyId: true, deadline: true },
  });
  const by = (agencyId: string) => rows.find((x) => x.agencyId === agencyId)!;
  return {
    app,
    denkmal: by(d.agencies.DENKMALSCHUTZ!.id),
    brand: by(d.agencies.BRANDSCHUTZ!.id),
    natur: by(d.agencies.NATURSCHUTZ!.id),
  };
}

const check = (now: Date) => checkParticipationDeadlines(db(), { now, authorityId: d.authority.id });

async function notifyJobs(applicationId: string, event: string) {
  return db().outboxMessage.findMany({
    where: {
      jobName: "system.notify",
      payload: { path: ["event"], equals: event },
      AND: { payload: { path: ["applicationId"], equals: applicationId } },
    },
    select: { payload: true },
  });
}

describe("participation deadlines", () => {
  it("reminds once N days before, then applies fiction or marks overdue once after the deadline", async () => {
    const { app, denkmal, brand, natur } = await routedCase();
    const deadline = denkmal.deadline.getTime();

    // Too early for a reminder.
    let r = await check(new Date(deadline - 10 * DAY));
    expect(r.reminded).toEqual([]);

    // Seven days before: all three reminded, once.
    r = await check(new Date(deadline - 6 * DAY));
    expect(r.reminded.sort()).toEqual([denkmal.id, brand.id, natur.id].sort());
    r = await check(new Date(deadline - 5 * DAY));
    expect(r.reminded).toEqual([]);
    expect(await notifyJobs(app.id, "participation.reminder")).toHaveLength(3);

    // The Denkmal agency answers in time (PB writes this).
    await db().participation.update({
      where: { id: denkmal.id },
      data: { status: "ANSWERED", answeredAt: new Date(deadline - DAY) },
    });

    // Deadline day itself: nothing yet.
    r = await check(new Date(deadline - 60_000));
    expect(r.deemedConsent).toEqual([]);
    expect(r.overdue).toEqual([]);

    // After the deadline: fiction for Brandschutz, overdue for Naturschutz; answered Denkmal untouched.
    const after = new Date(deadline + 60_000);
    r = await check(after);
    expect(r.deemedConsent).toEqual([brand.id]);
    expect(r.overdue).toEqual([natur.id]);
    const rows = await db().participation.findMany({
      where: { applicationId: app.id },
      select: { id: true, status: true, deemedConsentAt: true, expiredAt: true },
    });
    const byId = Object.fromEntries(rows.map((x) => [x.id, x]));
    expect(byId[brand.id]).toMatchObject({ status: "DEEMED_CONSENT", deemedConsentAt: after });
    expect(byId[natur.id]).toMatchObject({ status: "SENT", expiredAt: after });
    expect(byId[denkmal.id]).toMatchObject({ status: "ANSWERED", expiredAt: null });

    // Two more runs (also at once): nothing new, no second notification.
    const [r2, r3] = await Promise.all([check(new Date(deadline + DAY)), check(new Date(deadline + DAY))]);
    expect([...r2.deemedConsent, ...r2.overdue, ...r3.deemedConsent, ...r3.overdue]).toEqual([]);
    const deemedJobs = await notifyJobs(app.id, "participation.deemed-consent");
    expect(deemedJobs).toHaveLength(1);
    expect(deemedJobs[0]?.payload).toMatchObject({
      scope: brand.id,
      details: { agencyId: d.agencies.BRANDSCHUTZ!.id, participationId: brand.id },
    });
    expect(await notifyJobs(app.id, "participation.overdue")).toHaveLength(1);
    const events = await db().caseEvent.findMany({
      where: {
        applicationId: app.id,
        type: { in: ["participation.deemed-consent", "participation.overdue", "participation.reminded"] },
      },
      select: { type: true },
    });
    expect(events.map((e) => e.type).sort()).toEqual([
      "participation.deemed-consent",
      "participation.overdue",
      "participation.reminded",
      "participation.reminded",
      "participation.reminded",
    ]);
  });

  it("closed participations and reminder days 0 are left alone; an extension earns a new reminder", async () => {
    const { app, denkmal, brand, natur } = await routedCase();
    const deadline = denkmal.deadline.getTime();
    await db().participation.update({ where: { id: natur.id }, data: { closedAt: new Date() } });

    // Brandschutz asks for more time and gets it before any reminder.
    const ext = await db().participationExtension.create({
      data: {
        participationId: brand.id,
        requestedById: d.agencies.BRANDSCHUTZ!.user.id,
        reason: "Ortstermin",
        requestedDeadline: new Date(deadline + 20 * DAY),
      },
    });
    await check(new Date(deadline - 6 * DAY));
    const g = await grantExtension(d.clerk, ext.id, {}, { now: new Date(deadline - 5 * DAY) });
    expect(g.ok).toBe(true);
    // Old deadline passes: Brandschutz is not overdue any more, Naturschutz closed, Denkmal fiction.
    const r = await check(new Date(deadline + 60_000));
    expect(r.deemedConsent).toEqual([denkmal.id]);
    expect(r.overdue).toEqual([]);
    // Reminder for the new deadline.
    const r2 = await check(new Date(deadline + 14 * DAY));
    expect(r2.reminded).toEqual([brand.id]);
    expect(await notifyJobs(app.id, "participation.reminder")).toHaveLength(3); // denkmal + brand (old), brand (new)

    // A withdrawn case: no fiction, no reminder, nobody told.
    const withdrawn = await routedCase();
    await db().application.update({ where: { id: withdrawn.app.id }, data: { status: "WITHDRAWN" } });
    const w = await checkParticipationDeadlines(db(), {
      now: new Date(withdrawn.denkmal.deadline.getTime() + 60_000),
      applicationId: withdrawn.app.id,
    });
    expect(w).toEqual({ reminded: [], deemedConsent: [], overdue: [] });

    await db().authority.update({ where: { id: d.authority.id }, data: { participationReminderDays: 0 } });
    try {
      const other = await routedCase();
      const none = await check(new Date(other.denkmal.deadline.getTime() - DAY));
      expect(none.reminded).toEqual([]);
    } finally {
      await db().authority.update({ where: { id: d.authority.id }, data: { participationReminderDays: 7 } });
    }
  });
});
