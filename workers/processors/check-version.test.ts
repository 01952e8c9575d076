import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { type Job, UnrecoverableError } from "bullmq";
import { Client } from "minio";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCasePage } from "~/components/case/case-page.server";
import { berlinDate } from "~/domain/deadlines";
import { setToBeSubmittedLater, uploadDocumentVersion } from "~/models/document.server";
import { completenessInputFor, getDraftForMember } from "~/models/draft.server";
import { startParticipation } from "~/models/participation.server";
import { submitApplication } from "~/models/submission.server";
import { getSessionUserById, type SessionUser } from "~/models/user.server";
import { createPrisma, db } from "~/utils/db.server";
import { assertDecodable, FileNotYetChecked, FileRefused } from "~/utils/file-checks.server";
import { pdfWithCorruptContent, pdfWithPages } from "~/utils/hostile-files.test-support";
import { buildJobId } from "~/utils/queue.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import type { Storage, StorageConfig } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
  storeFixturePdfs,
} from "../../test/kit/participation-fixtures";
import { loadRoute } from "../../test/kit/route";
import { startWorkers } from "../start";
import { deletePrefix, randomPrefix, waitFor } from "../test-support";
import { createCheckVersion } from "./check-version";
import { processors } from "./index";
import { createRouteParticipation } from "./route-participation";

/**
 * The deep check after storing (issue 11): the upload stores a PDF as "wird geprüft" (PENDING)
 * and writes the job documents.check-version with the row; the job accepts it, or refuses it
 * (version flagged "abgelehnt" with the German reason, event, notification to the uploader).
 * Until then the version does not count as present and the application cannot be submitted;
 * refused or unchecked versions never reach an agency. Real PostgreSQL, Redis (BullMQ) and s3rver.
 */

let tmpRoot: string;
let s3: Awaited<ReturnType<typeof startTestStorage>>;
let storage: Storage;
let config: StorageConfig;
let inspector: Client;
let tenant: { id: string };
let architect: SessionUser;
const log = pino({ level: "silent" });

beforeAll(async () => {
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "bauantrag-checkv-tmp-"));
  s3 = await startTestStorage("checkv");
  ({ storage, config } = s3);
  inspector = new Client({ ...config, pathStyle: true });
  tenant = await createTestTenant("checkv");
  const u = await createTestUser({ roles: ["ARCHITECT"], authorityId: null });
  const s = await getSessionUserById(u.id);
  if (!s) throw new Error("user missing");
  architect = s;
});

afterAll(async () => {
  await s3?.close();
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
});

async function createDraft() {
  const app = await db().application.create({
    data: {
      authorityId: tenant.id,
      createdById: architect.id,
      status: "DRAFT",
      procedureType: "VEREINFACHT",
      title: `Prüfung ${randomUUID().slice(0, 6)}`,
      members: {
        create: [
          {
            userId: architect.id,
            email: architect.email,
            role: "BAUHERR",
            invitationState: "ACCEPTED",
            acceptedAt: new Date(),
          },
        ],
      },
    },
    select: { id: true, version: true },
  });
  return app;
}

function upload(applicationId: string, filename: string, bytes: Uint8Array) {
  return uploadDocumentVersion(
    architect,
    applicationId,
    {
      typeCode: "2001",
      filename,
      contentType: "application/pdf",
      body: Readable.from([Buffer.from(bytes)]),
    },
    { storage, tmpDir: tmpRoot },
  );
}

const runCheck = (versionId: string) =>
  createCheckVersion({ storage })(
    { versionId },
    {} as Job<{ versionId: string }, unknown, "documents.check-version">,
    { db: db(), mailer: null, log },
  );

async function counts(applicationId: string, versionId: string) {
  return {
    events: await db().caseEvent.count({ where: { applicationId, type: "document.check-refused" } }),
    notifications: await db().notification.count({
      where: { userId: architect.id, applicationId, type: "document.check-refused" },
    }),
    version: await db().documentVersion.findUniqueOrThrow({
      where: { id: versionId },
      select: { checkStatus: true, checkMessage: true, storageKey: true },
    }),
  };
}

async function objectExists(key: string) {
  try {
    await inspector.statObject(config.bucket, key);
    return true;
  } catch {
    return false;
  }
}

async function hasFile(applicationId: string, typeCode: string) {
  const view = await getDraftForMember(architect, applicationId);
  if (!view) throw new Error("draft missing");
  return completenessInputFor(view).documents?.find((d) => d.typeCode === typeCode)?.hasFile ?? false;
}

