import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiClientActorLabel } from "~/api/actor";
import { setApiRateLimitForTests } from "~/api/rate-limit.server";
import { callLogPage, createApiClient, revokeApiClient, rotateApiClient } from "~/models/api-client.server";
import { listEvents } from "~/models/case-event.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import { type BuiltCase, buildCase } from "../../test/kit/case";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { expectValidApiResponse } from "../../test/kit/openapi";
import { createExportXbau } from "../../workers/processors/export-xbau";
import { createRenderReceipt } from "../../workers/processors/render-receipt";
import * as casesRoute from "./api.v1.cases._index";
import * as caseDetailRoute from "./api.v1.cases.$id._index";
import * as caseDocumentsRoute from "./api.v1.cases.$id.documents";
import * as caseStatusRoute from "./api.v1.cases.$id.status";
import * as versionContentRoute from "./api.v1.documents.$versionId.content";
import * as generatedContentRoute from "./api.v1.generated-documents.$id.content";
import * as messagesRoute from "./api.v1.messages._index";
import * as ackRoute from "./api.v1.messages.$id.ack";
import * as messageContentRoute from "./api.v1.messages.$id.content";
import * as openApiRoute from "./api.v1.openapi[.]json";

// The API against real PostgreSQL, Redis and an s3rver of this file (port and bucket named before
// the storage module reads the environment). Every answer is checked against the served OpenAPI
// document (test/kit/openapi.ts).
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `api-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

type RouteFn = (args: {
  request: Request;
  params: Record<string, string>;
  context: object;
}) => Promise<Response>;
type RouteModule = { loader?: unknown; action?: unknown };

interface Call {
  status: number;
  body: unknown;
  response: Response;
}

/** Calls a route module the way the server does and validates the answer against the document. */
async function api(
  route: RouteModule,
  pathWithQuery: string,
  options: { token?: string | null; method?: string; params?: Record<string, string>; json?: unknown } = {},
): Promise<Call> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const request = new Request(`http://localhost${pathWithQuery}`, { method, headers, body });
  const fn = (method === "GET" ? route.loader : route.action) as RouteFn;
  const response = await fn({ request, params: options.params ?? {}, context: {} });
  const parsed = await expectValidApiResponse(method, pathWithQuery, response);
  return { status: response.status, body: parsed, response };
}

let s3dir: string;
let s3: EmbeddedS3;
let caseA1: BuiltCase;
let caseA2: BuiltCase;
let caseA3: BuiltCase;
let caseB: BuiltCase;
let adminA: { id: string; authorityId: string };
let adminB: { id: string; authorityId: string };
let readerA: string;
let readerB: string;
let noScopeA: string;
let writerA: string;
let versionA: { id: string; bytes: Buffer };
let receiptA: string;
let inboundA: string;
let messageB: string;

/** Puts random bytes of the recorded size under an accepted version's key (the fixtures store rows only). */
async function storeVersionBytes(applicationId: string) {
  const v = await db().documentVersion.findFirstOrThrow({
    where: { document: { applicationId }, checkStatus: "ACCEPTED" },
    select: { id: true, storageKey: true, sizeBytes: true },
  });
  const bytes = randomBytes(Number(v.sizeBytes));
  await getStorage().putStream(v.storageKey, Readable.from([bytes]), { contentType: "application/pdf" });
  return { id: v.id, bytes };
}

