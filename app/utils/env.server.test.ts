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
    const publicUrl = { APP_URL: "https://bauantrag.example" };
    expect(
      parseEnv({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(32), ...publicUrl }).SESSION_SECRET,
    ).toHaveLength(32);
  });

  it("refuses a localhost APP_URL in production, naming APP_URL and the escape hatch", () => {
    const prod = { NODE_ENV: "production", SESSION_SECRET: "x".repeat(32) };
    for (const url of [
      undefined, // the default, http://localhost:3000
      "http://localhost:3000",
      "https://127.0.0.1",
      "http://127.1.2.3:8080/",
      "http://[::1]:3000",
      "http://app.localhost",
    ]) {
      try {
        parseEnv({ ...prod, APP_URL: url });
        expect.unreachable(`${url} accepted`);
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError);
        expect((err as EnvError).problems.map((p) => p.variable)).toEqual(["APP_URL"]);
        expect((err as Error).message).toContain("öffentliche Adresse");
        expect((err as Error).message).toContain("ALLOW_LOCAL_APP_URL=true");
      }
    }
    expect(parseEnv({ ...prod, APP_URL: "https://bauantrag.landkreis.de" }).APP_URL).toBe(
      "https://bauantrag.landkreis.de",
    );
    expect(parseEnv({ ...prod, APP_URL: "http://localhost:3100", ALLOW_LOCAL_APP_URL: "true" }).APP_URL).toBe(
      "http://localhost:3100",
    );
    // Development and tests run on localhost as a matter of course.
    expect(parseEnv({ APP_URL: "http://localhost:3000" }).ALLOW_LOCAL_APP_URL).toBe(false);
    expect(parseEnv({ NODE_ENV: "test" }).APP_URL).toBe("http://localhost:3000");
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
