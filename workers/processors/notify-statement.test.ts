import type { Job } from "bullmq";
import { describe, expect, it } from "vitest";
import { requestExtension, submitStatement } from "~/models/statement.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type NotifyPayload, parsePayload } from "~/utils/queue.server";
import { createAgency, createParticipation, createSubmittedCase } from "../../test/kit/agency-fixtures";
import { notifyProcessor } from "./notify";

/**
 * The agency's events (statement given, extension requested) through the real notify processor:
 * the payload the model functions put into the outbox tells the clerks of the case's authority,
 * with the agency's name and a link to the case, and nobody of the agency.
 */

async function runOutboxNotification(jobId: string) {
  const row = await db().outboxMessage.findUniqueOrThrow({ where: { jobId }, select: { payload: true } });
  const parsed = parsePayload("system.notify", row.payload);
  const job = { id: jobId, name: "system.notify", data: parsed } as unknown as Job<
    NotifyPayload,
    unknown,
    "system.notify"
  >;
  await notifyProcessor(parsed, job, { db: db(), mailer: null, log: logger });
  await notifyProcessor(parsed, job, { db: db(), mailer: null, log: logger });
}

describe("notifications of the agency's answers", () => {
  it("participation.answered and participation.extension-requested tell the clerks once", async () => {
    const c = await createSubmittedCase("notify-statement");
    const { agency, user } = await createAgency(c.district.authority.id, { label: "notify-statement-bs" });
    const p1 = await createParticipation({
      applicationId: c.application.id,
      agencyId: agency.id,
      startedById: c.clerk.id,
      versionIds: [],
    });
    const p2 = await createParticipation({
      applicationId: c.application.id,
      agencyId: agency.id,
      startedById: c.clerk.id,
      versionIds: [],
      round: 2,
    });

    const s = await submitStatement(user, p1.id, {
      outcome: "REJECTION",
      reasons: "Zweiter Rettungsweg fehlt.",
      conditions: [],
      attachments: [],
    });
    expect(s.ok).toBe(true);
    await runOutboxNotification(`system.notify__${c.application.id}__participation.answered__${p1.id}`);

    const until = new Date(p2.deadline.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
    const e = await requestExtension(user, p2.id, { until, reason: "Ortstermin" });
    if (!e.ok) throw new Error(JSON.stringify(e));
    await runOutboxNotification(
      `system.notify__${c.application.id}__participation.extension-requested__${e.extensionId}`,
    );

    const notes = await db().notification.findMany({
      where: { applicationId: c.application.id, type: { startsWith: "participation." } },
      select: { userId: true, type: true, title: true, body: true, link: true },
      orderBy: { createdAt: "asc" },
    });
    expect(notes.map((n) => [n.userId, n.type])).toEqual([
      [c.clerk.id, "participation.answered"],
      [c.clerk.id, "participation.extension-requested"],
    ]);
    expect(notes[0]?.title).toBe(
      `Stellungnahme eingegangen – ${agency.name}, Az. ${c.application.fileNumber}`,
    );
    expect(notes[0]?.body).toContain("(Ablehnung)");
    expect(notes[1]?.title).toContain("Fristverlängerung beantragt");
    expect(notes[1]?.body).toMatch(/bis zum \d{2}\.\d{2}\.\d{4}/);
    for (const n of notes) expect(n.link).toBe(`/behoerde/faelle/${c.application.id}/beteiligung`);
  });
});
