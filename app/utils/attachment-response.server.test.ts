import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { attachmentResponse } from "./attachment-response.server";

describe("attachmentResponse", () => {
  it("streams the bytes as an attachment with nosniff, a sandboxing CSP and the sha256 as ETag", async () => {
    const body = Buffer.from("%PDF-1.7 nicht ausführen");
    const res = attachmentResponse(new Request("http://localhost/x"), {
      stream: Readable.from([body.subarray(0, 5), body.subarray(5)]),
      filename: "Grundriss EG (überarbeitet).pdf",
      mimeType: "application/pdf",
      sizeBytes: body.byteLength,
      sha256: "ab".repeat(32),
    });
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "content-type": "application/pdf",
      "content-length": String(body.byteLength),
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
      "cross-origin-resource-policy": "same-origin",
      etag: `"${"ab".repeat(32)}"`,
    });
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename=.*filename\*=UTF-8''Grundriss/,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it("sends no ETag without a hash, and ends the storage stream when the client goes away", async () => {
    const controller = new AbortController();
    // Never ends by itself: only the abort may close it.
    const stream = new Readable({ read() {} });
    const res = attachmentResponse(new Request("http://localhost/x", { signal: controller.signal }), {
      stream,
      filename: "a.xml",
      mimeType: "application/xml",
      sizeBytes: 10,
    });
    expect(res.headers.get("etag")).toBeNull();
    controller.abort();
    expect(stream.destroyed).toBe(true);
  });
});
