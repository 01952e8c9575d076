import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";
import { listGeneratedDocuments, openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { enqueueInTx } from "~/models/outbox.server";
import { type ApplicationSnapshot, submitApplication } from "~/models/submission.server";
import { getSessionUserById, type SessionUser } from "~/models/user.server";
import { createPrisma } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { buildJobId, type JobName, type JobPayload, queueOf } from "~/utils/queue.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { validateXml } from "~/xbau/validate.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, generatedKey, type Storage } from "../../storage/index";
import { sha256OfStream } from "../../storage/test-support";
import {
  createCompleteDraft,
  createTestDistrict,
  sessionUser as draftSessionUser,
  requiredDocumentCodes,
} from "../../test/kit/draft-fixtures";
import { pdfText } from "../pdf/test-support";
import { type RunningWorkers, startWorkers } from "../start";
import { deletePrefix, randomPrefix, startSmtpServer, type TestSmtpServer, waitFor } from "../test-support";
import { createExportXbau, XBAU_0200_ENTRY } from "./export-xbau";
import { processors } from "./index";
import { createRenderReceipt, receiptSourceKey } from "./render-receipt";

// End to end through the real pieces: outbox rows (as submitApplication writes them) -> relay
// (scoped to this file's application ids) -> BullMQ -> processors -> PostgreSQL + s3rver, mails
// over a real SMTP server.

/** Every application id of this file starts with `run`, so the relay's LIKE filter takes only ours. */
const run = randomBytes(4).toString("hex");
const appId = () => `${run}-${randomUUID().slice(9)}`;
const prefix = randomPrefix();

let db: PrismaClient;
let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;
let smtp: TestSmtpServer;
let workers: RunningWorkers;

let tenant: { id: string; name: string };
let otherTenant: { id: string };
let architect: SessionUser;
let bauherr: SessionUser;
let pendingInvitee: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;
let clerk2: SessionUser;
let disabledClerk: { id: string };
let otherClerk: SessionUser;

async function sessionUser(roles: ("APPLICANT" | "ARCHITECT" | "CLERK")[], authorityId?: string) {
  const u = await createTestUser({ roles, authorityId: authorityId ?? null });
  const s = await getSessionUserById(u.id);
  if (!s) throw new Error("user missing");
  return s;
}

function snapshotFor(fileNumber: string, submittedAt: Date): ApplicationSnapshot {
  const doc = (typeCode: string, title: string, filename: string, versionNumber = 1) => ({
    documentId: randomUUID(),
    typeCode,
    title,
    versionId: randomUUID(),
    versionNumber,
    filename,
    sha256: randomBytes(32).toString("hex"),
    sizeBytes: 100_000 + filename.length,
    mimeType: "application/pdf",
    pageCount: 1,
    toBeSubmittedLater: false,
  });
  return {
    schemaVersion: 1,
    fileNumber,
    title: "Neubau Einfamilienhaus Lindenweg",
    procedureType: "VEREINFACHT",
    data: {
      bauherr: {
        kind: "PERSON",
        firstName: "Erika",
        lastName: "Müller-Lüdenscheidt",
        email: "erika@example.org",
        address: { street: "Lindenweg", houseNumber: "1", postalCode: "18055", city: "Rostock" },
      },
      entwurfsverfasser: { name: "Jana Beispiel", chamberNumber: "AK-MV 2041", chamberLand: "MV" },
      plot: {
        address: { street: "Lindenweg", houseNumber: "3", postalCode: "18055", city: "Rostock" },
        municipalityAgs: "13003000",
        parcels: [{ gemarkung: "Rostock", flur: "4", zaehler: "112", nenner: "3" }],
        planningArea: "BEBAUUNGSPLAN",
      },
      project: { measureType: "ERRICHTUNG", description: "Einfamilienhaus", buildingClass: 1, use: "WOHNEN" },
    },
    authority: { id: tenant.id, name: tenant.name, landProfile: "MV" },
    municipality: null,
    members: [],
    documents: [
      doc("1803", "Lageplan", "Lageplan_M1-500.pdf"),
      doc("2001", "Grundriss Erdgeschoss", "Grundriss_EG_überarbeitet.pdf", 2),
      doc("1502", "Baubeschreibung", "Baubeschreibung.pdf"),
      {
        documentId: randomUUID(),
        typeCode: "2801",
        title: "Standsicherheitsnachweis",
        versionId: null,
        versionNumber: null,
        filename: null,
        sha256: null,
        sizeBytes: null,
        mimeType: null,
        pageCount: null,
        toBeSubmittedLater: true,
      },
    ],
    openItems: [],
    submittedAt: submittedAt.toISOString(),
    submittedBy: {
      userId: architect.id,
      displayName: "Jana Beispiel",
      email: architect.email,
      role: "ENTWURFSVERFASSER",
    },
  };
}

