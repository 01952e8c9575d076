import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDraftForMember, saveDraftSection } from "~/models/draft.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage } from "../../storage/index";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  requiredDocumentCodes,
  sessionUser,
} from "../../test/kit/draft-fixtures";
import { checkExpiredRequests } from "../../workers/processors/check-deadlines";
import { canUploadDocuments, uploadDocumentVersion } from "./document.server";
import {
  answerItem,
  computeChanges,
  getOpenRequestForMember,
  getRequestForClerk,
  listRequestsForMember,
  sendAnswer,
} from "./request.server";
import {
  assignCase,
  closeRequest,
  confirmComplete,
  getReviewProposal,
  proposeItems,
  sendRequest,
  startReview,
} from "./review.server";
import { submitApplication } from "./submission.server";
import { declareDeemedWithdrawn, withdrawApplication } from "./withdrawal.server";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const BRANDSCHUTZ = "2701";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;
let clerk2: SessionUser;
let foreignClerk: SessionUser;
let s3dir: string;
let tmpRoot: string;
let s3: EmbeddedS3;
let storage: Storage;

beforeAll(async () => {
  district = await createTestDistrict("review");
  other = await createTestDistrict("review-other");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Sachb. Eins",
  });
  clerk2 = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });

  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-review-s3-"));
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "bauantrag-review-tmp-"));
  const bucket = `review-${randomUUID().slice(0, 8)}`;
  s3 = await startEmbeddedS3({ dir: s3dir, port: 0, bucket, accessKey: "S3RVER", secretKey: "S3RVER" });
  storage = createStorage({
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    region: "us-east-1",
  });
  await storage.ensureBucket();
});

afterAll(async () => {
  await s3?.close();
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
});

