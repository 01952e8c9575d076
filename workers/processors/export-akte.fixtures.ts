import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { documentTypeLabel } from "~/domain/document-types";
import type { DocumentCheckStatus } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";
import { db } from "~/utils/db.server";
import { documentVersionKey, generatedKey, type Storage } from "../../storage/index";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";

/**
 * Test and bench fixture for the Akte export: a submitted case of a fresh authority whose files
 * really are in storage (the shared case fixtures record versions without stored bytes), with the
 * people the access tests need: the case's clerk and admin, the applicant, a clerk of another
 * authority.
 */

export interface FixtureVersion {
  filename: string;
  /** Bytes or a factory for a fresh stream (large files for the bench) with its length and hash. */
  body: Uint8Array | { stream: () => Readable; sizeBytes: number; sha256: string };
  mimeType?: string;
  checkStatus?: DocumentCheckStatus;
  checkMessage?: string;
  pageCount?: number;
}

export interface FixtureDocument {
  typeCode: string;
  title?: string;
  versions: FixtureVersion[];
}

export interface FixtureGenerated {
  kind: string;
  title: string;
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
}

async function put(storage: Storage, key: string, body: FixtureVersion["body"], mimeType: string) {
  const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body.stream();
  return storage.putStream(key, source, { contentType: mimeType });
}

interface FixtureCase {
  authorityId: string;
  applicationId: string;
  applicantId: string;
}

/** One document with its versions (stored, recorded, each with its upload event). */
async function addDocument(storage: Storage, c: FixtureCase, d: FixtureDocument) {
  const doc = await db().document.create({
    data: {
      applicationId: c.applicationId,
      typeCode: d.typeCode,
      title: d.title ?? documentTypeLabel(d.typeCode),
    },
    select: { id: true },
  });
  let n = 0;
  for (const v of d.versions) {
    n++;
    const versionId = randomUUID();
    const key = documentVersionKey({
      authorityId: c.authorityId,
      applicationId: c.applicationId,
      documentId: doc.id,
      versionId,
    });
    const mimeType = v.mimeType ?? "application/pdf";
    const stored = await put(storage, key, v.body, mimeType);
    await db().documentVersion.create({
      data: {
        id: versionId,
        documentId: doc.id,
        versionNumber: n,
        filename: v.filename,
        mimeType,
        sizeBytes: BigInt(stored.sizeBytes),
        sha256: stored.sha256,
        storageKey: key,
        pageCount: v.pageCount ?? 1,
        uploadedById: c.applicantId,
        checkStatus: v.checkStatus ?? "ACCEPTED",
        checkMessage: v.checkMessage ?? null,
      },
    });
    await db().$transaction((tx) =>
      appendEvent(tx, {
        applicationId: c.applicationId,
        actorId: c.applicantId,
        type: "document.uploaded",
        payload: {
          documentId: doc.id,
          versionId,
          typeCode: d.typeCode,
          versionNumber: n,
          filename: v.filename,
        },
      }),
    );
  }
}

async function addGenerated(storage: Storage, c: FixtureCase, g: FixtureGenerated) {
  const id = randomUUID();
  const key = generatedKey({
    authorityId: c.authorityId,
    applicationId: c.applicationId,
    kind: g.kind.toLowerCase().replace(/_/g, "-"),
    id,
    ext: g.filename.split(".").pop() ?? "bin",
  });
  const stored = await put(storage, key, g.bytes, g.mimeType);
  await db().generatedDocument.create({
    data: {
      id,
      applicationId: c.applicationId,
      kind: g.kind,
      title: g.title,
      filename: g.filename,
      mimeType: g.mimeType,
      sizeBytes: BigInt(stored.sizeBytes),
      sha256: stored.sha256,
      storageKey: key,
      sourceKey: `fixture__${id}`,
      audience: "CASE",
    },
  });
}

async function addInbound(
  storage: Storage,
  c: FixtureCase & { clerkId: string },
  m: { messageType: string; bytes: Uint8Array },
) {
  const id = randomUUID();
  const key = `tenants/${c.authorityId}/cases/${c.applicationId}/inbound/${id}.xml`;
  const stored = await put(storage, key, m.bytes, "application/xml");
  await db().inboundMessage.create({
    data: {
      id,
      authorityId: c.authorityId,
      messageId: randomUUID(),
      messageType: m.messageType,
      senderId: "tst:1000",
      senderName: "Landesportal Testland",
      status: "IMPORTED",
      applicationId: c.applicationId,
      receivedById: c.clerkId,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      storageKey: key,
    },
  });
}

export async function createAkteCase(
  storage: Storage,
  options: {
    label?: string;
    documents: FixtureDocument[];
    generated?: FixtureGenerated[];
    inbound?: { messageType: string; bytes: Uint8Array }[];
  },
) {
  const label = options.label ?? "akte";
  const district = await createTestDistrict(label);
  const authorityId = district.authority.id;
  const clerk = await sessionUser({ roles: ["CLERK"], authorityId, displayName: "Clara Sachbearbeiterin" });
  const admin = await sessionUser({ roles: ["ADMIN"], authorityId, displayName: "Adam Admin" });
  const applicant = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  const other = await createTestDistrict(`${label}-other`);
  const otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  const fileNumber = `63-2026-${randomUUID().slice(0, 5)}`;

  const app = await db().application.create({
    data: {
      authorityId,
      municipalityId: district.gemeinde.id,
      createdById: applicant.id,
      status: "IN_REVIEW",
      procedureType: "VEREINFACHT",
      fileNumber,
      title: "Neubau Einfamilienhaus Lindenweg 7",
      data: einfamilienhaus() as object,
      submittedAt: new Date(Date.now() - 5 * 86_400_000),
      members: {
        create: {
          userId: applicant.id,
          email: applicant.email,
          role: "BAUHERR",
          invitationState: "ACCEPTED",
          acceptedAt: new Date(),
        },
      },
    },
    select: { id: true, fileNumber: true, authorityId: true },
  });
  await db().$transaction(async (tx) => {
    await appendEvent(tx, { applicationId: app.id, actorId: applicant.id, type: "application.created" });
    await appendEvent(tx, { applicationId: app.id, actorId: clerk.id, type: "review.started" });
  });
  const c: FixtureCase = { authorityId, applicationId: app.id, applicantId: applicant.id };

  for (const d of options.documents) await addDocument(storage, c, d);

  for (const g of options.generated ?? []) await addGenerated(storage, c, g);

  for (const m of options.inbound ?? []) await addInbound(storage, { ...c, clerkId: clerk.id }, m);

  return { application: app, district, clerk, admin, applicant, otherClerk };
}
