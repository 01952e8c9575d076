import { execFileSync } from "node:child_process";
import path from "node:path";

/** The e2e server's environment for support scripts run with tsx (same as submitted-case.ts). */
function scriptEnv(): NodeJS.ProcessEnv {
  const port = Number(process.env.E2E_PORT ?? 3100);
  return {
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
  };
}

function runScript(script: string, args: string[]): string {
  const out = execFileSync("npx", ["tsx", script, ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: scriptEnv(),
    encoding: "utf8",
  });
  return out.trim().split("\n").pop() ?? "";
}

/** A complete case whose data suggests Gemeinde, Brandschutz and Naturschutz (participation-case.ts). */
export function createParticipationCase(title: string): { id: string; fileNumber: string } {
  return JSON.parse(runScript("e2e/support/participation-case.ts", [title])) as {
    id: string;
    fileNumber: string;
  };
}

/** Runs the participation deadline check for one case as if it were `days` days from now. */
export function runParticipationDeadlines(
  applicationId: string,
  days: number,
): { reminded: string[]; deemedConsent: string[]; overdue: string[] } {
  return JSON.parse(runScript("e2e/support/participation-deadlines.ts", [applicationId, String(days)]));
}