/** A submitted case of `district` (architect as Entwurfsverfasser, bauherr as accepted member). */
async function submittedCase({ later = [] as string[] } = {}) {
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id, {
    skipDocuments: later,
  });
  await db().applicationMember.create({
    data: {
      applicationId: id,
      userId: bauherr.id,
      email: bauherr.email,
      role: "BAUHERR",
      invitationState: "ACCEPTED",
      acceptedAt: new Date(),
    },
  });
  const r = await submitApplication(architect, id, {
    expectedVersion: version,
    laterDocumentTypeCodes: later,
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return id;
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000);

async function statusOf(id: string) {
  return (await db().application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
}

function upload(user: SessionUser, applicationId: string, typeCode: string, file: string) {
  const full = path.join(FIXTURES, file);
  return uploadDocumentVersion(
    user,
    applicationId,
    { typeCode, filename: file, contentType: "application/pdf", body: createReadStream(full) },
    { storage, tmpDir: tmpRoot },
  );
}

async function openRequest(id: string, note = "Intern: Bauherr telefonisch schwer erreichbar") {
  const r = await sendRequest(clerk, id, {
    items: [{ category: "05", message: "Brandschutznachweis fehlt", documentTypeCode: BRANDSCHUTZ }],
    message: "Bitte reichen Sie den Brandschutznachweis nach.",
    internalNote: note,
    bylawReference: "Stellplatzsatzung der Gemeinde",
    deadline: inDays(14),
  });
  if (!r.ok) throw new Error(r.message);
  return r.requestId;
}

describe("formal review", () => {
  it("startReview moves SUBMITTED to IN_REVIEW once and refuses clerks of another authority", async () => {
    const id = await submittedCase();
    await expect(startReview(foreignClerk, id)).rejects.toMatchObject({ init: { status: 404 } });
    await expect(startReview(architect, id)).rejects.toMatchObject({ init: { status: 404 } });
    expect(await statusOf(id)).toBe("SUBMITTED");
    await startReview(clerk, id);
    await startReview(clerk, id);
    expect(await statusOf(id)).toBe("IN_REVIEW");
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "review.started" } })).toBe(1);
  });

  it("proposes items from the automatic findings, with 'wird nachgereicht' documents as category 05", async () => {
    const id = await submittedCase({ later: [BRANDSCHUTZ] });
    expect(await getReviewProposal(foreignClerk, id)).toBeNull();
    const proposal = await getReviewProposal(clerk, id);
    expect(proposal?.items).toEqual([
      expect.objectContaining({
        category: "05",
        documentTypeCode: BRANDSCHUTZ,
        source: "to-be-submitted-later",
      }),
    ]);
  });

  it("maps missing fields to categories by section", () => {
    const base = {
      kind: "field",
      severity: "error",
      legalBasis: "x",
      blocking: true,
      section: "project",
    } as const;
    const items = proposeItems(
      [
        { ...base, ruleId: "a", message: "Name fehlt", path: "bauherr.lastName" },
        { ...base, ruleId: "b", message: "Kammer fehlt", path: "entwurfsverfasser.chamberNumber" },
        { ...base, ruleId: "c", message: "Nutzung fehlt", path: "project.use" },
        { ...base, ruleId: "d", message: "Flur fehlt", path: "plot.parcels.0.flur" },
        {
          ruleId: "e",
          kind: "document",
          severity: "missing-document",
          message: "Lageplan fehlt",
          legalBasis: "y",
          section: "documents",
          documentTypeCodes: ["1803"],
          status: "missing",
          blocking: true,
        },
        { ...base, ruleId: "w", severity: "warning", message: "nur Hinweis", path: "project.x" },
      ],
      ["2702"],
    );
    expect(items.map((i) => [i.ruleId, i.category])).toEqual([
      ["a", "01"],
      ["b", "01"],
      ["c", "02"],
      ["d", "03"],
      ["e", "05"],
      ["later.2702", "05"],
    ]);
  });

  it("sendRequest validates, stores baseline and items, sets INCOMPLETE and the next deadline, enqueues the notification", async () => {
    const id = await submittedCase();
    const bad = await sendRequest(clerk, id, {
      items: [],
      message: "",
      internalNote: "",
      deadline: inDays(3),
    });
    expect(bad).toMatchObject({ ok: false });
    const past = await sendRequest(clerk, id, {
      items: [{ category: "05", message: "x" }],
      message: "",
      internalNote: "",
      deadline: inDays(-1),
    });
    expect(past).toEqual({ ok: false, message: "Die Frist muss in der Zukunft liegen." });
    const wrongCat = await sendRequest(clerk, id, {
      items: [{ category: "09", message: "x" }],
      message: "",
      internalNote: "",
      deadline: inDays(3),
    });
    expect(wrongCat.ok).toBe(false);
    expect(
      await sendRequest(foreignClerk, id, {
        items: [{ category: "05", message: "x" }],
        message: "",
        internalNote: "",
        deadline: inDays(3),
      }),
    ).toMatchObject({ ok: false });

    const requestId = await openRequest(id);
    const app = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, nextDeadlineAt: true },
    });
    expect(app.status).toBe("INCOMPLETE");
    const req = await db().request.findUniqueOrThrow({
      where: { id: requestId },
      select: { deadline: true, baseline: true, items: true, internalNote: true },
    });
    expect(app.nextDeadlineAt?.toISOString()).toBe(req.deadline.toISOString());
    expect(req.items).toHaveLength(1);
    const baseline = req.baseline as { documents: { versionIds: string[] }[]; data: { bauherr: unknown } };
    // The required documents plus the architect's Vollmacht (createCompleteDraft, issue 14).
    expect(baseline.documents.length).toBe(requiredDocumentCodes().length + 1);
    expect(baseline.data.bauherr).toBeTruthy();
    // The event never carries the internal note.
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "request.sent" },
    });
    expect(JSON.stringify(event.payload)).not.toContain("Intern");
    const outbox = await db().outboxMessage.findUniqueOrThrow({
      where: { jobId: buildJobId("system.notify", id, "request.sent", requestId) },
      select: { payload: true },
    });
    expect(outbox.payload).toMatchObject({ event: "request.sent", scope: requestId, applicationId: id });
    expect(JSON.stringify(outbox.payload)).not.toContain("Intern");

    // Only one open request at a time.
    expect(
      await sendRequest(clerk, id, {
        items: [{ category: "05", message: "x" }],
        message: "",
        internalNote: "",
        deadline: inDays(3),
      }),
    ).toEqual({ ok: false, message: "Zu diesem Fall ist bereits eine Nachforderung offen." });
  });

  it("assigns a case to a clerk of the same authority only", async () => {
    const id = await submittedCase();
    expect(await assignCase(clerk, id, foreignClerk.id)).toMatchObject({ ok: false });
    expect(await assignCase(clerk, id, architect.id)).toMatchObject({ ok: false });
    expect(await assignCase(foreignClerk, id, foreignClerk.id)).toMatchObject({ ok: false });
    expect(await assignCase(clerk, id, clerk2.id)).toEqual({ ok: true });
    expect(await assignCase(clerk, id, clerk2.id)).toEqual({ ok: true });
    let row = await db().application.findUniqueOrThrow({ where: { id }, select: { assignedClerkId: true } });
    expect(row.assignedClerkId).toBe(clerk2.id);
    expect(await assignCase(clerk, id, null)).toEqual({ ok: true });
    row = await db().application.findUniqueOrThrow({ where: { id }, select: { assignedClerkId: true } });
    expect(row.assignedClerkId).toBeNull();
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "case.assigned" } })).toBe(2);
  });
});

