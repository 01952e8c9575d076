import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLoginLimiter,
  FixedWindowLimiter,
  IP_LIMIT_FACTOR,
  tooManyAttemptsMessage,
} from "./rate-limit.server";
import { createRedis } from "./redis.server";

let redis: Redis;
const prefix = () => `test:${randomUUID()}`;

beforeAll(() => {
  redis = createRedis({ connectionName: "bauantrag-test-ratelimit" });
});
afterAll(async () => {
  await redis.quit();
});

describe("FixedWindowLimiter (real Redis)", () => {
  it("counts hits, blocks at the limit and sets an expiry on the key", async () => {
    const p = prefix();
    const limiter = new FixedWindowLimiter(redis, { prefix: p, max: 3, windowSeconds: 60 });
    expect((await limiter.peek("a")).count).toBe(0);
    expect((await limiter.hit("a")).blocked).toBe(false);
    expect((await limiter.hit("a")).blocked).toBe(false);
    const third = await limiter.hit("a");
    expect(third.count).toBe(3);
    expect(third.blocked).toBe(true);
    const state = await limiter.peek("a");
    expect(state.blocked).toBe(true);
    expect(state.resetInMs).toBeGreaterThan(50_000);
    expect(state.resetInMs).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(`${p}:a`)).toBeGreaterThan(0);
    // Other ids are independent.
    expect((await limiter.peek("b")).count).toBe(0);
  });

  it("the window ends after windowSeconds", async () => {
    const limiter = new FixedWindowLimiter(redis, { prefix: prefix(), max: 1, windowSeconds: 1 });
    expect((await limiter.hit("x")).blocked).toBe(true);
    await new Promise((r) => setTimeout(r, 1_150));
    expect((await limiter.peek("x")).blocked).toBe(false);
  });

  it("concurrent hits are all counted (atomic script)", async () => {
    const limiter = new FixedWindowLimiter(redis, { prefix: prefix(), max: 1000, windowSeconds: 60 });
    await Promise.all(Array.from({ length: 50 }, () => limiter.hit("c")));
    expect((await limiter.peek("c")).count).toBe(50);
  });

  it("reset clears the counter", async () => {
    const limiter = new FixedWindowLimiter(redis, { prefix: prefix(), max: 1, windowSeconds: 60 });
    await limiter.hit("r");
    await limiter.reset("r");
    expect((await limiter.peek("r")).count).toBe(0);
  });
});

describe("login limiter", () => {
  it("blocks an e-mail address after maxAttempts failures, whatever the case and spacing", async () => {
    const limiter = createLoginLimiter(redis, { prefix: prefix(), maxAttempts: 3, windowSeconds: 600 });
    const ip = "203.0.113.7";
    for (let i = 0; i < 3; i++) {
      expect((await limiter.check({ email: "Kim@Example.de", ip })).allowed).toBe(true);
      await limiter.recordFailure({ email: i % 2 ? " kim@example.de " : "KIM@example.de", ip });
    }
    const blocked = await limiter.check({ email: "kim@example.de", ip: "198.51.100.1" });
    expect(blocked.allowed).toBe(false);
    if (!blocked.allowed) {
      expect(blocked.retryAfterSeconds).toBeGreaterThan(590);
      expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(600);
    }
    // Another address from the same IP is still allowed (the IP limit is higher).
    expect((await limiter.check({ email: "other@example.de", ip })).allowed).toBe(true);
  });

  it("blocks an IP that sprays many addresses", async () => {
    const limiter = createLoginLimiter(redis, { prefix: prefix(), maxAttempts: 2, windowSeconds: 600 });
    const ip = "192.0.2.55";
    for (let i = 0; i < 2 * IP_LIMIT_FACTOR; i++) {
      await limiter.recordFailure({ email: `victim${i}@example.de`, ip });
    }
    expect((await limiter.check({ email: "fresh@example.de", ip })).allowed).toBe(false);
    expect((await limiter.check({ email: "fresh@example.de", ip: "192.0.2.56" })).allowed).toBe(true);
  });

  it("a successful login clears the e-mail counter", async () => {
    const limiter = createLoginLimiter(redis, { prefix: prefix(), maxAttempts: 2, windowSeconds: 600 });
    await limiter.recordFailure({ email: "a@example.de", ip: null });
    await limiter.recordSuccess({ email: "a@example.de" });
    await limiter.recordFailure({ email: "a@example.de", ip: null });
    expect((await limiter.check({ email: "a@example.de", ip: null })).allowed).toBe(true);
  });

  it("fails open (and does not throw) when Redis is unreachable", async () => {
    const dead = createRedis({
      url: "redis://127.0.0.1:1",
      options: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
    });
    const limiter = createLoginLimiter(dead, { prefix: prefix(), maxAttempts: 1, windowSeconds: 60 });
    await expect(limiter.recordFailure({ email: "x@example.de", ip: "1.2.3.4" })).resolves.toBeUndefined();
    expect(await limiter.check({ email: "x@example.de", ip: "1.2.3.4" })).toEqual({ allowed: true });
    dead.disconnect();
  });

  it("tells the waiting time in whole minutes, in German", () => {
    expect(tooManyAttemptsMessage(600)).toBe(
      "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 10 Minuten erneut.",
    );
    expect(tooManyAttemptsMessage(61)).toBe(
      "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 2 Minuten erneut.",
    );
    expect(tooManyAttemptsMessage(5)).toBe(
      "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 1 Minute erneut.",
    );
  });
});
