import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const root = path.resolve(import.meta.dirname, "../..");

describe("configuration", () => {
  it("fills embedded defaults so a fresh checkout runs", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/bauantrag");
    expect(e.S3_ENDPOINT).toBeUndefined();
    expect(e.PORT).toBe(3000);
  });

  it("names every bad variable in German", () => {
    try {
      parseEnv({ PORT: "abc", DATABASE_URL: "mysql://x", S3_BUCKET: "Bad_Bucket" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const problems = (err as EnvError).problems.map((p) => p.variable).sort();
      expect(problems).toEqual(["DATABASE_URL", "PORT", "S3_BUCKET"]);
      expect((err as Error).message).toMatch(/^Konfigurationsfehler/);
      expect((err as Error).message).toContain("DATABASE_URL: muss mit postgresql:// beginnen");
    }
  });

  it("requires a session secret in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET: ist in Produktion Pflicht/);
    expect(parseEnv({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(32) }).SESSION_SECRET).toHaveLength(
      32,
    );
  });

  it.each([
    ["web", "server.ts"],
    ["worker", "workers/index.ts"],
  ])("the %s process refuses to start with a clear message", (_name, entry) => {
    const result = spawnSync(process.execPath, ["--import", "tsx", entry], {
      cwd: root,
      env: { ...process.env, REDIS_URL: "http://not-redis", PORT: "70000" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Konfigurationsfehler – die Anwendung startet nicht");
    expect(result.stderr).toContain("REDIS_URL: muss mit redis:// beginnen");
    expect(result.stderr).toContain("PORT:");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
