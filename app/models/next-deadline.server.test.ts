import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { db } from "~/utils/db.server";
import { createStorage } from "../../storage/index";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { checkParticipationDeadlines } from "../../workers/processors/check-deadlines";
import { listInbox } from "./inbox.server";
import {
  closeParticipation,
  grantExtension,
  type ParticipationSelection,
  startParticipation,
} from "./participation.server";
import { submitStatement } from "./statement.server";
import { withdrawApplication } from "./withdrawal.server";

const DAY = 86_400_000;
let d: ParticipationDistrict;

beforeAll(async () => {
  d = await createParticipationDistrict("next-deadline");
});

const inDays = (n: number) => berlinDate(new Date(Date.now() + n * DAY));

async function start(applicationId: string, deadlines: Record<string, number>, silenceIsConsent = true) {
  const versions = await currentVersionIds(applicationId);
  const selections: ParticipationSelection[] = Object.entries(deadlines).map(([agencyId, days]) => ({
    agencyId,
    documentVersionIds: versions,
    deadline: inDays(days),
    question: "Bitte um Stellungnahme.",
    silenceIsConsent,
  }));
  const r = await startParticipation(d.clerk, applicationId, selections);
  if (!r.ok) throw new Error(r.message);
  const rows = await db().participation.findMany({
    where: { applicationId },
    select: { id: true, agencyId: true, deadline: true },
  });
  return Object.fromEntries(rows.map((p) => [p.agencyId, p]));
}

/** What the routing worker does once the package is out: the agency can now answer. */
async function markSent(participationIds: string[]) {
  await db().participation.updateMany({
    where: { id: { in: participationIds } },
    data: { status: "SENT", sentAt: new Date() },
  });
}

const caseRow = (id: string) =>
  db().application.findUniqueOrThrow({
    where: { id },
    select: { status: true, nextDeadlineAt: true, decisionDueAt: true },
  });

describe("nextDeadlineAt with participations", () => {
  it("follows the earliest running participation, an extension, statements, and falls back to the decision deadline", async () => {
    const app = await createCompleteCase(d);
    const before = await caseRow(app.id);
    expect(before.decisionDueAt).not.toBeNull();
    expect(before.nextDeadlineAt).toEqual(before.decisionDueAt);

    const brand = d.agencies.BRANDSCHUTZ!;
    const denkmal = d.agencies.DENKMALSCHUTZ!;
    const p = await start(app.id, { [brand.id]: 20, [denkmal.id]: 35 });
    const earliest = p[brand.id]!.deadline;
    let row = await caseRow(app.id);
    expect(row.status).toBe("PARTICIPATION");
    // The participation deadline is the nearer one, not the decision deadline.
    expect(earliest.getTime()).toBeLessThan(row.decisionDueAt!.getTime());
    expect(row.nextDeadlineAt).toEqual(earliest);

    // Extension for the earliest one: the next deadline moves to the Denkmalschutz deadline.
    const ext = await db().participationExtension.create({
      data: {
        participationId: p[brand.id]!.id,
        requestedById: brand.user.id,
        reason: "Ortstermin erst später.",
        requestedDeadline: new Date(Date.now() + 50 * DAY),
      },
    });
    const g = await grantExtension(d.clerk, ext.id);
    expect(g.ok).toBe(true);
    row = await caseRow(app.id);
    expect(row.nextDeadlineAt).toEqual(p[denkmal.id]!.deadline);

    // Denkmalschutz answers: the extended Brandschutz deadline is the nearest now.
    await markSent([p[brand.id]!.id, p[denkmal.id]!.id]);
    const s = await submitStatement(
      denkmal.user,
      p[denkmal.id]!.id,
      { outcome: "CONSENT", reasons: "Keine Bedenken.", conditions: [], attachments: [] },
      // Without attachments nothing is stored; the client is never contacted.
      {
        storage: createStorage({
          endPoint: "127.0.0.1",
          port: 1,
          useSSL: false,
          accessKey: "x",
          secretKey: "x",
          bucket: "unused",
          region: "us-east-1",
        }),
      },
    );
    expect(s).toMatchObject({ ok: true });
    row = await caseRow(app.id);
    expect(row.nextDeadlineAt?.toISOString()).toBe(g.ok ? g.deadline.toISOString() : "");
    expect(row.nextDeadlineAt!.getTime()).toBeLessThan(row.decisionDueAt!.getTime());

    // The clerk closes the participation: the case waits for the decision, with its deadline.
    const c = await closeParticipation(d.clerk, app.id);
    expect(c).toEqual({ ok: true, closed: 2 });
    row = await caseRow(app.id);
    expect(row.status).toBe("DECISION_PENDING");
    expect(row.nextDeadlineAt).toEqual(row.decisionDueAt);
  });

  it("moves on when the deadlines job deems the silent Gemeinde's consent given", async () => {
    const app = await createCompleteCase(d);
    const p = await start(app.id, { [d.gemeinde.id]: 10, [d.agencies.NATURSCHUTZ!.id]: 25 });
    await markSent(Object.values(p).map((x) => x.id));
    expect((await caseRow(app.id)).nextDeadlineAt).toEqual(p[d.gemeinde.id]!.deadline);

    const later = new Date(p[d.gemeinde.id]!.deadline.getTime() + DAY);
    const r = await checkParticipationDeadlines(db(), { now: later, applicationId: app.id });
    expect(r.deemedConsent).toEqual([p[d.gemeinde.id]!.id]);
    expect((await caseRow(app.id)).nextDeadlineAt).toEqual(p[d.agencies.NATURSCHUTZ!.id]!.deadline);
  });

  it("an unanswered participation past its deadline puts the case under 'overdue' in the inbox", async () => {
    const app = await createCompleteCase(d);
    const p = await start(app.id, { [d.agencies.BRANDSCHUTZ!.id]: 15 }, false);
    const deadline = p[d.agencies.BRANDSCHUTZ!.id]!.deadline;
    await markSent([p[d.agencies.BRANDSCHUTZ!.id]!.id]);
    const fileNumbers = async (now: Date) =>
      (await listInbox(d.clerk, { due: "overdue" }, { now })).rows.map((r) => r.fileNumber);

    expect(await fileNumbers(new Date(deadline.getTime() - DAY))).not.toContain(app.fileNumber);
    const later = new Date(deadline.getTime() + DAY);
    // Overdue without the fiction of consent: the participation keeps running, so does its deadline.
    const r = await checkParticipationDeadlines(db(), { now: later, applicationId: app.id });
    expect(r.overdue).toEqual([p[d.agencies.BRANDSCHUTZ!.id]!.id]);
    expect((await caseRow(app.id)).nextDeadlineAt).toEqual(deadline);
    expect(await fileNumbers(later)).toContain(app.fileNumber);
  });

  it("is null once the applicant withdraws during the participation", async () => {
    const app = await createCompleteCase(d);
    await start(app.id, { [d.agencies.BRANDSCHUTZ!.id]: 20 });
    expect((await caseRow(app.id)).nextDeadlineAt).not.toBeNull();
    const w = await withdrawApplication(d.architect, app.id, { reason: "Projekt aufgegeben." });
    expect(w).toEqual({ ok: true });
    expect(await caseRow(app.id)).toMatchObject({ status: "WITHDRAWN", nextDeadlineAt: null });
  });
});