async function createApplication(status: "DRAFT" | "SUBMITTED" = "SUBMITTED") {
  const id = appId();
  const fileNumber = `63-2026-${run.slice(0, 5)}`;
  const submittedAt = new Date("2026-03-15T10:29:00Z");
  await db.application.create({
    data: {
      id,
      authorityId: tenant.id,
      createdById: architect.id,
      status,
      procedureType: "VEREINFACHT",
      title: "Neubau Einfamilienhaus Lindenweg",
      fileNumber: status === "SUBMITTED" ? `${fileNumber}-${id.slice(9, 13)}` : null,
      submittedAt: status === "SUBMITTED" ? submittedAt : null,
      snapshot:
        status === "SUBMITTED"
          ? (snapshotFor(`${fileNumber}-${id.slice(9, 13)}`, submittedAt) as unknown as Prisma.InputJsonValue)
          : undefined,
      members: {
        create: [
          {
            userId: architect.id,
            email: architect.email,
            role: "ENTWURFSVERFASSER",
            invitationState: "ACCEPTED",
            acceptedAt: new Date(),
          },
          {
            userId: bauherr.id,
            email: bauherr.email,
            role: "BAUHERR",
            invitationState: "ACCEPTED",
            acceptedAt: new Date(),
          },
          {
            userId: pendingInvitee.id,
            email: pendingInvitee.email,
            role: "BEVOLLMAECHTIGTER",
            invitationState: "PENDING",
          },
        ],
      },
    },
  });
  return id;
}

async function enqueue<N extends JobName>(jobName: N, jobId: string, payload: JobPayload<N>) {
  await db.$transaction((tx) => enqueueInTx(tx, { jobName, jobId, payload }));
}

/** Waits until BullMQ has finished the job (completed or failed for good). */
async function finished(jobName: JobName, jobId: string) {
  const queue = workers.queues.get(queueOf(jobName));
  return waitFor(
    async () => {
      // State first, then the job: a job read while still active has no return value yet.
      const state = await queue.getJobState(jobId);
      // A failure that will be retried waits in "delayed"; "failed" means failed for good.
      if (state !== "completed" && state !== "failed") return undefined;
      const job = await queue.getJob(jobId);
      return job ? ({ state, job } as const) : undefined;
    },
    { timeoutMs: 45_000, what: `${jobId} to finish` },
  );
}

async function submittedJobs(id: string) {
  await db.$transaction(async (tx) => {
    await enqueueInTx(tx, {
      jobName: "documents.render-receipt",
      jobId: buildJobId("documents.render-receipt", id),
      payload: { applicationId: id },
    });
    await enqueueInTx(tx, {
      jobName: "xbau.export-application",
      jobId: buildJobId("xbau.export-application", id),
      payload: { applicationId: id },
    });
    await enqueueInTx(tx, {
      jobName: "system.notify",
      jobId: buildJobId("system.notify", id, "application.submitted"),
      payload: { applicationId: id, event: "application.submitted", actorId: architect.id },
    });
  });
}

beforeAll(async () => {
  db = createPrisma(process.env.DATABASE_URL as string);
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-gen-s3-"));
  const bucket = `gen-${run}`;
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
  smtp = await startSmtpServer();

  const t = await createTestTenant("gen");
  tenant = { id: t.id, name: t.name };
  otherTenant = await createTestTenant("gen-other");
  architect = await sessionUser(["ARCHITECT"]);
  bauherr = await sessionUser(["APPLICANT"]);
  pendingInvitee = await sessionUser(["APPLICANT"]);
  stranger = await sessionUser(["APPLICANT"]);
  clerk = await sessionUser(["CLERK"], tenant.id);
  clerk2 = await sessionUser(["CLERK"], tenant.id);
  disabledClerk = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id, disabled: true });
  await sessionUser(["CLERK"], otherTenant.id);
  otherClerk = await sessionUser(["CLERK"], otherTenant.id);

  workers = startWorkers({
    prefix,
    concurrency: 2,
    db,
    mailer: createMailer(smtp.url, "Bauaufsicht <bauaufsicht@test.example>"),
    relay: { intervalMs: 100, jobIdLike: `%__${run}-%`, listenUrl: false },
    processors: {
      ...processors,
      "documents.render-receipt": createRenderReceipt({ storage }),
      "xbau.export-application": createExportXbau({ storage }),
    },
  });
  await workers.ready;
});

