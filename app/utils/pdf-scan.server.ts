import { open } from "node:fs/promises";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflate, inflateSync, constants as zlibConstants } from "node:zlib";

/**
 * Walks a PDF that qpdf has rewritten into plain objects (`--object-streams=disable
 * --stream-data=preserve`: every object uncompressed and in order, names in canonical form,
 * every stream with a direct /Length) and reports
 *
 *   - active content: the names that make a viewer run or open something (JavaScript, Launch,
 *     embedded files and file-attachment annotations, XFA forms, RichMedia/Movie/Sound);
 *   - decompression bombs: each FlateDecode stream is inflated (in chunks, output counted and
 *     dropped at once) and the walk stops as soon as a stream decodes to more than
 *     max(ratio × its encoded length, floor) or the whole file to more than
 *     max(ratio × file size, total floor). Memory stays at a few chunks; work stays bounded.
 *     A lone LZWDecode/RunLengthDecode stream is counted the same way without decoding it.
 *     Two expanding filters that are not all Flate (e.g. [/LZWDecode /FlateDecode]) are refused;
 *     other chains (e.g. [/ASCII85Decode /LZWDecode]) and inline images inside content streams
 *     are not measured (known gap).
 *
 * Only dictionaries and arrays are tokenised: stream data is never read as PDF syntax, so bytes
 * of an image or font cannot look like a name. Strings are skipped properly, so the text
 * "(/JavaScript)" in a title is not a finding.
 */

export type ActiveContentKind = "javascript" | "launch" | "embedded" | "xfa" | "media";

const ACTIVE_NAMES: Record<string, ActiveContentKind> = {
  JavaScript: "javascript",
  JS: "javascript",
  Launch: "launch",
  EmbeddedFiles: "embedded",
  EmbeddedFile: "embedded",
  FileAttachment: "embedded",
  GoToE: "embedded",
  XFA: "xfa",
  RichMedia: "media",
  Movie: "media",
  Sound: "media",
};

/** Filters that expand data; a chain of two or more that we cannot decode ourselves is refused. */
const EXPANDING = new Set(["FlateDecode", "LZWDecode", "RunLengthDecode"]);

export interface ScanLimits {
  /** decoded/encoded bytes per stream, beyond `streamFloorBytes`. */
  ratio: number;
  /** A stream that decodes to at most this many bytes is never a finding (a blank page compresses 1000:1). */
  streamFloorBytes?: number;
  /** Decoded bytes of the whole file may reach max(ratio × file size, this). */
  totalFloorBytes?: number;
  /** Largest object outside stream data (a dictionary or array), in bytes. */
  maxObjectBytes?: number;
}

export type ScanResult =
  | { ok: true; decodedBytes: number; streams: number }
  | { ok: false; reason: "active"; kind: ActiveContentKind }
  | { ok: false; reason: "bomb"; decodedBytes: number; encodedBytes: number }
  | { ok: false; reason: "nested-compression" }
  | { ok: false; reason: "malformed"; detail: string };

class ScanStop extends Error {
  constructor(readonly result: Exclude<ScanResult, { ok: true }>) {
    super(result.reason);
  }
}

const CHUNK = 1024 * 1024;
/** Streams up to this size are inflated in one synchronous call (output capped by zlib). */
const SMALL_STREAM = 256 * 1024;

/** PDF whitespace and delimiters (ISO 32000-1, 7.2.2). */
function isWhite(c: number | undefined) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
function isDelim(c: number | undefined) {
  return (
    c === 0x28 ||
    c === 0x29 ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x2f ||
    c === 0x25
  );
}

type Token =
  | { t: "name"; v: string }
  | { t: "num"; v: number }
  | { t: "kw"; v: string }
  | { t: "open-dict" | "close-dict" | "open-array" | "close-array" | "string" };

