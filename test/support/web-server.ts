import type { AddressInfo } from "node:net";

/**
 * The real web process in this test process: server.ts's createServer() (Express + every
 * middleware + the Remix build from `npm run build`) listening on a random port. Tests talk to it
 * with fetch, exactly as a browser or an attacker would.
 */
export async function startWebServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const { createServer } = await import("../../server.ts");
  const app = await createServer();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