afterAll(async () => {
  await workers?.close();
  await smtp?.close();
  await db.outboxMessage.deleteMany({ where: { jobId: { contains: `__${run}-` } } });
  await db.$disconnect();
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
  await deletePrefix(prefix);
});

describe("jobs caused by a submission", () => {
  let id: string;

  beforeAll(async () => {
    id = await createApplication();
    await submittedJobs(id);
    await finished("documents.render-receipt", buildJobId("documents.render-receipt", id));
    await finished("xbau.export-application", buildJobId("xbau.export-application", id));
    await finished("system.notify", buildJobId("system.notify", id, "application.submitted"));
  });

  it("renders the receipt once, stores it and records the event with its sha256", async () => {
    const rows = await db.generatedDocument.findMany({ where: { applicationId: id, kind: "RECEIPT" } });
    expect(rows).toHaveLength(1);
    const receipt = rows[0]!;
    expect(receipt.sourceKey).toBe(receiptSourceKey(id));
    expect(receipt.mimeType).toBe("application/pdf");
    expect(receipt.storageKey).toBe(
      generatedKey({
        authorityId: tenant.id,
        applicationId: id,
        kind: "receipt",
        id: "eingangsbestaetigung",
        ext: "pdf",
      }),
    );
    const events = await db.caseEvent.findMany({ where: { applicationId: id, type: "receipt.rendered" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ generatedDocumentId: receipt.id, sha256: receipt.sha256 });

    // What the member downloads is exactly what was recorded, and reads as a receipt.
    const file = await openGeneratedDocumentForDownload(bauherr, receipt.id, { storage });
    expect(file).not.toBeNull();
    const chunks: Buffer[] = [];
    for await (const c of file!.stream) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(Number(receipt.sizeBytes));
    const text = await pdfText(bytes);
    const app = await db.application.findUniqueOrThrow({ where: { id } });
    expect(text).toContain(app.fileNumber);
    expect(text).toContain("Erika Müller-Lüdenscheidt");
    expect(text.replace(/\s+/g, "")).toContain("Grundriss_EG_überarbeitet.pdf");
    expect(text).toContain("Standsicherheitsnachweis");
    expect(text).toContain(`/antraege/${id}`);
  });

  it("does nothing when the receipt job runs again", async () => {
    const before = await db.generatedDocument.findFirstOrThrow({
      where: { applicationId: id, kind: "RECEIPT" },
    });
    const again = buildJobId("documents.render-receipt", id, "again");
    await enqueue("documents.render-receipt", again, { applicationId: id });
    const { state, job } = await finished("documents.render-receipt", again);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ created: false, generatedDocumentId: before.id });
    expect(await db.generatedDocument.count({ where: { applicationId: id, kind: "RECEIPT" } })).toBe(1);
    expect(await db.caseEvent.count({ where: { applicationId: id, type: "receipt.rendered" } })).toBe(1);
  });

  it("exports a valid XBau 0200 message", async () => {
    const row = await db.generatedDocument.findFirstOrThrow({
      where: { applicationId: id, kind: "XBAU_0200" },
    });
    expect(row.mimeType).toBe("application/xml");
    const file = await openGeneratedDocumentForDownload(clerk, row.id, { storage });
    const chunks: Buffer[] = [];
    for await (const c of file!.stream) chunks.push(c as Buffer);
    const xml = Buffer.concat(chunks).toString("utf8");
    expect(validateXml(xml, XBAU_0200_ENTRY)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain("baugenehmigung.antrag.0200");
    expect(xml).toContain("wirdNachgereicht");
    expect(xml).toContain("Grundriss_EG_überarbeitet.pdf");
    expect(await db.caseEvent.count({ where: { applicationId: id, type: "xbau.exported" } })).toBe(1);
  });

  it("notifies accepted members and active clerks of the authority once, with a mail each", async () => {
    const expected = new Map([
      [architect.id, `/antraege/${id}`],
      [bauherr.id, `/antraege/${id}`],
      [clerk.id, `/behoerde/faelle/${id}`],
      [clerk2.id, `/behoerde/faelle/${id}`],
    ]);
    const check = async () => {
      const rows = await db.notification.findMany({ where: { applicationId: id } });
      expect(rows).toHaveLength(expected.size);
      for (const n of rows) {
        expect(n.link).toBe(expected.get(n.userId));
        expect(n.type).toBe("application.submitted");
      }
      const fileNumber = (await db.application.findUniqueOrThrow({ where: { id } })).fileNumber as string;
      const mine = rows.find((n) => n.userId === bauherr.id);
      expect(mine?.title).toBe(`Ihr Bauantrag ist eingegangen – Az. ${fileNumber}`);
      expect(rows.find((n) => n.userId === clerk.id)?.title).toBe(
        `Neuer Bauantrag eingegangen – Az. ${fileNumber}`,
      );
      expect(
        rows.some((n) =>
          [pendingInvitee.id, stranger.id, disabledClerk.id, otherClerk.id].includes(n.userId),
        ),
      ).toBe(false);
    };
    await check();
    const emails = [architect, bauherr, clerk, clerk2].map((u) => u.email).sort();
    await waitFor(() => smtp.mails.filter((m) => m.raw.includes(id)).length >= emails.length, {
      what: "notification mails",
      timeoutMs: 30_000,
    });

    // The same event notified again (a retried job): no second notification, no second mail.
    const again = buildJobId("system.notify", id, "application.submitted", "again");
    await enqueue("system.notify", again, { applicationId: id, event: "application.submitted" });
    const { job } = await finished("system.notify", again);
    expect(job.returnvalue).toMatchObject({ recipients: 4, created: 0, mails: 0 });
    await check();
    await new Promise((r) => setTimeout(r, 500));
    const mails = smtp.mails.filter((m) => m.raw.includes(id));
    expect(mails.flatMap((m) => m.to).sort()).toEqual(emails);
  });

  it("lets members and the authority's clerks download, nobody else", async () => {
    const receipt = await db.generatedDocument.findFirstOrThrow({
      where: { applicationId: id, kind: "RECEIPT" },
    });
    for (const user of [architect, bauherr, clerk]) {
      const file = await openGeneratedDocumentForDownload(user, receipt.id, { storage });
      expect(file?.filename).toMatch(/^Eingangsbestätigung_.*\.pdf$/);
      file?.stream.destroy();
      expect((await listGeneratedDocuments(user, id)).map((g) => g.kind).sort()).toEqual([
        "RECEIPT",
        "XBAU_0200",
      ]);
    }
    for (const user of [otherClerk, stranger, pendingInvitee]) {
      expect(await openGeneratedDocumentForDownload(user, receipt.id, { storage })).toBeNull();
      expect(await listGeneratedDocuments(user, id)).toEqual([]);
    }
    expect(await openGeneratedDocumentForDownload(clerk, "not-a-uuid", { storage })).toBeNull();
    expect(await openGeneratedDocumentForDownload(clerk, randomUUID(), { storage })).toBeNull();
  });
});

