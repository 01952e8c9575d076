import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the built app (`npm run build` first; `npm test` does that) in
 * Debian's Chromium. Playwright never downloads a browser here.
 *
 * The web server runs on its own port with its own database (bauantrag_e2e, dropped, migrated and
 * seeded afresh by e2e/support/prepare-db.ts before the server starts) and its own Redis key
 * prefix, so a run never touches development data and never inherits login throttling from an
 * earlier run.
 */

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://localhost:${PORT}`;
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_e2e";
// Evaluated once in the runner process, which is the one that starts the web server.
const QUEUE_PREFIX = process.env.E2E_QUEUE_PREFIX ?? `e2e-${process.pid}-${Date.now()}`;

const S3_PORT = Number(process.env.E2E_S3_PORT ?? 9110);
// Mail and identity provider of the e2e stack (e2e/support/start-stack.ts, issue 17): an SMTP
// server writing mails into MAIL_DIR and an OpenID Connect provider, next to the S3 port.
const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? S3_PORT + 2000);
const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? S3_PORT + 1000);
const MAIL_DIR = `.data/e2e-mail-${SMTP_PORT}`;

// The e2e server runs in production mode on localhost by design (env.server.ts refuses that
// without the escape hatch). Set in this process too: workers and the support scripts the specs
// spawn with `...process.env` inherit it.
process.env.ALLOW_LOCAL_APP_URL ??= "true";

const serverEnv: Record<string, string> = {
  NODE_ENV: "production",
  PORT: String(PORT),
  APP_URL: BASE_URL,
  ALLOW_LOCAL_APP_URL: "true",
  DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX,
  SESSION_SECRET: "e2e-only-session-secret-0123456789abcdef0123456789",
  LOG_LEVEL: "warn",
  // Embedded S3 server started by e2e/support/start-stack.ts (fresh folder per run).
  S3_ENDPOINT: "127.0.0.1",
  S3_PORT: String(S3_PORT),
  S3_USE_SSL: "false",
  S3_BUCKET: "bauantrag-e2e",
  S3_ACCESS_KEY: "S3RVER",
  S3_SECRET_KEY: "S3RVER",
  SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
  E2E_SMTP_PORT: String(SMTP_PORT),
  E2E_MAIL_DIR: MAIL_DIR,
  E2E_OIDC_PORT: String(OIDC_PORT),
  OIDC_PROVIDERS: JSON.stringify([
    {
      id: "test-idp",
      label: "Test-Anmeldedienst",
      issuer: `http://127.0.0.1:${OIDC_PORT}`,
      clientId: "bauantrag",
      clientSecret: "e2e-only-oidc-client-secret-0123456789",
      audience: "applicants",
      allowInsecureHttp: true,
    },
  ]),
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: BASE_URL,
    locale: "de-DE",
    timezoneId: "Europe/Berlin",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  globalSetup: "./e2e/support/global-setup.ts",
  webServer: [
    {
      command: "npx tsx e2e/support/prepare-db.ts && npx tsx server.ts",
      url: `${BASE_URL}/anmelden`,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // Embedded S3 + the worker process (started once the web server, which re-creates the
      // database, answers). Same environment as the web server.
      command: "node --import tsx e2e/support/start-stack.ts",
      port: S3_PORT,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
