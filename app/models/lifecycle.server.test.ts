import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { CaseEventType } from "~/domain/case-events";
import {
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  type ApplicationCommand,
  PARTICIPATION_STATUSES,
  PARTICIPATION_TRANSITIONS,
  type ParticipationCommand,
} from "~/domain/lifecycle";
import type { ApplicationStatus, ParticipationStatus } from "~/generated/prisma/client";
import { db, type Tx } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import {
  type ApplicationTransitionInput,
  LifecycleError,
  type ParticipationTransitionInput,
  transitionApplication,
  transitionParticipation,
} from "./lifecycle.server";
import { startParticipation } from "./participation.server";

/**
 * transitionApplication / transitionParticipation against the real database: every command from
 * every status. Each attempt runs in a transaction that is rolled back afterwards, so one case
 * serves the whole walk. Allowed: the status, the event and the notification are written together.
 * Refused: LifecycleError, and nothing is written.
 */

class Rollback extends Error {}

let d: ParticipationDistrict;
let appId: string;
let participationId: string;

beforeAll(async () => {
  d = await createParticipationDistrict("lifecycle");
  appId = (await createCompleteCase(d)).id;
  const agency = Object.values(d.agencies)[0];
  if (!agency) throw new Error("no agency");
  const r = await startParticipation(d.clerk, appId, [
    {
      agencyId: agency.id,
      documentVersionIds: await currentVersionIds(appId),
      deadline: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      question: "Bitte um Stellungnahme.",
      silenceIsConsent: false,
    },
  ]);
  if (!r.ok) throw new Error(r.message);
  participationId = r.participationIds[0] as string;
}, 60_000);

const iso = new Date().toISOString();
/** A valid payload of each event a transition records (checked by the catalogue's schemas). */
const PAYLOADS: Partial<Record<CaseEventType, object>> = {
  "application.submitted": { fileNumber: "63-TEST", role: "BAUHERR" },
  "review.started": {},
  "request.sent": { requestId: randomUUID(), deadline: iso },
  "request.answered": { requestId: randomUUID() },
  "application.complete": { completeAt: iso, decisionDueAt: null },
  "decision.decided": { decisionId: randomUUID(), kind: "ABLEHNUNG", kindLabel: "Ablehnung", decidedAt: iso },
  "application.withdrawn": { reason: null, previousStatus: "SUBMITTED" },
  "application.deemed-withdrawn": { requestId: randomUUID(), deadline: iso },
  "participation.sent": { participationId: randomUUID(), agencyId: randomUUID() },
  "participation.cancelled": { participationId: randomUUID() },
  "participation.opened": { participationId: randomUUID(), agency: "Test" },
  "participation.answered": {
    participationId: randomUUID(),
    statementId: randomUUID(),
    agency: "Test",
    outcome: "CONSENT",
  },
  "participation.deemed-consent": { participationId: randomUUID(), deadline: iso },
};
const participation = { participationId: randomUUID(), agencyId: randomUUID(), agencyName: "Test" };
/** Valid details of the notification each of those events causes, where it needs any (app/domain/notifications.ts). */
const NOTIFY: Partial<Record<CaseEventType, { details: object }>> = {
  "request.sent": { details: { requestId: randomUUID(), deadline: iso } },
  "application.complete": { details: { decisionDueAt: null } },
  "application.withdrawn": { details: { reason: null } },
  "participation.sent": { details: { ...participation, deadline: iso } },
  "participation.answered": { details: { ...participation, outcome: "Zustimmung" } },
  "participation.deemed-consent": {
    details: {
      ...participation,
      deadline: iso,
      legalBasis: "§ 36 Abs. 2 Satz 2 BauGB",
      consentNoun: "Einvernehmen",
    },
  },
};

async function counts(tx: Tx) {
  const [events, outbox] = await Promise.all([
    tx.caseEvent.count({ where: { applicationId: appId } }),
    tx.outboxMessage.count({ where: { jobId: { contains: appId } } }),
  ]);
  return { events, outbox };
}

