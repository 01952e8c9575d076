import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadOrCreateSessionSecret } from "./session-secret.ts";
import { Supervisor } from "./supervisor.ts";

/**
 * `npm start`: the whole product on embedded defaults, one command on a fresh machine.
 * Validates the configuration, creates and migrates the database, seeds the demo data, runs an
 * embedded S3 server when no S3 endpoint is configured, then starts the web and worker processes
 * (the same two processes docker-compose runs) and prints the demo logins once /healthz is green.
 *
 * Production by default (issue 11): NODE_ENV=production unless set otherwise, so errors never show
 * stack traces; without SESSION_SECRET a secret is generated once into .data/session-secret (0600).
 * Web and worker each run under their own Supervisor: a crash restarts that process with backoff.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

process.env.NODE_ENV ??= "production";
// The quick start runs on this machine by design: without an APP_URL the links in letters and
// e-mails point to localhost, which production otherwise refuses (env.server.ts). An APP_URL the
// operator sets is checked as usual; ALLOW_LOCAL_APP_URL=true allows a local one explicitly.
const localQuickStart = !process.env.APP_URL;
if (localQuickStart) process.env.ALLOW_LOCAL_APP_URL ??= "true";
if (!process.env.SESSION_SECRET) {
  const stored = loadOrCreateSessionSecret(path.join(root, ".data"));
  process.env.SESSION_SECRET = stored.secret;
  console.log(
    `[bauantrag] Sitzungsgeheimnis ${stored.created ? "erzeugt und gespeichert in" : "aus"} ${path.relative(root, stored.file)}.`,
  );
}

const { env, EnvError } = await import("../app/utils/env.server.ts");
let config: ReturnType<typeof env>;
try {
  config = env();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const say = (msg: string) => console.log(`[bauantrag] ${msg}`);
if (localQuickStart) {
  say(
    `APP_URL nicht gesetzt: Links in Schreiben und E-Mails zeigen auf ${config.APP_URL} (nur für diesen Rechner).`,
  );
}

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
try {
  await ensureDatabase(config.DATABASE_URL);
  const result = await migrate(config.DATABASE_URL);
  say(
    `Datenbank bereit (${result.applied.length} neue, ${result.alreadyApplied.length} vorhandene Migrationen).`,
  );
} catch (err) {
  console.error(
    `PostgreSQL unter ${redactUrl(config.DATABASE_URL)} ist nicht erreichbar oder die Migration schlug fehl:\n  ${(err as Error).message}`,
  );
  process.exit(1);
}

const { pingRedis, closeRedis } = await import("../app/utils/redis.server.ts");
if (!(await pingRedis().catch(() => false))) {
  console.error(
    `Redis unter ${redactUrl(config.REDIS_URL)} antwortet nicht. Bitte Redis starten oder REDIS_URL setzen.`,
  );
  process.exit(1);
}
await closeRedis();

const { db } = await import("../app/utils/db.server.ts");
const { seed, DEMO_LOGINS } = await import("../prisma/seed.ts");
await seed(db());
await db().$disconnect();
say("Demodaten eingespielt.");

const childEnv: NodeJS.ProcessEnv = { ...process.env };
let closeEmbeddedS3: (() => Promise<void>) | undefined;
if (!config.S3_ENDPOINT) {
  const { startEmbeddedS3 } = await import("../storage/embedded.ts");
  const s3 = await startEmbeddedS3({
    dir: path.resolve(root, config.EMBEDDED_S3_DIR),
    port: config.EMBEDDED_S3_PORT,
    bucket: config.S3_BUCKET,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
  });
  closeEmbeddedS3 = s3.close;
  childEnv.S3_ENDPOINT = "127.0.0.1";
  childEnv.S3_PORT = String(s3.port);
  childEnv.S3_USE_SSL = "false";
  say(`Eingebetteter S3-Speicher läuft auf 127.0.0.1:${s3.port} (Daten in ${config.EMBEDDED_S3_DIR}).`);
}

let stopping = false;
const supervisors = [
  ["web", "server.ts"],
  ["worker", "workers/index.ts"],
].map(
  ([name, script]) =>
    new Supervisor({
      name: name!,
      command: process.execPath,
      args: ["--import", "tsx", script!],
      cwd: root,
      env: childEnv,
    }),
);

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.all(supervisors.map((s) => s.stop()));
  await closeEmbeddedS3?.();
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

for (const s of supervisors) s.start();

const healthUrl = `http://127.0.0.1:${config.PORT}/healthz`;
const deadline = Date.now() + 60_000;
let healthy = false;
while (!stopping && Date.now() < deadline) {
  try {
    const res = await fetch(healthUrl);
    if (res.ok) {
      healthy = true;
      break;
    }
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 300));
}
if (!healthy) {
  console.error(`[bauantrag] ${healthUrl} wurde nicht rechtzeitig grün.`);
  await stop(1);
}

const width = Math.max(...DEMO_LOGINS.map((l) => l.email.length));
console.log(`
  Bauantrag läuft: ${config.APP_URL}
  Zustand:         ${config.APP_URL}/healthz

  Demo-Zugänge (Passwort für alle: ${DEMO_LOGINS[0]?.password}):
${DEMO_LOGINS.map((l) => `    ${l.email.padEnd(width)}  ${l.label}`).join("\n")}

  Beenden mit Strg+C.
`);

function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(ungültige URL)";
  }
}
