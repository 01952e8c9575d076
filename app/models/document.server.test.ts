import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant } from "~/utils/test-tenant.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage, type StorageConfig } from "../../storage/index";
import { sessionUser } from "../../test/kit/draft-fixtures";
import {
  documentIdFor,
  openDocumentVersionForDownload,
  setToBeSubmittedLater,
  uploadDocumentVersion,
} from "./document.server";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const fixture = (name: string) => path.join(FIXTURES, name);

let s3dir: string;
let tmpRoot: string;
let s3: EmbeddedS3;
let config: StorageConfig;
let storage: Storage;
let inspector: Client;

let tenantA: { id: string };
let tenantB: { id: string };
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;
let clerkA: SessionUser;
let clerkB: SessionUser;

async function createDraft(status: "DRAFT" | "SUBMITTED" = "DRAFT") {
  const app = await db().application.create({
    data: {
      authorityId: tenantA.id,
      createdById: architect.id,
      status,
      procedureType: "VEREINFACHT",
      title: `Upload-Test ${randomUUID().slice(0, 6)}`,
      fileNumber: status === "SUBMITTED" ? `T-${randomUUID().slice(0, 8)}` : null,
      submittedAt: status === "SUBMITTED" ? new Date() : null,
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
        ],
      },
    },
    select: { id: true },
  });
  return app.id;
}

async function keysOf(applicationId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of inspector.listObjects(
    config.bucket,
    `tenants/${tenantA.id}/cases/${applicationId}/`,
    true,
  )) {
    if (item.name) keys.push(item.name);
  }
  return keys;
}

async function rowsOf(applicationId: string) {
  const documents = await db().document.count({ where: { applicationId } });
  const versions = await db().documentVersion.count({ where: { document: { applicationId } } });
  return { documents, versions };
}

async function tempLeftovers(): Promise<string[]> {
  return (await readdir(tmpRoot)).filter((n) => n.startsWith("bauantrag-upload-"));
}

function upload(user: SessionUser, applicationId: string, typeCode: string, file: string, opts = {}) {
  return uploadDocumentVersion(
    user,
    applicationId,
    { typeCode, filename: path.basename(file), contentType: "application/pdf", body: createReadStream(file) },
    { storage, tmpDir: tmpRoot, ...opts },
  );
}

async function sha256File(file: string) {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-docs-s3-"));
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "bauantrag-docs-tmp-"));
  const bucket = `docs-${randomUUID().slice(0, 8)}`;
  s3 = await startEmbeddedS3({ dir: s3dir, port: 0, bucket, accessKey: "S3RVER", secretKey: "S3RVER" });
  config = {
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    region: "us-east-1",
  };
  storage = createStorage(config);
  await storage.ensureBucket();
  inspector = new Client({ ...config, pathStyle: true });

  tenantA = await createTestTenant("docs-a");
  tenantB = await createTestTenant("docs-b");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  bauherr = await sessionUser({ roles: ["APPLICANT"] });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerkA = await sessionUser({ roles: ["CLERK"], authorityId: tenantA.id });
  clerkB = await sessionUser({ roles: ["CLERK"], authorityId: tenantB.id });
});

afterAll(async () => {
  await s3?.close();
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
});

