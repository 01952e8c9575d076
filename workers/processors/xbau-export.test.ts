import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { XbauIdentityMissing } from "~/xbau/identity.server";
import type { Storage } from "../../storage/index";
import { buildCase } from "../../test/kit/case";
import { exportXbauMessage } from "./xbau-export";

/**
 * A message that cannot be addressed (no XBau identity configured) is not built — and the clerks
 * learn it from the case history and a notification, once per message however often the job runs.
 */

afterAll(async () => {
  await db().$disconnect();
});

describe("exportXbauMessage without a configured identity", () => {
  it("records the skipped message in the history and notifies the clerks once", async () => {
    const built = await buildCase({ until: "submitted", label: "xbau-skip" });
    const app = await db().application.findUniqueOrThrow({
      where: { id: built.application.id },
      select: { id: true, authorityId: true },
    });
    const reason = "Für „Testkreis“ ist keine XBau-Behördenkennung (DVDV) eingerichtet.";
    const sourceKey = `xbau-0205-skip-test-${app.id}`;
    const run = () =>
      exportXbauMessage({
        db: db(),
        // The skipped path never touches storage: building fails before anything is stored.
        storage: {} as Storage,
        log: logger,
        app,
        sourceKey,
        title: "XBau-Nachricht (Bescheid 0205)",
        filename: "bescheid-0205.xml",
        element: "baugenehmigung.bescheid.0205",
        keyId: `baugenehmigung-bescheid-0205-${app.id}`,
        build: () => {
          throw new XbauIdentityMissing(reason);
        },
      });

    const first = await run();
    const again = await run();
    expect(first).toMatchObject({ created: false, skipped: reason });
    expect(again).toMatchObject({ created: false, skipped: reason });

    const events = await db().caseEvent.findMany({
      where: { applicationId: app.id, type: "xbau.skipped" },
      select: { payload: true },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ message: "baugenehmigung.bescheid.0205", reason });

    const notify = await db().outboxMessage.findMany({
      where: { jobName: "system.notify", jobId: { contains: app.id } },
      select: { payload: true },
    });
    const skippedNotes = notify.filter((n) => (n.payload as { event?: string }).event === "xbau.skipped");
    expect(skippedNotes).toHaveLength(1);
    expect(skippedNotes[0]?.payload).toMatchObject({
      details: { message: "baugenehmigung.bescheid.0205", reason },
    });
    expect(await db().generatedDocument.count({ where: { applicationId: app.id, kind: "XBAU_0205" } })).toBe(
      0,
    );
  });
});
