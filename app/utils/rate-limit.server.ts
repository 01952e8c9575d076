import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { redis } from "./redis.server";

/**
 * Fixed-window counters in Redis. A key's window starts with its first hit and lasts
 * `windowSeconds`; INCR and PEXPIRE run in one Lua script, so concurrent hits never leave a key
 * without expiry.
 */

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export interface LimitState {
  count: number;
  /** Milliseconds until the window ends (0 when there is no window). */
  resetInMs: number;
  blocked: boolean;
}

export class FixedWindowLimiter {
  constructor(
    private readonly client: Redis,
    private readonly options: { prefix: string; max: number; windowSeconds: number },
  ) {}

  private key(id: string) {
    return `${this.options.prefix}:${id}`;
  }

  /** Reads the counter without counting. */
  async peek(id: string): Promise<LimitState> {
    const key = this.key(id);
    const [[, raw], [, ttl]] = (await this.client.multi().get(key).pttl(key).exec()) as [
      [Error | null, string | null],
      [Error | null, number],
    ];
    const count = raw ? Number(raw) : 0;
    return { count, resetInMs: Math.max(ttl, 0), blocked: count >= this.options.max };
  }

  /** Counts one event; `blocked` says whether the limit is now reached. */
  async hit(id: string): Promise<LimitState> {
    const [count, ttl] = (await this.client.eval(
      HIT_SCRIPT,
      1,
      this.key(id),
      String(this.options.windowSeconds * 1000),
    )) as [number, number];
    return { count, resetInMs: Math.max(ttl, 0), blocked: count >= this.options.max };
  }

  async reset(id: string): Promise<void> {
    await this.client.del(this.key(id));
  }
}

/**
 * Login throttling (ADR 0007). Two limits, both checked *and counted* in one Lua script before
 * the password is verified, so parallel guesses cannot slip through between a check and a count
 * (of 25 concurrent wrong guesses at most the limit reach argon2):
 *
 * - per (account, client address): the first LOGIN_MAX_ATTEMPTS attempts are free; from then on
 *   each attempt must wait an increasing delay (LOGIN_BACKOFF_SECONDS, doubling, capped at
 *   LOGIN_WINDOW_SECONDS). The counter is forgotten LOGIN_WINDOW_SECONDS after the last attempt.
 *   Guesses from another address never delay the owner: there is deliberately no account-wide
 *   lock, which would hand any attacker a way to lock out a clerk.
 * - per client address over all accounts: LOGIN_IP_MAX_ATTEMPTS within LOGIN_WINDOW_SECONDS stops
 *   one client from spraying passwords over many accounts. It is generous because a whole Bauamt
 *   usually sits behind one NAT address.
 *
 * A successful login clears its (account, address) counter and gives back its unit of the
 * address budget, so only failures use it up. IPv6 addresses count per /64 (one customer line),
 * otherwise rotating the low bits would escape the address limit.
 */

const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(ARGV[1])
local baseMs = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local ipMax = tonumber(ARGV[4])
local pair = redis.call('HMGET', KEYS[1], 'n', 'until')
local n = tonumber(pair[1]) or 0
local untilMs = tonumber(pair[2]) or 0
if untilMs > now then return {0, untilMs - now} end
local ipCount = tonumber(redis.call('GET', KEYS[2]) or '0')
if ipCount >= ipMax then
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl < 0 then ttl = windowMs; redis.call('PEXPIRE', KEYS[2], windowMs) end
  return {0, ttl}
end
n = n + 1
local delay = 0
if n >= free then delay = math.min(baseMs * (2 ^ (n - free)), windowMs) end
redis.call('HSET', KEYS[1], 'n', n, 'until', now + delay)
redis.call('PEXPIRE', KEYS[1], windowMs + delay)
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], windowMs) end
return {1, 0}
`;

const RELEASE_SCRIPT = `
redis.call('DEL', KEYS[1])
local c = tonumber(redis.call('GET', KEYS[2]) or '0')
if c > 0 then redis.call('DECR', KEYS[2]) end
return 1
`;

export interface LoginLimiter {
  /**
   * Counts one login attempt if the limits allow it. Call before verifying the password; only an
   * allowed attempt may reach the password check.
   */
  acquire(input: {
    email: string;
    ip: string | null;
  }): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /** The attempt was right: forget the (account, address) failures, give back the address unit. */
  recordSuccess(input: { email: string; ip: string | null }): Promise<void>;
}

export interface LoginLimiterOptions {
  prefix?: string;
  /** Free attempts per (account, address) before delays start. */
  maxAttempts?: number;
  /** First delay; doubles with every further attempt. */
  backoffSeconds?: number;
  /** Longest delay, and how long counters are remembered. */
  windowSeconds?: number;
  /** Attempts per address over all accounts within the window. */
  ipMaxAttempts?: number;
}

function emailId(email: string) {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
}

/** The unit an address limit counts: IPv4 as is, IPv6 by its /64 network. */
export function addressKey(ip: string | null): string {
  if (!ip) return "unknown";
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1]!;
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("%")[0]!.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - headParts.length - tailParts.length);
  const groups = ip.includes("::") ? [...headParts, ...Array(missing).fill("0"), ...tailParts] : headParts;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || "0").replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export function createLoginLimiter(client: Redis = redis(), options: LoginLimiterOptions = {}): LoginLimiter {
  const config = env();
  const prefix = options.prefix ?? `${config.QUEUE_PREFIX}:ratelimit:login`;
  const free = options.maxAttempts ?? config.LOGIN_MAX_ATTEMPTS;
  const baseMs = (options.backoffSeconds ?? config.LOGIN_BACKOFF_SECONDS) * 1000;
  const windowMs = (options.windowSeconds ?? config.LOGIN_WINDOW_SECONDS) * 1000;
  const ipMax = options.ipMaxAttempts ?? config.LOGIN_IP_MAX_ATTEMPTS;
  const keys = (email: string, ip: string | null) => {
    const address = addressKey(ip);
    return [`${prefix}:pair:${emailId(email)}:${address}`, `${prefix}:ip:${address}`] as const;
  };

  return {
    async acquire({ email, ip }) {
      try {
        const [pairKey, ipKey] = keys(email, ip);
        const [ok, waitMs] = (await client.eval(
          ACQUIRE_SCRIPT,
          2,
          pairKey,
          ipKey,
          String(free),
          String(baseMs),
          String(windowMs),
          String(ipMax),
        )) as [number, number];
        if (ok === 1) return { allowed: true };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      } catch (err) {
        // Fail open: a Redis outage must not lock every user out; argon2 still makes guessing slow.
        logger.error({ err }, "login rate limiter unavailable");
        return { allowed: true };
      }
    },
    async recordSuccess({ email, ip }) {
      try {
        const [pairKey, ipKey] = keys(email, ip);
        await client.eval(RELEASE_SCRIPT, 2, pairKey, ipKey);
      } catch (err) {
        logger.error({ err }, "login rate limiter unavailable");
      }
    },
  };
}

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  if (retryAfterSeconds < 60) {
    const s = Math.max(1, Math.ceil(retryAfterSeconds));
    return `Zu viele Anmeldeversuche. Bitte warten Sie ${s} ${s === 1 ? "Sekunde" : "Sekunden"} und versuchen Sie es dann erneut.`;
  }
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Zu viele Anmeldeversuche. Bitte versuchen Sie es in ${minutes} ${minutes === 1 ? "Minute" : "Minuten"} erneut.`;
}
