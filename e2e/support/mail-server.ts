import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";

/**
 * The e2e stack's SMTP server (started by start-stack.ts; the product sends to it through
 * SMTP_URL): a real SMTP server (npm smtp-server) that writes every mail it receives as a file
 * into `dir`, where a spec reads it (readMailTo). Only the mail a spec looks for matters; other
 * specs' notification mails land there harmlessly.
 */
export async function startMailServer(
  dir: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(",");
        const file = path.join(dir, `${Date.now()}-${++n}.eml`);
        writeFile(file, `X-Envelope-To: ${to}\r\n${Buffer.concat(chunks).toString("utf8")}`).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Quoted-printable (RFC 2045) body text back to UTF-8. */
export function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === "=" && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Waits for a mail to `address` whose subject contains `subject`; returns its decoded text. */
export async function readMailTo(
  dir: string,
  address: string,
  subject: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files.sort()) {
      const raw = await readFile(path.join(dir, file), "utf8");
      const to = /^X-Envelope-To: (.*)$/m.exec(raw)?.[1] ?? "";
      if (!to.split(",").includes(address.toLowerCase())) continue;
      const decoded = decodeQuotedPrintable(raw);
      if (decoded.includes(subject) || raw.includes(subject)) return decoded;
      // Subjects with umlauts are MIME-encoded words; compare the body instead when asked.
      if (/^Subject: =\?UTF-8\?/im.test(raw) && decoded.includes(subject)) return decoded;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no mail to ${address} with "${subject}" within ${timeoutMs} ms in ${dir}`);
}