/** One token at buf[i], or null when the buffer ends before the token does (need more bytes). */
function lex(buf: Buffer, i: number, eof: boolean): { tok: Token | null; end: number } | null {
  const n = buf.length;
  while (i < n && isWhite(buf[i])) i++;
  if (i >= n) return eof ? { tok: null, end: n } : null;
  const c = buf[i] as number;
  if (c === 0x25) {
    // comment to end of line
    let j = i;
    while (j < n && buf[j] !== 0x0a && buf[j] !== 0x0d) j++;
    if (j >= n && !eof) return null;
    return lex(buf, j, eof);
  }
  if (c === 0x2f) {
    let j = i + 1;
    while (j < n && !isWhite(buf[j]) && !isDelim(buf[j])) j++;
    if (j >= n && !eof) return null;
    // #xx escapes: /J#61vaScript is /JavaScript.
    const raw = buf.toString("latin1", i + 1, j);
    const v = raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    );
    return { tok: { t: "name", v }, end: j };
  }
  if (c === 0x3c) {
    if (i + 1 >= n) return eof ? { tok: { t: "string" }, end: n } : null;
    if (buf[i + 1] === 0x3c) return { tok: { t: "open-dict" }, end: i + 2 };
    const j = buf.indexOf(0x3e, i + 1);
    if (j < 0) return eof ? { tok: { t: "string" }, end: n } : null;
    return { tok: { t: "string" }, end: j + 1 };
  }
  if (c === 0x3e) {
    if (i + 1 >= n && !eof) return null;
    return { tok: { t: "close-dict" }, end: i + (buf[i + 1] === 0x3e ? 2 : 1) };
  }
  if (c === 0x5b) return { tok: { t: "open-array" }, end: i + 1 };
  if (c === 0x5d) return { tok: { t: "close-array" }, end: i + 1 };
  if (c === 0x28) {
    let depth = 0;
    let j = i;
    for (; j < n; j++) {
      const d = buf[j];
      if (d === 0x5c) {
        j++;
        continue;
      }
      if (d === 0x28) depth++;
      else if (d === 0x29 && --depth === 0) break;
    }
    if (j >= n) return eof ? { tok: { t: "string" }, end: n } : null;
    return { tok: { t: "string" }, end: j + 1 };
  }
  if (c === 0x29 || c === 0x7b || c === 0x7d)
    return { tok: { t: "kw", v: String.fromCharCode(c) }, end: i + 1 };
  let j = i;
  while (j < n && !isWhite(buf[j]) && !isDelim(buf[j])) j++;
  if (j >= n && !eof) return null;
  const word = buf.toString("latin1", i, j);
  const num = Number(word);
  if (word !== "" && Number.isFinite(num)) return { tok: { t: "num", v: num }, end: j };
  return { tok: { t: "kw", v: word }, end: j };
}

/** Counts bytes written to it and fails once they exceed `cap`; keeps nothing. */
class CountingSink extends Writable {
  count = 0;
  constructor(private readonly cap: number) {
    super({ highWaterMark: CHUNK });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    this.count += chunk.length;
    cb(this.count > this.cap ? new CapExceeded() : null);
  }
}
class CapExceeded extends Error {}