describe("requests: applicant side and answers", () => {
  it("the applicant side sees the open request but never the internal note; strangers and clerks see nothing", async () => {
    const id = await submittedCase();
    await openRequest(id, "GEHEIM-Vermerk-4711");
    const view = await getOpenRequestForMember(architect, id);
    expect(view).toMatchObject({
      status: "OPEN",
      message: "Bitte reichen Sie den Brandschutznachweis nach.",
      bylawReference: "Stellplatzsatzung der Gemeinde",
      items: [
        { position: 1, category: "05", categoryLabel: "Bauvorlage fehlt", documentTypeCode: BRANDSCHUTZ },
      ],
    });
    expect(view).not.toHaveProperty("internalNote");
    expect(JSON.stringify(view)).not.toContain("GEHEIM");
    expect(JSON.stringify(await listRequestsForMember(bauherr, id))).not.toContain("GEHEIM");
    expect(await getOpenRequestForMember(stranger, id)).toBeNull();
    expect(await getOpenRequestForMember(clerk, id)).toBeNull();
    // The draft view (what the case page loads) carries nothing of the request note either.
    const draft = await getDraftForMember(architect, id);
    expect(draft?.requestOpen).toBe(true);
    expect(draft?.editable).toBe(false);
    expect(JSON.stringify(draft)).not.toContain("GEHEIM");
  });

  it("refuses editing a submitted case outside a request, allows it while one is open, and refuses again after the answer", async () => {
    const id = await submittedCase({ later: [BRANDSCHUTZ] });
    const v0 = (await getDraftForMember(architect, id))?.version as number;
    const project = (await getDraftForMember(architect, id))?.data.project;
    // Submitted, no request: no saves, no uploads.
    expect(
      await saveDraftSection(architect, id, { section: "project", value: project, expectedVersion: v0 }),
    ).toEqual({
      ok: false,
      reason: "not-editable",
    });
    expect(await canUploadDocuments(architect, id)).toMatchObject({ ok: false });
    expect(await upload(architect, id, BRANDSCHUTZ, "brandschutznachweis.pdf")).toMatchObject({ ok: false });
    await startReview(clerk, id);
    expect(await upload(architect, id, BRANDSCHUTZ, "brandschutznachweis.pdf")).toMatchObject({ ok: false });

    const requestId = await openRequest(id);
    // Open request: sections (not the procedure) and uploads are allowed.
    expect(await canUploadDocuments(architect, id)).toEqual({ ok: true, authorityId: district.authority.id });
    const uploaded = await upload(architect, id, BRANDSCHUTZ, "brandschutznachweis.pdf");
    expect(uploaded).toMatchObject({ ok: true, versionNumber: 1 });
    const changedProject = { ...(project as object), description: "Einfamilienhaus mit Carport (geändert)" };
    const saved = await saveDraftSection(bauherr, id, {
      section: "project",
      value: changedProject,
      expectedVersion: v0,
    });
    expect(saved).toEqual({ ok: true, version: v0 + 1 });
    expect(
      await saveDraftSection(architect, id, {
        section: "general",
        value: { title: "Anders", procedureType: "BAUGENEHMIGUNG" },
        expectedVersion: v0 + 1,
      }),
    ).toEqual({ ok: false, reason: "not-editable" });
    // A stranger still cannot touch it.
    expect(await upload(stranger, id, BRANDSCHUTZ, "brandschutznachweis.pdf")).toMatchObject({ ok: false });

    const items = (await getOpenRequestForMember(architect, id))?.items ?? [];
    expect(
      await answerItem(architect, id, items[0]?.id as string, { answerText: "Liegt jetzt bei." }),
    ).toEqual({
      ok: true,
    });
    // Another user's item id from a different application is not found.
    expect(await answerItem(stranger, id, items[0]?.id as string, { answerText: "x" })).toMatchObject({
      ok: false,
    });

    // The clerk sees exactly what changed; a clerk of another authority sees nothing.
    expect(await getRequestForClerk(foreignClerk, id, requestId)).toBeNull();
    const forClerk = await getRequestForClerk(clerk, id, requestId);
    expect(forClerk?.internalNote).toContain("Intern");
    expect(forClerk?.changes.documents).toEqual([
      {
        typeCode: BRANDSCHUTZ,
        title: expect.any(String),
        newVersions: [
          {
            versionId: uploaded.ok ? uploaded.versionId : "",
            versionNumber: 1,
            filename: "brandschutznachweis.pdf",
          },
        ],
      },
    ]);
    expect(forClerk?.changes.fields).toEqual([
      {
        path: "project.description",
        before: expect.any(String),
        after: "Einfamilienhaus mit Carport (geändert)",
      },
    ]);

    expect(await sendAnswer(stranger, id, requestId)).toMatchObject({ ok: false });
    expect(await sendAnswer(architect, id, requestId)).toEqual({ ok: true });
    expect(await statusOf(id)).toBe("IN_REVIEW");
    const answeredEvent = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "request.answered" },
      select: { payload: true },
    });
    expect(answeredEvent.payload).toMatchObject({
      requestId,
      answeredItems: 1,
      changes: { fields: [{ path: "project.description" }], documents: [{ typeCode: BRANDSCHUTZ }] },
    });
    expect(
      await db().outboxMessage.count({
        where: { jobId: buildJobId("system.notify", id, "request.answered", requestId) },
      }),
    ).toBe(1);

    // Closed again: no answers, no second send, no saves, no uploads.
    expect(await sendAnswer(architect, id, requestId)).toMatchObject({ ok: false });
    expect(await answerItem(architect, id, items[0]?.id as string, { answerText: "Nachtrag" })).toMatchObject(
      {
        ok: false,
        message: "Diese Nachforderung ist nicht mehr offen und kann nicht mehr beantwortet werden.",
      },
    );
    expect(
      await saveDraftSection(architect, id, { section: "project", value: project, expectedVersion: v0 + 1 }),
    ).toEqual({ ok: false, reason: "not-editable" });
    expect(await upload(architect, id, BRANDSCHUTZ, "brandschutznachweis.pdf")).toMatchObject({ ok: false });
    expect(await getOpenRequestForMember(architect, id)).toBeNull();
  });

  it("an upload racing the answer is either in the answer's change set or refused, never lost", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    const item = (await getOpenRequestForMember(architect, id))?.items[0];
    expect(await answerItem(architect, id, item?.id as string, { answerText: "Kommt gleich." })).toEqual({
      ok: true,
    });
    const uploads = Array.from({ length: 4 }, () =>
      upload(architect, id, BRANDSCHUTZ, "brandschutznachweis.pdf"),
    );
    const answer = sendAnswer(bauherr, id, requestId);
    const [results, answered] = await Promise.all([Promise.all(uploads), answer]);
    expect(answered).toEqual({ ok: true });
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "request.answered" },
      select: { payload: true },
    });
    const inChangeSet = new Set(
      (
        (event.payload as { changes: { documents: { newVersions: { versionId: string }[] }[] } }).changes
          .documents ?? []
      ).flatMap((d) => d.newVersions.map((v) => v.versionId)),
    );
    const stored = await db().documentVersion.findMany({
      where: { document: { applicationId: id, typeCode: BRANDSCHUTZ } },
      select: { id: true },
    });
    for (const r of results) {
      if (r.ok) expect(inChangeSet.has(r.versionId)).toBe(true);
      else expect(r.message).toContain("eingereicht");
    }
    // Every stored version is one the clerk sees as new.
    expect(stored.map((v) => v.id).sort()).toEqual([...inChangeSet].sort());
  });

  it("refuses an empty answer", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    expect(await sendAnswer(architect, id, requestId)).toMatchObject({ ok: false });
    expect(await statusOf(id)).toBe("INCOMPLETE");
  });

  it("computeChanges diffs leaf fields and lists only versions newer than the baseline", () => {
    const changes = computeChanges(
      {
        data: { project: { use: "Wohnen", floors: 2, extra: "" }, plot: { parcels: [{ flur: "1" }] } },
        documents: [{ documentId: "d1", typeCode: "1803", title: "Lageplan", versionIds: ["v1"] }],
      },
      {
        project: { use: "Wohnen", floors: 3 },
        plot: { parcels: [{ flur: "1" }, { flur: "2" }] },
        bauherr: { x: "neu" },
      },
      [
        {
          typeCode: "1803",
          title: "Lageplan",
          versions: [
            { id: "v1", versionNumber: 1, filename: "a.pdf" },
            { id: "v2", versionNumber: 2, filename: "b.pdf" },
          ],
        },
        {
          typeCode: "2701",
          title: "Brandschutz",
          versions: [{ id: "v9", versionNumber: 1, filename: "c.pdf" }],
        },
        { typeCode: "2702", title: "Unverändert", versions: [] },
      ],
    );
    expect(changes.fields).toEqual([
      { path: "bauherr.x", before: null, after: "neu" },
      { path: "plot.parcels.1.flur", before: null, after: "2" },
      { path: "project.floors", before: 2, after: 3 },
    ]);
    expect(changes.documents).toEqual([
      {
        typeCode: "1803",
        title: "Lageplan",
        newVersions: [{ versionId: "v2", versionNumber: 2, filename: "b.pdf" }],
      },
      {
        typeCode: "2701",
        title: "Brandschutz",
        newVersions: [{ versionId: "v9", versionNumber: 1, filename: "c.pdf" }],
      },
    ]);
  });
});

