import { createReadStream } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { startTestStorage } from "../../storage/test-support";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { deleteDraftDocumentVersion, uploadDocumentVersion } from "./document.server";

// Issue 14 item 6: a wrongly uploaded file can be removed from a draft — never once submitted.

const FIXTURE = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen/baubeschreibung.pdf");
let s3: Awaited<ReturnType<typeof startTestStorage>>;
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;

beforeAll(async () => {
  s3 = await startTestStorage("doc-delete");
  district = await createTestDistrict("doc-delete");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
});
afterAll(async () => {
  await s3.close();
});

async function upload(applicationId: string, typeCode = "2805") {
  const r = await uploadDocumentVersion(
    architect,
    applicationId,
    { typeCode, filename: "falsch.pdf", contentType: "application/pdf", body: createReadStream(FIXTURE) },
    { storage: s3.storage },
  );
  if (!r.ok) throw new Error(r.message);
  return db().documentVersion.findFirstOrThrow({
    where: { document: { applicationId, typeCode } },
    orderBy: { versionNumber: "desc" },
    select: { id: true, storageKey: true, versionNumber: true },
  });
}

describe("deleteDraftDocumentVersion", () => {
  it("removes the version, its stored file and records it; only the draft's members", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
    const v = await upload(id);
    expect(await s3.storage.stat(v.storageKey)).not.toBeNull();

    const stranger = await sessionUser({ roles: ["ARCHITECT"] });
    expect(await deleteDraftDocumentVersion(stranger, id, v.id, { storage: s3.storage })).toMatchObject({
      ok: false,
    });
    expect(await db().documentVersion.count({ where: { id: v.id } })).toBe(1);

    expect(await deleteDraftDocumentVersion(architect, id, v.id, { storage: s3.storage })).toEqual({
      ok: true,
      filename: "falsch.pdf",
    });
    expect(await db().documentVersion.count({ where: { id: v.id } })).toBe(0);
    expect(await s3.storage.stat(v.storageKey)).toBeNull();
    const event = await db().caseEvent.findFirst({
      where: { applicationId: id, type: "document.version-deleted" },
      select: { actorId: true, payload: true },
    });
    expect(event).toMatchObject({
      actorId: architect.id,
      payload: { filename: "falsch.pdf", versionNumber: 1 },
    });
    // Twice: nothing left to delete.
    expect(await deleteDraftDocumentVersion(architect, id, v.id, { storage: s3.storage })).toMatchObject({
      ok: false,
    });
  });

  it("never deletes a version once the application is submitted", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const v = await db().documentVersion.findFirstOrThrow({
      where: { document: { applicationId: id } },
      select: { id: true },
    });
    // The Vollmacht declared for the submission stays while the declaration stands.
    const mandate = await db().submissionConsent.findFirst({
      where: { applicationId: id, kind: "MANDATE", revokedAt: null },
      select: { documentVersionId: true },
    });
    expect(mandate?.documentVersionId).toBeTruthy();
    const refused = await deleteDraftDocumentVersion(architect, id, mandate?.documentVersionId ?? "", {
      storage: s3.storage,
    });
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining("Vollmacht") });
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error(JSON.stringify(s));
    const r = await deleteDraftDocumentVersion(architect, id, v.id, { storage: s3.storage });
    expect(r).toMatchObject({ ok: false });
    expect(await db().documentVersion.count({ where: { id: v.id } })).toBe(1);
  });
});