export async function scanPdfObjects(path: string, limits: ScanLimits): Promise<ScanResult> {
  const streamFloor = limits.streamFloorBytes ?? 16 * 1024 * 1024;
  const totalFloor = limits.totalFloorBytes ?? 256 * 1024 * 1024;
  const maxObject = limits.maxObjectBytes ?? 16 * 1024 * 1024;
  const fh = await open(path, "r");
  try {
    const fileSize = (await fh.stat()).size;
    const totalCap = Math.max(limits.ratio * fileSize, totalFloor);
    let totalDecoded = 0;
    let streams = 0;

    let buf: Buffer = Buffer.alloc(0);
    let bufPos = 0; // file offset of buf[0]
    let i = 0;
    let eof = false;

    const more = async () => {
      // Drop what is consumed, then append the next chunk.
      if (i > 0) {
        buf = buf.subarray(i);
        bufPos += i;
        i = 0;
      }
      if (buf.length > maxObject) {
        throw new ScanStop({ ok: false, reason: "malformed", detail: "object too large" });
      }
      const chunk = Buffer.alloc(CHUNK);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, bufPos + buf.length);
      if (bytesRead === 0) eof = true;
      else buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
    };

    // Parser state: nesting of the current object; in its top-level dictionary the key whose
    // value comes next (null while a key is awaited), /Length and /Filter of a stream.
    const stack: ("d" | "a")[] = [];
    let key: string | null = null;
    let length: number | null = null;
    let filters: string[] = [];
    let expectEndstream = false;
    const resetObject = () => {
      stack.length = 0;
      key = null;
      length = null;
      filters = [];
    };

    for (;;) {
      const lexed = lex(buf, i, eof);
      if (!lexed) {
        await more();
        continue;
      }
      const { tok, end } = lexed;
      if (!tok) break; // end of file
      i = end;
      if (expectEndstream) {
        if (!(tok.t === "kw" && tok.v === "endstream")) {
          throw new ScanStop({ ok: false, reason: "malformed", detail: "endstream missing" });
        }
        expectEndstream = false;
        continue;
      }

      const depth1 = stack.length === 1 && stack[0] === "d";
      switch (tok.t) {
        case "name": {
          const kind = ACTIVE_NAMES[tok.v];
          if (kind) throw new ScanStop({ ok: false, reason: "active", kind });
          if (depth1) {
            if (key === null) {
              key = tok.v;
            } else {
              if (key === "Filter") filters = [tok.v];
              key = null;
            }
          } else if (stack.length === 2 && stack[0] === "d" && stack[1] === "a" && key === "Filter") {
            filters.push(tok.v);
          }
          break;
        }
        case "num":
          // The value of the key; the "0 R" of an indirect reference then passes with key null.
          if (depth1 && key !== null) {
            if (key === "Length") length = tok.v;
            key = null;
          }
          break;
        case "string":
          if (depth1) key = null;
          break;
        case "open-dict":
        case "open-array":
          stack.push(tok.t === "open-dict" ? "d" : "a");
          break;
        case "close-dict":
        case "close-array":
          stack.pop();
          // A dictionary or array value of the top-level dictionary has ended.
          if (stack.length === 1 && stack[0] === "d") key = null;
          break;
        case "kw":
          if (tok.v === "obj" || tok.v === "endobj") {
            resetObject();
          } else if (tok.v === "stream") {
            const dataStart = await streamDataStart();
            if (length === null || !Number.isInteger(length) || length < 0 || dataStart + length > fileSize) {
              throw new ScanStop({ ok: false, reason: "malformed", detail: "stream length" });
            }
            streams++;
            const decoded = await measureStream(dataStart, length, filters);
            totalDecoded += decoded;
            if (totalDecoded > totalCap) {
              throw new ScanStop({
                ok: false,
                reason: "bomb",
                decodedBytes: totalDecoded,
                encodedBytes: fileSize,
              });
            }
            // Continue right after the data: "endstream" must follow. Within the buffer the
            // cursor moves; otherwise reading resumes at that offset.
            const after = dataStart + length;
            if (after <= bufPos + buf.length) {
              i = after - bufPos;
            } else {
              buf = Buffer.alloc(0);
              bufPos = after;
              i = 0;
              eof = false;
            }
            expectEndstream = true;
            resetObject();
          } else if (depth1 && key !== null) {
            key = null; // true, false, null
          }
          break;
      }
    }
    return { ok: true, decodedBytes: totalDecoded, streams };

    /** The offset of the first data byte after the keyword "stream" (CRLF or LF). */
    async function streamDataStart(): Promise<number> {
      while (buf.length - i < 2 && !eof) await more();
      if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return bufPos + i + 2;
      if (buf[i] === 0x0a || buf[i] === 0x0d) return bufPos + i + 1;
      return bufPos + i;
    }

    /** Decoded size of one stream, inflating its leading FlateDecode filters with a cap. */
    async function measureStream(start: number, len: number, chain: string[]): Promise<number> {
      const flates = chain.findIndex((f) => f !== "FlateDecode");
      const leading = flates < 0 ? chain.length : flates;
      const laterExpanders = chain.slice(leading).filter((f) => EXPANDING.has(f)).length;
      if (leading + laterExpanders >= 2 && laterExpanders > 0) {
        // e.g. [/LZWDecode /FlateDecode]: two expanding stages we cannot bound.
        throw new ScanStop({ ok: false, reason: "nested-compression" });
      }
      if (leading === 0) {
        // A lone LZW or RunLength stream: its decoded size is counted without decoding.
        if (chain.length === 1 && (chain[0] === "LZWDecode" || chain[0] === "RunLengthDecode")) {
          return countOther(start, len, chain[0], Math.max(limits.ratio * len, streamFloor));
        }
        return len;
      }
      const cap = Math.max(limits.ratio * len, streamFloor);
      if (len <= SMALL_STREAM) return inflateSmall(start, len, leading, cap);
      const sink = new CountingSink(cap);
      const stages = Array.from({ length: leading }, () => createInflate({ chunkSize: 64 * 1024 }));
      try {
        await pipeline([rangeReader(start, len), ...stages, sink]);
      } catch (err) {
        if (err instanceof CapExceeded) {
          throw new ScanStop({ ok: false, reason: "bomb", decodedBytes: sink.count, encodedBytes: len });
        }
        // Damaged deflate data: what decoded so far counts; qpdf --check judges the damage.
      }
      return sink.count;
    }

    /**
     * Most streams are small (page contents, fonts): one read and a synchronous inflate per stage
     * whose output zlib itself stops at the cap (maxOutputLength), instead of a stream pipeline.
     */
    async function inflateSmall(start: number, len: number, stages: number, cap: number): Promise<number> {
      let data: Buffer;
      if (start >= bufPos && start + len <= bufPos + buf.length) {
        data = buf.subarray(start - bufPos, start - bufPos + len);
      } else {
        const raw = Buffer.alloc(len);
        const { bytesRead } = await fh.read(raw, 0, len, start);
        data = raw.subarray(0, bytesRead);
      }
      for (let s = 0; s < stages; s++) {
        try {
          data = inflateSync(data, { maxOutputLength: cap, finishFlush: zlibConstants.Z_SYNC_FLUSH });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
            throw new ScanStop({ ok: false, reason: "bomb", decodedBytes: cap, encodedBytes: len });
          }
          return data.length; // damaged deflate data: qpdf --check judges the damage
        }
      }
      return data.length;
    }

    async function countOther(start: number, len: number, filter: string, cap: number): Promise<number> {
      const counter = filter === "LZWDecode" ? new LzwCounter() : new RunLengthCounter();
      for await (const chunk of rangeReader(start, len)) {
        counter.feed(chunk as Buffer);
        if (counter.count > cap) {
          throw new ScanStop({ ok: false, reason: "bomb", decodedBytes: counter.count, encodedBytes: len });
        }
        if (counter.done) break;
      }
      return counter.count;
    }

    function rangeReader(start: number, len: number): Readable {
      let pos = start;
      const endPos = start + len;
      return new Readable({
        highWaterMark: 64 * 1024,
        async read() {
          if (pos >= endPos) {
            this.push(null);
            return;
          }
          const size = Math.min(64 * 1024, endPos - pos);
          const chunk = Buffer.alloc(size);
          try {
            const { bytesRead } = await fh.read(chunk, 0, size, pos);
            if (bytesRead === 0) {
              this.push(null);
              return;
            }
            pos += bytesRead;
            this.push(chunk.subarray(0, bytesRead));
          } catch (err) {
            this.destroy(err as Error);
          }
        },
      });
    }
  } catch (err) {
    if (err instanceof ScanStop) return err.result;
    throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Decoded length of LZWDecode data (ISO 32000-1, 7.4.4; EarlyChange 1) without producing it:
 * each code's string is one byte longer than its prefix's, so lengths are all that is kept.
 */
class LzwCounter {
  count = 0;
  done = false;
  private readonly lengths = new Uint32Array(4097);
  private next = 258;
  private width = 9;
  private prev = -1;
  private bits = 0;
  private nbits = 0;
  feed(chunk: Buffer) {
    for (const byte of chunk) {
      if (this.done) return;
      this.bits = ((this.bits << 8) | byte) & 0xffffff;
      this.nbits += 8;
      while (this.nbits >= this.width && !this.done) {
        const code = (this.bits >>> (this.nbits - this.width)) & ((1 << this.width) - 1);
        this.nbits -= this.width;
        this.code(code);
      }
    }
  }
  private code(code: number) {
    if (code === 256) {
      this.next = 258;
      this.width = 9;
      this.prev = -1;
      return;
    }
    if (code === 257) {
      this.done = true;
      return;
    }
    let len: number;
    if (code < 256) len = 1;
    else if (code < this.next) len = this.lengths[code] as number;
    else if (code === this.next && this.prev >= 0) len = this.lenOf(this.prev) + 1;
    else {
      this.done = true; // corrupt: stop counting
      return;
    }
    this.count += len;
    if (this.prev >= 0 && this.next < 4096) {
      this.lengths[this.next] = this.lenOf(this.prev) + 1;
      this.next++;
    }
    this.prev = code;
    // EarlyChange 1: the width grows one code early.
    if (this.next + 1 >= 1 << this.width && this.width < 12) this.width++;
  }
  private lenOf(code: number) {
    return code < 256 ? 1 : (this.lengths[code] as number);
  }
}

/** Decoded length of RunLengthDecode data (7.4.5) without producing it. */
class RunLengthCounter {
  count = 0;
  done = false;
  private skip = 0; // literal bytes still to pass
  private repeat = 0; // 1 when the next byte is a repeated one
  feed(chunk: Buffer) {
    for (const byte of chunk) {
      if (this.done) return;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.repeat > 0) {
        this.repeat = 0;
        continue;
      }
      if (byte === 128) this.done = true;
      else if (byte < 128) {
        this.count += byte + 1;
        this.skip = byte + 1;
      } else {
        this.count += 257 - byte;
        this.repeat = 1;
      }
    }
  }
}
