import { pingDatabase } from "~/models/health.server";
import { pingRedis } from "~/utils/redis.server";
import { getStorage } from "../../storage/index";

/**
 * Liveness and readiness in one: 200 when PostgreSQL, Redis and the object store answer, 503 with
 * the failing part named otherwise. Public (load balancers call it) and reveals no data.
 */

const TIMEOUT_MS = 2_000;

async function check(fn: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("Zeitüberschreitung")), TIMEOUT_MS)),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: (err as Error).message.slice(0, 200),
    };
  }
}

export async function loader() {
  const [database, redis, storage] = await Promise.all([
    check(() => pingDatabase()),
    check(async () => {
      if (!(await pingRedis())) throw new Error("keine Antwort");
    }),
    check(() => getStorage().ping()),
  ]);
  const ok = database.ok && redis.ok && storage.ok;
  return Response.json(
    { status: ok ? "ok" : "error", checks: { database, redis, storage } },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
