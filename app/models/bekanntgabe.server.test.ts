import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addDays, deadlinesFromBekanntgabe } from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import { appendEvent } from "~/models/case-event.server";
import { db } from "~/utils/db.server";
import { buildCase } from "../../test/kit/case";
import {
  getBekanntgabeForClerk,
  getBekanntgabeForMember,
  recordBescheidRetrieval,
  recordPostDelivery,
} from "./bekanntgabe.server";

const DAY = 86_400_000;

/**
 * A decided case whose Bescheid is stored and announced to the applicant side now,
 * as documents.render-decision leaves it (file row, "decision.delivered" event).
 */
async function decidedWithBescheid(label: string) {
  const built = await buildCase({ until: "decided", label });
  const decisionId = built.decisionId as string;
  const id = randomUUID();
  const file = await db().generatedDocument.create({
    data: {
      applicationId: built.application.id,
      kind: "BESCHEID",
      title: "Bescheid",
      filename: "bescheid.pdf",
      mimeType: "application/pdf",
      sizeBytes: 1000n,
      sha256: "0".repeat(64),
      storageKey: `test/${id}`,
      sourceKey: `test-bescheid-${id}`,
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

describe("Bekanntgabe by retrieval", () => {
  it("the first download by a member is the retrieval; the Bekanntgabe is the next day and the deadlines follow", async () => {
    const c = await decidedWithBescheid("bekanntgabe-abruf");
    const { architect, clerk } = c.district;
    const before = await getBekanntgabeForClerk(clerk, c.application.id);
    expect(before).toMatchObject({ bekanntgabe: null, via: null, notRetrievedInTime: false, retrievals: [] });

    // The clerk's own download is no Bekanntgabe.
    expect(await recordBescheidRetrieval(clerk, c.fileId)).toBe(false);
    expect(await recordBescheidRetrieval(architect, c.fileId)).toBe(true);
    expect(await recordBescheidRetrieval(architect, c.fileId)).toBe(false);

    const today = berlinDate(new Date());
    const expected = addDays(today, 1);
    const clerkView = await getBekanntgabeForClerk(clerk, c.application.id);
    const memberView = await getBekanntgabeForMember(architect, c.application.id);
    for (const view of [clerkView, memberView]) {
      expect(view).toMatchObject({ bekanntgabe: expected, via: "RETRIEVAL", notRetrievedInTime: false });
      expect(view?.retrievals).toEqual([
        expect.objectContaining({
          name: architect.displayName,
          roleLabel: "Entwurfsverfasser:in",
          bekanntgabe: expected,
        }),
      ]);
      expect(view?.deadlines).toEqual(deadlinesFromBekanntgabe("MV", "BAUGENEHMIGUNG", expected));
    }
    const event = await db().caseEvent.findFirst({
      where: { applicationId: c.application.id, type: "decision.retrieved" },
      select: { actorId: true, payload: true },
    });
    expect(event).toMatchObject({ actorId: architect.id, payload: { bekanntgabe: expected } });

    // Made known by retrieval: no Zustellung to record.
    expect(
      await recordPostDelivery(clerk, c.application.id, { method: "ZUSTELLUNGSURKUNDE", deliveredOn: today }),
    ).toMatchObject({ ok: false, message: expect.stringContaining("bereits durch Abruf") });
    // Another tenant's clerk sees nothing.
    const other = await buildCase({ until: "submitted", label: "bekanntgabe-fremd" });
    expect(await getBekanntgabeForClerk(other.district.clerk, c.application.id)).toBeNull();
    expect(await getBekanntgabeForMember(other.district.architect, c.application.id)).toBeNull();
    expect(
      await recordPostDelivery(other.district.clerk, c.application.id, {
        method: "ZUSTELLUNGSURKUNDE",
        deliveredOn: today,
      }),
    ).toMatchObject({ ok: false, message: expect.stringContaining("keinen erlassenen Bescheid") });
  });

  it("nothing retrieved within ten days: the authority is warned and records the Zustellung by post", async () => {
    const c = await decidedWithBescheid("bekanntgabe-post");
    const { architect, clerk } = c.district;
    // Twelve days after the notice (the provision period is ten).
    const now = new Date(Date.now() + 12 * DAY);
    const view = await getBekanntgabeForClerk(clerk, c.application.id, { now });
    expect(view).toMatchObject({ bekanntgabe: null, notRetrievedInTime: true });
    expect(view?.retrievalPeriodEnd).toBe(addDays(berlinDate(new Date()), 10));
    expect((await getBekanntgabeForClerk(clerk, c.application.id))?.notRetrievedInTime).toBe(false);

    const today = berlinDate(now);
    const yesterday = addDays(today, -1);
    expect(
      await recordPostDelivery(architect, c.application.id, {
        method: "ZUSTELLUNGSURKUNDE",
        deliveredOn: yesterday,
      }),
    ).toMatchObject({ ok: false });
    expect(
      await recordPostDelivery(
        clerk,
        c.application.id,
        { method: "BRIEFTAUBE", deliveredOn: yesterday },
        now,
      ),
    ).toMatchObject({ ok: false, message: expect.stringContaining("wie der Bescheid zugestellt") });
    expect(
      await recordPostDelivery(clerk, c.application.id, {
        method: "ZUSTELLUNGSURKUNDE",
        deliveredOn: "31.02.2026",
      }),
    ).toMatchObject({ ok: false, message: expect.stringContaining("Datum der Zustellung") });
    expect(
      await recordPostDelivery(
        clerk,
        c.application.id,
        {
          method: "ZUSTELLUNGSURKUNDE",
          deliveredOn: addDays(today, 1),
        },
        now,
      ),
    ).toMatchObject({ ok: false, message: expect.stringContaining("Zukunft") });
    expect(
      await recordPostDelivery(
        clerk,
        c.application.id,
        {
          method: "ZUSTELLUNGSURKUNDE",
          deliveredOn: yesterday,
          note: "PZU liegt in der Akte",
        },
        now,
      ),
    ).toEqual({ ok: true, deliveredOn: yesterday });
    expect(
      await recordPostDelivery(
        clerk,
        c.application.id,
        { method: "EMPFANGSBEKENNTNIS", deliveredOn: today },
        now,
      ),
    ).toMatchObject({ ok: false, message: expect.stringContaining("bereits eine Zustellung") });

    // A retrieval after the provision period effects no Bekanntgabe; the Zustellung stands.
    expect(await recordBescheidRetrieval(architect, c.fileId, now)).toBe(true);
    const after = await getBekanntgabeForMember(architect, c.application.id, { now });
    expect(after).toMatchObject({
      bekanntgabe: yesterday,
      via: "POST",
      notRetrievedInTime: false,
      postDelivery: {
        methodLabel: "Postzustellungsurkunde",
        deliveredOn: yesterday,
        note: "PZU liegt in der Akte",
      },
    });
    expect(after?.retrievals[0]?.bekanntgabe).toBeNull();
    expect(after?.deadlines?.legalRemedy.date).toBe(
      deadlinesFromBekanntgabe("MV", "BAUGENEHMIGUNG", yesterday).legalRemedy.date,
    );
  });
});
