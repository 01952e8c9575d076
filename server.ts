import "~/utils/check-env.server";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { env } from "~/utils/env.server";
import { securityHeaders, trustProxySetting } from "~/utils/http-security.server";
import { logger } from "~/utils/logger.server";
import { requestLimits } from "~/utils/request-limits.server";
import { runInRequestScope } from "~/utils/request-scope.server";

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
  // X-Forwarded-For is believed only when TRUST_PROXY names the proxy in front (ADR 0007).
  const trustProxy = trustProxySetting(config.TRUST_PROXY);
  if (trustProxy !== undefined) app.set("trust proxy", trustProxy);
  // CSP with a per-request nonce, COOP/CORP, HSTS when served over TLS.
  app.use(securityHeaders({ appUrl: config.APP_URL }));
  app.use(compression());
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(
    "/kern",
    express.static(path.join(root, "node_modules/@kern-ux/native/dist"), { maxAge: "1d", index: false }),
  );
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
  // Every action's body is bounded and its field names checked before Remix parses it (issue 11).
  app.use(requestLimits());
  const remix = createRequestHandler({
    build,
    mode: config.NODE_ENV,
    // The client address (login rate limiting, session records) and the CSP nonce.
    getLoadContext: (req, res) => ({ clientIp: req.ip, cspNonce: res.locals.cspNonce as string }),
  });
  // One memo scope per request: loaders of the same request share the session lookup.
  app.all("*", (req, res, next) => runInRequestScope(() => remix(req, res, next)));

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
