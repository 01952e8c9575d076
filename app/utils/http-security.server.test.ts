import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, INVALID_CREDENTIALS_MESSAGE, login } from "./auth.server";
import { db } from "./db.server";
import { contentSecurityPolicy, securityHeaders, trustProxySetting } from "./http-security.server";
import { createLoginLimiter } from "./rate-limit.server";
import { createRedis } from "./redis.server";
import { createTestUser } from "./test-tenant.server";

/**
 * The HTTP edge as server.ts wires it (trust proxy from TRUST_PROXY, security headers) in a real
 * Express server on a free port, with the real login() against PostgreSQL and Redis.
 */

let redis: Redis;
const PASSWORD = "Richtig-Geheim-2026";
let passwordHash: string;

beforeAll(async () => {
  redis = createRedis({ connectionName: "bauantrag-test-http-security" });
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(async () => {
  await redis.quit();
  await db().$disconnect();
});

async function serve(trustProxyEnv: string | undefined, appUrl = "http://localhost:3000") {
  const limiter = createLoginLimiter(redis, {
    prefix: `test:${randomUUID()}`,
    maxAttempts: 3,
    backoffSeconds: 60,
    windowSeconds: 600,
    ipMaxAttempts: 50,
  });
  const app = express();
  const trust = trustProxySetting(trustProxyEnv);
  if (trust !== undefined) app.set("trust proxy", trust);
  app.use(securityHeaders({ appUrl }));
  app.use(express.urlencoded({ extended: false }));
  app.post("/anmelden", async (req, res) => {
    const result = await login(
      { email: req.body.email, password: req.body.password, ip: req.ip ?? null, userAgent: null },
      limiter,
    );
    res.json({ ip: req.ip, ok: result.ok, message: result.ok ? null : result.message });
  });
  app.get("/", (_req, res) => {
    res.send(`<p>${res.locals.cspNonce}</p>`);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

const post = (base: string, email: string, password: string, forwardedFor?: string) =>
  fetch(`${base}/anmelden`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
    },
    body: new URLSearchParams({ email, password }),
  }).then((r) => r.json() as Promise<{ ip: string; ok: boolean; message: string | null }>);

describe("client address for login throttling", () => {
  it("without TRUST_PROXY a rotating X-Forwarded-For does not escape the limit", async () => {
    const user = await createTestUser({ roles: ["CLERK"], passwordHash });
    const { base, close } = await serve(undefined);
    try {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await post(base, user.email, "falsch", `198.51.100.${i + 1}`));
      expect(answers.map((a) => a.ip)).toEqual(Array(6).fill("127.0.0.1"));
      expect(answers.filter((a) => a.message === INVALID_CREDENTIALS_MESSAGE)).toHaveLength(3);
      expect(answers.slice(3).every((a) => a.message?.startsWith("Zu viele Anmeldeversuche"))).toBe(true);
    } finally {
      await close();
    }
  });

  it("with TRUST_PROXY=1 the proxy's X-Forwarded-For is the address; the owner behind another one still logs in", async () => {
    const user = await createTestUser({ roles: ["CLERK"], passwordHash });
    const { base, close } = await serve("1");
    try {
      for (let i = 0; i < 5; i++) await post(base, user.email, "falsch", "203.0.113.9");
      const attacker = await post(base, user.email, PASSWORD, "203.0.113.9");
      expect(attacker.ip).toBe("203.0.113.9");
      expect(attacker.ok).toBe(false);
      const owner = await post(base, user.email, PASSWORD, "198.51.100.77");
      expect(owner).toMatchObject({ ip: "198.51.100.77", ok: true });
    } finally {
      await close();
    }
  });

  it("parses TRUST_PROXY values", () => {
    expect(trustProxySetting(undefined)).toBeUndefined();
    expect(trustProxySetting("")).toBeUndefined();
    expect(trustProxySetting("2")).toBe(2);
    expect(trustProxySetting("false")).toBe(false);
    expect(trustProxySetting("loopback, 10.0.0.0/8")).toBe("loopback, 10.0.0.0/8");
  });
});

describe("security headers", () => {
  it("CSP with a fresh nonce per response, COOP/CORP, and no HSTS over plain http", async () => {
    const { base, close } = await serve(undefined);
    try {
      const [a, b] = await Promise.all([fetch(base), fetch(base)]);
      const nonceA = await a.text();
      const nonceB = await b.text();
      const csp = a.headers.get("content-security-policy") ?? "";
      expect(csp).toContain(`script-src 'self' 'nonce-${nonceA.replace(/<\/?p>/g, "")}'`);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain("'unsafe-inline' 'nonce"); // scripts never unsafe-inline
      expect(csp.split(";").find((d) => d.trim().startsWith("script-src"))).not.toContain("unsafe-inline");
      expect(nonceA).not.toBe(nonceB);
      expect(nonceA.replace(/<\/?p>/g, "")).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(a.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(a.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(a.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await close();
    }
  });

  it("HSTS when the app is served over https", async () => {
    const { base, close } = await serve(undefined, "https://bauantrag.example.de");
    try {
      const res = await fetch(base);
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    } finally {
      await close();
    }
  });

  it("the policy names what the pdf.js viewer needs", () => {
    const csp = contentSecurityPolicy("abc");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("img-src 'self' data: blob:");
  });
});