const jobCtx = () => ({ db: db(), mailer: null, log: logger });
const noJob = {} as Job<never, unknown, never>;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-api-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();
  setApiRateLimitForTests({ prefix: `test:api:${randomUUID()}` });

  caseA1 = await buildCase({ until: "complete", label: "api-a" });
  caseA2 = await buildCase({ until: "submitted", district: caseA1.district });
  caseA3 = await buildCase({ until: "submitted", district: caseA1.district });
  caseB = await buildCase({ until: "complete", label: "api-b" });
  const authorityA = caseA1.district.authority.id;
  const authorityB = caseB.district.authority.id;
  adminA = {
    id: (await sessionUser({ roles: ["ADMIN"], authorityId: authorityA })).id,
    authorityId: authorityA,
  };
  adminB = {
    id: (await sessionUser({ roles: ["ADMIN"], authorityId: authorityB })).id,
    authorityId: authorityB,
  };
  readerA = (
    await createApiClient(adminA, {
      name: "Fachverfahren A",
      scopes: ["cases:read", "documents:read", "messages:read"],
    })
  ).token;
  readerB = (
    await createApiClient(adminB, {
      name: "Fachverfahren B",
      scopes: ["cases:read", "documents:read", "messages:read", "status:write"],
    })
  ).token;
  noScopeA = (await createApiClient(adminA, { name: "Nur Status", scopes: ["status:write"] })).token;
  writerA = noScopeA;

  versionA = await storeVersionBytes(caseA1.application.id);
  const receipt = (await createRenderReceipt()(
    { applicationId: caseA1.application.id },
    noJob,
    jobCtx(),
  )) as {
    generatedDocumentId: string;
  };
  receiptA = receipt.generatedDocumentId;
  // XBau messages the authorities sent (real 0200 exports) and one received by A.
  for (const c of [caseA1, caseA2, caseA3]) {
    await createExportXbau()({ applicationId: c.application.id }, noJob, jobCtx());
  }
  const exportedB = (await createExportXbau()({ applicationId: caseB.application.id }, noJob, jobCtx())) as {
    generatedDocumentId: string;
  };
  messageB = exportedB.generatedDocumentId;
  const inboundBytes = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><test>${randomUUID()}</test>`);
  const inboundKey = `authorities/${authorityA}/inbound/${randomUUID()}.xml`;
  await getStorage().putStream(inboundKey, Readable.from([inboundBytes]), { contentType: "application/xml" });
  inboundA = (
    await db().inboundMessage.create({
      data: {
        authorityId: authorityA,
        messageId: randomUUID(),
        messageType: "baugenehmigung.antrag.0200",
        senderId: "tst:1",
        senderName: "Portal",
        status: "IMPORTED",
        applicationId: caseA2.application.id,
        receivedById: caseA1.district.clerk.id,
        sha256: createHash("sha256").update(inboundBytes).digest("hex"),
        sizeBytes: inboundBytes.length,
        storageKey: inboundKey,
      },
      select: { id: true },
    })
  ).id;
}, 180_000);

afterAll(async () => {
  setApiRateLimitForTests(null);
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

describe("OpenAPI document", () => {
  it("is served publicly and is a valid OpenAPI 3.1 document", async () => {
    const res = openApiRoute.loader();
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/messages",
        "/api/v1/messages/{id}/ack",
      ]),
    );
    const SwaggerParser = (await import("@apidevtools/swagger-parser")).default;
    await expect(SwaggerParser.validate(doc as never)).resolves.toBeTruthy();
  });
});

describe("authentication", () => {
  it("refuses a missing, malformed, unknown or wrong-secret key with 401 problem+json in German", async () => {
    const wrongSecret = `${readerA.slice(0, 21)}${"A".repeat(43)}`;
    for (const token of [null, "nonsense", `bau_${"0".repeat(16)}_${"A".repeat(43)}`, wrongSecret]) {
      const r = await api(casesRoute, "/api/v1/cases", { token });
      expect(r.status).toBe(401);
      expect(r.response.headers.get("Content-Type")).toContain("application/problem+json");
      expect((r.body as { detail: string }).detail).toContain("Kein gültiger API-Schlüssel");
    }
  });

  it("a rotated key stops at once and the new one works; a revoked client gets 401", async () => {
    const created = await createApiClient(adminA, { name: "Rotation", scopes: ["cases:read"] });
    expect((await api(casesRoute, "/api/v1/cases", { token: created.token })).status).toBe(200);
    const rotated = await rotateApiClient(adminA, created.id);
    expect(rotated).not.toBeNull();
    expect((await api(casesRoute, "/api/v1/cases", { token: created.token })).status).toBe(401);
    expect((await api(casesRoute, "/api/v1/cases", { token: rotated!.token })).status).toBe(200);
    // Another authority's admin can neither rotate nor revoke it.
    expect(await rotateApiClient(adminB, created.id)).toBeNull();
    expect(await revokeApiClient(adminB, created.id)).toBe(false);
    expect(await revokeApiClient(adminA, created.id)).toBe(true);
    expect((await api(casesRoute, "/api/v1/cases", { token: rotated!.token })).status).toBe(401);
    const row = await db().apiClient.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretHash).not.toContain(rotated!.token.slice(22));
    const events = await db().securityEvent.findMany({
      where: { userId: adminA.id, kind: { startsWith: "API_CLIENT_" } },
      select: { kind: true },
    });
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["API_CLIENT_CREATED", "API_CLIENT_ROTATED", "API_CLIENT_REVOKED"]),
    );
  });

  it("a missing scope is 403 naming the scope", async () => {
    const r = await api(casesRoute, "/api/v1/cases", { token: noScopeA });
    expect(r.status).toBe(403);
    expect((r.body as { detail: string }).detail).toContain("cases:read");
    const m = await api(messagesRoute, "/api/v1/messages", { token: noScopeA });
    expect(m.status).toBe(403);
    const s = await api(caseStatusRoute, `/api/v1/cases/${caseA1.application.id}/status`, {
      token: readerA,
      method: "POST",
      params: { id: caseA1.application.id },
      json: { command: "startReview" },
    });
    expect(s.status).toBe(403);
  });

  it("rate limit per client: over the limit is 429 with Retry-After; another client is not affected", async () => {
    const limited = await createApiClient(adminA, { name: "Limit", scopes: ["cases:read"] });
    setApiRateLimitForTests({ prefix: `test:api:${randomUUID()}`, max: 3, windowSeconds: 60 });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await api(casesRoute, "/api/v1/cases?limit=1", { token: limited.token })).status).toBe(200);
      }
      const r = await api(casesRoute, "/api/v1/cases?limit=1", { token: limited.token });
      expect(r.status).toBe(429);
      const retry = Number(r.response.headers.get("Retry-After"));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect((r.body as { detail: string; retryAfterSeconds: number }).retryAfterSeconds).toBe(retry);
      expect((r.body as { detail: string }).detail).toContain("Zu viele Anfragen");
      expect((await api(casesRoute, "/api/v1/cases?limit=1", { token: readerA })).status).toBe(200);
    } finally {
      setApiRateLimitForTests({ prefix: `test:api:${randomUUID()}` });
    }
  });
});

describe("cases", () => {
  it("pages over all of the authority's cases without duplicates or gaps, never another's", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const r = await api(casesRoute, `/api/v1/cases?limit=1${q}`, { token: readerA });
      expect(r.status).toBe(200);
      const page = r.body as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([caseA1.application.id, caseA2.application.id, caseA3.application.id].sort());
    const b = await api(casesRoute, "/api/v1/cases", { token: readerB });
    expect((b.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([caseB.application.id]);
  });

  it("filters by status, Aktenzeichen and updatedSince; refuses bad parameters with 400", async () => {
    const complete = await api(casesRoute, "/api/v1/cases?status=COMPLETE", { token: readerA });
    expect((complete.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      caseA1.application.id,
    ]);
    const byFile = await api(
      casesRoute,
      `/api/v1/cases?fileNumber=${encodeURIComponent(caseA2.application.fileNumber!)}`,
      {
        token: readerA,
      },
    );
    expect((byFile.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      caseA2.application.id,
    ]);
    // B's Aktenzeichen is not found through A's client.
    const foreign = await api(
      casesRoute,
      `/api/v1/cases?fileNumber=${encodeURIComponent(caseB.application.fileNumber!)}`,
      {
        token: readerA,
      },
    );
    // (Aktenzeichen are unique per authority only: A may have one with the same text.)
    expect((foreign.body as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(
      caseB.application.id,
    );
    const future = await api(casesRoute, "/api/v1/cases?updatedSince=2999-01-01T00:00:00Z", {
      token: readerA,
    });
    expect((future.body as { items: unknown[] }).items).toEqual([]);
    for (const bad of [
      "status=DRAFT",
      "status=FOO",
      "limit=0",
      "limit=101",
      "limit=abc",
      "updatedSince=gestern",
      "cursor=xyz",
    ]) {
      const r = await api(casesRoute, `/api/v1/cases?${bad}`, { token: readerA });
      expect(r.status, bad).toBe(400);
      expect((r.body as { parameter: string }).parameter).toBe(bad.split("=")[0]);
    }
  });

  it("detail shows parties, plot, project, deadlines and documents; another authority's case is 404", async () => {
    const id = caseA1.application.id;
    const r = await api(caseDetailRoute, `/api/v1/cases/${id}`, { token: readerA, params: { id } });
    expect(r.status).toBe(200);
    const d = r.body as {
      fileNumber: string;
      status: string;
      parties: { bauherr: unknown };
      plot: { parcels: unknown[] };
      documents: { versions: { id: string; contentUrl: string | null }[] }[];
      deadlines: { decisionDueAt: string | null };
      generatedDocuments: { id: string }[];
    };
    expect(d.fileNumber).toBe(caseA1.application.fileNumber);
    expect(d.status).toBe("COMPLETE");
    expect(d.parties.bauherr).not.toBeNull();
    expect(d.plot.parcels.length).toBeGreaterThan(0);
    expect(d.deadlines.decisionDueAt).not.toBeNull();
    expect(d.documents.flatMap((x) => x.versions.map((v) => v.id))).toContain(versionA.id);
    expect(d.generatedDocuments.map((g) => g.id)).toContain(receiptA);
    const other = caseB.application.id;
    const forbidden = await api(caseDetailRoute, `/api/v1/cases/${other}`, {
      token: readerA,
      params: { id: other },
    });
    expect(forbidden.status).toBe(404);
    const docs = await api(caseDocumentsRoute, `/api/v1/cases/${other}/documents`, {
      token: readerA,
      params: { id: other },
    });
    expect(docs.status).toBe(404);
    const garbage = await api(caseDetailRoute, "/api/v1/cases/not-a-uuid", {
      token: readerA,
      params: { id: "x" },
    });
    expect(garbage.status).toBe(404);
  });
});

describe("documents", () => {
  it("streams an accepted version byte for byte; other authorities and refused versions get 404", async () => {
    const id = caseA1.application.id;
    const list = await api(caseDocumentsRoute, `/api/v1/cases/${id}/documents`, {
      token: readerA,
      params: { id },
    });
    expect(list.status).toBe(200);
    const r = await api(versionContentRoute, `/api/v1/documents/${versionA.id}/content`, {
      token: readerA,
      params: { versionId: versionA.id },
    });
    expect(r.status).toBe(200);
    expect(r.response.headers.get("Content-Length")).toBe(String(versionA.bytes.length));
    expect(r.response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const got = Buffer.from(await r.response.arrayBuffer());
    expect(got.equals(versionA.bytes)).toBe(true);

    const foreign = await api(versionContentRoute, `/api/v1/documents/${versionA.id}/content`, {
      token: readerB,
      params: { versionId: versionA.id },
    });
    expect(foreign.status).toBe(404);
    // A version the deep check refused never leaves the product, even though its bytes are stored.
    const accepted = await db().documentVersion.findUniqueOrThrow({ where: { id: versionA.id } });
    const refusedKey = `${accepted.storageKey}.refused`;
    await getStorage().putStream(refusedKey, Readable.from([versionA.bytes]), {
      contentType: "application/pdf",
    });
    const refusedVersion = await db().documentVersion.create({
      data: {
        documentId: accepted.documentId,
        versionNumber: accepted.versionNumber + 100,
        filename: "abgelehnt.pdf",
        mimeType: "application/pdf",
        sizeBytes: accepted.sizeBytes,
        sha256: accepted.sha256,
        storageKey: refusedKey,
        uploadedById: accepted.uploadedById,
        checkStatus: "REFUSED",
        checkMessage: "Die Datei abgelehnt.pdf ist beschädigt.",
      },
      select: { id: true },
    });
    const refused = await api(versionContentRoute, `/api/v1/documents/${refusedVersion.id}/content`, {
      token: readerA,
      params: { versionId: refusedVersion.id },
    });
    expect(refused.status).toBe(404);
    const listed = await api(caseDocumentsRoute, `/api/v1/cases/${id}/documents`, {
      token: readerA,
      params: { id },
    });
    const versions = (
      listed.body as { documents: { versions: { id: string; contentUrl: string | null }[] }[] }
    ).documents.flatMap((d) => d.versions);
    expect(versions.find((v) => v.id === refusedVersion.id)?.contentUrl).toBeNull();
  });

  it("streams a generated file (the receipt) equal to what is stored; 404 for another authority", async () => {
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: receiptA } });
    const r = await api(generatedContentRoute, `/api/v1/generated-documents/${receiptA}/content`, {
      token: readerA,
      params: { id: receiptA },
    });
    expect(r.status).toBe(200);
    const got = Buffer.from(await r.response.arrayBuffer());
    expect(createHash("sha256").update(got).digest("hex")).toBe(row.sha256);
    const foreign = await api(generatedContentRoute, `/api/v1/generated-documents/${receiptA}/content`, {
      token: readerB,
      params: { id: receiptA },
    });
    expect(foreign.status).toBe(404);
  });
});

describe("message box", () => {
  it("lists sent and received XBau messages in a stable order over several pages, acknowledgement per client", async () => {
    const all: { id: string; direction: string; acknowledgedAt: string | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const r = await api(messagesRoute, `/api/v1/messages?limit=2${q}`, { token: readerA });
      expect(r.status).toBe(200);
      const page = r.body as { items: typeof all; nextCursor: string | null };
      all.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    expect(all.length).toBe(4); // three 0200 exports + one received message
    expect(all.filter((m) => m.direction === "RECEIVED").map((m) => m.id)).toEqual([inboundA]);
    expect(all.map((m) => m.id)).not.toContain(messageB);

    const first = all[0]!.id;
    const ack = await api(ackRoute, `/api/v1/messages/${first}/ack`, {
      token: readerA,
      method: "POST",
      params: { id: first },
    });
    expect(ack.status).toBe(200);
    const ackedAt = (ack.body as { acknowledgedAt: string }).acknowledgedAt;
    expect(ackedAt).not.toBeNull();
    const again = await api(ackRoute, `/api/v1/messages/${first}/ack`, {
      token: readerA,
      method: "POST",
      params: { id: first },
    });
    expect((again.body as { acknowledgedAt: string }).acknowledgedAt).toBe(ackedAt);
    const open = await api(messagesRoute, "/api/v1/messages?unacknowledged=true", { token: readerA });
    expect((open.body as { items: { id: string }[] }).items.map((m) => m.id)).toEqual(
      all.slice(1).map((m) => m.id),
    );
    // Another client of the same authority still sees it as unacknowledged.
    const second = await createApiClient(adminA, { name: "DMS", scopes: ["messages:read"] });
    const other = await api(messagesRoute, "/api/v1/messages?unacknowledged=true", { token: second.token });
    expect((other.body as { items: { id: string }[] }).items.map((m) => m.id)).toContain(first);
  });

  it("streams a message's XML equal to the stored bytes; B can neither read nor acknowledge A's messages", async () => {
    const row = await db().inboundMessage.findUniqueOrThrow({ where: { id: inboundA } });
    const r = await api(messageContentRoute, `/api/v1/messages/${inboundA}/content`, {
      token: readerA,
      params: { id: inboundA },
    });
    expect(r.status).toBe(200);
    const got = Buffer.from(await r.response.arrayBuffer());
    expect(createHash("sha256").update(got).digest("hex")).toBe(row.sha256);
    for (const id of [inboundA, receiptA]) {
      // The receipt is a generated file but no XBau message: not in anyone's box.
      const token = id === receiptA ? readerA : readerB;
      const c = await api(messageContentRoute, `/api/v1/messages/${id}/content`, { token, params: { id } });
      expect(c.status).toBe(404);
    }
    const foreignAck = await api(ackRoute, `/api/v1/messages/${inboundA}/ack`, {
      token: readerB,
      method: "POST",
      params: { id: inboundA },
    });
    expect(foreignAck.status).toBe(404);
    expect(await db().apiMessageAck.count({ where: { messageId: inboundA } })).toBe(0);
    const bad = await api(messagesRoute, "/api/v1/messages?unacknowledged=ja", { token: readerA });
    expect(bad.status).toBe(400);
  });
});

describe("status commands", () => {
  it("runs the lifecycle's authority commands, names the API client in the history, refuses the rest", async () => {
    const id = caseA3.application.id;
    const call = (command: unknown, token = writerA, caseId = id) =>
      api(caseStatusRoute, `/api/v1/cases/${caseId}/status`, {
        token,
        method: "POST",
        params: { id: caseId },
        json: { command },
      });
    const started = await call("startReview");
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: "IN_REVIEW", changed: true });
    expect((await call("startReview")).body).toMatchObject({ status: "IN_REVIEW", changed: false });
    const done = await call("confirmComplete");
    expect(done.body).toMatchObject({ status: "COMPLETE", changed: true });
    // COMPLETE → startReview is not in the table.
    const refused = await call("startReview");
    expect(refused.status).toBe(409);
    expect((refused.body as { detail: string }).detail).toContain("Vollständig");
    // Commands the applicant side or the Bescheid editor issue are not offered.
    for (const command of ["withdraw", "decide", "submit", 42, null]) {
      expect((await call(command)).status).toBe(422);
    }
    // B's client with status:write cannot touch A's case.
    expect((await call("startReview", readerB, caseA2.application.id)).status).toBe(404);
    const a2 = await db().application.findUniqueOrThrow({ where: { id: caseA2.application.id } });
    expect(a2.status).toBe("SUBMITTED");

    const events = await listEvents(db(), id);
    const byApi = events
      .filter((e) => e.type === "review.started" || e.type === "application.complete")
      .slice(-2);
    expect(byApi).toHaveLength(2);
    for (const e of byApi) {
      expect(e.actor).toBeNull();
      expect(apiClientActorLabel(e.payload)).toBe("API-Zugang „Nur Status“");
    }
    const app = await db().application.findUniqueOrThrow({ where: { id } });
    expect(app.decisionDueAt).not.toBeNull();
  });

  it("refuses a body that is not JSON or too large", async () => {
    const id = caseA2.application.id;
    const request = new Request(`http://localhost/api/v1/cases/${id}/status`, {
      method: "POST",
      headers: { Authorization: `Bearer ${writerA}`, "Content-Type": "application/json" },
      body: JSON.stringify({ command: "startReview", pad: "x".repeat(10_000) }),
    });
    const res = await caseStatusRoute.action({ request, params: { id }, context: {} });
    expect(res.status).toBe(413);
    await expectValidApiResponse("POST", `/api/v1/cases/${id}/status`, res);
    const text = new Request(`http://localhost/api/v1/cases/${id}/status`, {
      method: "POST",
      headers: { Authorization: `Bearer ${writerA}`, "Content-Type": "text/plain" },
      body: "startReview",
    });
    const res2 = await caseStatusRoute.action({ request: text, params: { id }, context: {} });
    expect(res2.status).toBe(415);
  });
});

describe("call log", () => {
  it("records every call of a client with status and duration, visible only to its authority", async () => {
    const page = await callLogPage(caseA1.district.authority.id);
    expect(page.rows.length).toBeGreaterThan(5);
    const statuses = new Set(page.rows.map((r) => r.status));
    expect(statuses).toEqual(expect.objectContaining({}));
    for (const s of [200, 403, 404]) expect(statuses.has(s), String(s)).toBe(true);
    expect(page.rows.every((r) => r.path.startsWith("/api/v1/"))).toBe(true);
    const b = await callLogPage(caseB.district.authority.id);
    const aClientIds = new Set(page.rows.map((r) => r.client.id));
    expect(b.rows.some((r) => aClientIds.has(r.client.id))).toBe(false);
  });
});
