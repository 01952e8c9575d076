import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { formatFileNumber } from "~/domain/file-number";
import { getDraftForMember, saveDraftSection } from "~/models/draft.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  requiredDocumentCodes,
  sessionUser,
} from "../../test/kit/draft-fixtures";
import { berlinYear } from "./file-number.server";
import { type ApplicationSnapshot, submitApplication } from "./submission.server";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;
const year = berlinYear(new Date());

beforeAll(async () => {
  district = await createTestDistrict("submit", "63-{YYYY}-{NNNNN}");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

async function outboxOf(applicationId: string) {
  return db().outboxMessage.findMany({
    where: { jobId: { contains: applicationId } },
    select: { jobName: true, jobId: true, payload: true, queue: true },
    orderBy: { id: "asc" },
  });
}

describe("submitApplication", () => {
  it("submits a complete draft: Aktenzeichen, snapshot, status, event and outbox jobs in one go", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.fileNumber).toMatch(new RegExp(`^63-${year}-\\d{5}$`));

    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, fileNumber: true, submittedAt: true, snapshot: true, version: true },
    });
    expect(row).toMatchObject({ status: "SUBMITTED", fileNumber: r.fileNumber, version: version + 1 });
    const snapshot = row.snapshot as unknown as ApplicationSnapshot;
    expect(snapshot).toMatchObject({
      fileNumber: r.fileNumber,
      procedureType: "VEREINFACHT",
      submittedBy: { userId: architect.id, role: "ENTWURFSVERFASSER", displayName: "Anna Architektin" },
      authority: { id: district.authority.id },
      openItems: [],
    });
    expect(snapshot.submittedAt).toBe(row.submittedAt?.toISOString());
    expect((snapshot.data as { bauherr?: { lastName?: string } }).bauherr?.lastName).toBe("Mustermann");
    // The required documents plus the Vollmacht the architect declared (createCompleteDraft).
    expect(snapshot.documents.map((d) => d.typeCode).sort()).toEqual(
      [...requiredDocumentCodes(), "0603"].sort(),
    );
    expect(snapshot.consent).toMatchObject({
      kind: "MANDATE",
      byUserId: architect.id,
      filename: "0603-v1.pdf",
    });

    const events = await db().caseEvent.findMany({
      where: { applicationId: id, type: "application.submitted" },
      select: { actorId: true, payload: true },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: architect.id, payload: { fileNumber: r.fileNumber } });

    const outbox = await outboxOf(id);
    expect(outbox).toEqual([
      {
        jobName: "documents.render-receipt",
        jobId: buildJobId("documents.render-receipt", id),
        payload: { applicationId: id },
        queue: "documents",
      },
      {
        jobName: "xbau.export-application",
        jobId: buildJobId("xbau.export-application", id),
        payload: { applicationId: id },
        queue: "xbau",
      },
      {
        jobName: "system.notify",
        jobId: buildJobId("system.notify", id, "application.submitted"),
        payload: {
          applicationId: id,
          event: "application.submitted",
          actorId: architect.id,
        },
        queue: "system",
      },
    ]);
  });

  it("records the exact document versions in the snapshot; later uploads do not change it", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const v2 = await addDocumentVersion(id, "1803", architect.id);
    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    expect(r.ok).toBe(true);
    const v3 = await addDocumentVersion(id, "1803", bauherr.id);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { snapshot: true } });
    const lageplan = (row.snapshot as unknown as ApplicationSnapshot).documents.find(
      (d) => d.typeCode === "1803",
    );
    expect(lageplan).toMatchObject({
      versionId: v2.id,
      versionNumber: 2,
      sha256: v2.sha256,
      documentId: v2.documentId,
      mimeType: "application/pdf",
      toBeSubmittedLater: false,
    });
    expect(v3.versionNumber).toBe(3);
  });

  it("blocks submission while mandatory fields are missing, and changes nothing", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const cleared = await saveDraftSection(architect, id, {
      section: "bauherr",
      value: { kind: "PERSON" },
      expectedVersion: version,
    });
    if (!cleared.ok) throw new Error(JSON.stringify(cleared));
    const r = await submitApplication(architect, id, {
      expectedVersion: cleared.version,
      laterDocumentTypeCodes: [],
    });
    expect(r.ok).toBe(false);
    if (r.ok || r.reason !== "incomplete") throw new Error(JSON.stringify(r));
    const blocking = r.findings.filter((f) => f.blocking);
    expect(blocking.length).toBeGreaterThan(0);
    expect(blocking.every((f) => f.section === "bauherr" && f.severity === "error")).toBe(true);
    expect(blocking[0]?.message).toMatch(/[äöüÄÖÜßa-z]/);

    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, fileNumber: true, snapshot: true, version: true },
    });
    expect(row).toEqual({ status: "DRAFT", fileNumber: null, snapshot: null, version: cleared.version });
    expect(await outboxOf(id)).toEqual([]);
  });

  it("blocks missing documents unless they are marked 'wird nachgereicht', which become open items", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id, {
      skipDocuments: ["2805", "2501"],
    });
    const blocked = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: ["2805"],
    });
    if (blocked.ok || blocked.reason !== "incomplete") throw new Error(JSON.stringify(blocked));
    const missing = blocked.findings.filter((f) => f.blocking);
    expect(missing.map((f) => f.documentTypeCodes?.[0])).toEqual(["2501"]);
    // The marks of a refused submission are rolled back with it.
    expect(await db().document.count({ where: { applicationId: id, typeCode: "2805" } })).toBe(0);

    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: ["2805", "2501"],
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const docs = await db().document.findMany({
      where: { applicationId: id, typeCode: { in: ["2805", "2501"] } },
      select: { typeCode: true, toBeSubmittedLater: true, _count: { select: { versions: true } } },
      orderBy: { typeCode: "asc" },
    });
    expect(docs).toEqual([
      { typeCode: "2501", toBeSubmittedLater: true, _count: { versions: 0 } },
      { typeCode: "2805", toBeSubmittedLater: true, _count: { versions: 0 } },
    ]);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { snapshot: true } });
    const snapshot = row.snapshot as unknown as ApplicationSnapshot;
    expect(snapshot.openItems.map((o) => o.documentTypeCodes[0]).sort()).toEqual(["2501", "2805"]);
    expect(
      snapshot.documents
        .filter((d) => d.toBeSubmittedLater)
        .map((d) => d.typeCode)
        .sort(),
    ).toEqual(["2501", "2805"]);
    expect(snapshot.documents.find((d) => d.typeCode === "2805")).toMatchObject({
      versionId: null,
      sha256: null,
    });
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "application.submitted" },
      select: { payload: true },
    });
    expect((event.payload as { openItems: unknown[] }).openItems).toHaveLength(2);
  });

  it("lets only accepted members with a submitting role submit", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    await db().applicationMember.create({
      data: {
        applicationId: id,
        email: bauherr.email,
        role: "BAUHERR",
        invitationState: "PENDING",
        invitationTokenHash: randomUUID(),
        invitationExpiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    for (const user of [stranger, clerk, bauherr]) {
      expect(
        await submitApplication(user, id, { expectedVersion: version, laterDocumentTypeCodes: [] }),
      ).toEqual({
        ok: false,
        reason: "not-allowed",
      });
    }
    expect(
      await submitApplication(architect, randomUUID(), { expectedVersion: 1, laterDocumentTypeCodes: [] }),
    ).toEqual({ ok: false, reason: "not-allowed" });
    expect(
      await submitApplication(architect, id, {
        expectedVersion: version,
        laterDocumentTypeCodes: ["gibt-es-nicht"],
      }),
    ).toEqual({ ok: false, reason: "not-allowed" });

    // Accepted Bauherr may submit.
    await db().applicationMember.updateMany({
      where: { applicationId: id, email: bauherr.email },
      data: { invitationState: "ACCEPTED", userId: bauherr.id, invitationTokenHash: null },
    });
    const r = await submitApplication(bauherr, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
    expect(r.ok).toBe(true);
    expect(await outboxOf(id)).toHaveLength(3);
  });

  it("refuses a stale version and a second submission; a submitted application cannot be edited", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    expect(
      await submitApplication(architect, id, { expectedVersion: version - 1, laterDocumentTypeCodes: [] }),
    ).toEqual({
      ok: false,
      reason: "conflict",
    });
    const first = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    expect(first.ok).toBe(true);
    expect(
      await submitApplication(architect, id, { expectedVersion: version + 1, laterDocumentTypeCodes: [] }),
    ).toEqual({
      ok: false,
      reason: "not-editable",
    });
    expect(
      await saveDraftSection(architect, id, {
        section: "project",
        value: { buildingClass: 2 },
        expectedVersion: version + 1,
      }),
    ).toEqual({ ok: false, reason: "not-editable" });
    const view = await getDraftForMember(architect, id);
    expect(view).toMatchObject({ status: "SUBMITTED", editable: false, maySubmit: false });
    expect(await outboxOf(id)).toHaveLength(3);
  });

  it("keeps nothing when the transaction fails: no number used, no marks, no outbox rows", async () => {
    const broken = await createTestDistrict("submit-broken");
    const { id, version } = await createCompleteDraft(architect, broken.gemeinde.id, {
      skipDocuments: ["2501"],
    });
    // A format that cannot be formatted fails after the counter was incremented.
    await db().authority.update({ where: { id: broken.authority.id }, data: { fileNumberFormat: "kaputt" } });
    await expect(
      submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: ["2501"] }),
    ).rejects.toThrow(/laufende Nummer/);
    expect(await db().fileNumberCounter.findMany({ where: { authorityId: broken.authority.id } })).toEqual(
      [],
    );
    expect(await db().document.count({ where: { applicationId: id, typeCode: "2501" } })).toBe(0);
    expect(await outboxOf(id)).toEqual([]);
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "application.submitted" } })).toBe(
      0,
    );
    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, fileNumber: true },
    });
    expect(row).toEqual({ status: "DRAFT", fileNumber: null });

    // Fixed format: the first number is 1 (the failed attempt left no gap).
    await db().authority.update({
      where: { id: broken.authority.id },
      data: { fileNumberFormat: "BA-{NNN}/{YY}" },
    });
    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: ["2501"],
    });
    expect(r).toEqual({ ok: true, fileNumber: `BA-001/${String(year % 100).padStart(2, "0")}` });
  });
});

