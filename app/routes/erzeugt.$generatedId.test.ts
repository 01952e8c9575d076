import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Prisma } from "~/generated/prisma/client";
import type { ApplicationSnapshot } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { createTestTenant } from "~/utils/test-tenant.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute } from "../../test/kit/route";
import { createRenderReceipt } from "../../workers/processors/render-receipt";
import { loader } from "./erzeugt.$generatedId";

// The download route against the process-wide storage, pointed at an s3rver started here, with a
// receipt rendered by the real processor. env() is read (and cached) while modules load, so the
// storage settings go into process.env before any import: a random port and bucket of our own.
const s3Env = vi.hoisted(() => {
  // The env has to name the port before the storage module loads, so it can't be 0 (any free port).
  // Stay below Linux's ephemeral range (32768+), where outgoing connections of parallel tests live.
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `erzeugt-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

let s3dir: string;
let s3: EmbeddedS3;
let member: SessionUser;
let otherClerk: SessionUser;
let generatedId: string;
let sha256: string;

async function get(user: SessionUser | null, id: string): Promise<Response> {
  const r = await loadRoute(loader, user, `/erzeugt/${id}`, { generatedId: id });
  // Remix `data()` errors (notFound) carry only their status.
  return r.response ?? new Response(null, { status: r.status });
}

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-erzeugt-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();

  const tenant = await createTestTenant("erzeugt");
  const other = await createTestTenant("erzeugt-other");
  member = await sessionUser({ roles: ["APPLICANT"] });
  otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.id });
  const submittedAt = new Date("2026-03-15T10:29:00Z");
  const snapshot: ApplicationSnapshot = {
    schemaVersion: 1,
    fileNumber: `63-2026-${randomBytes(3).toString("hex")}`,
    title: "Carport",
    procedureType: "GENEHMIGUNGSFREISTELLUNG",
    data: {
      bauherr: { kind: "PERSON", firstName: "Max", lastName: "Mustermann" },
      plot: { parcels: [{ gemarkung: "Wismar", flur: "1", zaehler: "5" }] },
      project: { measureType: "ERRICHTUNG" },
    },
    authority: { id: tenant.id, name: tenant.name, landProfile: "MV" },
    municipality: null,
    members: [],
    documents: [
      {
        documentId: randomUUID(),
        typeCode: "1803",
        title: "Lageplan",
        versionId: randomUUID(),
        versionNumber: 1,
        filename: "Lageplan.pdf",
        sha256: randomBytes(32).toString("hex"),
        sizeBytes: 1234,
        mimeType: "application/pdf",
        pageCount: 1,
        toBeSubmittedLater: false,
      },
    ],
    openItems: [],
    submittedAt: submittedAt.toISOString(),
    submittedBy: { userId: member.id, displayName: "Max Mustermann", email: member.email, role: "BAUHERR" },
  };
  const app = await db().application.create({
    data: {
      authorityId: tenant.id,
      createdById: member.id,
      status: "SUBMITTED",
      procedureType: "GENEHMIGUNGSFREISTELLUNG",
      title: "Carport",
      fileNumber: snapshot.fileNumber,
      submittedAt,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      members: {
        create: { userId: member.id, email: member.email, role: "BAUHERR", invitationState: "ACCEPTED" },
      },
    },
    select: { id: true },
  });
  const result = (await createRenderReceipt()({ applicationId: app.id }, {} as Job<never, unknown, never>, {
    db: db(),
    mailer: null,
    log: logger,
  })) as { generatedDocumentId: string; sha256: string };
  generatedId = result.generatedDocumentId;
  sha256 = result.sha256;
});

afterAll(async () => {
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

describe("/erzeugt/$generatedId", () => {
  it("streams the receipt to a member as an attachment that the browser must not sniff or run", async () => {
    const res = await get(member, generatedId);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="Eingangsbestaetigung_63-2026-/,
    );
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Number(res.headers.get("Content-Length"))).toBe(body.length);
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha256);
  });

  it("answers 404 to a clerk of another authority, for unknown and malformed ids", async () => {
    expect((await get(otherClerk, generatedId)).status).toBe(404);
    expect((await get(member, randomUUID())).status).toBe(404);
    expect((await get(member, "../etc/passwd")).status).toBe(404);
  });

  it("sends visitors without a session to the login", async () => {
    const res = await get(null, generatedId);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toContain("/anmelden");
  });
});