describe("edge cases", () => {
  it("overwrites an object stored by a run that died before writing its row", async () => {
    const id = await createApplication();
    const key = generatedKey({
      authorityId: tenant.id,
      applicationId: id,
      kind: "receipt",
      id: "eingangsbestaetigung",
      ext: "pdf",
    });
    await storage.putStream(key, Readable.from([Buffer.from("half-written garbage")]), {
      contentType: "application/pdf",
    });
    const jobId = buildJobId("documents.render-receipt", id);
    await enqueue("documents.render-receipt", jobId, { applicationId: id });
    const { state } = await finished("documents.render-receipt", jobId);
    expect(state).toBe("completed");
    const row = await db.generatedDocument.findUniqueOrThrow({ where: { sourceKey: receiptSourceKey(id) } });
    expect(row.storageKey).toBe(key);
    const stored = await sha256OfStream(await storage.getStream(key));
    expect(stored.sha256).toBe(row.sha256);
    expect(stored.size).toBe(Number(row.sizeBytes));
  });

  it("refuses a draft for good (no retries, no row)", async () => {
    const id = await createApplication("DRAFT");
    const jobId = buildJobId("documents.render-receipt", id);
    await enqueue("documents.render-receipt", jobId, { applicationId: id });
    const { state, job } = await finished("documents.render-receipt", jobId);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("noch nicht eingereicht");
    expect(await db.generatedDocument.count({ where: { applicationId: id } })).toBe(0);

    const xbauJob = buildJobId("xbau.export-application", id);
    await enqueue("xbau.export-application", xbauJob, { applicationId: id });
    expect((await finished("xbau.export-application", xbauJob)).state).toBe("failed");
  });

  it("fails an XBau export whose input is incomplete for good, with the reasons", async () => {
    const id = await createApplication();
    const app = await db.application.findUniqueOrThrow({ where: { id } });
    const snapshot = app.snapshot as unknown as ApplicationSnapshot;
    const data = snapshot.data as { plot: { parcels: unknown[] } };
    data.plot.parcels = [];
    await db.application.update({
      where: { id },
      data: { snapshot: snapshot as unknown as Prisma.InputJsonValue },
    });
    const jobId = buildJobId("xbau.export-application", id);
    await enqueue("xbau.export-application", jobId, { applicationId: id });
    const { state, job } = await finished("xbau.export-application", jobId);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("Flurstück");
    expect(await db.generatedDocument.count({ where: { applicationId: id } })).toBe(0);
  });
});

