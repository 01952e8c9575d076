/**
 * Container healthcheck of the worker (docker-compose): exit 0 when the worker stamped its
 * heartbeat within HEARTBEAT_MAX_AGE_MS (workers/processors/heartbeat.ts), else 1 with the reason.
 * Uses the same REDIS_URL and QUEUE_PREFIX as the worker.
 */
import { env } from "../app/utils/env.server.ts";
import { createRedis } from "../app/utils/redis.server.ts";
import { HEARTBEAT_MAX_AGE_MS, heartbeatAge } from "../workers/processors/heartbeat.ts";

const client = createRedis({
  connectionName: "bauantrag-healthcheck",
  options: { maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2_000 },
});
let code = 1;
try {
  const age = await heartbeatAge(client, env().QUEUE_PREFIX);
  if (age === null) console.error("worker: noch kein Herzschlag in Redis");
  else if (age > HEARTBEAT_MAX_AGE_MS)
    console.error(`worker: letzter Herzschlag vor ${Math.round(age / 1000)} s`);
  else {
    console.log(`worker: Herzschlag vor ${Math.round(age / 1000)} s`);
    code = 0;
  }
} catch (err) {
  console.error(`worker: Redis nicht erreichbar (${(err as Error).message})`);
}
client.disconnect();
process.exit(code);
