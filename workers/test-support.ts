import { randomBytes } from "node:crypto";
import net from "node:net";
import { SMTPServer } from "smtp-server";
import { closeClient, createRedis } from "~/utils/redis.server";

/**
 * Helpers for the queue/outbox/worker tests (real Redis, PostgreSQL and a real SMTP server).
 * Not imported by production code.
 */

export function randomId(bytes = 6): string {
  return randomBytes(bytes).toString("hex");
}

/** Random BullMQ prefix so parallel test files never share queues. */
export function randomPrefix(): string {
  return `test-${randomId()}`;
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  mails: ReceivedMail[];
  /** Called when a message starts arriving (before `delayMs`). */
  onDataStart?: () => void;
  close(): Promise<void>;
}

/** A real SMTP server (npm smtp-server) on a free port, keeping every mail it receives. */
export async function startSmtpServer({ delayMs = 0 } = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const handle: Partial<TestSmtpServer> = { mails };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      handle.onDataStart?.();
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        setTimeout(() => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as net.AddressInfo;
  handle.url = `smtp://127.0.0.1:${port}`;
  handle.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return handle as TestSmtpServer;
}

/** Removes every Redis key under a test's queue prefix. */
export async function deletePrefix(prefix: string): Promise<void> {
  if (!prefix.startsWith("test-")) throw new Error(`refusing to delete non-test prefix ${prefix}`);
  const client = createRedis({ connectionName: "bauantrag-test-cleanup" });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    await closeClient(client);
  }
}
