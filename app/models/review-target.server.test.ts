import { beforeAll, describe, expect, it } from "vitest";
import { LAND_PROFILES } from "~/domain/land-profiles";
import { answerItem, sendAnswer } from "~/models/request.server";
import { confirmComplete, sendRequest, startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { listInbox } from "./inbox.server";
import { DEFAULT_REVIEW_TARGET_DAYS as REVIEW_TARGET_DAYS } from "./review-target.server";

// Issue 14 item 5: a new case shows a "Nächste Frist" in the inbox — the Land's completeness-check
// deadline where one is set, otherwise the processing target — until another deadline runs.

const DAY = 86_400_000;
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("review-target");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

const row = (id: string) =>
  db().application.findUniqueOrThrow({
    where: { id },
    select: { status: true, submittedAt: true, nextDeadlineAt: true, decisionDueAt: true },
  });

describe("completeness-check target as the next deadline", () => {
  it("the database function follows the Land profiles (completenessCheckDays, else the target)", async () => {
    for (const [id, profile] of Object.entries(LAND_PROFILES)) {
      const [r] = await db().$queryRaw<{ land: number | null; days: number }[]>`
        SELECT public.bauantrag_completeness_check_days(${id}) AS land,
               public.bauantrag_review_target_days(${id}, 10) AS days`;
      expect(r?.land, id).toBe(profile.deadlines.completenessCheckDays);
      expect(r?.days, id).toBe(profile.deadlines.completenessCheckDays ?? 10);
    }
  });

  it("a new authority starts with the default target of 14 days", async () => {
    const a = await db().authority.findUniqueOrThrow({
      where: { id: district.authority.id },
      select: { reviewTargetDays: true },
    });
    expect(REVIEW_TARGET_DAYS).toBe(14);
    expect(a.reviewTargetDays).toBe(REVIEW_TARGET_DAYS);
  });

  it("runs from the submission, gives way to the request deadline, restarts at the Nachreichung, ends at completeness", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error(JSON.stringify(s));
    const submitted = await row(id);
    expect(submitted.nextDeadlineAt?.getTime()).toBe(
      (submitted.submittedAt?.getTime() ?? 0) + REVIEW_TARGET_DAYS * DAY,
    );
    const inbox = await listInbox(clerk, { q: s.fileNumber, page: 1, pageSize: 25 });
    expect(inbox.rows[0]?.nextDeadlineAt).toEqual(submitted.nextDeadlineAt);

    await startReview(clerk, id);
    expect((await row(id)).nextDeadlineAt).toEqual(submitted.nextDeadlineAt);

    const deadline = new Date(Date.now() + 30 * DAY);
    const sent = await sendRequest(clerk, id, {
      items: [{ category: "01", message: "Bitte die Nutzung genauer beschreiben." }],
      message: "",
      internalNote: "",
      deadline,
    });
    if (!sent.ok) throw new Error(sent.message);
    const incomplete = await row(id);
    expect(incomplete.status).toBe("INCOMPLETE");
    expect(incomplete.nextDeadlineAt?.getTime()).not.toBe(submitted.nextDeadlineAt?.getTime());

    const item = await db().requestItem.findFirstOrThrow({ where: { requestId: sent.requestId } });
    expect((await answerItem(architect, id, item.id, { answerText: "Wohnen, eine Einheit." })).ok).toBe(true);
    expect(await sendAnswer(architect, id, sent.requestId)).toEqual({ ok: true });
    const answered = await db().request.findUniqueOrThrow({
      where: { id: sent.requestId },
      select: { answeredAt: true },
    });
    const inReview = await row(id);
    expect(inReview.status).toBe("IN_REVIEW");
    expect(inReview.nextDeadlineAt?.getTime()).toBe(
      (answered.answeredAt?.getTime() ?? 0) + REVIEW_TARGET_DAYS * DAY,
    );

    expect((await confirmComplete(clerk, id)).ok).toBe(true);
    const complete = await row(id);
    expect(complete.nextDeadlineAt).toEqual(complete.decisionDueAt);
  });
});
