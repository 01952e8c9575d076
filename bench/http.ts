/**
 * HTTP load against the production build: the login page (the framework's bare page, ratio
 * baseline), the clerk's inbox, a case page as the clerk and the applicant's final submission, each
 * with autocannon at 50 connections for ~10 s, measured in the same run. Prints req/s, p95 latency,
 * errors and non-expected statuses, and every figure as a ratio of `/anmelden`.
 *
 *   npm run bench -- http [--cases=300] [--duration=10] [--connections=50] [--only=inbox,case]
 *
 * What runs: its own database (BENCH_HTTP_DATABASE_URL, default bauantrag_bench_http: dropped,
 * migrated and seeded with the demo data on every run), an embedded S3 server (BENCH_HTTP_S3_PORT,
 * default 9160) and the web process `node --import tsx server.ts` with NODE_ENV=production on
 * 127.0.0.1 (BENCH_HTTP_PORT, default 3150) and its own Redis prefix. No worker process: the
 * figures are the web process's alone (submissions leave their jobs in the outbox).
 *
 * Data: `--cases` submitted Einfamilienhaus cases of the demo architect in the demo clerk's
 * authority (Landkreis Nordwestmecklenburg), built by the same model functions the pages use
 * (every form section, every required document version, submission with Aktenzeichen), spread
 * over its Gemeinden, every third one assigned to the clerk.
 *
 * The "submission" is the real final submit (POST /antraege/:id/pruefen), the write that matters
 * most to an applicant and the most expensive one (completeness check, Aktenzeichen allocation
 * under a row lock, snapshot, search text, events, outbox). It is one-shot per case, so complete
 * drafts are built beforehand and each is POSTed exactly once (a per-connection queue); the run
 * stops after the pool or the duration, whichever comes first. Saving a form step would be
 * repeatable but is cheaper and, at 50 connections on few drafts, mostly answers with an
 * optimistic-locking conflict instead of saving. Success = 302 to `?eingereicht=1`, verified
 * afterwards in the database (every 302 is a SUBMITTED case with an Aktenzeichen).
 *
 * Figures per target: req/s, p50/p95/p99 latency, connection errors, responses other than the
 * expected status, and the CPU per request of the web process and of its PostgreSQL backends (read
 * from /proc). On a shared machine req/s is the share of the cores the web process happened to get;
 * CPU per request is the cost, and its ratio to /anmelden ("CPU ratio") is the req/s ratio to expect
 * where the processes have the cores to themselves. Both are printed.
 *
 * Before/after: BENCH_HTTP_ROOT=/path/a,/path/b runs the web process from each checkout in turn
 * (e.g. git worktrees of two commits, each built) against the same seeded data.
 *
 * Bounded: a watchdog ends the run (and the server) after a fixed time budget.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function arg(name: string, fallback: string): string {
  const hit = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}
const CASES = Math.max(10, Number(arg("cases", "300")));
const DURATION = Math.max(2, Number(arg("duration", "10")));
const CONNECTIONS = Math.max(1, Number(arg("connections", "50")));
const ONLY = arg("only", "")
  .split(",")
  .filter((s) => s !== "");
/** Drafts for the submission run: enough for ~90 submissions/s over the whole duration. */
const POOL = Math.max(CONNECTIONS * 2, Number(arg("drafts", String(DURATION * 90))));
const PORT = Number(process.env.BENCH_HTTP_PORT ?? 3150);
const S3_PORT = Number(process.env.BENCH_HTTP_S3_PORT ?? 9160);
const BASE = `http://127.0.0.1:${PORT}`;
const databaseUrl =
  process.env.BENCH_HTTP_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_bench_http";
if (!/bench_http/.test(databaseUrl)) {
  console.error("bench/http: BENCH_HTTP_DATABASE_URL must name a bench_http database (it is dropped).");
  process.exit(1);
}

// Whole run: seeding, server start, 4 targets × (warm-up + duration), slack. Then it ends itself.
const ROOT_COUNT = (process.env.BENCH_HTTP_ROOT ?? "x").split(",").filter((r) => r !== "").length;
const BUDGET_MS =
  240_000 + (CASES + POOL * ROOT_COUNT) * 300 + ROOT_COUNT * (60 + 4 * (DURATION + 20)) * 1000;
