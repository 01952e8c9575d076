import "~/utils/check-env.server";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";

/**
 * The web process: Express serving the Remix build, static assets and the KERN design system files.
 * Started by `npm start` (scripts/start.ts) or directly in a container (`npm run start:web`).
 */

const root = path.dirname(fileURLToPath(import.meta.url));
const BUILD_PATH = path.join(root, "build/index.js");

async function loadBuild(): Promise<ServerBuild> {
  return (await import(`${BUILD_PATH}?t=${Date.now()}`)) as ServerBuild;
}

export async function createServer() {
  const config = env();
  const build = await loadBuild();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", 1);
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    next();
  });
  app.use(compression());
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(
    "/kern",
    express.static(path.join(root, "node_modules/@kern-ux/native/dist"), { maxAge: "1d", index: false }),
  );
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.NODE_ENV,
      // The client address (login rate limiting, session records); honours the trusted proxy hop.
      getLoadContext: (req) => ({ clientIp: req.ip }),
    }),
  );

  return app;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const config = env();
  const app = await createServer();
  const server = app.listen(config.PORT, async () => {
    logger.info({ port: config.PORT, url: config.APP_URL }, "web listening");
    if (process.env.REMIX_DEV_ORIGIN) broadcastDevReady(await loadBuild());
  });
  // Uploads of large Bauvorlagen may take minutes on slow lines.
  server.requestTimeout = 30 * 60 * 1000;
  const shutdown = (signal: string) => {
    logger.info({ signal }, "web shutting down");
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