describe("confirmComplete", () => {
  it("sets COMPLETE with the M-V decision deadline, refuses while a request is open and for other authorities", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    expect(await confirmComplete(clerk, id)).toMatchObject({ ok: false });
    await addDocumentVersion(id, BRANDSCHUTZ, architect.id);
    expect(await sendAnswer(architect, id, requestId)).toEqual({ ok: true });
    expect(await confirmComplete(foreignClerk, id)).toMatchObject({ ok: false });
    expect(await confirmComplete(architect, id)).toMatchObject({ ok: false });
    const now = new Date("2026-11-22T09:00:00Z");
    const r = await confirmComplete(clerk, id, { now });
    expect(r).toEqual({ ok: true, decisionDueAt: new Date("2027-02-22T22:59:59.999Z") });
    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, completeAt: true, decisionDueAt: true, nextDeadlineAt: true },
    });
    expect(row).toEqual({
      status: "COMPLETE",
      completeAt: now,
      decisionDueAt: new Date("2027-02-22T22:59:59.999Z"),
      nextDeadlineAt: new Date("2027-02-22T22:59:59.999Z"),
    });
    expect(await confirmComplete(clerk, id)).toMatchObject({ ok: false });
    expect(
      await db().outboxMessage.count({
        where: { jobId: buildJobId("system.notify", id, "application.complete") },
      }),
    ).toBe(1);
  });
});