let server: ChildProcess | undefined;
let stopping = false;
const watchdog = setTimeout(() => {
  console.error(`bench/http: time budget (${Math.round(BUDGET_MS / 1000)} s) exceeded, stopping.`);
  server?.kill("SIGKILL");
  process.exit(2);
}, BUDGET_MS);
watchdog.unref();

const env: Record<string, string> = {
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX: `bench-http-${process.pid}-${Date.now()}`,
  SESSION_SECRET: `bench-http-${randomUUID()}-${randomUUID()}`,
  LOG_LEVEL: "warn",
  PORT: String(PORT),
  APP_URL: BASE,
  ALLOW_LOCAL_APP_URL: "true", // production mode on this machine, by design
  S3_ENDPOINT: "127.0.0.1",
  S3_PORT: String(S3_PORT),
  S3_USE_SSL: "false",
  S3_BUCKET: "bauantrag-bench-http",
  S3_ACCESS_KEY: "S3RVER",
  S3_SECRET_KEY: "S3RVER",
};
Object.assign(process.env, env);

// ---- database: fresh, migrated, demo data ---------------------------------------------------------
const t0 = performance.now();
{
  const admin = new URL(databaseUrl);
  const dbName = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName.replaceAll('"', '""')}" WITH (FORCE)`);
  await client.end();
}
const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(databaseUrl);
await migrate(databaseUrl);
const { db } = await import("~/utils/db.server");
const { seed, DEMO_PASSWORD } = await import("../prisma/seed.ts");
await seed(db());
const { createCompleteDraft } = await import("../test/kit/draft-fixtures");
const { buildCase } = await import("../test/kit/case");
const { CONFIRM_FIELD } = await import("~/components/confirm-action");
const { assignCase } = await import("~/models/review.server");
const { getSessionUserById } = await import("~/models/user.server");
const { startEmbeddedS3 } = await import("../storage/embedded.ts");

async function demoUser(email: string) {
  const row = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const user = await getSessionUserById(row.id);
  if (!user) throw new Error(`demo user ${email} missing`);
  return user;
}
const CLERK_EMAIL = "sachbearbeiter@demo.bauantrag.de";
const ARCHITECT_EMAIL = "architektin@demo.bauantrag.de";
const clerk = await demoUser(CLERK_EMAIL);
const architect = await demoUser(ARCHITECT_EMAIL);
const gemeinden = await db().authority.findMany({
  where: { parentId: clerk.authorityId, kind: "GEMEINDE" },
  select: { id: true },
  orderBy: { name: "asc" },
});
if (gemeinden.length === 0) throw new Error("the clerk's authority has no Gemeinde");

