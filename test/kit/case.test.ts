import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { buildCase } from "./case";

// The builder walks the real commands: each stage leaves the case where a clerk would find it.
describe("buildCase", () => {
  it("brings a case to each stage through the real commands", async () => {
    const submitted = await buildCase({ until: "submitted", label: "kit-submitted" });
    expect(submitted.application.status).toBe("SUBMITTED");
    expect(submitted.application.fileNumber).toBeTruthy();

    const complete = await buildCase({ until: "complete", district: submitted.district });
    expect(complete.application.status).toBe("COMPLETE");
    const row = await db().application.findUniqueOrThrow({
      where: { id: complete.application.id },
      select: { completeAt: true },
    });
    expect(row.completeAt).not.toBeNull();

    const asked = await buildCase({ until: "participation", district: submitted.district });
    expect(asked.participationIds).toHaveLength(Object.keys(submitted.district.agencies).length);

    const decided = await buildCase({ until: "decided", district: submitted.district });
    expect(decided.application.status).toBe("DECIDED");
    expect(decided.decisionId).not.toBeNull();
  });
});