describe("withdrawApplication", () => {
  it("withdraws a submitted case, closes the open request and notifies; refuses strangers, clerks and repeats", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    expect(await withdrawApplication(stranger, id, {})).toMatchObject({ ok: false });
    expect(await withdrawApplication(clerk, id, {})).toMatchObject({ ok: false });
    expect(await withdrawApplication(bauherr, id, { reason: "Finanzierung geplatzt" })).toEqual({ ok: true });
    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, withdrawnAt: true, nextDeadlineAt: true },
    });
    expect(row.status).toBe("WITHDRAWN");
    expect(row.withdrawnAt).toBeInstanceOf(Date);
    expect(row.nextDeadlineAt).toBeNull();
    expect((await db().request.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("CLOSED");
    expect(await sendAnswer(architect, id, requestId)).toMatchObject({ ok: false });
    expect(await withdrawApplication(architect, id, {})).toEqual({
      ok: false,
      message: "Der Antrag ist bereits zurückgenommen.",
    });
    expect(
      await db().outboxMessage.count({
        where: { jobId: buildJobId("system.notify", id, "application.withdrawn") },
      }),
    ).toBe(1);
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "application.withdrawn" },
    });
    expect(event).toMatchObject({
      actorId: bauherr.id,
      payload: { reason: "Finanzierung geplatzt", closedRequests: 1 },
    });
  });

  it("refuses withdrawing a draft", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id);
    expect(await withdrawApplication(architect, id, {})).toMatchObject({ ok: false });
    expect(await statusOf(id)).toBe("DRAFT");
  });
});

