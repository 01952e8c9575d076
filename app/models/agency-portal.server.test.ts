import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage } from "../../storage/index";
import {
  createAgency,
  createParticipation,
  createSubmittedCase,
  latestVersions,
  type SessionUser,
} from "../../test/kit/agency-fixtures";
import {
  getParticipationForAgency,
  listParticipationsForAgency,
  sharedVersionWhere,
} from "./agency-portal.server";
import { openDocumentVersionForDownload } from "./document.server";
import { openGeneratedDocumentForDownload } from "./generated-document.server";

let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-agency-s3-"));
  const bucket = `agency-${randomUUID().slice(0, 8)}`;
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
});

/** Stores bytes under the version's storage key, so a permitted download really streams. */
async function storeVersionBytes(versionId: string) {
  const v = await db().documentVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { storageKey: true },
  });
  await storage.putStream(v.storageKey, Readable.from([Buffer.from(`%PDF-1.4 ${versionId}`)]), {
    contentType: "application/pdf",
  });
}

async function download(user: SessionUser, versionId: string) {
  const file = await openDocumentVersionForDownload(user, versionId, { storage });
  file?.stream.destroy();
  return file;
}

async function scenario(label: string) {
  const c = await createSubmittedCase(label);
  const { agency, user } = await createAgency(c.district.authority.id, { label: `${label}-bs` });
  const versions = await latestVersions(c.application.id);
  expect(versions.length).toBeGreaterThan(2);
  const shared = versions.slice(0, 2).map((v) => v.versionId);
  const participation = await createParticipation({
    applicationId: c.application.id,
    agencyId: agency.id,
    startedById: c.clerk.id,
    versionIds: shared,
  });
  for (const v of versions) await storeVersionBytes(v.versionId);
  return { ...c, agency, agencyUser: user, versions, shared, participation };
}

describe("listParticipationsForAgency", () => {
  it("lists only routed participations of the user's own agency, open ones first with days left", async () => {
    const a = await scenario("portal-list");
    const other = await createAgency(a.district.authority.id, { label: "portal-list-other" });
    // The same case for another agency, and states the agency must never see.
    await createParticipation({
      applicationId: a.application.id,
      agencyId: other.agency.id,
      startedById: a.clerk.id,
      versionIds: [],
    });
    await createParticipation({
      applicationId: a.application.id,
      agencyId: a.agency.id,
      startedById: a.clerk.id,
      versionIds: [],
      round: 2,
      status: "PENDING",
    });
    await createParticipation({
      applicationId: a.application.id,
      agencyId: a.agency.id,
      startedById: a.clerk.id,
      versionIds: [],
      round: 3,
      status: "CANCELLED",
    });
    const answered = await createParticipation({
      applicationId: a.application.id,
      agencyId: a.agency.id,
      startedById: a.clerk.id,
      versionIds: [],
      round: 4,
      status: "ANSWERED",
      deadline: new Date(Date.now() + 2 * 86_400_000),
    });
    const now = new Date();
    const list = await listParticipationsForAgency(a.agencyUser, { now });
    expect(list.map((p) => p.id)).toEqual([a.participation.id, answered.id]);
    expect(list[0]).toMatchObject({
      fileNumber: a.application.fileNumber,
      projectTitle: a.application.title,
      open: true,
      statusLabel: "Neu",
      daysLeftLabel: expect.stringMatching(/^noch \d+ Tage$/),
    });
    expect(list[1]).toMatchObject({ open: false, daysLeftLabel: null, statusLabel: "Beantwortet" });

    expect((await listParticipationsForAgency(other.user)).map((p) => p.id)).toHaveLength(1);
    expect(await listParticipationsForAgency(a.clerk)).toEqual([]);
    expect(await listParticipationsForAgency(a.architect)).toEqual([]);
  });
});

