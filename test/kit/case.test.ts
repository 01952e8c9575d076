import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { advanceCase, buildCase } from "./case";
import { sessionUser } from "./draft-fixtures";

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

describe("buildCase options and advanceCase", () => {
  it("builds a Bauherr's case with every document to follow and advances a submitted case", async () => {
    const first = await buildCase({ until: "submitted", label: "kit-options" });
    const d = first.district;
    const bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bea Bauherrin" });
    const own = await buildCase({
      until: "submitted",
      district: d,
      applicant: bauherr,
      patch: {},
      draft: {
        title: "Kit Bauherr",
        memberRole: "BAUHERR",
        withoutDocuments: true,
        editData: (data) => ({ ...data, bauherr: { ...data.bauherr, lastName: "Kitmann" } }),
      },
    });
    expect(own.application.title).toBe("Kit Bauherr");
    expect(own.application.status).toBe("SUBMITTED");
    const row = await db().application.findUniqueOrThrow({
      where: { id: own.application.id },
      select: { data: true, documents: { select: { versions: { select: { id: true } } } } },
    });
    // Documents to follow: listed, but no version uploaded.
    expect(row.documents.flatMap((doc) => doc.versions)).toHaveLength(0);
    const data = row.data as { bauherr?: { lastName?: string }; project?: { monument?: boolean } };
    expect(data.bauherr?.lastName).toBe("Kitmann");
    // `patch: {}` leaves the drafted data: the participation facts are not merged in.
    expect(data.project?.monument).not.toBe(true);

    // No Fachstellen given: decided without participation.
    const advanced = await advanceCase({ clerk: d.clerk, agencies: {} }, first.application.id, {
      until: "decided",
    });
    expect(advanced.participationIds).toHaveLength(0);
    expect(advanced.decisionId).not.toBeNull();
    const decided = await db().application.findUniqueOrThrow({
      where: { id: first.application.id },
      select: { status: true, _count: { select: { participations: true } } },
    });
    expect(decided.status).toBe("DECIDED");
    expect(decided._count.participations).toBe(0);
  });
});