describe("closeRequest and declareDeemedWithdrawn", () => {
  it("closes an open request: back in review, no more applicant changes", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    expect(await closeRequest(foreignClerk, id, requestId)).toMatchObject({ ok: false });
    expect(await closeRequest(clerk, id, requestId)).toEqual({ ok: true });
    expect(await closeRequest(clerk, id, requestId)).toMatchObject({ ok: false });
    expect(await statusOf(id)).toBe("IN_REVIEW");
    expect(await canUploadDocuments(architect, id)).toMatchObject({ ok: false });
    expect(await sendAnswer(architect, id, requestId)).toMatchObject({ ok: false });
  });

  it("declares a case deemed withdrawn only after the deadline job marked its request expired", async () => {
    const id = await submittedCase();
    const requestId = await openRequest(id);
    expect(await declareDeemedWithdrawn(clerk, id)).toMatchObject({ ok: false });
    const deadline = (await db().request.findUniqueOrThrow({ where: { id: requestId } })).deadline;
    const r = await checkExpiredRequests(db(), {
      authorityId: district.authority.id,
      now: new Date(deadline.getTime() + 1000),
    });
    expect(r.requestIds).toContain(requestId);
    expect(await declareDeemedWithdrawn(foreignClerk, id)).toMatchObject({ ok: false });
    expect(await declareDeemedWithdrawn(architect, id)).toMatchObject({ ok: false });
    expect(await declareDeemedWithdrawn(clerk, id)).toEqual({ ok: true });
    expect(await statusOf(id)).toBe("DEEMED_WITHDRAWN");
    expect((await db().request.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("EXPIRED");
    expect(await declareDeemedWithdrawn(clerk, id)).toMatchObject({ ok: false });
    expect(
      await db().outboxMessage.count({
        where: { jobId: buildJobId("system.notify", id, "application.deemed-withdrawn") },
      }),
    ).toBe(1);
  });
});
