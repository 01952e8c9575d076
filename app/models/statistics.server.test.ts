import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { authorityStatistics, berlinMonth, berlinMonthStart, monthKeys } from "./statistics.server";

const NOW = new Date("2026-06-15T10:00:00Z");
const d = (iso: string) => new Date(iso);

let tenant: { id: string };
let other: { id: string };
let agency: { id: string };
let clerkId: string;
let ids: Record<string, string>;

async function app(
  authorityId: string,
  o: {
    submittedAt?: string;
    completeAt?: string;
    decidedAt?: string;
    draftDecision?: boolean;
    requests?: number;
  },
) {
  const id = randomUUID();
  await db().application.create({
    data: {
      id,
      authorityId,
      createdById: clerkId,
      status: o.submittedAt ? "SUBMITTED" : "DRAFT",
      procedureType: "VEREINFACHT",
      fileNumber: o.submittedAt ? `63-${id.slice(0, 8)}` : null,
      title: `Fall ${id.slice(0, 4)}`,
      submittedAt: o.submittedAt ? d(o.submittedAt) : null,
      completeAt: o.completeAt ? d(o.completeAt) : null,
    },
  });
  if (o.decidedAt || o.draftDecision) {
    await db().decision.create({
      data: {
        applicationId: id,
        kind: "BAUGENEHMIGUNG",
        status: o.decidedAt ? "DECIDED" : "DRAFT",
        draftedById: clerkId,
        decidedAt: o.decidedAt ? d(o.decidedAt) : null,
      },
    });
  }
  for (let i = 0; i < (o.requests ?? 0); i++) {
    await db().request.create({
      data: {
        applicationId: id,
        createdById: clerkId,
        deadline: d("2026-07-01T21:59:59Z"),
        status: "ANSWERED",
      },
    });
  }
  return id;
}

async function participation(
  applicationId: string,
  round: number,
  status: "SENT" | "OPENED" | "ANSWERED" | "DEEMED_CONSENT",
  deadline: string,
) {
  return db().participation.create({
    data: {
      applicationId,
      agencyId: agency.id,
      round,
      kind: "AGENCY_STATEMENT",
      status,
      question: "Stellungnahme?",
      legalBasis: "§ 69 MBO",
      deadline: d(deadline),
      silenceIsConsent: true,
      silenceConsequence: "Zustimmung gilt als erteilt.",
      startedById: clerkId,
      sentAt: d("2026-05-01T08:00:00Z"),
    },
    select: { id: true },
  });
}

beforeAll(async () => {
  tenant = await createTestTenant("stats");
  other = await createTestTenant("stats-other");
  agency = await createTestTenant("stats-agency");
  clerkId = (await createTestUser({ roles: ["CLERK"], authorityId: tenant.id })).id;
  ids = {
    // 1 March 00:30 Berlin; complete 12 March 00:30 (11 days); decided 1 May 01:30 Berlin (61 days).
    a1: await app(tenant.id, {
      submittedAt: "2026-02-28T23:30:00Z",
      completeAt: "2026-03-11T23:30:00Z",
      decidedAt: "2026-04-30T23:30:00Z",
      requests: 2,
    }),
    // Complete after 5 days; the decision is only a draft.
    a2: await app(tenant.id, {
      submittedAt: "2026-03-10T10:00:00Z",
      completeAt: "2026-03-15T10:00:00Z",
      draftDecision: true,
    }),
    // Complete after 20 days, decided after 30.
    a3: await app(tenant.id, {
      submittedAt: "2026-05-02T10:00:00Z",
      completeAt: "2026-05-22T10:00:00Z",
      decidedAt: "2026-06-01T10:00:00Z",
      requests: 1,
    }),
    // Received 31 Dec 23:00 Berlin: before the window; complete in January after 4.5 days.
    a4: await app(tenant.id, {
      submittedAt: "2025-12-31T22:00:00Z",
      completeAt: "2026-01-05T10:00:00Z",
      requests: 5,
    }),
    draft: await app(tenant.id, {}),
    foreign: await app(other.id, {
      submittedAt: "2026-03-05T10:00:00Z",
      completeAt: "2026-03-06T10:00:00Z",
      decidedAt: "2026-03-07T10:00:00Z",
      requests: 3,
    }),
  };
  await participation(ids.a1 as string, 1, "SENT", "2026-06-10T21:59:59Z");
  await participation(ids.a1 as string, 2, "ANSWERED", "2026-05-01T21:59:59Z");
  await participation(ids.a2 as string, 1, "OPENED", "2026-06-01T21:59:59Z");
  await participation(ids.a2 as string, 2, "DEEMED_CONSENT", "2026-05-01T21:59:59Z");
  await participation(ids.a3 as string, 1, "SENT", "2026-06-20T21:59:59Z");
  await participation(ids.foreign as string, 1, "SENT", "2026-06-01T21:59:59Z");
});

