import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute } from "../../test/kit/route";
import { loader } from "./antraege.$id.dokumente-stand";

// The readiness poll (issue 14 item 5): members see the ids of the case's generated files as they
// appear; anyone else gets none.

describe("/antraege/:id/dokumente-stand", () => {
  it("lists the generated files a member may read, nothing for others, never cached", async () => {
    const district = await createTestDistrict("ready-docs");
    const architect = await sessionUser({ roles: ["ARCHITECT"] });
    const stranger = await sessionUser({ roles: ["ARCHITECT"] });
    const { id } = await createCompleteDraft(architect, district.gemeinde.id);
    const path = `/antraege/${id}/dokumente-stand`;
    const ids = async (user = architect) => {
      const r = await loadRoute(loader, user, path, { id });
      expect(r.response?.headers.get("Cache-Control")).toBe("no-store");
      if (!r.response) throw new Error("no response");
      return ((await r.response.json()) as { ids: string[] }).ids;
    };
    expect(await ids()).toEqual([]);
    const key = randomUUID();
    const doc = await db().generatedDocument.create({
      data: {
        applicationId: id,
        kind: "RECEIPT",
        title: "Eingangsbestätigung",
        filename: "eingang.pdf",
        mimeType: "application/pdf",
        sizeBytes: BigInt(10),
        sha256: "0".repeat(64),
        storageKey: `test/${key}`,
        sourceKey: `test-${key}`,
      },
      select: { id: true },
    });
    expect(await ids()).toEqual([doc.id]);
    expect(await ids(stranger)).toEqual([]);
    // The clerk's case page polls it too (clerks see submitted cases only): the own authority sees
    // the file, another one does not.
    expect(await ids(await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id }))).toEqual(
      [],
    );
    await db().application.update({ where: { id }, data: { status: "SUBMITTED", submittedAt: new Date() } });
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
    const other = await createTestDistrict("ready-docs-other");
    const foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
    expect(await ids(clerk)).toEqual([doc.id]);
    expect(await ids(foreignClerk)).toEqual([]);
  });
});