describe("uploadDocumentVersion", () => {
  it("stores a valid PDF with its sha256, size and page count, and records the event", async () => {
    const appId = await createDraft();
    const result = await upload(architect, appId, "2001", fixture("grundriss-eg.pdf"));
    expect(result).toMatchObject({ ok: true, versionNumber: 1 });
    if (!result.ok) return;

    const version = await db().documentVersion.findUniqueOrThrow({
      where: { id: result.versionId },
      include: { document: true },
    });
    expect(version.sha256).toBe(await sha256File(fixture("grundriss-eg.pdf")));
    expect(Number(version.sizeBytes)).toBe((await readFile(fixture("grundriss-eg.pdf"))).length);
    expect(version.pageCount).toBe(1);
    expect(version.mimeType).toBe("application/pdf");
    expect(version.filename).toBe("grundriss-eg.pdf");
    expect(version.document.typeCode).toBe("2001");
    expect(version.document.id).toBe(documentIdFor(appId, "2001"));

    // The object in the bucket is byte-identical (checked with an independent client).
    expect(await keysOf(appId)).toEqual([version.storageKey]);
    const stored = await inspector.getObject(config.bucket, version.storageKey);
    const hash = createHash("sha256");
    for await (const chunk of stored) hash.update(chunk as Buffer);
    expect(hash.digest("hex")).toBe(version.sha256);

    const events = await db().caseEvent.findMany({
      where: { applicationId: appId, type: "document.uploaded" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.actorId).toBe(architect.id);
    expect(events[0]!.payload).toMatchObject({
      typeCode: "2001",
      versionNumber: 1,
      filename: "grundriss-eg.pdf",
      sha256: version.sha256,
    });

    const two = await upload(architect, appId, "1501", fixture("baubeschreibung.pdf"));
    expect(two.ok).toBe(true);
    if (two.ok) {
      const v = await db().documentVersion.findUniqueOrThrow({ where: { id: two.versionId } });
      expect(v.pageCount).toBe(2);
    }
    expect(await tempLeftovers()).toEqual([]);
  });

  it.each([
    ["empty.pdf", "2001", "„empty.pdf“ ist leer."],
    [
      "fake.pdf",
      "2001",
      "„fake.pdf“ ist keine PDF-Datei (erkannt: PNG-Bild). Für Bauzeichnungen ist PDF vorgeschrieben.",
    ],
    [
      "photo.jpg",
      "1803",
      "„photo.jpg“ ist keine PDF-Datei (erkannt: JPEG-Bild). Für Lagepläne ist PDF vorgeschrieben.",
    ],
    ["broken.pdf", "2002", "„broken.pdf“ ist beschädigt und kann nicht gelesen werden."],
    [
      "encrypted.pdf",
      "2003",
      "„encrypted.pdf“ ist verschlüsselt oder passwortgeschützt. Bitte laden Sie eine unverschlüsselte PDF-Datei hoch.",
    ],
  ])(
    "rejects %s as %s with a German message naming the file, leaving nothing behind",
    async (file, code, message) => {
      const appId = await createDraft();
      const result = await upload(architect, appId, code, fixture(file));
      expect(result).toEqual({ ok: false, message });
      expect(await rowsOf(appId)).toEqual({ documents: 0, versions: 0 });
      expect(await keysOf(appId)).toEqual([]);
      expect(await db().caseEvent.count({ where: { applicationId: appId } })).toBe(0);
      expect(await tempLeftovers()).toEqual([]);
    },
  );

  it("accepts images for a photo document type, stored with the sniffed MIME type", async () => {
    const appId = await createDraft();
    const png = await upload(bauherr, appId, "3700", fixture("photo.png"));
    const jpg = await upload(bauherr, appId, "2007", fixture("photo.jpg"));
    expect(png.ok && jpg.ok).toBe(true);
    const versions = await db().documentVersion.findMany({
      where: { document: { applicationId: appId } },
      select: { mimeType: true, pageCount: true, document: { select: { typeCode: true } } },
      orderBy: { document: { typeCode: "asc" } },
    });
    expect(versions).toEqual([
      { mimeType: "image/jpeg", pageCount: null, document: { typeCode: "2007" } },
      { mimeType: "image/png", pageCount: null, document: { typeCode: "3700" } },
    ]);
    // fake.pdf is a PNG: fine for photos, stored as what it is.
    const fake = await upload(bauherr, appId, "3700", fixture("fake.pdf"));
    expect(fake).toMatchObject({ ok: true, versionNumber: 2 });
  });

  it("refuses a file over the configured limit with the limit in MB", async () => {
    const appId = await createDraft();
    const result = await upload(architect, appId, "2001", fixture("grundriss-eg.pdf"), { maxBytes: 2048 });
    expect(result).toEqual({
      ok: false,
      message: "„grundriss-eg.pdf“ ist zu groß. Erlaubt sind höchstens 2 KB je Datei.",
    });
    const bigger = await upload(architect, appId, "2001", fixture("grundriss-eg.pdf"), {
      maxBytes: 1.5 * 1024 * 1024,
    });
    expect(bigger.ok).toBe(true);
    expect(await rowsOf(appId)).toEqual({ documents: 1, versions: 1 });
    expect(await tempLeftovers()).toEqual([]);
  });

  it("leaves no row, no object and no temp file when the upload is interrupted midway", async () => {
    const appId = await createDraft();
    const pdf = await readFile(fixture("lageplan.pdf"));
    async function* interrupted() {
      yield new Uint8Array(pdf.subarray(0, 1000));
      yield new Uint8Array(pdf.subarray(1000, 2000));
      throw new Error("connection reset by peer");
    }
    const result = await uploadDocumentVersion(
      architect,
      appId,
      { typeCode: "1803", filename: "lageplan.pdf", contentType: "application/pdf", body: interrupted() },
      { storage, tmpDir: tmpRoot },
    );
    expect(result.ok).toBe(false);
    expect(await rowsOf(appId)).toEqual({ documents: 0, versions: 0 });
    expect(await keysOf(appId)).toEqual([]);
    expect(await tempLeftovers()).toEqual([]);
  });

  it("removes the stored object when the database transaction fails", async () => {
    const appId = await createDraft();
    // The draft is submitted while the file is on its way: the transaction refuses, the object goes.
    const slowBody = async function* () {
      const pdf = await readFile(fixture("lageplan.pdf"));
      yield new Uint8Array(pdf);
      await db().application.update({ where: { id: appId }, data: { status: "SUBMITTED" } });
    };
    const result = await uploadDocumentVersion(
      architect,
      appId,
      { typeCode: "1803", filename: "lageplan.pdf", contentType: "application/pdf", body: slowBody() },
      { storage, tmpDir: tmpRoot },
    );
    expect(result).toEqual({
      ok: false,
      message: "Der Antrag ist bereits eingereicht. Unterlagen können jetzt nicht mehr geändert werden.",
    });
    expect(await rowsOf(appId)).toEqual({ documents: 0, versions: 0 });
    expect(await keysOf(appId)).toEqual([]);
  });

  it("a second upload creates version 2 and keeps version 1 (and its object)", async () => {
    const appId = await createDraft();
    const first = await upload(architect, appId, "1803", fixture("lageplan.pdf"));
    const second = await uploadDocumentVersion(
      bauherr,
      appId,
      {
        typeCode: "1803",
        filename: '../../etc/Lageplan "neu"\u0000.pdf',
        contentType: "application/pdf",
        body: createReadStream(fixture("liegenschaftskarte.pdf")),
      },
      { storage, tmpDir: tmpRoot },
    );
    expect(first).toMatchObject({ ok: true, versionNumber: 1 });
    expect(second).toMatchObject({ ok: true, versionNumber: 2 });
    if (!first.ok || !second.ok) return;
    expect(second.documentId).toBe(first.documentId);
    const versions = await db().documentVersion.findMany({
      where: { documentId: first.documentId },
      orderBy: { versionNumber: "asc" },
      select: { versionNumber: true, filename: true, sha256: true, uploadedById: true, storageKey: true },
    });
    expect(versions.map((v) => [v.versionNumber, v.filename, v.uploadedById])).toEqual([
      [1, "lageplan.pdf", architect.id],
      [2, "Lageplan neu.pdf", bauherr.id],
    ]);
    expect(versions[0]!.sha256).toBe(await sha256File(fixture("lageplan.pdf")));
    expect(versions[1]!.sha256).toBe(await sha256File(fixture("liegenschaftskarte.pdf")));
    expect((await keysOf(appId)).sort()).toEqual(versions.map((v) => v.storageKey).sort());
  });

  it("concurrent uploads of one type get distinct, consecutive version numbers", async () => {
    const appId = await createDraft();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => upload(architect, appId, "2002", fixture("schnitt.pdf"))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const numbers = results.map((r) => (r.ok ? r.versionNumber : 0)).sort();
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
    expect(await rowsOf(appId)).toEqual({ documents: 1, versions: 5 });
  });

  it("refuses non-members, unknown document types and submitted applications", async () => {
    const appId = await createDraft();
    expect(await upload(stranger, appId, "2001", fixture("grundriss-eg.pdf"))).toEqual({
      ok: false,
      message: "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.",
    });
    expect((await upload(clerkA, appId, "2001", fixture("grundriss-eg.pdf"))).ok).toBe(false);
    expect(await upload(architect, appId, "0000", fixture("grundriss-eg.pdf"))).toEqual({
      ok: false,
      message: "Bitte wählen Sie eine gültige Art der Unterlage aus.",
    });
    expect((await upload(architect, "not-a-uuid", "2001", fixture("grundriss-eg.pdf"))).ok).toBe(false);
    const submitted = await createDraft("SUBMITTED");
    expect(await upload(architect, submitted, "2001", fixture("grundriss-eg.pdf"))).toEqual({
      ok: false,
      message: "Der Antrag ist bereits eingereicht. Unterlagen können jetzt nicht mehr geändert werden.",
    });
    // A pending (not accepted) invitation gives no access either.
    const invitee = await sessionUser({ roles: ["APPLICANT"] });
    await db().applicationMember.create({
      data: { applicationId: appId, userId: invitee.id, email: invitee.email, role: "BAUHERR" },
    });
    expect((await upload(invitee, appId, "2001", fixture("grundriss-eg.pdf"))).ok).toBe(false);
    expect(await rowsOf(appId)).toEqual({ documents: 0, versions: 0 });
    expect(await keysOf(appId)).toEqual([]);
  });
});

describe("setToBeSubmittedLater", () => {
  it("marks and unmarks a type, and an upload clears the mark", async () => {
    const appId = await createDraft();
    expect(await setToBeSubmittedLater(architect, appId, "2801", true)).toEqual({ ok: true });
    let doc = await db().document.findFirstOrThrow({ where: { applicationId: appId, typeCode: "2801" } });
    expect(doc.toBeSubmittedLater).toBe(true);
    expect(await setToBeSubmittedLater(bauherr, appId, "2801", false)).toEqual({ ok: true });
    doc = await db().document.findFirstOrThrow({ where: { applicationId: appId, typeCode: "2801" } });
    expect(doc.toBeSubmittedLater).toBe(false);

    await setToBeSubmittedLater(architect, appId, "2801", true);
    const up = await upload(architect, appId, "2801", fixture("standsicherheit.pdf"));
    expect(up).toMatchObject({ ok: true, documentId: doc.id });
    doc = await db().document.findFirstOrThrow({ where: { applicationId: appId, typeCode: "2801" } });
    expect(doc.toBeSubmittedLater).toBe(false);
    expect((await setToBeSubmittedLater(architect, appId, "2801", true)).ok).toBe(false);

    expect((await setToBeSubmittedLater(stranger, appId, "2701", true)).ok).toBe(false);
    const types = await db().caseEvent.findMany({
      where: { applicationId: appId },
      orderBy: { id: "asc" },
      select: { type: true },
    });
    expect(types.map((t) => t.type)).toEqual([
      "document.marked-later",
      "document.unmarked-later",
      "document.marked-later",
      "document.uploaded",
    ]);
  });
});

describe("openDocumentVersionForDownload", () => {
  it("serves members always, own-authority clerks only after submission, nobody else", async () => {
    const appId = await createDraft();
    const up = await upload(architect, appId, "1803", fixture("lageplan.pdf"));
    if (!up.ok) throw new Error(up.message);

    const asMember = await openDocumentVersionForDownload(bauherr, up.versionId, { storage });
    expect(asMember).not.toBeNull();
    const hash = createHash("sha256");
    for await (const chunk of asMember!.stream) hash.update(chunk as Buffer);
    expect(hash.digest("hex")).toBe(await sha256File(fixture("lageplan.pdf")));
    expect(asMember).toMatchObject({ filename: "lageplan.pdf", mimeType: "application/pdf" });

    // Draft: private to the applicant side, even for the own authority's clerk.
    expect(await openDocumentVersionForDownload(clerkA, up.versionId, { storage })).toBeNull();
    expect(await openDocumentVersionForDownload(stranger, up.versionId, { storage })).toBeNull();

    await db().application.update({
      where: { id: appId },
      data: { status: "SUBMITTED", submittedAt: new Date() },
    });
    const asClerk = await openDocumentVersionForDownload(clerkA, up.versionId, { storage });
    expect(asClerk?.sizeBytes).toBe((await readFile(fixture("lageplan.pdf"))).length);
    asClerk?.stream.destroy();
    expect(await openDocumentVersionForDownload(clerkB, up.versionId, { storage })).toBeNull();
    expect(await openDocumentVersionForDownload(stranger, up.versionId, { storage })).toBeNull();
    expect(await openDocumentVersionForDownload(bauherr, "../etc/passwd", { storage })).toBeNull();
    expect(await openDocumentVersionForDownload(bauherr, randomUUID(), { storage })).toBeNull();
  });
});
