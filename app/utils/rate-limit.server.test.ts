import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addressKey,
  createLoginLimiter,
  FixedWindowLimiter,
  type LoginLimiterOptions,
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

const loginLimiter = (options: LoginLimiterOptions = {}) =>
  createLoginLimiter(redis, {
    prefix: prefix(),
    maxAttempts: 3,
    backoffSeconds: 30,
    windowSeconds: 600,
    ipMaxAttempts: 50,
    ...options,
  });

describe("login limiter", () => {
  it("gives maxAttempts free attempts per account and address, then a delay, whatever the case of the e-mail", async () => {
    const limiter = loginLimiter();
    const ip = "203.0.113.7";
    for (let i = 0; i < 3; i++) {
      const email = i % 2 ? " kim@example.de " : "KIM@example.de";
      expect((await limiter.acquire({ email, ip })).allowed).toBe(true);
    }
    const blocked = await limiter.acquire({ email: "kim@example.de", ip });
    expect(blocked.allowed).toBe(false);
    if (!blocked.allowed) {
      expect(blocked.retryAfterSeconds).toBeGreaterThan(25);
      expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(30);
    }
    // The owner at another address is not slowed by guesses from this one.
    expect((await limiter.acquire({ email: "kim@example.de", ip: "198.51.100.1" })).allowed).toBe(true);
    // Another account from the same address is still allowed.
    expect((await limiter.acquire({ email: "other@example.de", ip })).allowed).toBe(true);
  });

  it("the delays grow with every further attempt and end after the wait", async () => {
    const limiter = loginLimiter({ maxAttempts: 1, backoffSeconds: 1, windowSeconds: 60 });
    const who = { email: "slow@example.de", ip: "192.0.2.9" };
    expect((await limiter.acquire(who)).allowed).toBe(true);
    // 1 s delay after the first attempt
    expect(await limiter.acquire(who)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await limiter.acquire(who)).allowed).toBe(true);
    // then 2 s …
    const second = await limiter.acquire(who);
    expect(second).toEqual({ allowed: false, retryAfterSeconds: 2 });
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await limiter.acquire(who)).allowed).toBe(true);
    // … then 4 s
    expect(await limiter.acquire(who)).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it("the delay never exceeds the window", async () => {
    const limiter = loginLimiter({ maxAttempts: 1, backoffSeconds: 400, windowSeconds: 600 });
    const who = { email: "cap@example.de", ip: "192.0.2.10" };
    await limiter.acquire(who);
    const r = await limiter.acquire(who);
    expect(r.allowed).toBe(false);
    if (!r.allowed) expect(r.retryAfterSeconds).toBeLessThanOrEqual(400);
  });

  it("of 25 parallel attempts exactly maxAttempts get through (check and count are one step)", async () => {
    const limiter = loginLimiter({ maxAttempts: 5 });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => limiter.acquire({ email: "race@example.de", ip: "192.0.2.77" })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("limits one address spraying many accounts, but not other addresses", async () => {
    const limiter = loginLimiter({ ipMaxAttempts: 8 });
    const ip = "192.0.2.55";
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiter.acquire({ email: `victim${i}@example.de`, ip })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(8);
    expect((await limiter.acquire({ email: "fresh@example.de", ip })).allowed).toBe(false);
    expect((await limiter.acquire({ email: "fresh@example.de", ip: "192.0.2.56" })).allowed).toBe(true);
  });

  it("IPv6 addresses of one /64 share the address limit", async () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey(null)).toBe("unknown");
    const limiter = loginLimiter({ ipMaxAttempts: 3 });
    for (let i = 1; i <= 3; i++) {
      expect((await limiter.acquire({ email: `v${i}@example.de`, ip: `2001:db8:1:2::${i}` })).allowed).toBe(
        true,
      );
    }
    expect((await limiter.acquire({ email: "v9@example.de", ip: "2001:db8:1:2:9::9" })).allowed).toBe(false);
  });

  it("a successful login clears the account's failures at that address and returns its address unit", async () => {
    const limiter = loginLimiter({ maxAttempts: 2, ipMaxAttempts: 2 });
    const who = { email: "a@example.de", ip: "192.0.2.20" };
    await limiter.acquire(who);
    await limiter.recordSuccess(who);
    expect((await limiter.acquire(who)).allowed).toBe(true);
    await limiter.recordSuccess(who);
    // Two more attempts fit: the successful ones used up neither the pair nor the address budget.
    expect((await limiter.acquire(who)).allowed).toBe(true);
    expect((await limiter.acquire({ email: "b@example.de", ip: who.ip })).allowed).toBe(true);
  });

  it("fails open (and does not throw) when Redis is unreachable", async () => {
    const dead = createRedis({
      url: "redis://127.0.0.1:1",
      options: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
    });
    const limiter = createLoginLimiter(dead, { prefix: prefix(), maxAttempts: 1, windowSeconds: 60 });
    await expect(limiter.recordSuccess({ email: "x@example.de", ip: "1.2.3.4" })).resolves.toBeUndefined();
    expect(await limiter.acquire({ email: "x@example.de", ip: "1.2.3.4" })).toEqual({ allowed: true });
    dead.disconnect();
  });

  it("tells the waiting time in seconds or whole minutes, in German", () => {
    expect(tooManyAttemptsMessage(600)).toBe(
      "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 10 Minuten erneut.",
    );
    expect(tooManyAttemptsMessage(61)).toBe(
      "Zu viele Anmeldeversuche. Bitte versuchen Sie es in 2 Minuten erneut.",
    );
    expect(tooManyAttemptsMessage(30)).toBe(
      "Zu viele Anmeldeversuche. Bitte warten Sie 30 Sekunden und versuchen Sie es dann erneut.",
    );
  });
});
