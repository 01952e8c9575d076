import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { ensureDatabase, migrate } from "../prisma/migrate";
import { type EmbeddedS3, startEmbeddedS3 } from "../storage/embedded";
import { createStorage, type Storage } from "../storage/index";
import {
  deletePrefix,
  randomId,
  randomPrefix,
  startSmtpServer,
  type TestSmtpServer,
  waitFor,
} from "./test-support";

// Reliability of participation routing against the real pieces: PostgreSQL, Redis, s3rver, SMTP
// and the real worker entry point as a child process. The workers here run an unscoped outbox
// relay, so this file works in a database of its own (like workers/index.test.ts): the
// application code under test (db()) is pointed at it before anything connects.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sharedUrl = process.env.DATABASE_URL as string;
const dbName = `bauantrag_test_route_${randomId(4)}`;
const dbUrl = (() => {
  const u = new URL(sharedUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

// env() is parsed (and cached) as soon as the logger loads, before this line; so instead of
// changing DATABASE_URL, the process-wide client that db() hands out is set to our database.
const { createPrisma, db } = await import("~/utils/db.server");
(globalThis as { __prisma?: ReturnType<typeof createPrisma> }).__prisma = createPrisma(dbUrl);
const { createCompleteCase, createParticipationDistrict, currentVersionIds, storeFixturePdfs } = await import(
  "../test/kit/participation-fixtures"
);
const { startParticipation } = await import("~/models/participation.server");
const { relayOutbox } = await import("~/models/outbox.server");
const { createQueues } = await import("~/utils/queue.server");
const { createRedis } = await import("~/utils/redis.server");
const { closedPort } = await import("./test-support");
const { startWorkers } = await import("./start");
const { processors } = await import("./processors/index");
const { createRouteParticipation } = await import("./processors/route-participation");

let s3dir: string;
let s3: EmbeddedS3;
let bucket: string;
let storage: Storage;
let smtp: TestSmtpServer;
const prefixes: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  await ensureDatabase(dbUrl);
  await migrate(dbUrl);
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-reliability-s3-"));
  bucket = `rel-${randomUUID().slice(0, 8)}`;
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
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await db().$disconnect();
  await smtp?.close();
  await s3?.close();
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
  for (const p of prefixes) await deletePrefix(p);
  const admin = new URL(dbUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.end();
});

/** A complete case of a fresh district with three agencies asked; real PDFs in s3rver. */
async function startedCase(label: string) {
  const d = await createParticipationDistrict(label, ["DENKMALSCHUTZ", "BRANDSCHUTZ"]);
  const app = await createCompleteCase(d);
  await storeFixturePdfs(storage, app.id);
  const versions = await currentVersionIds(app.id);
  const deadline = berlinDate(new Date(Date.now() + 30 * 86_400_000));
  const agencyIds = [d.gemeinde.id, d.agencies.DENKMALSCHUTZ!.id, d.agencies.BRANDSCHUTZ!.id];
  const r = await startParticipation(
    d.clerk,
    app.id,
    agencyIds.map((agencyId) => ({
      agencyId,
      documentVersionIds: versions,
      deadline,
      question: "Bitte um Stellungnahme.",
      silenceIsConsent: true,
    })),
  );
  if (!r.ok) throw new Error(r.message);
  return { d, app, agencyIds, participationIds: r.participationIds };
}

/** What must hold after routing, however often it ran: one of everything per agency. */
async function expectRoutedOnce(applicationId: string, agencyIds: string[]) {
  const parts = await db().participation.findMany({
    where: { applicationId },
    select: { id: true, agencyId: true, status: true },
  });
  expect(parts.map((p) => p.agencyId).sort()).toEqual([...agencyIds].sort());
  expect(parts.every((p) => p.status === "SENT")).toBe(true);
  for (const p of parts) {
    const files = await db().generatedDocument.findMany({
      where: { participationId: p.id },
      select: { kind: true },
    });
    expect(files.map((f) => f.kind).sort()).toEqual(["PARTICIPATION_PACKAGE", "XBAU_0300"]);
  }
  const notes = await db().notification.findMany({
    where: { applicationId, type: "participation.requested" },
    select: { userId: true, user: { select: { authorityId: true } } },
  });
  // One AGENCY user per agency in the fixture: exactly one notification each.
  expect(notes.map((n) => n.user.authorityId).sort()).toEqual([...agencyIds].sort());
  expect(await db().caseEvent.count({ where: { applicationId, type: "participation.sent" } })).toBe(3);
}

function spawnWorker(prefix: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      OUTBOX_POLL_MS: "200",
      WORKER_CONCURRENCY: "3",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, output: () => out, exited };
}

describe("participation routing reliability", () => {
  it("a worker killed mid-routing: after restart exactly one participation, package and notification per agency", async () => {
    const { app, agencyIds } = await startedCase("pa-kill");
    const prefix = randomPrefix();
    prefixes.push(prefix);

    // First worker: every package render waits 4 s (PARTICIPATION_ROUTE_DELAY_MS), it is
    // SIGKILLed while the three jobs are inside the processor.
    const first = spawnWorker(prefix, { PARTICIPATION_ROUTE_DELAY_MS: "4000" });
    await waitFor(
      () => (first.output().match(/test delay before rendering the package/g) ?? []).length >= 3,
      {
        timeoutMs: 60_000,
        what: "three jobs mid-routing",
      },
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await db().participation.count({ where: { applicationId: app.id, status: "SENT" } })).toBe(0);
    expect(
      await db().generatedDocument.count({ where: { applicationId: app.id, kind: "PARTICIPATION_PACKAGE" } }),
    ).toBe(0);

    // Restart: BullMQ finds the three jobs stalled (their locks expire) and runs them again.
    const second = spawnWorker(prefix);
    await waitFor(
      async () =>
        (await db().notification.count({
          where: { applicationId: app.id, type: "participation.requested" },
        })) >= 3,
      {
        timeoutMs: 150_000,
        intervalMs: 500,
        what: `routing after restart. Output:\n${second.output().slice(-3000)}`,
      },
    );
    const agencyMails = (
      await db().user.findMany({ where: { authorityId: { in: agencyIds } }, select: { email: true } })
    ).map((u) => u.email);
    const ours = () => smtp.mails.filter((m) => m.to.some((to) => agencyMails.includes(to)));
    await waitFor(() => ours().length >= 3, { timeoutMs: 30_000, what: "mails" });
    second.child.kill("SIGTERM");
    await second.exited;

    await expectRoutedOnce(app.id, agencyIds);
    await new Promise((r) => setTimeout(r, 500));
    expect(ours()).toHaveLength(3);
    expect(
      ours()
        .map((m) => m.to[0])
        .sort(),
    ).toEqual([...agencyMails].sort());
    expect(second.output()).toContain("participation routed");
  }, 240_000);

  it("Redis down when the clerk starts: nothing lost, routed once when Redis is back", async () => {
    const { app, agencyIds, participationIds } = await startedCase("pa-redis");
    // The relay runs while Redis is unreachable: rows stay pending with the error.
    const deadConnection = createRedis({
      url: `redis://127.0.0.1:${await closedPort()}`,
      options: { connectTimeout: 300 },
    });
    const deadQueues = createQueues({ prefix: randomPrefix(), connection: deadConnection });
    try {
      const r = await relayOutbox({ db: db(), queues: deadQueues, addTimeoutMs: 500 });
      expect(r.dispatched).toBe(0);
      expect(r.failed).toBeGreaterThanOrEqual(3);
    } finally {
      await deadQueues.close();
      deadConnection.disconnect();
    }
    const pending = await db().outboxMessage.findMany({
      where: { jobName: "participation.route-package", dispatchedAt: null },
      select: { payload: true, lastError: true },
    });
    expect(pending.map((p) => (p.payload as { participationId: string }).participationId).sort()).toEqual(
      [...participationIds].sort(),
    );
    expect(pending.every((p) => (p.lastError ?? "").length > 0)).toBe(true);
    expect(await db().participation.count({ where: { applicationId: app.id, status: "PENDING" } })).toBe(3);

    // Redis is back: workers with a relay pick the rows up; run a second relay at the same time.
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const withStorage = {
      ...processors,
      "participation.route-package": createRouteParticipation({ storage }),
    };
    const workers = startWorkers({
      prefix,
      concurrency: 3,
      db: db(),
      mailer: null,
      processors: withStorage,
      relay: { intervalMs: 100, listenUrl: false },
    });
    const extraRelay = startWorkers({
      prefix,
      concurrency: 1,
      db: db(),
      mailer: null,
      processors: withStorage,
      relay: { intervalMs: 100, listenUrl: false },
    });
    try {
      await workers.ready;
      await extraRelay.ready;
      await waitFor(
        async () =>
          (await db().notification.count({
            where: { applicationId: app.id, type: "participation.requested" },
          })) >= 3,
        { timeoutMs: 60_000, intervalMs: 300, what: "routing after Redis is back" },
      );
      // Give duplicates (if there were any) the chance to show up.
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await extraRelay.close();
      await workers.close();
    }
    await expectRoutedOnce(app.id, agencyIds);
    const rows = await db().outboxMessage.findMany({
      where: {
        jobName: "participation.route-package",
        payload: { path: ["participationId"], string_contains: "" },
      },
      select: { dispatchedAt: true, payload: true },
    });
    const ours = rows.filter((r) =>
      participationIds.includes((r.payload as { participationId: string }).participationId),
    );
    expect(ours).toHaveLength(3);
    expect(ours.every((r) => r.dispatchedAt !== null)).toBe(true);
  }, 120_000);
});
