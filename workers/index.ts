// Must stay the first import: sets BAUANTRAG_PROCESS before the logger is created.
import "./process-name";
import "~/utils/check-env.server";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { closeRedis } from "~/utils/redis.server";
import { rasterPool } from "./pdf/raster";
import { scheduleDeadlineChecks } from "./processors/check-deadlines";
import { scheduleSessionCleanup } from "./processors/delete-expired-sessions";
import { scheduleHeartbeat } from "./processors/heartbeat";
import { startWorkers } from "./start";

export { startWorkers };

/** Longest a graceful shutdown may take (jobs in flight finishing) before the process gives up. */
const SHUTDOWN_TIMEOUT_MS = 60_000;

async function main() {
  const running = startWorkers();
  // Start the stamp rasteriser's threads now rather than inside the first decision job.
  rasterPool()
    .warmUp()
    .then(
      () => logger.info("page rasteriser ready"),
      (err: unknown) => logger.warn({ err }, "page rasteriser warm-up failed; it starts on first use"),
    );
  let shuttingDown = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, "second signal: exiting without waiting for jobs");
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, "shutting down: waiting for active jobs");
    const force = setTimeout(() => {
      logger.error("shutdown took too long, exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      await running.close();
      await closeRedis();
      await db().$disconnect();
      logger.info("worker stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", (s) => void shutdown(s));
  process.on("SIGINT", (s) => void shutdown(s));

  await running.ready;
  // Repeatable deadline watch; a Redis hiccup here is retried on the next start, not fatal.
  await scheduleDeadlineChecks(running.queues).catch((err: unknown) => {
    logger.error({ err }, "could not schedule the deadline check");
  });
  await scheduleSessionCleanup(running.queues).catch((err: unknown) => {
    logger.error({ err }, "could not schedule the session cleanup");
  });
  // Repeatable heartbeat the compose healthcheck reads (proves jobs are being consumed).
  await scheduleHeartbeat(running.queues).catch((err: unknown) => {
    logger.error({ err }, "could not schedule the heartbeat");
  });
}

const isEntry =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  main().catch((err) => {
    logger.fatal({ err }, "worker failed to start");
    process.exit(1);
  });
}