describe("documents.check-version", () => {
  it("a PDF is 'wird geprüft' after the upload, blocks submission, and the queued job accepts it (BullMQ)", async () => {
    const app = await createDraft();
    const r = await upload(app.id, "Grundriss.pdf", await pdfWithPages(2));
    expect(r).toMatchObject({ ok: true, checkStatus: "PENDING" });
    if (!r.ok) return;
    // No PDF/A identification: a warning (not a refusal), stored with the version for the
    // documents list and the clerk.
    expect(r.archiveWarnings).toEqual([expect.stringContaining("kein PDF/A")]);
    expect(
      (await db().documentVersion.findUniqueOrThrow({ where: { id: r.versionId } })).archiveWarnings,
    ).toEqual(r.archiveWarnings);
    // The job was written in the upload's transaction.
    const jobId = buildJobId("documents.check-version", r.versionId);
    expect(await db().outboxMessage.count({ where: { jobId } })).toBe(1);
    expect(await hasFile(app.id, "2001")).toBe(false);

    const submitted = await submitApplication(architect, app.id, {
      expectedVersion: app.version,
      laterDocumentTypeCodes: [],
      waitForChecksMs: 300,
    });
    expect(submitted).toEqual({ ok: false, reason: "checking", files: ["Grundriss.pdf"] });
    expect(
      (await db().application.findUniqueOrThrow({ where: { id: app.id }, select: { status: true } })).status,
    ).toBe("DRAFT");

    // The real path: outbox row -> relay -> BullMQ (Redis) -> processor.
    const prefix = randomPrefix();
    const workerDb = createPrisma(process.env.DATABASE_URL as string);
    const workers = startWorkers({
      prefix,
      concurrency: 1,
      db: workerDb,
      mailer: null,
      relay: { intervalMs: 100, jobIdLike: jobId, listenUrl: false },
      processors: { ...processors, "documents.check-version": createCheckVersion({ storage }) },
    });
    try {
      await workers.ready;
      await waitFor(
        async () =>
          (await db().documentVersion.findUniqueOrThrow({ where: { id: r.versionId } })).checkStatus ===
          "ACCEPTED",
        { what: "version accepted", timeoutMs: 30_000 },
      );
    } finally {
      await workers.close();
      await workerDb.$disconnect();
      await deletePrefix(prefix);
    }
    expect(await hasFile(app.id, "2001")).toBe(true);
    // Repeat-safe: a second run changes nothing.
    expect(await runCheck(r.versionId)).toEqual({ checked: false, reason: "already-checked" });
  });

  it("refuses a damaged PDF after storing: flagged 'abgelehnt' with the reason, event and notification once", async () => {
    const app = await createDraft();
    const r = await upload(app.id, "Schnitt A-A.pdf", await pdfWithCorruptContent());
    // The cheap checks pass: it is stored and waits for the deep check.
    expect(r).toMatchObject({ ok: true, checkStatus: "PENDING" });
    if (!r.ok) return;

    const outcome = await runCheck(r.versionId);
    expect(outcome).toMatchObject({ checked: true, status: "REFUSED" });
    const after = await counts(app.id, r.versionId);
    expect(after.version.checkStatus).toBe("REFUSED");
    expect(after.version.checkMessage).toBe(
      "„Schnitt A-A.pdf“ ist beschädigt und kann nicht gelesen werden.",
    );
    expect(after.events).toBe(1);
    expect(after.notifications).toBe(1);
    // The version stays (flagged), with its object: the Akte shows what was uploaded and why refused.
    expect(await objectExists(after.version.storageKey)).toBe(true);
    expect(await hasFile(app.id, "2001")).toBe(false);

    // Repeat-safe: a retried job adds nothing.
    expect(await runCheck(r.versionId)).toEqual({ checked: false, reason: "already-checked" });
    expect(await counts(app.id, r.versionId)).toEqual(after);

    // A refused version never blocks submission as "wird geprüft"; it simply does not count.
    const submitted = await submitApplication(architect, app.id, {
      expectedVersion: app.version,
      laterDocumentTypeCodes: [],
    });
    expect(submitted).toMatchObject({ ok: false, reason: "incomplete" });

    // The document may now be marked "wird nachgereicht" (a refused file is no file).
    expect(await setToBeSubmittedLater(architect, app.id, "2001", true)).toEqual({ ok: true });

    // A new, sound version replaces it once accepted.
    const v2 = await upload(app.id, "Schnitt A-A neu.pdf", await pdfWithPages(1));
    expect(v2).toMatchObject({ ok: true, versionNumber: 2, checkStatus: "PENDING" });
    if (!v2.ok) return;
    expect(await runCheck(v2.versionId)).toMatchObject({ checked: true, status: "ACCEPTED" });
    expect(await hasFile(app.id, "2001")).toBe(true);
  });

  it("an image needs no deep check: accepted at upload", async () => {
    const app = await createDraft();
    const { png } = await import("~/utils/hostile-files.test-support");
    const r = await uploadDocumentVersion(
      architect,
      app.id,
      {
        typeCode: "3700",
        filename: "Foto.png",
        contentType: "image/png",
        body: Readable.from([await png(40, 30)]),
      },
      { storage, tmpDir: tmpRoot },
    );
    expect(r).toMatchObject({ ok: true, checkStatus: "ACCEPTED" });
    if (r.ok)
      expect(
        await db().outboxMessage.count({
          where: { jobId: buildJobId("documents.check-version", r.versionId) },
        }),
      ).toBe(0);
  });
});

