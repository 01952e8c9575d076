import { describe, expect, it } from "vitest";
import { CoalescingStream } from "./coalescing-stream.server";

function collect(stream: CoalescingStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    stream.on("end", () => resolve(chunks));
    stream.on("error", reject);
  });
}

describe("CoalescingStream", () => {
  it("passes a page written in one go on as one chunk, bytes unchanged and in order", async () => {
    const stream = new CoalescingStream();
    const done = collect(stream);
    const pieces = Array.from({ length: 37 }, (_, i) => Buffer.from(`<tr>${i}</tr>`.padEnd(2048, "x")));
    for (const p of pieces) stream.write(p);
    await new Promise((r) => setTimeout(r, 20));
    stream.end();
    const chunks = await done;
    expect(chunks).toHaveLength(1);
    expect(Buffer.concat(chunks).equals(Buffer.concat(pieces))).toBe(true);
  });

  it("still streams: what is written later goes out before the stream ends", async () => {
    const stream = new CoalescingStream();
    const seen: string[] = [];
    stream.on("data", (c: Buffer) => seen.push(c.toString()));
    stream.write("<html>");
    stream.write("<body>shell");
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(["<html><body>shell"]);
    stream.write("<template>deferred</template>");
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(["<html><body>shell", "<template>deferred</template>"]);
    stream.end("</body></html>");
    await new Promise((r) => stream.on("end", r));
    expect(seen.join("")).toBe("<html><body>shell<template>deferred</template></body></html>");
  });

  it("never holds more than 128 KB back", async () => {
    const stream = new CoalescingStream();
    const done = collect(stream);
    const piece = Buffer.alloc(2048, 97);
    for (let i = 0; i < 200; i++) stream.write(piece); // 400 KB in one turn
    stream.end();
    const chunks = await done;
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(128 * 1024 + 2048);
    expect(Buffer.concat(chunks).length).toBe(400 * 1024);
  });
});