/** Runs `fn` over 0..n-1 with `width` in flight (the database is the bottleneck, not the loop). */
async function parallel(n: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const caseIds: string[] = [];
await parallel(CASES, 6, async (i) => {
  const gemeinde = gemeinden[i % gemeinden.length]!;
  const { application } = await buildCase({
    until: "submitted",
    district: { gemeinde, architect, clerk, agencies: {} },
    patch: {},
  });
  if (i % 3 === 0) {
    const a = await assignCase(clerk, application.id, clerk.id);
    if (!a.ok) throw new Error(`seeding: assignment failed: ${a.message}`);
  }
  caseIds.push(application.id);
});
// BENCH_HTTP_ROOT: the web process runs from these checkouts (comma-separated, each with its own
// `npm run build`; default this one), one after the other against the same data, e.g. a git
// worktree of the code before a change and one after: before/after in one run, same style.
const serverRoots = (process.env.BENCH_HTTP_ROOT ?? root).split(",").filter((r) => r !== "");
const pool: { id: string; version: number }[] = [];
const wantSubmission = ONLY.length === 0 || ONLY.includes("submission");
if (wantSubmission) {
  await parallel(POOL * serverRoots.length, 6, async (i) => {
    pool.push(await createCompleteDraft(architect, gemeinden[i % gemeinden.length]!.id));
  });
}
// Statistics and visibility map as a running database has them (autovacuum would get there soon;
// without it the freshly filled tables get seq-scan plans and heap fetches no production system has).
await db().$executeRawUnsafe("VACUUM ANALYZE");
const seedSeconds = (performance.now() - t0) / 1000;

// ---- processes ------------------------------------------------------------------------------------
const s3Dir = path.join(root, ".data", "bench-http-s3");
await rm(s3Dir, { recursive: true, force: true });
const s3 = await startEmbeddedS3({
  dir: s3Dir,
  port: S3_PORT,
  bucket: env.S3_BUCKET as string,
  accessKey: "S3RVER",
  secretKey: "S3RVER",
});

async function startServer(cwd: string): Promise<ChildProcess> {
  stopping = false;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`bench/http: web process exited (${code ?? signal})`);
      process.exit(1);
    }
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/anmelden`)).ok) return child;
    } catch {
      // not up yet
    }
    if (i > 600) throw new Error("bench/http: web server did not come up within 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer(child: ChildProcess) {
  stopping = true;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** One real login through the form (the rate limiter counts failures only; we log in once). */
async function login(email: string): Promise<string> {
  const res = await fetch(`${BASE}/anmelden`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (res.status !== 302 || !cookie) throw new Error(`login as ${email} failed: HTTP ${res.status}`);
  return cookie;
}

const BROWSER_HEADERS = {
  Accept: "text/html,application/xhtml+xml",
  "Accept-Encoding": "gzip, deflate, br",
  "Accept-Language": "de-DE,de;q=0.9",
};

/** Before measuring: the page is what a person would see (not a redirect to the login page). */
async function expectPage(url: string, cookie: string | null, marker: string | RegExp) {
  const res = await fetch(`${BASE}${url}`, {
    redirect: "manual",
    headers: { ...BROWSER_HEADERS, ...(cookie ? { Cookie: cookie } : {}) },
  });
  const html = await res.text();
  const ok = typeof marker === "string" ? html.includes(marker) : marker.test(html);
  if (res.status !== 200 || !ok) {
    throw new Error(`${url}: HTTP ${res.status}, expected marker ${String(marker)} missing`);
  }
  return html;
}

const inboxUrl = "/behoerde/posteingang";
const caseRow = await db().application.findFirstOrThrow({
  where: { id: caseIds[0] },
  select: { id: true, fileNumber: true },
});
const caseUrl = `/behoerde/faelle/${caseRow.id}`;

// ---- load ----------------------------------------------------------------------------------------
interface Target {
  name: string;
  label: string;
  expected: number;
  options: autocannon.Options;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? "0") / 1024;
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Fields after the command name (which may contain spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100; // USER_HZ = 100 on Linux
}

/** The PostgreSQL backends serving the web process (its pool's connections to the bench database). */
async function dbBackends(): Promise<number[]> {
  const rows = await db().$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

/**
 * CPU the web process and its database backends spend between the call and the returned stop().
 * This is the cost of a request independent of how busy the (shared) machine is, unlike req/s,
 * which is the share of two cores the web process happened to get. Backends: union of both ends.
 */
async function cpuMeter(serverPid: number) {
  const before = new Map<number, number>();
  const webBefore = await cpuSeconds(serverPid);
  for (const pid of await dbBackends()) before.set(pid, await cpuSeconds(pid));
  return async () => {
    const web = (await cpuSeconds(serverPid)) - webBefore;
    let database = 0;
    for (const pid of new Set([...before.keys(), ...(await dbBackends())])) {
      // A backend that ended in between (the pool closes idle connections) reads 0: count nothing.
      database += Math.max(0, (await cpuSeconds(pid)) - (before.get(pid) ?? 0));
    }
    return { web, database };
  };
}

interface Measured {
  name: string;
  label: string;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  unexpected: number;
  statuses: Record<string, number>;
  load: number;
  rss: number;
  /** CPU milliseconds per request: web process, its database backends. */
  webCpuMs: number;
  dbCpuMs: number;
}

async function measure(
  serverPid: number,
  t: Target,
  duration: number,
  record: boolean,
  amount?: number,
): Promise<Measured> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const meter = await cpuMeter(serverPid);
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      { connections: CONNECTIONS, duration, timeout: 30, ...(amount ? { amount } : {}), ...t.options },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  instance?.on("response", (_client, statusCode, _bytes, ms) => {
    if (!record) return;
    latencies.push(ms);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  // autocannon honours `duration`; this is the belt to its braces.
  const stopper = setTimeout(() => instance?.stop(), (duration + 15) * 1000);
  const result = await finished;
  clearTimeout(stopper);
  // Requests still in flight when autocannon stopped finish on the server: let them, then read.
  await new Promise((r) => setTimeout(r, 500));
  const cpu = await meter();
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  const unexpected = Object.entries(statuses)
    .filter(([code]) => Number(code) !== t.expected)
    .reduce((n, [, c]) => n + c, 0);
  return {
    name: t.name,
    label: t.label,
    reqPerSec: requests / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    requests,
    errors: result.errors + result.timeouts,
    unexpected,
    statuses,
    load: os.loadavg()[0] as number,
    rss: await rssMb(serverPid),
    webCpuMs: (cpu.web * 1000) / Math.max(1, requests),
    dbCpuMs: (cpu.database * 1000) / Math.max(1, requests),
  };
}

const get = (p: string, cookie: string | null): autocannon.Options => ({
  url: `${BASE}${p}`,
  headers: { ...BROWSER_HEADERS, ...(cookie ? { Cookie: cookie } : {}) },
});

function targetsFor(clerkCookie: string, architectCookie: string, drafts: typeof pool): Target[] {
  let nextDraft = 0;
  const targets: Target[] = [
    { name: "login", label: "GET /anmelden (Basis)", expected: 200, options: get("/anmelden", null) },
    {
      name: "inbox",
      label: `GET ${inboxUrl} (Sachbearbeitung)`,
      expected: 200,
      options: get(inboxUrl, clerkCookie),
    },
    {
      name: "case",
      label: "GET /behoerde/faelle/:id (Sachbearbeitung)",
      expected: 200,
      options: get(caseUrl, clerkCookie),
    },
  ];
  if (wantSubmission) {
    targets.push({
      name: "submission",
      label: "POST /antraege/:id/pruefen (Einreichen)",
      expected: 302,
      options: {
        url: BASE,
        // Each request takes the next untouched draft; the pool bounds the count.
        maxOverallRequests: drafts.length,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              const draft = drafts[nextDraft++ % drafts.length] as { id: string; version: number };
              return {
                ...req,
                path: `/antraege/${draft.id}/pruefen`,
                headers: {
                  ...BROWSER_HEADERS,
                  Cookie: architectCookie,
                  Origin: BASE,
                  "Content-Type": "application/x-www-form-urlencoded",
                },
                // The confirmed submit (the page's second step), the one that writes.
                body: new URLSearchParams({
                  expectedVersion: String(draft.version),
                  [CONFIRM_FIELD]: "ja",
                }).toString(),
              };
            },
          },
        ],
      },
    });
  }
  return targets.filter((t) => ONLY.length === 0 || t.name === "login" || ONLY.includes(t.name));
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "–");

function report(serverRoot: string, results: Measured[], inboxRows: number, loadBefore: number[]) {
  const base = results.find((r) => r.name === "login") as Measured;
  console.log(
    `\nbench/http — web process from ${serverRoot}\n${CONNECTIONS} connections, ${DURATION} s per target, ` +
      `NODE_ENV=production, ${CASES} cases in the clerk's authority (inbox page: ${inboxRows} rows), ` +
      `Node ${process.version}, ${os.cpus().length} cores; seeding ${fmt(seedSeconds, 1)} s`,
  );
  console.log(`load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}\n`);
  const header = [
    "target",
    "req/s",
    "ratio",
    "p50 ms",
    "p95 ms",
    "p95 ratio",
    "p99 ms",
    "requests",
    "errors",
    "unexpected",
    "web CPU ms/req",
    "db CPU ms/req",
    "CPU ratio",
    "load1",
    "web RSS MB",
  ];
  const rows = results.map((r) => [
    r.label,
    fmt(r.reqPerSec, 1),
    fmt(r.reqPerSec / base.reqPerSec, 2),
    fmt(r.p50),
    fmt(r.p95),
    fmt(r.p95 / base.p95, 1),
    fmt(r.p99),
    String(r.requests),
    String(r.errors),
    r.unexpected === 0 ? "0" : `${r.unexpected} ${JSON.stringify(r.statuses)}`,
    fmt(r.webCpuMs, 1),
    fmt(r.dbCpuMs, 1),
    fmt((base.webCpuMs + base.dbCpuMs) / (r.webCpuMs + r.dbCpuMs), 2),
    fmt(r.load, 2),
    fmt(r.rss),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const inbox = results.find((r) => r.name === "inbox");
  if (inbox) {
    const ratio = inbox.reqPerSec / base.reqPerSec;
    const cpuRatio = (base.webCpuMs + base.dbCpuMs) / (inbox.webCpuMs + inbox.dbCpuMs);
    const clean = inbox.errors + inbox.unexpected === 0;
    console.log(
      `inbox/anmelden: req/s ratio ${ratio.toFixed(2)}, CPU ratio ${cpuRatio.toFixed(2)} ` +
        `(goal ≥ 0.60, 0 errors: ${ratio >= 0.6 && clean ? "met" : "NOT met"} by req/s, ` +
        `${cpuRatio >= 0.6 && clean ? "met" : "NOT met"} by CPU)`,
    );
  }
}

let failed = false;
for (const [index, serverRoot] of serverRoots.entries()) {
  server = await startServer(serverRoot);
  const serverPid = server.pid as number;
  const clerkCookie = await login(CLERK_EMAIL);
  const architectCookie = await login(ARCHITECT_EMAIL);
  await expectPage("/anmelden", null, "Anmelden");
  const inboxHtml = await expectPage(inboxUrl, clerkCookie, "Posteingang");
  const inboxRows = (inboxHtml.match(/href="\/behoerde\/faelle\/[0-9a-f-]{36}"/g) ?? []).length;
  if (inboxRows === 0) throw new Error("inbox lists no case");
  await expectPage(caseUrl, clerkCookie, caseRow.fileNumber ?? "");
  const drafts = pool.slice(index * POOL, (index + 1) * POOL);

  const results: Measured[] = [];
  const loadBefore = os.loadavg();
  for (const t of targetsFor(clerkCookie, architectCookie, drafts)) {
    // Warm-up (JIT, connection pools, caches), not recorded: a number of requests, not a time, so a
    // busy machine still warms up; the submission pool is not spent on it.
    if (t.name !== "submission") await measure(serverPid, t, 30, false, CONNECTIONS * 2);
    results.push(await measure(serverPid, t, DURATION, true));
  }
  report(serverRoot, results, inboxRows, loadBefore);

  // Every 302 of the submission run must be a submitted case with an Aktenzeichen.
  const sub = results.find((m) => m.name === "submission");
  if (sub) {
    const submitted = await db().application.count({
      where: { id: { in: drafts.map((d) => d.id) }, status: "SUBMITTED", fileNumber: { not: null } },
    });
    // A request still in flight when the run stopped may be stored without its 302 being counted.
    const redirected = sub.statuses[302] ?? 0;
    const ok = submitted >= redirected && submitted <= redirected + CONNECTIONS;
    console.log(
      `submissions stored: ${submitted} (HTTP 302 counted: ${redirected})${ok ? "" : "  MISMATCH"}`,
    );
    if (!ok) failed = true;
  }
  console.log(
    "CPU ratio = CPU per request of /anmelden ÷ that of the target (web process + its database\n" +
      "backends): the req/s ratio to expect where these processes have the cores to themselves.",
  );
  if (results.some((r) => r.errors + r.unexpected > 0)) failed = true;
  await stopServer(server);
}

await s3.close();
await rm(s3Dir, { recursive: true, force: true });
await db().$disconnect();
const { closeRedis } = await import("~/utils/redis.server");
await closeRedis();
process.exit(failed ? 1 : 0);