describe("workers refuse unchecked and refused versions", () => {
  it("assertDecodable: REFUSED fails for good with the reason, PENDING asks for a retry", async () => {
    const bytes = await pdfWithPages(1);
    const file = { filename: "Plan.pdf", mimeType: "application/pdf", bytes };
    await expect(
      assertDecodable({ ...file, checkStatus: "REFUSED", checkMessage: "„Plan.pdf“ ist beschädigt." }),
    ).rejects.toThrow(new FileRefused("„Plan.pdf“ ist beschädigt."));
    await expect(assertDecodable({ ...file, checkStatus: "PENDING" })).rejects.toThrow(FileNotYetChecked);
    await expect(assertDecodable({ ...file, checkStatus: "ACCEPTED" })).resolves.toBeUndefined();
  });

  let d: ParticipationDistrict;
  it("the participation package is not built with a version 'abgelehnt' or 'wird geprüft'", async () => {
    d = await createParticipationDistrict("checkv-route");
    const app = await createCompleteCase(d);
    await storeFixturePdfs(storage, app.id);
    const [first, second] = (await currentVersionIds(app.id)) as [string, string];
    // A newer version of each of two documents: one still "wird geprüft", one "abgelehnt".
    const pending = await addVersion(first, "PENDING", null);
    const refusedReason = "„Lageplan neu.pdf“ ist beschädigt und kann nicht gelesen werden.";
    const refused = await addVersion(second, "REFUSED", refusedReason);
    const deadline = berlinDate(new Date(Date.now() + 30 * 86_400_000));
    const base = { deadline, question: "Bitte prüfen Sie den Brandschutz.", silenceIsConsent: false };
    // Starting refuses both (participation.server.test.ts); a package from before that check (or
    // written by any other path) is what the worker's own guard is for: linked here directly.
    const started = await startParticipation(d.clerk, app.id, [
      { ...base, agencyId: d.agencies.BRANDSCHUTZ!.id, documentVersionIds: [second] },
      { ...base, agencyId: d.agencies.DENKMALSCHUTZ!.id, documentVersionIds: [first] },
    ]);
    if (!started.ok) throw new Error(started.message);
    const [waiting, bad] = started.participationIds as [string, string];
    await db().participationDocument.createMany({
      data: [
        { participationId: waiting, documentVersionId: pending, position: 1 },
        { participationId: bad, documentVersionId: refused, position: 1 },
      ],
    });
    const route = (participationId: string) =>
      createRouteParticipation({ storage })(
        { participationId },
        {} as Job<{ participationId: string }, unknown, "participation.route-package">,
        { db: db(), mailer: null, log },
      );

    // "wird geprüft": this attempt fails, BullMQ retries later (not an UnrecoverableError).
    const retry = await route(waiting).catch((e: unknown) => e);
    expect(retry).toBeInstanceOf(FileNotYetChecked);
    expect(retry).not.toBeInstanceOf(UnrecoverableError);

    // "abgelehnt": fails for good with the reason; nothing is sent.
    const failed = await route(bad).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UnrecoverableError);
    expect((failed as Error).message).toContain(refusedReason);
    const rows = await db().participation.findMany({
      where: { id: { in: [waiting, bad] } },
      select: { status: true },
    });
    expect(rows.map((r) => r.status)).toEqual(["PENDING", "PENDING"]);

    // The clerk's case page carries the state beside each version (VersionCheckStatus).
    const page = await loadRoute(loadCasePage, d.clerk, `/behoerde/faelle/${app.id}`, { id: app.id });
    expect(page.status).toBe(200);
    const versions = (
      page.data as { documents: { versions: Record<string, unknown>[] }[] }
    ).documents.flatMap((doc) => doc.versions);
    expect(versions.find((v) => v.id === pending)).toMatchObject({ checkStatus: "PENDING" });
    expect(versions.find((v) => v.id === refused)).toMatchObject({
      checkStatus: "REFUSED",
      checkMessage: refusedReason,
    });
  });
});

/** A new version (next number) of the document of `versionId`, stored, in the given check state. */
async function addVersion(
  versionId: string,
  checkStatus: "PENDING" | "REFUSED",
  checkMessage: string | null,
) {
  const old = await db().documentVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { documentId: true, versionNumber: true, uploadedById: true, sha256: true, sizeBytes: true },
  });
  const bytes = await pdfWithPages(1);
  const row = await db().documentVersion.create({
    data: {
      documentId: old.documentId,
      versionNumber: old.versionNumber + 1,
      filename: "Lageplan neu.pdf",
      mimeType: "application/pdf",
      sizeBytes: BigInt(bytes.length),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey: `test/${randomUUID()}`,
      uploadedById: old.uploadedById,
      checkStatus,
      checkMessage,
    },
    select: { id: true, storageKey: true },
  });
  await storage.putStream(row.storageKey, Readable.from([Buffer.from(bytes)]), {
    contentType: "application/pdf",
  });
  return row.id;
}
