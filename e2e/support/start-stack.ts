import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { startEmbeddedS3 } from "../../storage/embedded.ts";

/**
 * Second Playwright web server entry: the rest of the product next to the web process.
 *
 * 1. An embedded S3 server (s3rver, the same code path as `npm start`) on E2E_S3_PORT with a fresh
 *    folder per run; Playwright waits for its port.
 * 2. The worker process (`node --import tsx workers/index.ts`, exactly like `npm run start:worker`)
 *    once the web server answers, because the web server's command first drops and re-creates the
 *    e2e database.
 *
 * Environment: the same as the web server (Playwright passes it). Stops both on SIGTERM/SIGINT.
 */

const root = path.resolve(import.meta.dirname, "../..");
const port = Number(process.env.S3_PORT ?? 9110);
// One folder per S3 port: runs on other ports (other developers, parallel CI jobs) keep their files.
const dir = path.join(root, ".data", `e2e-s3-${port}`);
await rm(dir, { recursive: true, force: true });
const s3 = await startEmbeddedS3({
  dir,
  port,
  bucket: process.env.S3_BUCKET ?? "bauantrag-e2e",
  accessKey: process.env.S3_ACCESS_KEY ?? "S3RVER",
  secretKey: process.env.S3_SECRET_KEY ?? "S3RVER",
});
console.log(`start-stack: S3 on ${s3.endpoint}`);

// Mail and identity provider for e2e/accounts.spec.ts (issue 17), before Playwright sees the S3
// port: an SMTP server writing mails into a folder (the product sends through SMTP_URL) and an
// OpenID Connect provider (oidc-provider with its login page). Ports and the folder come from
// playwright.config.ts (E2E_SMTP_PORT, E2E_OIDC_PORT, E2E_MAIL_DIR); without them nothing starts.
const closers: (() => Promise<void>)[] = [];
if (process.env.E2E_SMTP_PORT && process.env.E2E_MAIL_DIR) {
  const { startMailServer } = await import("./mail-server.ts");
  const mail = await startMailServer(process.env.E2E_MAIL_DIR, Number(process.env.E2E_SMTP_PORT));
  closers.push(mail.close);
  console.log(`start-stack: SMTP on ${mail.url}`);
}
if (process.env.E2E_OIDC_PORT) {
  const { startTestOidcProvider } = await import("../../test/support/oidc-provider.ts");
  const appUrlForIdp = process.env.APP_URL ?? "http://localhost:3100";
  const idp = await startTestOidcProvider({
    port: Number(process.env.E2E_OIDC_PORT),
    redirectUris: [`${appUrlForIdp}/anmelden/oidc/test-idp/callback`],
    postLogoutRedirectUris: [`${appUrlForIdp}/anmelden?abgemeldet=1`],
    clientSecret: "e2e-only-oidc-client-secret-0123456789",
    // The login name is the e-mail address (verified); the name is its local part.
    claimsFor: (sub) => ({ email: sub, email_verified: true, name: `Test ${sub.split("@")[0]}` }),
  });
  closers.push(idp.close);
  console.log(`start-stack: OpenID Connect provider on ${idp.issuer}`);
}

const appUrl = process.env.APP_URL ?? "http://localhost:3100";
async function waitForWeb() {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`${appUrl}/anmelden`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("start-stack: web server did not come up");
}

let worker: ChildProcess | null = null;
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  if (worker && worker.exitCode === null) {
    worker.kill("SIGTERM");
    await new Promise((r) => worker?.once("exit", r));
  }
  await s3.close();
  for (const close of closers) await close().catch(() => undefined);
  process.exit(code);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

await waitForWeb();
worker = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
  cwd: root,
  env: process.env,
  stdio: ["ignore", "inherit", "inherit"],
});
worker.on("exit", (code) => {
  if (!stopping) {
    console.error(`start-stack: worker exited with ${code}`);
    void stop(1);
  }
});
console.log("start-stack: worker started");
