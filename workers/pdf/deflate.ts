import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";

/**
 * pdf-lib compresses every stream (content streams, embedded font files, ToUnicode maps, object
 * streams) with pako, a JavaScript port of zlib that allocates and zero-fills its 64 KB window
 * and hash tables anew for each stream. Stamping a single-sheet plan writes about eight streams,
 * and pako was more than half of the time (bench/decision.ts). Node's native zlib writes the same
 * format (RFC 1950 zlib stream, level 6 like pako's default) several times faster, so pdf-lib's
 * own pako instance (resolved from pdf-lib, the module object it calls `deflate` on) is pointed
 * at it. Inflating (reading PDFs) is untouched. Idempotent; imported by layout.ts, which every
 * renderer uses.
 *
 * Larger inputs are also remembered by content hash (bounded): the embedded font subsets are the
 * same bytes for every plan stamped with the same text, and hashing is far cheaper than deflating.
 */
const requireFromPdfLib = createRequire(createRequire(import.meta.url).resolve("pdf-lib"));
const pako = requireFromPdfLib("pako") as { deflate: (data: Uint8Array, options?: unknown) => Uint8Array };

const NATIVE = Symbol.for("bauantrag.nativeDeflate");
const patched = pako as typeof pako & { [NATIVE]?: true };
if (!patched[NATIVE]) {
  const original = pako.deflate;
  const remembered = new Map<string, Uint8Array>();
  pako.deflate = (data: Uint8Array, options?: unknown) => {
    // pdf-lib calls deflate without options; anything else keeps pako's own behaviour.
    if (options !== undefined) return original(data, options);
    if (data.length < 4096) return deflateSync(data);
    const key = createHash("sha256").update(data).digest("base64");
    let out = remembered.get(key);
    if (!out) {
      out = deflateSync(data);
      if (remembered.size >= 32) remembered.delete(remembered.keys().next().value as string);
      remembered.set(key, out);
    }
    // A copy: pdf-lib owns what it gets (the cached bytes must never change).
    return Uint8Array.from(out);
  };
  patched[NATIVE] = true;
}
