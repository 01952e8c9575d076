import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Runs an e2e support script (e2e/support/*.ts) with tsx and the e2e server's environment (its
 * database, S3 server and session secret, as playwright.config.ts gives the server) and returns
 * the JSON the script prints as its last line. One copy for every spec and support helper.
 */
export function runSupportScript<T>(script: string, args: string[] = []): T {
  const port = Number(process.env.E2E_PORT ?? 3100);
  const out = execFileSync("npx", ["tsx", `e2e/support/${script}`, ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      APP_URL: `http://localhost:${port}`,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_e2e",
      SESSION_SECRET: "e2e-only-session-secret-0123456789abcdef0123456789",
      LOG_LEVEL: "warn",
      S3_ENDPOINT: "127.0.0.1",
      S3_PORT: String(Number(process.env.E2E_S3_PORT ?? 9110)),
      S3_USE_SSL: "false",
      S3_BUCKET: "bauantrag-e2e",
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
    },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "") as T;
}
