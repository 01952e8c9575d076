import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env.server";

/**
 * Redis connections. Two kinds:
 * - app connections (web requests, rate limiting, queue producers): a command fails after a few
 *   reconnect attempts instead of hanging a request while Redis is away;
 * - worker connections (BullMQ Worker): `maxRetriesPerRequest: null`, as BullMQ requires for its
 *   blocking commands, so a worker simply waits for Redis to come back.
 */

export interface CreateRedisOptions {
  /** BullMQ Worker connection: never give up on a command (BullMQ requires this). */
  forWorker?: boolean;
  /** Defaults to env().REDIS_URL. */
  url?: string;
  /** Shown in `CLIENT LIST`; helps operators see who holds which connection. */
  connectionName?: string;
  /** Extra ioredis options (tests use them to point at an unreachable port, etc.). */
  options?: RedisOptions;
}

export function createRedis({
  forWorker = false,
  url,
  connectionName,
  options,
}: CreateRedisOptions = {}): Redis {
  const base: RedisOptions = forWorker
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 3, connectTimeout: 5_000 };
  const client = new Redis(url ?? env().REDIS_URL, {
    ...base,
    connectionName: connectionName ?? `bauantrag-${process.env.BAUANTRAG_PROCESS ?? "web"}`,
    // Reconnect with a capped backoff; never stop trying (a Redis outage delays work, never ends it).
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
    ...options,
  });
  // Without a listener ioredis prints every failed reconnect as an unhandled error event.
  // Commands still reject with the error, so callers see it where it matters.
  client.on("error", () => {});
  return client;
}

const g = globalThis as unknown as { __redis?: Redis };

/** Shared app connection (one per process, survives Remix dev reloads). */
export function redis(): Redis {
  g.__redis ??= createRedis();
  return g.__redis;
}

/** Closes the shared connection, if one was opened (graceful shutdown, tests). */
export async function closeRedis(): Promise<void> {
  const client = g.__redis;
  g.__redis = undefined;
  if (client) await closeClient(client);
}

/**
 * Closes a connection: QUIT when connected (lets replies in flight arrive), otherwise just drops
 * it (QUIT on a connection that never came up would wait for Redis forever).
 */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

/** True when Redis answers PING within `timeoutMs` (health checks). Never throws. */
export async function pingRedis(client: Redis = redis(), timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    });
    return (await Promise.race([client.ping(), timeout])) === "PONG";
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