describe("getParticipationForAgency", () => {
  it("shows the case summary and the shared versions only, and marks the first open once", async () => {
    const a = await scenario("portal-detail");
    // A comment and a second agency's statement on the same case must not leak.
    const other = await createAgency(a.district.authority.id, { label: "portal-detail-other" });
    const otherP = await createParticipation({
      applicationId: a.application.id,
      agencyId: other.agency.id,
      startedById: a.clerk.id,
      versionIds: a.versions.map((v) => v.versionId),
      status: "ANSWERED",
    });
    await db().statement.create({
      data: {
        participationId: otherP.id,
        outcome: "REJECTION",
        reasons: "Geheime Gründe",
        authorId: other.user.id,
      },
    });

    const first = await getParticipationForAgency(a.agencyUser, a.participation.id);
    expect(first).not.toBeNull();
    expect(first?.status).toBe("OPENED");
    expect(first?.summary).toMatchObject({
      fileNumber: a.application.fileNumber,
      projectTitle: a.application.title,
      municipality: expect.stringContaining("Gemeinde"),
      bauherr: expect.any(String),
    });
    expect(first?.summary.parcels.length).toBeGreaterThan(0);
    expect(first?.documents.map((d) => d.versionId)).toEqual(a.shared);
    expect(first?.documents.every((d) => d.href === `/dateien/${d.versionId}`)).toBe(true);
    expect(first?.statement).toBeNull();
    expect(JSON.stringify(first)).not.toContain("Geheime Gründe");

    const again = await getParticipationForAgency(a.agencyUser, a.participation.id);
    expect(again?.status).toBe("OPENED");
    const row = await db().participation.findUniqueOrThrow({ where: { id: a.participation.id } });
    expect(row.openedAt).not.toBeNull();
    expect(
      await db().caseEvent.count({
        where: { applicationId: a.application.id, type: "participation.opened" },
      }),
    ).toBe(1);
  });

  it("is null for another agency, PENDING or CANCELLED participations, clerks and malformed ids", async () => {
    const a = await scenario("portal-404");
    const stranger = await createAgency(a.district.authority.id, { label: "portal-404-stranger" });
    expect(await getParticipationForAgency(stranger.user, a.participation.id)).toBeNull();
    expect(await getParticipationForAgency(a.clerk, a.participation.id)).toBeNull();
    expect(await getParticipationForAgency(a.agencyUser, "nope")).toBeNull();
    for (const [round, status] of [
      [2, "PENDING"],
      [3, "CANCELLED"],
    ] as const) {
      const p = await createParticipation({
        applicationId: a.application.id,
        agencyId: a.agency.id,
        startedById: a.clerk.id,
        versionIds: a.shared,
        round,
        status,
      });
      expect(await getParticipationForAgency(a.agencyUser, p.id)).toBeNull();
    }
    // Looking did not open it for the agency.
    const row = await db().participation.findUniqueOrThrow({ where: { id: a.participation.id } });
    expect(row.status).toBe("SENT");
  });
});

describe("downloads of shared document versions (authorization)", () => {
  it("an agency downloads exactly the shared versions of its open participation", async () => {
    const a = await scenario("portal-dl");
    for (const id of a.shared) expect(await download(a.agencyUser, id)).not.toBeNull();
    const notShared = a.versions.map((v) => v.versionId).filter((id) => !a.shared.includes(id));
    expect(notShared.length).toBeGreaterThan(0);
    for (const id of notShared) expect(await download(a.agencyUser, id)).toBeNull();
  });

  it("an agency cannot open another case's documents, nor another agency's shared versions", async () => {
    const a = await scenario("portal-dl-a");
    const b = await scenario("portal-dl-b");
    for (const id of b.shared) expect(await download(a.agencyUser, id)).toBeNull();
    // Another agency of the same district, with the same case: not shared with it.
    const neighbour = await createAgency(a.district.authority.id, { label: "portal-dl-neighbour" });
    for (const id of a.shared) expect(await download(neighbour.user, id)).toBeNull();
    expect(sharedVersionWhere(a.clerk)).toBeNull();
  });

  it("PENDING and CANCELLED participations share nothing; closing ends access but keeps package and statement", async () => {
    const a = await scenario("portal-dl-closed");
    const pending = await scenario("portal-dl-pending");
    await db().participation.update({ where: { id: pending.participation.id }, data: { status: "PENDING" } });
    for (const id of pending.shared) expect(await download(pending.agencyUser, id)).toBeNull();
    await db().participation.update({
      where: { id: pending.participation.id },
      data: { status: "CANCELLED" },
    });
    for (const id of pending.shared) expect(await download(pending.agencyUser, id)).toBeNull();

    // Package and statement PDF linked to the participation, as the workers store them.
    const app = await db().application.findUniqueOrThrow({
      where: { id: a.application.id },
      select: { authorityId: true },
    });
    const files: string[] = [];
    for (const kind of ["PARTICIPATION_PACKAGE", "STATEMENT"]) {
      const key = `tenants/${app.authorityId}/cases/${a.application.id}/generated/test/${randomUUID()}.pdf`;
      await storage.putStream(key, Readable.from([Buffer.from(`%PDF ${kind}`)]), {
        contentType: "application/pdf",
      });
      const g = await db().generatedDocument.create({
        data: {
          applicationId: a.application.id,
          kind,
          title: kind,
          filename: `${kind}.pdf`,
          mimeType: "application/pdf",
          sizeBytes: 10n,
          sha256: "0".repeat(64),
          storageKey: key,
          sourceKey: `test-${randomUUID()}`,
          audience: "AUTHORITY",
          participationId: a.participation.id,
        },
        select: { id: true },
      });
      files.push(g.id);
    }

    await db().participation.update({ where: { id: a.participation.id }, data: { closedAt: new Date() } });
    for (const id of a.shared) expect(await download(a.agencyUser, id)).toBeNull();
    for (const id of files) {
      const g = await openGeneratedDocumentForDownload(a.agencyUser, id, { storage });
      expect(g).not.toBeNull();
      g?.stream.destroy();
    }
    const detail = await getParticipationForAgency(a.agencyUser, a.participation.id);
    expect(detail?.documentsAvailable).toBe(false);
    expect(detail?.documents.every((d) => d.href === null)).toBe(true);
    expect(detail?.generated.map((g) => g.id).sort()).toEqual([...files].sort());
    // The clerk of the case still downloads everything.
    expect(await download(a.clerk, a.shared[0] as string)).not.toBeNull();
  });
});