describe("concurrent submissions", () => {
  it("gives 40 simultaneous submissions across two authorities unique, gap-free Aktenzeichen in each format", async () => {
    const perAuthority = 20;
    const a = await createTestDistrict("conc-a", "63-{YYYY}-{NNNNN}");
    const b = await createTestDistrict("conc-b", "BA/{YY}/{NNNN}");
    const formats = new Map([
      [a.authority.id, "63-{YYYY}-{NNNNN}"],
      [b.authority.id, "BA/{YY}/{NNNN}"],
    ]);
    const drafts: { id: string; version: number; authorityId: string }[] = [];
    const plan = [a, b].flatMap((d) => Array.from({ length: perAuthority }, () => d));
    // Prepared a few at a time (setup only); the submissions below all start at once.
    for (let i = 0; i < plan.length; i += 8) {
      const batch = plan.slice(i, i + 8);
      const created = await Promise.all(batch.map((d) => createCompleteDraft(architect, d.gemeinde.id)));
      for (const [j, draft] of created.entries()) {
        drafts.push({ ...draft, authorityId: (batch[j] as typeof a).authority.id });
      }
    }
    const results = await Promise.all(
      drafts.map((d) =>
        submitApplication(architect, d.id, { expectedVersion: d.version, laterDocumentTypeCodes: [] }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);

    for (const [authorityId, format] of formats) {
      const rows = await db().application.findMany({
        where: { authorityId, status: "SUBMITTED" },
        select: { fileNumber: true },
      });
      const expected = Array.from({ length: perAuthority }, (_, i) =>
        formatFileNumber(format, { year, sequence: i + 1 }),
      );
      expect(rows.map((r) => r.fileNumber).sort()).toEqual(expected.sort());
      const counter = await db().fileNumberCounter.findUniqueOrThrow({
        where: { authorityId_year: { authorityId, year } },
      });
      expect(counter.lastValue).toBe(perAuthority);
    }
    // Every result's number belongs to its own application.
    for (const [i, r] of results.entries()) {
      const row = await db().application.findUniqueOrThrow({
        where: { id: drafts[i]?.id },
        select: { fileNumber: true },
      });
      expect(r).toEqual({ ok: true, fileNumber: row.fileNumber });
    }
  });
});
