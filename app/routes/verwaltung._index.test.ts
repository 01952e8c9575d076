import { describe, expect, it } from "vitest";
import { listInbox } from "~/models/inbox.server";
import { sendRequest, startReview } from "~/models/review.server";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser, submitCompleteDraft } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./verwaltung._index";

// Issue 14 item 5: the processing target for the completeness check is the authority's setting,
// changed by its admin on /verwaltung; open cases without a running deadline follow it at once.

const DAY = 86_400_000;

function targetForm(value: string): FormData {
  const f = new FormData();
  f.set("reviewTargetDays", value);
  return f;
}

const caseRow = (id: string) =>
  db().application.findUniqueOrThrow({
    where: { id },
    select: { status: true, submittedAt: true, nextDeadlineAt: true },
  });

const storedDays = async (authorityId: string) =>
  (await db().authority.findUniqueOrThrow({ where: { id: authorityId }, select: { reviewTargetDays: true } }))
    .reviewTargetDays;

describe("/verwaltung: processing target for the completeness check", () => {
  it("default 14; the admin sets 10 → open and new cases move, cases with a running deadline and other authorities stay", async () => {
    const d = await createTestDistrict("target-route");
    const other = await createTestDistrict("target-route-other");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    const otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
    const architect = await sessionUser({ roles: ["ARCHITECT"] });

    const page = await loadRoute(loader, admin, "/verwaltung");
    expect(page.status).toBe(200);
    expect((page.data as { reviewTargetDays: number }).reviewTargetDays).toBe(14);

    // Before the change: a submitted case, a case in review, a case with an open request (legal
    // deadline running), and a case of another authority — all under the default 14 days.
    const waiting = await submitCompleteDraft(architect, d.gemeinde.id);
    const inReview = await submitCompleteDraft(architect, d.gemeinde.id);
    await startReview(clerk, inReview.id);
    const requested = await submitCompleteDraft(architect, d.gemeinde.id);
    await startReview(clerk, requested.id);
    const requestDeadline = new Date(Date.now() + 30 * DAY);
    const sent = await sendRequest(clerk, requested.id, {
      items: [{ category: "01", message: "Bitte die Nutzung genauer beschreiben." }],
      message: "",
      internalNote: "",
      deadline: requestDeadline,
    });
    if (!sent.ok) throw new Error(sent.message);
    const foreign = await submitCompleteDraft(architect, other.gemeinde.id);

    for (const c of [waiting, inReview, foreign]) {
      const r = await caseRow(c.id);
      expect(r.nextDeadlineAt?.getTime(), c.fileNumber).toBe((r.submittedAt?.getTime() ?? 0) + 14 * DAY);
    }
    const requestedBefore = (await caseRow(requested.id)).nextDeadlineAt;
    expect(requestedBefore?.getTime()).not.toBe(
      ((await caseRow(requested.id)).submittedAt?.getTime() ?? 0) + 14 * DAY,
    );
    const foreignBefore = (await caseRow(foreign.id)).nextDeadlineAt;

    const saved = await postRoute(action, admin, "/verwaltung", targetForm(" 10 "));
    expect(saved).toMatchObject({
      status: 302,
      location: "/verwaltung?gespeichert=bearbeitungsziel&verschoben=2",
    });
    expect(await storedDays(d.authority.id)).toBe(10);
    expect(await storedDays(other.authority.id)).toBe(14);

    for (const c of [waiting, inReview]) {
      const r = await caseRow(c.id);
      expect(r.nextDeadlineAt?.getTime(), c.fileNumber).toBe((r.submittedAt?.getTime() ?? 0) + 10 * DAY);
    }
    expect((await caseRow(requested.id)).nextDeadlineAt).toEqual(requestedBefore);
    expect((await caseRow(foreign.id)).nextDeadlineAt).toEqual(foreignBefore);

    // The inbox shows the moved target; a new case gets 10 days, one of the other authority 14.
    const inbox = await listInbox(clerk, { q: waiting.fileNumber, page: 1, pageSize: 25 });
    expect(inbox.rows[0]?.nextDeadlineAt).toEqual((await caseRow(waiting.id)).nextDeadlineAt);
    const fresh = await caseRow((await submitCompleteDraft(architect, d.gemeinde.id)).id);
    expect(fresh.nextDeadlineAt?.getTime()).toBe((fresh.submittedAt?.getTime() ?? 0) + 10 * DAY);
    const freshOther = await caseRow((await submitCompleteDraft(architect, other.gemeinde.id)).id);
    expect(freshOther.nextDeadlineAt?.getTime()).toBe((freshOther.submittedAt?.getTime() ?? 0) + 14 * DAY);
    const otherInbox = await listInbox(otherClerk, { q: waiting.fileNumber, page: 1, pageSize: 25 });
    // Same Aktenzeichen pattern and counter in both districts: the other clerk finds only their own case.
    expect(otherInbox.rows.map((r) => r.id)).not.toContain(waiting.id);

    const reloaded = await loadRoute(loader, admin, "/verwaltung");
    expect((reloaded.data as { reviewTargetDays: number }).reviewTargetDays).toBe(10);
  });

  it("refuses values outside 1..90 or not whole days in German, keeping the input and the stored value", async () => {
    const d = await createTestDistrict("target-route-invalid");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    for (const value of ["0", "91", "-3", "7,5", "zehn", "", "1000"]) {
      const r = await postRoute(action, admin, "/verwaltung", targetForm(value));
      expect(r.status, value).toBe(200);
      expect(r.data, value).toEqual({
        ok: false,
        message: "Bitte geben Sie eine ganze Zahl von 1 bis 90 Kalendertagen an.",
        reviewTargetDays: value,
      });
    }
    expect(await storedDays(d.authority.id)).toBe(14);
    const edge = await postRoute(action, admin, "/verwaltung", targetForm("90"));
    expect(edge.status).toBe(302);
    expect(await storedDays(d.authority.id)).toBe(90);
    expect((await postRoute(action, admin, "/verwaltung", targetForm("1"))).status).toBe(302);
    expect(await storedDays(d.authority.id)).toBe(1);
  });

  it("the database refuses a value outside 1..90 written past the form", async () => {
    const d = await createTestDistrict("target-route-check");
    await expect(
      db().authority.update({ where: { id: d.authority.id }, data: { reviewTargetDays: 0 } }),
    ).rejects.toThrow(/Authority_reviewTargetDays_range/);
  });

  it("is for the authority's admin only: a clerk gets 403 and nothing changes", async () => {
    const d = await createTestDistrict("target-route-clerk");
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    expect((await loadRoute(loader, clerk, "/verwaltung")).status).toBe(403);
    expect((await postRoute(action, clerk, "/verwaltung", targetForm("10"))).status).toBe(403);
    expect(await storedDays(d.authority.id)).toBe(14);
  });
});
