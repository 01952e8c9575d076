import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate, decisionDeadline } from "~/domain/deadlines";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { parsePayload } from "~/utils/queue.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { notifyProcessor } from "../../workers/processors/notify";
import {
  decisionCircumstances,
  getDecisionFiction,
  sendReplacementNotice,
  setAssociationParticipation,
} from "./decision-fiction.server";
import { startParticipation } from "./participation.server";
import { confirmComplete, startReview } from "./review.server";
import { submitStatement } from "./statement.server";

/**
 * § 63 Abs. 2 Sätze 3 and 4 LBauO M-V against the real database (district with the M-V profile,
 * vereinfachtes Verfahren): the Mitteilung about the refused Einvernehmen and its Ersetzung is
 * recorded with date and clerk, only within the deadline and only after a refusal, and ends the
 * fiction; a recorded Verbandsbeteiligung removes the decision deadline, also when recorded before
 * completeness.
 */

let d: ParticipationDistrict;
beforeAll(async () => {
  d = await createParticipationDistrict("mvfiction", []);
});

const day = 86_400_000;

async function askGemeinde(applicationId: string) {
  const r = await startParticipation(d.clerk, applicationId, [
    {
      agencyId: d.gemeinde.id,
      documentVersionIds: await currentVersionIds(applicationId),
      deadline: berlinDate(new Date(Date.now() + 60 * day)),
      question: "Bitte entscheiden Sie über das Einvernehmen.",
    },
  ]);
  if (!r.ok) throw new Error(r.message);
  await db().participation.updateMany({
    where: { applicationId },
    data: { status: "SENT", sentAt: new Date() },
  });
  return db().participation.findFirstOrThrow({ where: { applicationId }, select: { id: true } });
}

async function refuse(participationId: string) {
  const r = await submitStatement(d.gemeindeUser, participationId, {
    outcome: "REJECTION",
    reasons: "Das Vorhaben fügt sich nicht in die Eigenart der näheren Umgebung ein (§ 34 Abs. 1 BauGB).",
    conditions: [],
    attachments: [],
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
}

const caseOf = (id: string) =>
  db().application.findUniqueOrThrow({
    where: { id },
    select: { completeAt: true, decisionDueAt: true, nextDeadlineAt: true, procedureType: true },
  });

const noticeCount = (applicationId: string) =>
  db().caseEvent.count({ where: { applicationId, type: "decision.replacement-notice-sent" } });

describe("Mitteilung: Einvernehmen versagt, Ersetzung soll erfolgen (§ 63 Abs. 2 Satz 3 LBauO M-V)", () => {
  it("is refused before the Gemeinde refused; recorded once after; ends the fiction, not the deadline", async () => {
    const app = await createCompleteCase(d);
    const before = await caseOf(app.id);
    expect(before.procedureType).toBe("VEREINFACHT");
    expect(before.decisionDueAt).not.toBeNull();
    const p = await askGemeinde(app.id);

    const early = await sendReplacementNotice(d.clerk, app.id);
    expect(early.ok ? "" : early.message).toContain("versagt hat");
    expect(await noticeCount(app.id)).toBe(0);

    await refuse(p.id);
    const foreign = await createParticipationDistrict("mvfiction-other", []);
    const other = await sendReplacementNotice(foreign.clerk, app.id);
    expect(other.ok ? "" : other.message).toContain("gehört nicht zu Ihrer Behörde");

    const sentAt = new Date();
    expect(await sendReplacementNotice(d.clerk, app.id, { now: sentAt })).toEqual({ ok: true });
    expect(await sendReplacementNotice(d.clerk, app.id)).toEqual({ ok: true });
    expect(await noticeCount(app.id)).toBe(1);
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: app.id, type: "decision.replacement-notice-sent" },
      select: { actorId: true, payload: true },
    });
    expect(event.actorId).toBe(d.clerk.id);
    expect(event.payload).toMatchObject({
      participationId: p.id,
      sentAt: sentAt.toISOString(),
      legalBasis: "§ 63 Abs. 2 Satz 3 LBauO M-V",
      decisionDueAt: before.decisionDueAt?.toISOString(),
    });

    // The Mitteilung reaches the applicant side: one notify job (the second call added none), run
    // by the real processor, says it in the statute's words; the clerk who sent it is not told.
    const jobs = await db().outboxMessage.findMany({
      where: {
        jobName: "system.notify",
        payload: { path: ["event"], equals: "decision.replacement-notice" },
        AND: { payload: { path: ["applicationId"], equals: app.id } },
      },
      select: { payload: true },
    });
    expect(jobs).toHaveLength(1);
    const payload = parsePayload("system.notify", jobs[0]?.payload);
    await notifyProcessor(payload, { id: "t", name: "system.notify", data: payload } as never, {
      db: db(),
      mailer: null,
      log: logger,
    });
    const told = await db().notification.findMany({
      where: { applicationId: app.id, type: "decision.replacement-notice" },
      select: { userId: true, title: true, body: true, link: true },
    });
    expect(told.map((n) => n.userId)).toEqual([d.architect.id]);
    expect(told[0]).toMatchObject({
      title: expect.stringContaining("Einvernehmen der Gemeinde versagt"),
      link: `/antraege/${app.id}`,
    });
    expect(told[0]?.body).toContain(
      "ihr nach dem Baugesetzbuch erforderliches Einvernehmen versagt hat und die Ersetzung nach § 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 LBauO M-V erfolgen soll",
    );
    expect(told[0]?.body).toContain(
      "nicht nach Ablauf der Entscheidungsfrist als erteilt (§ 63 Abs. 2 Satz 3 LBauO M-V)",
    );

    const circumstances = await decisionCircumstances(db(), app.id);
    expect(circumstances.replacementNoticeAt).toEqual(sentAt);
    const after = await caseOf(app.id);
    expect(after.decisionDueAt).toEqual(before.decisionDueAt);
    const deadline = decisionDeadline("MV", "VEREINFACHT", after.completeAt!, circumstances);
    expect(deadline).toMatchObject({ fiction: false, fictionExcludedBy: "§ 63 Abs. 2 Satz 3 LBauO M-V" });
    expect(deadline?.dueAt).toEqual(before.decisionDueAt);
    const view = await getDecisionFiction(db(), {
      id: app.id,
      procedureType: "VEREINFACHT",
      landProfile: "MV",
    });
    expect(view.note).toContain("Keine Genehmigungsfiktion");
    expect(view.note).toContain("§ 63 Abs. 2 Satz 3 LBauO M-V");
  });

  it("is refused after the deadline of Satz 1 Halbsatz 1 and records nothing", async () => {
    const app = await createCompleteCase(d);
    const p = await askGemeinde(app.id);
    await refuse(p.id);
    const { decisionDueAt } = await caseOf(app.id);
    const late = await sendReplacementNotice(d.clerk, app.id, {
      now: new Date(decisionDueAt!.getTime() + 1),
    });
    expect(late.ok ? "" : late.message).toContain("abgelaufen (§ 63 Abs. 2 Satz 3 LBauO M-V)");
    expect(await noticeCount(app.id)).toBe(0);
    const view = await getDecisionFiction(db(), {
      id: app.id,
      procedureType: "VEREINFACHT",
      landProfile: "MV",
    });
    expect(view.note).toContain("Die Genehmigung gilt als erteilt");
    // On the last instant it is still in time.
    expect(await sendReplacementNotice(d.clerk, app.id, { now: decisionDueAt! })).toEqual({ ok: true });
  });
});