describe("after a real submission (backend's submitApplication)", () => {
  it("turns the snapshot into a receipt, a valid XBau 0200 and notifications", async () => {
    const district = await createTestDistrict("gen-real");
    const submitter = await draftSessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
    const districtClerk = await draftSessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
    const skipped = requiredDocumentCodes()[0] as string;
    const { id, version } = await createCompleteDraft(submitter, district.gemeinde.id, {
      skipDocuments: [skipped],
    });
    const submitted = await submitApplication(submitter, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [skipped],
    });
    if (!submitted.ok) throw new Error(`submission failed: ${JSON.stringify(submitted)}`);

    const own = startWorkers({
      prefix: randomPrefix(),
      concurrency: 2,
      db,
      mailer: null,
      relay: { intervalMs: 100, jobIdLike: `%__${id}%`, listenUrl: false },
      processors: {
        ...processors,
        "documents.render-receipt": createRenderReceipt({ storage }),
        "xbau.export-application": createExportXbau({ storage }),
      },
    });
    try {
      await own.ready;
      await waitFor(async () => (await db.generatedDocument.count({ where: { applicationId: id } })) === 2, {
        what: "receipt and XBau export",
        timeoutMs: 45_000,
      });
      await waitFor(async () => (await db.notification.count({ where: { applicationId: id } })) === 2, {
        what: "notifications",
      });
    } finally {
      await own.close();
      await deletePrefix(own.queues.prefix);
      await db.outboxMessage.deleteMany({ where: { jobId: { contains: id } } });
    }

    const receipt = await db.generatedDocument.findFirstOrThrow({
      where: { applicationId: id, kind: "RECEIPT" },
    });
    const file = await openGeneratedDocumentForDownload(submitter, receipt.id, { storage });
    const chunks: Buffer[] = [];
    for await (const c of file!.stream) chunks.push(c as Buffer);
    const text = await pdfText(Buffer.concat(chunks));
    expect(text).toContain(submitted.fileNumber);
    expect(text).toContain("Noch nachzureichende Unterlagen (1)");

    const xbau = await db.generatedDocument.findFirstOrThrow({
      where: { applicationId: id, kind: "XBAU_0200" },
    });
    const xmlFile = await openGeneratedDocumentForDownload(districtClerk, xbau.id, { storage });
    const xmlChunks: Buffer[] = [];
    for await (const c of xmlFile!.stream) xmlChunks.push(c as Buffer);
    const xml = Buffer.concat(xmlChunks).toString("utf8");
    expect(validateXml(xml, XBAU_0200_ENTRY).valid).toBe(true);
    // A portal's 0200 cannot know the authority's Aktenzeichen (issue 15): the message carries the
    // application's own id and the missing document, not the file number.
    expect(xml).not.toContain(submitted.fileNumber);
    expect(xml).toContain(id);
    expect(xml).toContain("<xbau:wirdNachgereicht>true</xbau:wirdNachgereicht>");

    const notified = await db.notification.findMany({
      where: { applicationId: id },
      orderBy: { link: "asc" },
    });
    expect(notified.map((n) => [n.userId, n.link])).toEqual([
      [submitter.id, `/antraege/${id}`],
      [districtClerk.id, `/behoerde/faelle/${id}`],
    ]);
  });
});
