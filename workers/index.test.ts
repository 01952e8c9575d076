import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "~/generated/prisma/client";
import { enqueueInTx } from "~/models/outbox.server";
import { createPrisma } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import { closeClient, createRedis } from "~/utils/redis.server";
import { ensureDatabase, migrate } from "../prisma/migrate";
import {
  deletePrefix,
  randomId,
  randomPrefix,
  startSmtpServer,
  type TestSmtpServer,
  waitFor,
} from "./test-support";

// Spawns the real worker entry point (tsx workers/index.ts) and signals it. The process runs an
// unscoped outbox relay, so it gets a database of its own: it must not take other tests' rows.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dbName = `bauantrag_test_worker_${randomId(4)}`;
const dbUrl = (() => {
  const u = new URL(process.env.DATABASE_URL as string);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const prefixes: string[] = [];
let db: PrismaClient;
let smtp: TestSmtpServer;

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns exactly what `npm run start:worker` runs (without npm in between, as a container would).
 * It must be one process: the `tsx` CLI runs the script in a child and, when only the parent is
 * signalled (docker stop, systemd), SIGKILLs that child unless it answers within 30 ms — under load
 * it often does not, and jobs in flight die. Hence `node --import tsx workers/index.ts`.
 */
function startCommand(): [string, string[]] {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [cmd, ...args] = (pkg.scripts["start:worker"] ?? "").split(/\s+/);
  if (!cmd) throw new Error("package.json has no start:worker script");
  return [cmd === "node" ? process.execPath : path.join(root, "node_modules/.bin", cmd), args];
}

function spawnWorker(prefix: string): Spawned {
  const [cmd, args] = startCommand();
  const child = spawn(cmd, args, {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      OUTBOX_POLL_MS: "200",
      WORKER_CONCURRENCY: "2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function exitWithin(s: Spawned, ms: number) {
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms));
  const result = await Promise.race([s.exited, timeout]);
  if (result === "timeout") {
    s.child.kill("SIGKILL");
    throw new Error(`worker did not exit within ${ms} ms. Output:\n${s.output()}`);
  }
  return result;
}

beforeAll(async () => {
  await ensureDatabase(dbUrl);
  await migrate(dbUrl);
  db = createPrisma(dbUrl);
  smtp = await startSmtpServer({ delayMs: 1_500 });
});

afterAll(async () => {
  await db?.$disconnect();
  await smtp?.close();
  const admin = new URL(dbUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.end();
  for (const p of prefixes) await deletePrefix(p);
});

describe("workers/index.ts", () => {
  it("on SIGINT while idle exits 0", async () => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const w = spawnWorker(prefix);
    await waitFor(() => w.output().includes("workers started"), { timeoutMs: 30_000, what: "worker start" });
    expect(w.output()).toContain('"service":"worker"');
    w.child.kill("SIGINT");
    const { code } = await exitWithin(w, 10_000);
    expect(code, w.output()).toBe(0);
    expect(w.output()).toContain("worker stopped");
  });

  it("on SIGTERM finishes the job in flight, then exits 0", async () => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const jobId = buildJobId("system.send-email", "sigterm", randomId());
    let inFlight = false;
    smtp.onDataStart = () => {
      inFlight = true;
    };
    const w = spawnWorker(prefix);
    await waitFor(() => w.output().includes("workers started"), { timeoutMs: 30_000, what: "worker start" });

    // The worker's relay picks the row up, the worker starts sending; the SMTP server holds the
    // mail for 1.5 s, and SIGTERM arrives in the middle of it.
    await db.$transaction((tx) =>
      enqueueInTx(tx, {
        jobName: "system.send-email",
        jobId,
        payload: { to: "antragsteller@example.org", subject: "Eingang bestätigt", text: "Guten Tag" },
      }),
    );
    await waitFor(() => inFlight, { timeoutMs: 15_000, what: "mail in flight" });
    expect(smtp.mails).toHaveLength(0);
    w.child.kill("SIGTERM");

    const { code, signal } = await exitWithin(w, 15_000);
    expect(signal).toBeNull();
    expect(code, w.output()).toBe(0);
    expect(w.output()).toContain("shutting down");
    expect(w.output()).toContain("worker stopped");

    // The job was allowed to finish: mail delivered once, job completed, row dispatched.
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(["antragsteller@example.org"]);
    const connection = createRedis();
    const queue = new Queue("system", { connection, prefix });
    try {
      const job = await queue.getJob(jobId);
      expect(await job?.getState()).toBe("completed");
    } finally {
      await queue.close();
      await closeClient(connection);
    }
    const row = await db.outboxMessage.findUnique({ where: { jobId } });
    expect(row?.dispatchedAt).toBeInstanceOf(Date);
  });
});