describe("Verbandsbeteiligung erforderlich (§ 63 Abs. 2 Satz 4 LBauO M-V)", () => {
  it("removes the decision deadline while set, restores it when unset, recorded each time", async () => {
    const app = await createCompleteCase(d);
    const before = await caseOf(app.id);
    expect(before.nextDeadlineAt).toEqual(before.decisionDueAt);

    expect(await setAssociationParticipation(d.clerk, app.id, true)).toEqual({ ok: true });
    expect(await setAssociationParticipation(d.clerk, app.id, true)).toEqual({ ok: true });
    const flagged = await caseOf(app.id);
    expect(flagged.decisionDueAt).toBeNull();
    expect(flagged.nextDeadlineAt).toBeNull();
    const view = await getDecisionFiction(db(), {
      id: app.id,
      procedureType: "VEREINFACHT",
      landProfile: "MV",
    });
    expect(view.note).toBe(
      "Keine Entscheidungsfrist und keine Genehmigungsfiktion: Verbände sind zu beteiligen (§ 63 Abs. 2 Satz 4 LBauO M-V).",
    );
    const notice = await sendReplacementNotice(d.clerk, app.id);
    expect(notice.ok ? "" : notice.message).toContain("keine Entscheidungsfrist");

    expect(await setAssociationParticipation(d.clerk, app.id, false)).toEqual({ ok: true });
    const unflagged = await caseOf(app.id);
    expect(unflagged.decisionDueAt).toEqual(before.decisionDueAt);
    expect(unflagged.nextDeadlineAt).toEqual(before.decisionDueAt);

    const events = await db().caseEvent.findMany({
      where: { applicationId: app.id, type: "application.association-participation" },
      orderBy: { id: "asc" },
      select: { actorId: true, payload: true },
    });
    expect(events.map((e) => e.payload)).toEqual([
      { required: true, legalBasis: "§ 63 Abs. 2 Satz 4 LBauO M-V", decisionDueAt: null },
      {
        required: false,
        legalBasis: "§ 63 Abs. 2 Satz 4 LBauO M-V",
        decisionDueAt: before.decisionDueAt?.toISOString(),
      },
    ]);
    expect(events.every((e) => e.actorId === d.clerk.id)).toBe(true);
  });

  it("recorded before completeness, confirming completeness starts no deadline", async () => {
    const app = await createCompleteCase(d, undefined, { complete: false });
    await startReview(d.clerk, app.id);
    expect(await setAssociationParticipation(d.clerk, app.id, true)).toEqual({ ok: true });
    expect(await confirmComplete(d.clerk, app.id)).toEqual({ ok: true, decisionDueAt: null });
    const c = await caseOf(app.id);
    expect(c.completeAt).not.toBeNull();
    expect(c.decisionDueAt).toBeNull();
  });
});