describe("authorityStatistics", () => {
  it("counts received, complete and decided per Berlin month, own authority only", async () => {
    const s = await authorityStatistics(tenant.id, { months: 6, now: NOW });
    expect(s.from.toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(s.months).toEqual([
      { month: "2026-01", received: 0, complete: 1, decided: 0 },
      { month: "2026-02", received: 0, complete: 0, decided: 0 },
      { month: "2026-03", received: 2, complete: 2, decided: 0 },
      { month: "2026-04", received: 0, complete: 0, decided: 0 },
      { month: "2026-05", received: 1, complete: 1, decided: 1 },
      { month: "2026-06", received: 0, complete: 0, decided: 1 },
    ]);
    expect(s.totals).toEqual({ received: 3, complete: 4, decided: 2 });
  });

  it("gives the median days from submission to complete and to decision", async () => {
    const s = await authorityStatistics(tenant.id, { months: 6, now: NOW });
    // 4.5, 5, 11, 20 days -> 8; 30 and 61 days -> 45.5.
    expect(s.completeCount).toBe(4);
    expect(s.medianDaysToComplete).toBeCloseTo(8, 5);
    expect(s.decidedCount).toBe(2);
    expect(s.medianDaysToDecision).toBeCloseTo(45.5, 5);
  });

  it("gives Nachforderungen per case and the share of cases with at least one, for cases received in the window", async () => {
    const s = await authorityStatistics(tenant.id, { months: 6, now: NOW });
    expect(s.requests).toEqual({ cases: 3, requests: 3, casesWithRequest: 2, perCase: 1, share: 2 / 3 });
  });

  it("lists participations sent or opened past their deadline, oldest deadline first", async () => {
    const s = await authorityStatistics(tenant.id, { months: 6, now: NOW });
    expect(s.overdue.count).toBe(2);
    expect(s.overdue.items.map((p) => [p.applicationId, p.status])).toEqual([
      [ids.a2, "OPENED"],
      [ids.a1, "SENT"],
    ]);
    expect(s.overdue.items[0]?.agencyName).toContain("Testkreis stats-agency");
  });

  it("a longer window reaches the December case; an authority without cases gets zeros and no medians", async () => {
    const year = await authorityStatistics(tenant.id, { months: 12, now: NOW });
    expect(year.months).toHaveLength(12);
    expect(year.months.find((m) => m.month === "2025-12")?.received).toBe(1);
    expect(year.requests.cases).toBe(4);

    const empty = await createTestTenant("stats-empty");
    const s = await authorityStatistics(empty.id, { months: 6, now: NOW });
    expect(s.totals).toEqual({ received: 0, complete: 0, decided: 0 });
    expect(s.medianDaysToComplete).toBeNull();
    expect(s.medianDaysToDecision).toBeNull();
    expect(s.requests.perCase).toBeNull();
    expect(s.overdue).toEqual({ count: 0, items: [] });
  });

  it("computes Berlin months and month starts across daylight saving time", () => {
    expect(berlinMonth(d("2026-02-28T23:30:00Z"))).toBe("2026-03");
    expect(berlinMonth(d("2026-10-31T22:30:00Z"))).toBe("2026-10");
    expect(berlinMonthStart("2026-04").toISOString()).toBe("2026-03-31T22:00:00.000Z");
    expect(berlinMonthStart("2026-01").toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(monthKeys(d("2026-01-15T12:00:00Z"), 3)).toEqual(["2025-11", "2025-12", "2026-01"]);
  });
});
