import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";

/**
 * The two reads every check of a file on disk starts with (XBau intake attachments, paper
 * intake scans): its first bytes for type detection by magic numbers, and its SHA-256 and size,
 * streamed so a large scan never sits in memory.
 */

/** The first 4,100 bytes (what file-type needs to recognise every format we accept). */
export async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(4100);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}
