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
 * Login throttling: failed attempts are counted per normalised e-mail address and per client IP
 * within LOGIN_WINDOW_SECONDS. The e-mail limit is LOGIN_MAX_ATTEMPTS. The IP limit is four times
 * that, because a whole Bauamt usually sits behind one NAT address and a handful of typos by
 * colleagues must not lock everyone out; it still stops one client from spraying passwords over
 * many accounts. A successful login clears the e-mail counter.
 */
export const IP_LIMIT_FACTOR = 4;

export interface LoginLimiter {
  check(input: {
    email: string;
    ip: string | null;
  }): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  recordFailure(input: { email: string; ip: string | null }): Promise<void>;
  recordSuccess(input: { email: string }): Promise<void>;
}

function emailId(email: string) {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
}

export function createLoginLimiter(
  client: Redis = redis(),
  options: { prefix?: string; maxAttempts?: number; windowSeconds?: number } = {},
): LoginLimiter {
  const config = env();
  const prefix = options.prefix ?? `${config.QUEUE_PREFIX}:ratelimit:login`;
  const max = options.maxAttempts ?? config.LOGIN_MAX_ATTEMPTS;
  const windowSeconds = options.windowSeconds ?? config.LOGIN_WINDOW_SECONDS;
  const byEmail = new FixedWindowLimiter(client, { prefix: `${prefix}:email`, max, windowSeconds });
  const byIp = new FixedWindowLimiter(client, {
    prefix: `${prefix}:ip`,
    max: max * IP_LIMIT_FACTOR,
    windowSeconds,
  });

  return {
    async check({ email, ip }) {
      try {
        const states = await Promise.all([byEmail.peek(emailId(email)), ...(ip ? [byIp.peek(ip)] : [])]);
        const blocked = states.filter((s) => s.blocked);
        if (blocked.length === 0) return { allowed: true };
        const ms = Math.max(...blocked.map((s) => s.resetInMs));
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
      } catch (err) {
        // Fail open: a Redis outage must not lock every user out; argon2 still makes guessing slow.
        logger.error({ err }, "login rate limiter unavailable");
        return { allowed: true };
      }
    },
    async recordFailure({ email, ip }) {
      try {
        await Promise.all([byEmail.hit(emailId(email)), ...(ip ? [byIp.hit(ip)] : [])]);
      } catch (err) {
        logger.error({ err }, "login rate limiter unavailable");
      }
    },
    async recordSuccess({ email }) {
      try {
        await byEmail.reset(emailId(email));
      } catch (err) {
        logger.error({ err }, "login rate limiter unavailable");
      }
    },
  };
}

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Zu viele Anmeldeversuche. Bitte versuchen Sie es in ${minutes} ${minutes === 1 ? "Minute" : "Minuten"} erneut.`;
}
