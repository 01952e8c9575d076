import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiClient } from "~/models/api-client.server";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { type Antrag0200Input, buildAntrag0200Xml } from "~/xbau/baugenehmigung-antrag-0200.server";
import { buildAntragGeaendert0202Xml } from "~/xbau/baugenehmigung-antrag-geaendert-0202.server";
import { fullApplication, sampleDocument } from "~/xbau/sample-applications";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { expectValidApiResponse } from "../../test/kit/openapi";
import * as intakeRoute from "./api.v1.intake";

// POST /api/v1/intake against real PostgreSQL, Redis (rate limit) and an s3rver of this file.
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `api-intake-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

const BAUVORLAGEN = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
let s3: EmbeddedS3;
let tenantA: { id: string; name: string; xbauKennung: string | null };
let tenantB: { id: string; name: string; xbauKennung: string | null };
let writerA: string;
let readerA: string;
let writerB: string;

async function delivery0200(to: { name: string; xbauKennung: string | null }) {
  const bytes = await readFile(path.join(BAUVORLAGEN, "lageplan.pdf"));
  const input: Antrag0200Input = {
    ...fullApplication,
    messageId: randomUUID(),
    applicationId: randomUUID(),
    authority: { name: to.name, id: to.xbauKennung ?? "" },
    documents: [
      sampleDocument(0, {
        typeCode: "1803",
        title: "Lageplan",
        file: {
          versionId: randomUUID(),
          filename: "lageplan.pdf",
          sha256: createHash("sha256").update(bytes).digest("hex"),
          sizeBytes: bytes.length,
        },
      }),
    ],
  };
  return { xml: buildAntrag0200Xml(input), pdf: bytes, referenz: input.applicationId };
}

async function post(token: string, body: FormData | Blob, contentType?: string) {
  const request = new Request("http://localhost/api/v1/intake", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, ...(contentType ? { "Content-Type": contentType } : {}) },
    body,
  });
  const response = await (intakeRoute.action as (a: unknown) => Promise<Response>)({
    request,
    params: {},
    context: {},
  });
  // Every answer must validate against the served OpenAPI document.
  await expectValidApiResponse("POST", "/api/v1/intake", response);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function multipart(xml: string, files: [string, Buffer][]) {
  const form = new FormData();
  form.append("nachricht", new Blob([xml], { type: "application/xml" }), "nachricht.xml");
  for (const [name, bytes] of files)
    form.append("anlagen", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
  return form;
}

const storedOf = async (authorityId: string) => ({
  applications: await db().application.count({ where: { authorityId } }),
  inbound: await db().inboundMessage.count({ where: { authorityId } }),
  versions: await db().documentVersion.count({ where: { document: { application: { authorityId } } } }),
});

beforeAll(async () => {
  s3 = await startEmbeddedS3({
    dir: await mkdtemp(path.join(os.tmpdir(), "api-intake-s3-")),
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  tenantA = await createTestTenant("api-intake-a");
  tenantB = await createTestTenant("api-intake-b");
  await db().authority.updateMany({
    where: { id: { in: [tenantA.id, tenantB.id] } },
    data: { ags: "13075000" },
  });
  const adminA = await createTestUser({ roles: ["ADMIN"], authorityId: tenantA.id });
  const adminB = await createTestUser({ roles: ["ADMIN"], authorityId: tenantB.id });
  writerA = (
    await createApiClient(
      { id: adminA.id, authorityId: tenantA.id },
      { name: "Portal A", scopes: ["messages:write"] },
    )
  ).token;
  readerA = (
    await createApiClient(
      { id: adminA.id, authorityId: tenantA.id },
      { name: "Leser A", scopes: ["cases:read", "messages:read"] },
    )
  ).token;
  writerB = (
    await createApiClient(
      { id: adminB.id, authorityId: tenantB.id },
      { name: "Portal B", scopes: ["messages:write"] },
    )
  ).token;
});

afterAll(async () => {
  await s3?.close();
});

describe("POST /api/v1/intake", () => {
  it("a 0200 with its file becomes a case (201); the same message again answers 200 with the same case", async () => {
    const { xml, pdf } = await delivery0200(tenantA);
    const first = await post(writerA, multipart(xml, [["lageplan.pdf", pdf]]));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      messageType: "baugenehmigung.antrag.0200",
      caseId: expect.any(String),
      fileNumber: expect.stringMatching(/^63-\d{4}-\d{5}$/),
      answerMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      duplicate: false,
    });
    const app = await db().application.findUniqueOrThrow({
      where: { id: String(first.body.caseId) },
      select: { authorityId: true },
    });
    expect(app.authorityId).toBe(tenantA.id);
    const inbound = await db().inboundMessage.findFirstOrThrow({
      where: { applicationId: String(first.body.caseId) },
      select: { receivedById: true, apiClientId: true },
    });
    expect(inbound.receivedById).toBeNull();
    expect(inbound.apiClientId).toEqual(expect.any(String));

    const before = await storedOf(tenantA.id);
    const again = await post(writerA, multipart(xml, [["lageplan.pdf", pdf]]));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await storedOf(tenantA.id)).toEqual(before);
  }, 120_000);

  it("a client without messages:write gets 403 and nothing is stored", async () => {
    const { xml, pdf } = await delivery0200(tenantA);
    const before = await storedOf(tenantA.id);
    const res = await post(readerA, multipart(xml, [["lageplan.pdf", pdf]]));
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/application\/problem\+json/);
    expect(String(res.body.detail)).toMatch(/messages:write/);
    expect(await storedOf(tenantA.id)).toEqual(before);
  }, 60_000);

  it("a client of authority B cannot deliver into A's case, even with its Aktenzeichen and reference", async () => {
    const { xml, pdf, referenz } = await delivery0200(tenantA);
    const created = await post(writerA, multipart(xml, [["lageplan.pdf", pdf]]));
    expect(created.status).toBe(201);
    const change = buildAntragGeaendert0202Xml({
      messageId: randomUUID(),
      createdAt: new Date(),
      sender: fullApplication.sender,
      authority: { name: tenantB.name, id: tenantB.xbauKennung ?? "" },
      reference: { applicationId: referenz, fileNumber: String(created.body.fileNumber) },
      changedProject: { land: "MV", data: fullApplication.data, title: "Übernahme" },
      documents: [],
    });
    const beforeA = await storedOf(tenantA.id);
    const beforeB = await storedOf(tenantB.id);
    const res = await post(writerB, new Blob([change]), "application/xml");
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([
      expect.objectContaining({
        element: "xbau:bezug/vorgang",
        message: expect.stringMatching(/keinen Vorgang/),
      }),
    ]);
    expect(String(res.body.detail)).toMatch(/xbau:bezug\/vorgang: Bei .* gibt es keinen Vorgang/);
    expect(await storedOf(tenantA.id)).toEqual(beforeA);
    expect(await storedOf(tenantB.id)).toEqual(beforeB);
    const title = await db().application.findUniqueOrThrow({
      where: { id: String(created.body.caseId) },
      select: { title: true },
    });
    expect(title.title).not.toBe("Übernahme");
  }, 120_000);

  it("an unsupported content type is 415 with a German detail; a bare XML message with a missing file is 422", async () => {
    const res = await post(writerA, new Blob(["x"]), "text/plain");
    expect(res.status).toBe(415);
    expect(String(res.body.detail)).toMatch(/multipart\/form-data/);
    const { xml } = await delivery0200(tenantA);
    const before = await storedOf(tenantA.id);
    const bare = await post(writerA, new Blob([xml]), "application/xml");
    expect(bare.status).toBe(422);
    expect(String(bare.body.detail)).toMatch(/lageplan\.pdf.*nicht mitgeschickt/);
    expect(await storedOf(tenantA.id)).toEqual(before);
  }, 60_000);
});
