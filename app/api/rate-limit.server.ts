import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";

/**
 * Calls per API client in a fixed window (Redis, shared by every web process). Defaults from
 * API_RATE_LIMIT_MAX / API_RATE_LIMIT_WINDOW_SECONDS; tests pass their own limits.
 */

export interface ApiRateLimitOptions {
  max: number;
  windowSeconds: number;
  prefix: string;
}

let override: Partial<ApiRateLimitOptions> | null = null;

/** Tests: a small limit and their own key prefix (null restores the environment's). */
export function setApiRateLimitForTests(options: Partial<ApiRateLimitOptions> | null): void {
  override = options;
}

function options(): ApiRateLimitOptions {
  const config = env();
  return {
    max: override?.max ?? config.API_RATE_LIMIT_MAX,
    windowSeconds: override?.windowSeconds ?? config.API_RATE_LIMIT_WINDOW_SECONDS,
    prefix: override?.prefix ?? `${config.QUEUE_PREFIX}:ratelimit:api`,
  };
}

/** Counts one call; `retryAfterSeconds` is set when the client is over its limit. */
export async function countApiCall(
  clientId: string,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const o = options();
  try {
    const state = await new FixedWindowLimiter(redis(), o).hit(clientId);
    if (state.count <= o.max) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(state.resetInMs / 1000)) };
  } catch (err) {
    // Fail open: a Redis outage must not stop every Fachverfahren; authentication still holds.
    logger.error({ err }, "API rate limiter unavailable");
    return { allowed: true };
  }
}