/** Runs `fn` in a transaction that is always rolled back; returns what fn returned or threw. */
async function attempt<T>(fn: (tx: Tx) => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let out: { value?: T; error?: unknown } = {};
  try {
    await db().$transaction(async (tx) => {
      try {
        out = { value: await fn(tx) };
      } catch (error) {
        out = { error };
      }
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return out;
}

describe("transitionApplication", () => {
  it("moves every allowed status and refuses every other, writing nothing then", async () => {
    let allowed = 0;
    let refused = 0;
    for (const command of Object.keys(APPLICATION_TRANSITIONS) as ApplicationCommand[]) {
      const t = APPLICATION_TRANSITIONS[command];
      if (t.from.length === 0) continue; // creation is covered by the draft and intake tests
      const actor = t.by[0];
      for (const from of APPLICATION_STATUSES) {
        const ok = (t.from as readonly ApplicationStatus[]).includes(from);
        const result = await attempt(async (tx) => {
          await tx.application.update({ where: { id: appId }, data: { status: from } });
          const before = await counts(tx);
          const input = {
            applicationId: appId,
            command,
            from,
            actor: { kind: actor, id: actor === "applicant" ? d.architect.id : d.clerk.id },
            ...(t.event ? { payload: PAYLOADS[t.event], notify: NOTIFY[t.event] } : {}),
          } as ApplicationTransitionInput<typeof command>;
          let moved: boolean | undefined;
          let error: unknown;
          try {
            moved = await transitionApplication(tx, input);
          } catch (e) {
            error = e;
          }
          const after = await counts(tx);
          const row = await tx.application.findUniqueOrThrow({
            where: { id: appId },
            select: { status: true },
          });
          const last = await tx.caseEvent.findFirst({
            where: { applicationId: appId },
            orderBy: { id: "desc" },
            select: { type: true },
          });
          return { moved, error, before, after, status: row.status, lastEvent: last?.type };
        });
        const r = result.value;
        if (!r) throw result.error;
        const label = `${command} from ${from}`;
        if (ok) {
          allowed++;
          expect(r.error, label).toBeUndefined();
          expect(r.moved, label).toBe(true);
          expect(r.status, label).toBe(t.to);
          if (t.event) {
            expect(r.after.events, label).toBe(r.before.events + 1);
            expect(r.lastEvent, label).toBe(t.event);
          } else {
            expect(r.after.events, label).toBe(r.before.events);
          }
        } else {
          refused++;
          expect(r.error, label).toBeInstanceOf(LifecycleError);
          expect(r.status, label).toBe(from);
          expect(r.after, label).toEqual(r.before);
        }
      }
    }
    expect(allowed).toBe(23);
    expect(refused).toBeGreaterThan(90);
  }, 120_000);

  it("a command whose status was changed meanwhile writes nothing and says so", async () => {
    const result = await attempt(async (tx) => {
      await tx.application.update({ where: { id: appId }, data: { status: "DECIDED" } });
      const before = await counts(tx);
      // The caller read SUBMITTED under an older lock; the row is DECIDED now.
      const moved = await transitionApplication(tx, {
        applicationId: appId,
        command: "startReview",
        from: "SUBMITTED",
        actor: { kind: "authority", id: d.clerk.id },
        payload: {},
      });
      return { moved, before, after: await counts(tx) };
    });
    expect(result.value?.moved).toBe(false);
    expect(result.value?.after).toEqual(result.value?.before);
  });

  it("sends the notification the catalogue names, with the caller's scope", async () => {
    const requestId = randomUUID();
    const result = await attempt(async (tx) => {
      await tx.application.update({ where: { id: appId }, data: { status: "IN_REVIEW" } });
      await transitionApplication(tx, {
        applicationId: appId,
        command: "sendRequest",
        from: "IN_REVIEW",
        actor: { kind: "authority", id: d.clerk.id },
        payload: { requestId, deadline: iso },
        notify: { scope: requestId, details: { requestId, deadline: iso } },
      });
      return tx.outboxMessage.findMany({
        where: { jobId: { contains: appId }, jobName: "system.notify" },
        select: { jobId: true, payload: true },
      });
    });
    const rows = result.value ?? [];
    const row = rows.find((r) => r.jobId.includes(requestId));
    // The id the hand-written enqueue used before: a retried command still finds its row.
    expect(row?.jobId).toBe(buildJobId("system.notify", appId, "request.sent", requestId));
    expect(row?.payload).toMatchObject({ event: "request.sent", scope: requestId, actorId: d.clerk.id });
  });
});

describe("transitionParticipation", () => {
  it("moves every allowed status and refuses every other, writing nothing then", async () => {
    let allowed = 0;
    for (const command of Object.keys(PARTICIPATION_TRANSITIONS) as ParticipationCommand[]) {
      const t = PARTICIPATION_TRANSITIONS[command];
      if (t.from.length === 0) continue; // creation: startParticipation (participation.server tests)
      const actor = t.by[0];
      for (const from of PARTICIPATION_STATUSES) {
        const ok = (t.from as readonly ParticipationStatus[]).includes(from);
        const result = await attempt(async (tx) => {
          await tx.participation.update({ where: { id: participationId }, data: { status: from } });
          const before = await counts(tx);
          const input = {
            participationId,
            applicationId: appId,
            command,
            from,
            actor: {
              kind: actor,
              id: actor === "agency" ? (Object.values(d.agencies)[0]?.user.id ?? null) : null,
            },
            ...(t.event ? { payload: PAYLOADS[t.event], notify: NOTIFY[t.event] } : {}),
          } as ParticipationTransitionInput<typeof command>;
          let moved: boolean | undefined;
          let error: unknown;
          try {
            moved = await transitionParticipation(tx, input);
          } catch (e) {
            error = e;
          }
          const row = await tx.participation.findUniqueOrThrow({
            where: { id: participationId },
            select: { status: true },
          });
          return { moved, error, before, after: await counts(tx), status: row.status };
        });
        const r = result.value;
        if (!r) throw result.error;
        const label = `${command} from ${from}`;
        if (ok) {
          allowed++;
          expect(r.error, label).toBeUndefined();
          expect(r.moved, label).toBe(true);
          expect(r.status, label).toBe(t.to);
          expect(r.after.events, label).toBe(r.before.events + 1);
        } else {
          expect(r.error, label).toBeInstanceOf(LifecycleError);
          expect(r.status, label).toBe(from);
          expect(r.after, label).toEqual(r.before);
        }
      }
    }
    expect(allowed).toBe(7);
  }, 60_000);
});
