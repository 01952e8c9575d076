import { once } from "node:events";
import { open } from "node:fs/promises";
import { PassThrough, Readable, Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflate, inflateSync, constants as zlibConstants } from "node:zlib";

/**
 * Walks a PDF that qpdf has rewritten into plain objects (`--object-streams=disable
 * --stream-data=preserve`: every object uncompressed and in order, names in canonical form,
 * every stream with a direct /Length) and reports
 *
 *   - active content: the names that make a viewer run or open something (JavaScript, Launch,
 *     embedded files and file-attachment annotations, XFA forms, RichMedia/Movie/Sound);
 *   - decompression bombs: every stream is decoded through its filter chain — FlateDecode,
 *     LZWDecode, RunLengthDecode, ASCIIHexDecode, ASCII85Decode in any order and number — in
 *     chunks, each stage's output counted and dropped at once; the walk stops as soon as a stage
 *     yields more than max(ratio × the stream's encoded length, floor) or the whole file more than
 *     max(ratio × file size, total floor). Image codecs (DCT, JPX, CCITT, JBIG2) end the chain
 *     (their data is not expanded here); an expanding filter after one of them is refused.
 *   - inline images (BI … ID … EI) inside content streams: their dictionary is read, their data
 *     decoded with the same bounded decoders and limits, and their dimensions checked;
 *   - image XObjects whose /Width × /Height exceed the pixel limit (from the dictionary, before
 *     anything decodes them);
 *   - archivability facts for the upload's warning (issue 13): fonts not embedded, transparency,
 *     optional content (layers), and whether an XMP metadata stream carries a PDF/A identification.
 *
 * Only dictionaries and arrays are tokenised: stream data is never read as PDF syntax, so bytes
 * of an image or font cannot look like a name. Strings are skipped properly, so the text
 * "(/JavaScript)" in a title is not a finding. Memory stays at a few chunks per stream.
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

/** Filters we decode (full and abbreviated names, ISO 32000-1 7.4 and 8.9.7). */
const DECODABLE: Record<string, Filter> = {
  FlateDecode: "flate",
  Fl: "flate",
  LZWDecode: "lzw",
  LZW: "lzw",
  RunLengthDecode: "rle",
  RL: "rle",
  ASCIIHexDecode: "hex",
  AHx: "hex",
  ASCII85Decode: "a85",
  A85: "a85",
};
type Filter = "flate" | "lzw" | "rle" | "hex" | "a85";
/** Filters that expand data; after an image codec (which ends what we decode) they are refused. */
const EXPANDING = new Set(["FlateDecode", "Fl", "LZWDecode", "LZW", "RunLengthDecode", "RL"]);

export interface ScanLimits {
  /** decoded/encoded bytes per stream, beyond `streamFloorBytes`. */
  ratio: number;
  /** A stream that decodes to at most this many bytes is never a finding (a blank page compresses 1000:1). */
  streamFloorBytes?: number;
  /** Decoded bytes of the whole file may reach max(ratio × file size, this). */
  totalFloorBytes?: number;
  /** Largest object outside stream data (a dictionary or array), in bytes. */
  maxObjectBytes?: number;
  /** Pixels of one image (XObject or inline image), from its dictionary; unlimited when absent. */
  maxImagePixels?: number;
  /**
   * Scan the uploaded file itself instead of qpdf's plain rewrite (saves copying every byte).
   * Only valid when the result is the same as for the rewrite: every object lies outside object
   * streams, every /Length is direct, and every in-use entry of the classic cross-reference
   * tables points at an object this walk parsed (so no reader finds an object hidden inside
   * another one's stream data). Anything else answers "rewrite-needed".
   */
  direct?: boolean;
}

/** What the scan saw that matters for archiving (PDF/A); never a refusal. */
export interface ArchiveFacts {
  /** Base names of fonts whose program is not in the file (subset prefix removed), sorted. */
  fontsNotEmbedded: string[];
  /** A transparency group, soft mask, constant alpha below 1 or a blend mode other than Normal. */
  transparency: boolean;
  /** Optional content (layers): /OCProperties in the catalog. */
  layers: boolean;
  /** An XMP metadata stream with a PDF/A identification (pdfaid:part). */
  pdfaId: boolean;
}

export type ScanResult =
  | { ok: true; decodedBytes: number; streams: number; inlineImages: number; facts: ArchiveFacts }
  | { ok: false; reason: "active"; kind: ActiveContentKind }
  | { ok: false; reason: "bomb"; decodedBytes: number; encodedBytes: number }
  | { ok: false; reason: "nested-compression" }
  | { ok: false; reason: "image-too-large"; width: number; height: number }
  | { ok: false; reason: "malformed"; detail: string }
  | { ok: false; reason: "rewrite-needed"; detail: string };

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
/** Where the last word (number or keyword) returned by lex began in its buffer. */
let lexStart = 0;

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
  lexStart = i;
  const num = Number(word);
  if (word !== "" && Number.isFinite(num)) return { tok: { t: "num", v: num }, end: j };
  return { tok: { t: "kw", v: word }, end: j };
}

// ---- bounded decoders ------------------------------------------------------------------------

/** A stage's output went beyond its cap. */
class CapExceeded extends Error {
  constructor(readonly count: number) {
    super("cap exceeded");
  }
}

/**
 * An incremental decoder: `push` decodes a chunk, `end` flushes; output goes to `out` in pieces of
 * at most OUT_CHUNK bytes. `done` once the filter's end-of-data marker was seen (the rest of the
 * input is ignored, as readers do).
 */
interface Decoder {
  push(chunk: Buffer, out: (piece: Buffer) => void): void;
  end(out: (piece: Buffer) => void): void;
  done: boolean;
}

const OUT_CHUNK = 64 * 1024;

/** Collects output bytes and hands them on in pieces. */
class Out {
  private buf = Buffer.allocUnsafe(OUT_CHUNK);
  private n = 0;
  constructor(private readonly out: (piece: Buffer) => void) {}
  byte(b: number) {
    this.buf[this.n++] = b;
    if (this.n === OUT_CHUNK) this.flush();
  }
  flush() {
    if (this.n === 0) return;
    this.out(Buffer.from(this.buf.subarray(0, this.n)));
    this.n = 0;
  }
}

/** ASCIIHexDecode (7.4.2): hex digit pairs, whitespace ignored, ">" ends the data. */
class HexDecoder implements Decoder {
  done = false;
  private high = -1;
  push(chunk: Buffer, out: (piece: Buffer) => void) {
    const o = new Out(out);
    for (const c of chunk) {
      if (this.done) break;
      if (isWhite(c)) continue;
      if (c === 0x3e) {
        this.done = true;
        break;
      }
      const v = hexValue(c);
      if (v < 0) throw new DamagedData();
      if (this.high < 0) this.high = v;
      else {
        o.byte((this.high << 4) | v);
        this.high = -1;
      }
    }
    o.flush();
  }
  end(out: (piece: Buffer) => void) {
    if (this.high >= 0) out(Buffer.from([this.high << 4]));
    this.high = -1;
  }
}
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** ASCII85Decode (7.4.3): groups of five characters "!".."u" → four bytes, "z" → four zeros, "~>" ends. */
class A85Decoder implements Decoder {
  done = false;
  private group: number[] = [];
  private tilde = false;
  push(chunk: Buffer, out: (piece: Buffer) => void) {
    const o = new Out(out);
    for (const c of chunk) {
      if (this.done) break;
      if (this.tilde) {
        if (c !== 0x3e) throw new DamagedData();
        this.done = true;
        this.finish(o);
        break;
      }
      if (isWhite(c)) continue;
      if (c === 0x7e) {
        this.tilde = true;
        continue;
      }
      if (c === 0x7a && this.group.length === 0) {
        for (let k = 0; k < 4; k++) o.byte(0);
        continue;
      }
      if (c < 0x21 || c > 0x75) throw new DamagedData();
      this.group.push(c - 0x21);
      if (this.group.length === 5) {
        let v = 0;
        for (const d of this.group) v = v * 85 + d;
        if (v > 0xffffffff) throw new DamagedData();
        o.byte((v >>> 24) & 0xff);
        o.byte((v >>> 16) & 0xff);
        o.byte((v >>> 8) & 0xff);
        o.byte(v & 0xff);
        this.group = [];
      }
    }
    o.flush();
  }
  end(out: (piece: Buffer) => void) {
    const o = new Out(out);
    this.finish(o);
    o.flush();
  }
  /** A final partial group of n characters yields n − 1 bytes. */
  private finish(o: Out) {
    const n = this.group.length;
    if (n === 0) return;
    if (n === 1) throw new DamagedData();
    let v = 0;
    for (let k = 0; k < 5; k++) v = v * 85 + (k < n ? (this.group[k] as number) : 84);
    for (let k = 0; k < n - 1; k++) o.byte((v >>> (24 - 8 * k)) & 0xff);
    this.group = [];
  }
}

/** RunLengthDecode (7.4.5). */
class RleDecoder implements Decoder {
  done = false;
  private literal = 0; // literal bytes still to copy
  private repeat = 0; // copies of the next byte
  push(chunk: Buffer, out: (piece: Buffer) => void) {
    const o = new Out(out);
    for (const byte of chunk) {
      if (this.done) break;
      if (this.literal > 0) {
        o.byte(byte);
        this.literal--;
      } else if (this.repeat > 0) {
        for (let k = 0; k < this.repeat; k++) o.byte(byte);
        this.repeat = 0;
      } else if (byte === 128) this.done = true;
      else if (byte < 128) this.literal = byte + 1;
      else this.repeat = 257 - byte;
    }
    o.flush();
  }
  end() {}
}

/** LZWDecode (7.4.4), EarlyChange 1: a string table of (prefix code, last byte) pairs. */
class LzwDecoder implements Decoder {
  done = false;
  private readonly prefix = new Int16Array(4097);
  private readonly suffix = new Uint8Array(4097);
  private readonly first = new Uint8Array(4097);
  private readonly lengths = new Uint16Array(4097);
  private readonly stack = new Uint8Array(4097);
  private next = 258;
  private width = 9;
  private prev = -1;
  private bits = 0;
  private nbits = 0;
  constructor() {
    for (let c = 0; c < 256; c++) {
      this.suffix[c] = c;
      this.first[c] = c;
      this.lengths[c] = 1;
      this.prefix[c] = -1;
    }
  }
  push(chunk: Buffer, out: (piece: Buffer) => void) {
    const o = new Out(out);
    for (const byte of chunk) {
      if (this.done) break;
      this.bits = ((this.bits << 8) | byte) & 0xffffff;
      this.nbits += 8;
      while (this.nbits >= this.width && !this.done) {
        const code = (this.bits >>> (this.nbits - this.width)) & ((1 << this.width) - 1);
        this.nbits -= this.width;
        this.code(code, o);
      }
    }
    o.flush();
  }
  end() {}
  private code(code: number, o: Out) {
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
    let firstByte: number;
    if (code < this.next && (code < 256 || code >= 258)) {
      this.emit(code, o);
      firstByte = this.first[code] as number;
    } else if (code === this.next && this.prev >= 0) {
      // KwKwK: the previous string plus its own first byte.
      firstByte = this.first[this.prev] as number;
      this.emit(this.prev, o);
      o.byte(firstByte);
    } else {
      throw new DamagedData();
    }
    if (this.prev >= 0 && this.next < 4096) {
      this.prefix[this.next] = this.prev;
      this.suffix[this.next] = firstByte;
      this.first[this.next] = this.first[this.prev] as number;
      this.lengths[this.next] = (this.lengths[this.prev] as number) + 1;
      this.next++;
    }
    this.prev = code;
    // EarlyChange 1: the width grows one code early.
    if (this.next + 1 >= 1 << this.width && this.width < 12) this.width++;
  }
  private emit(code: number, o: Out) {
    let n = 0;
    for (let c = code; c >= 0; c = this.prefix[c] as number) this.stack[n++] = this.suffix[c] as number;
    while (n > 0) o.byte(this.stack[--n] as number);
  }
}

/** The filter's data is damaged: what decoded so far counts; qpdf --check judges the damage. */
class DamagedData extends Error {}

function newDecoder(f: Exclude<Filter, "flate">): Decoder {
  switch (f) {
    case "lzw":
      return new LzwDecoder();
    case "rle":
      return new RleDecoder();
    case "hex":
      return new HexDecoder();
    case "a85":
      return new A85Decoder();
  }
}

/**
 * Decodes `data` through `chain` in memory, each stage's output capped at `cap` (CapExceeded).
 * For small streams and inline images. Damaged data ends the chain with what decoded so far.
 */
function decodeSync(data: Buffer, chain: Filter[], cap: number): Buffer {
  let cur = data;
  for (const f of chain) {
    if (f === "flate") {
      try {
        cur = inflateSync(cur, { maxOutputLength: cap, finishFlush: zlibConstants.Z_SYNC_FLUSH });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw new CapExceeded(cap + 1);
        return cur; // damaged deflate data
      }
      continue;
    }
    const pieces: Buffer[] = [];
    let n = 0;
    const out = (p: Buffer) => {
      n += p.length;
      if (n > cap) throw new CapExceeded(n);
      pieces.push(p);
    };
    const d = newDecoder(f);
    try {
      d.push(cur, out);
      d.end(out);
    } catch (err) {
      if (!(err instanceof DamagedData)) throw err;
      cur = Buffer.concat(pieces, n);
      return cur;
    }
    cur = Buffer.concat(pieces, n);
  }
  return cur;
}

/** One stage of a streaming chain: decodes, counts its output against `cap`, keeps nothing. */
function decoderStage(f: Filter, cap: number): Transform {
  let count = 0;
  const counted = (t: Transform) => (p: Buffer) => {
    count += p.length;
    if (count > cap) throw new CapExceeded(count);
    t.push(p);
  };
  if (f === "flate") {
    const inflate = createInflate({ chunkSize: OUT_CHUNK });
    const t = new Transform({
      transform(chunk: Buffer, _enc, cb: TransformCallback) {
        if (!inflate.write(chunk)) inflate.once("drain", () => cb());
        else cb();
      },
      flush(cb: TransformCallback) {
        inflate.end();
        inflate.once("end", () => cb());
      },
    });
    const push = counted(t);
    inflate.on("data", (p: Buffer) => {
      try {
        push(p);
      } catch (err) {
        inflate.destroy();
        t.destroy(err as Error);
      }
    });
    // Damaged deflate data: end this stage quietly with what decoded so far.
    inflate.on("error", () => t.push(null));
    return t;
  }
  const d = newDecoder(f);
  let broken = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (broken || d.done) return cb();
      try {
        d.push(chunk, counted(this));
      } catch (err) {
        if (!(err instanceof DamagedData)) return cb(err as Error);
        broken = true;
      }
      cb();
    },
    flush(cb: TransformCallback) {
      try {
        if (!broken) d.end(counted(this));
      } catch (err) {
        if (!(err instanceof DamagedData)) return cb(err as Error);
      }
      cb();
    },
  });
}

/** The chain's final output: counted against `cap`, shown to `inspect` (inline images, XMP), dropped. */
class Sink extends Writable {
  count = 0;
  constructor(
    private readonly cap: number,
    private readonly inspect: ((chunk: Buffer) => Promise<void>) | null,
  ) {
    super({ highWaterMark: CHUNK });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    this.count += chunk.length;
    if (this.count > this.cap) return cb(new CapExceeded(this.count));
    if (!this.inspect) return cb();
    this.inspect(chunk).then(
      () => cb(),
      (err: Error) => cb(err),
    );
  }
}

// ---- dictionaries ----------------------------------------------------------------------------

/** What the scan keeps of one dictionary: its keys, and its name and number values. */
interface DictFrame {
  key: string | null;
  keys: Set<string>;
  names: Map<string, string>;
  nums: Map<string, number>;
}
function newFrame(): DictFrame {
  return { key: null, keys: new Set(), names: new Map(), nums: new Map() };
}

const SIMPLE_FONTS = new Set(["Type1", "TrueType", "MMType1"]);
const FONT_FILES = ["FontFile", "FontFile2", "FontFile3"];

/** Records what a closed dictionary says about archivability. */
function noteFacts(d: DictFrame, facts: MutableFacts) {
  const type = d.names.get("Type");
  if (type === "FontDescriptor" || (d.keys.has("FontName") && d.keys.has("Flags"))) {
    if (!FONT_FILES.some((k) => d.keys.has(k)))
      facts.fontsNotEmbedded.add(baseFontName(d.names.get("FontName")));
  } else if (
    type === "Font" &&
    SIMPLE_FONTS.has(d.names.get("Subtype") ?? "") &&
    !d.keys.has("FontDescriptor")
  ) {
    // A simple font without a descriptor: one of the standard 14, never embedded.
    facts.fontsNotEmbedded.add(baseFontName(d.names.get("BaseFont")));
  }
  if (
    d.names.get("S") === "Transparency" &&
    (type === "Group" || d.keys.has("CS") || d.keys.has("I") || type === undefined)
  ) {
    facts.transparency = true;
  }
  if (d.keys.has("SMask") && d.names.get("SMask") !== "None") facts.transparency = true;
  for (const k of ["CA", "ca"]) {
    const v = d.nums.get(k);
    if (v !== undefined && v < 1) facts.transparency = true;
  }
  const bm = d.names.get("BM");
  if (bm && bm !== "Normal" && bm !== "Compatible") facts.transparency = true;
  if (d.keys.has("OCProperties")) facts.layers = true;
}
function baseFontName(name: string | undefined): string {
  if (!name) return "(ohne Namen)";
  return name.replace(/^[A-Z]{6}\+/, "");
}

interface MutableFacts {
  fontsNotEmbedded: Set<string>;
  transparency: boolean;
  layers: boolean;
  pdfaId: boolean;
}

/** A stream whose data is a content stream (page contents or a form XObject): may hold inline images. */
function isContentStream(d: DictFrame | null): boolean {
  if (!d) return false;
  if (d.names.get("Subtype") === "Form") return true;
  return (
    !d.keys.has("Type") &&
    !d.keys.has("Subtype") &&
    !d.keys.has("N") &&
    !d.keys.has("Length1") &&
    !d.keys.has("Length2")
  );
}

// ---- inline images -----------------------------------------------------------------------------

const MAX_INLINE_DICT_BYTES = 16 * 1024;

const INLINE_KEYS: Record<string, string> = {
  F: "Filter",
  W: "Width",
  H: "Height",
  BPC: "BitsPerComponent",
  CS: "ColorSpace",
  IM: "ImageMask",
};
const INLINE_COMPONENTS: Record<string, number> = {
  G: 1,
  DeviceGray: 1,
  CalGray: 1,
  RGB: 3,
  DeviceRGB: 3,
  CalRGB: 3,
  CMYK: 4,
  DeviceCMYK: 4,
  I: 1,
  Indexed: 1,
};

/**
 * Finds inline images in a content stream fed chunk by chunk (strings and comments skipped, so
 * "(BI)" is text) and checks each: dimensions against the pixel limit, data decoded with the
 * bounded decoders (ratio and floor as for a stream, counted into the file's total).
 *
 * An inline image's data is never held: it streams through the same decoder stages as a stream
 * (each capped by what is left of the file's decode budget) while its end marker is looked for,
 * keeping only the last three bytes (a marker may span chunks). So a scanned plan with inline
 * images of many megabytes passes like one with image XObjects; a bomb is refused by the ratio.
 */
class InlineImageScanner {
  images = 0;
  private state: "ops" | "string" | "comment" | "dict" | "data" = "ops";
  private depth = 0; // string nesting
  private escape = false;
  /** The current word: its length and first two bytes ("BI" is all that matters). */
  private tokLen = 0;
  private tok0 = 0;
  private tok1 = 0;
  private prev = 0x20; // byte before the current token
  private dict: number[] = [];
  /** Bytes after unfiltered data while looking for "EI" (at most 65). */
  private data: number[] = [];
  private dataFilters: Filter[] = [];
  private rawLeft = -1; // unfiltered data: bytes still to skip
  private afterData = false;
  /** Filtered data: the decoder stages it streams through (null: nothing to decode). */
  private decode: StreamingDecode | null = null;
  /** Filtered data: its bytes so far, and the held-back bytes that may start the end marker. */
  private encoded = 0;
  private tail: Buffer = Buffer.alloc(0);
  /** Unfiltered data: counted from its dictionary at the start. */
  private rawCounted = false;
  constructor(
    private readonly limits: {
      ratio: number;
      floor: number;
      maxPixels: number;
      /** Decoded bytes the file may still produce (its total cap minus what was decoded). */
      budget: () => number;
    },
    private readonly onDecoded: (decoded: number, encoded: number) => void,
  ) {}

  async feed(chunk: Buffer): Promise<void> {
    try {
      await this.feedChunk(chunk);
    } catch (err) {
      this.decode?.abort();
      this.decode = null;
      throw err;
    }
  }

  private async feedChunk(chunk: Buffer) {
    const n = chunk.length;
    // Next positions of "(", "%" and "BI" in this chunk (-2 = not looked up yet, -1 = none).
    let nextParen = -2;
    let nextPercent = -2;
    let nextBI = -2;
    for (let i = 0; i < n; i++) {
      if (this.state === "data") {
        // The image data in bulk; processing goes on where the data ended ("EI" is consumed).
        i = (await this.feedData(chunk, i)) - 1;
        continue;
      }
      if (this.state === "ops" && this.tokLen === 0) {
        // Fast path: most of a content stream is operators and numbers; jump (native indexOf)
        // to the next byte that can change the state instead of looking at every byte.
        if (nextParen !== -1 && nextParen < i) nextParen = chunk.indexOf(0x28, i);
        if (nextPercent !== -1 && nextPercent < i) nextPercent = chunk.indexOf(0x25, i);
        if (nextBI !== -1 && nextBI < i) nextBI = chunk.indexOf("BI", i, "latin1");
        let k = n;
        for (const p of [nextParen, nextPercent, nextBI]) if (p >= 0 && p < k) k = p;
        if (k === n) {
          // Nothing here; the last two bytes go the slow way (a token may go on in the next chunk).
          const tail = Math.max(i, n - 2);
          if (tail > i) {
            const before = chunk[tail - 1] as number;
            if (isWhite(before) || isDelim(before)) this.prev = before;
            else this.tokLen = 3; // inside a longer word: not "BI"
          }
          i = tail;
        } else if (k === nextBI) {
          const before = k > i ? (chunk[k - 1] as number) : i > 0 ? (chunk[i - 1] as number) : this.prev;
          const isToken = (isWhite(before) || isDelim(before)) && before !== 0x2f;
          if (isToken && k + 2 < n && (isWhite(chunk[k + 2]) || isDelim(chunk[k + 2]))) {
            this.state = "dict";
            this.dict = [];
            i = k + 1; // the loop moves on to the byte after "BI": the dictionary's first byte
            continue;
          }
          if (isToken && k + 2 >= n) {
            // "BI" at the very end: the slow path decides with the next chunk.
            this.prev = before;
            i = k;
          } else {
            i = k + 1; // a word containing "BI": skip it
            if (!(isWhite(chunk[i]) || isDelim(chunk[i]))) this.tokLen = 3;
            else continue;
          }
        } else {
          i = k; // "(" or "%": the slow path enters the string or comment
        }
        if (i >= n) break;
      }
      const c = chunk[i] as number;
      switch (this.state) {
        case "string":
          if (this.escape) this.escape = false;
          else if (c === 0x5c) this.escape = true;
          else if (c === 0x28) this.depth++;
          else if (c === 0x29 && --this.depth === 0) this.state = "ops";
          break;
        case "comment":
          if (c === 0x0a || c === 0x0d) this.state = "ops";
          break;
        case "dict":
          this.dict.push(c);
          if (this.dict.length > MAX_INLINE_DICT_BYTES)
            throw new ScanStop({ ok: false, reason: "malformed", detail: "inline image dictionary" });
          // "ID" as a token followed by one whitespace byte starts the data.
          if (
            isWhite(c) &&
            this.dict.length >= 3 &&
            this.dict[this.dict.length - 2] === 0x44 &&
            this.dict[this.dict.length - 3] === 0x49 &&
            (this.dict.length === 3 ||
              isWhite(this.dict[this.dict.length - 4]) ||
              isDelim(this.dict[this.dict.length - 4]))
          ) {
            this.startData(Buffer.from(this.dict.slice(0, -3)));
          }
          break;
        case "ops":
          if (c === 0x28) {
            this.endToken();
            this.state = "string";
            this.depth = 1;
            this.prev = 0x29; // what precedes the next word is the string's end
          } else if (c === 0x25) {
            this.endToken();
            this.state = "comment";
            this.prev = 0x0a;
          } else if (isWhite(c) || isDelim(c)) {
            // "BI/W 4 …": the delimiter already belongs to the dictionary.
            if (this.endToken() && !isWhite(c)) this.dict.push(c);
            this.prev = c;
          } else {
            if (this.tokLen === 0) this.tok0 = c;
            else if (this.tokLen === 1) this.tok1 = c;
            this.tokLen++;
          }
          break;
      }
    }
  }

  /** The stream ended: an image still open is damaged data (qpdf judges); nothing to count. */
  end() {
    this.decode?.abort();
    this.decode = null;
    this.endToken();
  }

  /**
   * Image data from chunk[i]: unfiltered data is skipped by its length, then "EI" is looked for;
   * filtered data goes to the decoders until whitespace "EI" and whitespace or a delimiter.
   * Returns where the content stream goes on (chunk.length: the whole chunk was data).
   */
  private async feedData(chunk: Buffer, i: number): Promise<number> {
    const n = chunk.length;
    if (this.rawLeft > 0) {
      const skip = Math.min(this.rawLeft, n - i);
      this.rawLeft -= skip;
      i += skip;
      if (this.rawLeft > 0) return n;
    }
    if (this.rawLeft === 0) {
      this.rawLeft = -1;
      this.afterData = true;
      this.data = [];
    }
    if (this.afterData) {
      // Unfiltered data ends where its dictionary says; "EI" follows (whitespace in between).
      while (i < n) {
        this.data.push(chunk[i++] as number);
        const m = this.data.length;
        if (m >= 2 && this.data[m - 2] === 0x45 && this.data[m - 1] === 0x49) {
          this.endImage();
          return i;
        }
        if (m > 64) {
          // The data was longer than its dictionary says (a lax producer): look for the end
          // marker as for filtered data (nothing left to decode).
          this.afterData = false;
          this.tail = Buffer.from(this.data);
          this.data = [];
          break;
        }
      }
      if (this.afterData) return n;
    }
    const held = this.tail.length;
    const view = held > 0 ? Buffer.concat([this.tail, chunk.subarray(i)]) : chunk.subarray(i);
    for (let from = 1; ; ) {
      const k = view.indexOf("EI", from, "latin1");
      if (k < 0 || k + 2 >= view.length) break; // not here, or its terminator is in the next chunk
      if (isWhite(view[k - 1]) && (isWhite(view[k + 2]) || isDelim(view[k + 2]))) {
        await this.writeData(view.subarray(0, k - 1));
        await this.finishData();
        this.endImage();
        return i + k + 2 - held; // the terminator is read as content again ("(" opens a string)
      }
      from = k + 1;
    }
    const keep = Math.min(3, view.length);
    await this.writeData(view.subarray(0, view.length - keep));
    this.tail = Buffer.from(view.subarray(view.length - keep));
    return n;
  }

  private async writeData(bytes: Buffer) {
    if (bytes.length === 0) return;
    this.encoded += bytes.length;
    try {
      await this.decode?.write(bytes);
    } catch (err) {
      throw this.asBomb(err);
    }
  }

  /** The data is complete: decoded size against max(ratio × encoded size, floor), as for a stream. */
  private async finishData() {
    const decode = this.decode;
    this.decode = null;
    if (!decode) {
      // Image codec data (DCT, JPX, …) counts with its encoded size, like such a stream; the
      // unfiltered data of a lax producer was counted from its dictionary already.
      if (!this.rawCounted) this.onDecoded(this.encoded, this.encoded);
      return;
    }
    let decoded: number;
    try {
      decoded = await decode.end();
    } catch (err) {
      throw this.asBomb(err);
    }
    if (decoded > Math.max(this.limits.ratio * this.encoded, this.limits.floor)) {
      throw new ScanStop({ ok: false, reason: "bomb", decodedBytes: decoded, encodedBytes: this.encoded });
    }
    this.onDecoded(decoded, this.encoded);
  }

  private asBomb(err: unknown): unknown {
    if (!(err instanceof CapExceeded)) return err;
    return new ScanStop({ ok: false, reason: "bomb", decodedBytes: err.count, encodedBytes: this.encoded });
  }

  /** Ends the current word; true when it was the operator BI (the dictionary follows). */
  private endToken(): boolean {
    const bi = this.tokLen === 2 && this.tok0 === 0x42 && this.tok1 === 0x49 && this.prev !== 0x2f;
    if (bi) {
      this.state = "dict";
      this.dict = [];
    }
    this.tokLen = 0;
    return bi;
  }

  private startData(dictBytes: Buffer) {
    const values = parseInlineDict(dictBytes);
    const width = values.nums.get("Width") ?? 0;
    const height = values.nums.get("Height") ?? 0;
    if (width * height > this.limits.maxPixels) {
      throw new ScanStop({ ok: false, reason: "image-too-large", width, height });
    }
    this.images++;
    this.dataFilters = [];
    let undecodable = false;
    for (const f of values.filters) {
      const known = DECODABLE[f];
      if (known && !undecodable) this.dataFilters.push(known);
      else if (EXPANDING.has(f)) throw new ScanStop({ ok: false, reason: "nested-compression" });
      else undecodable = true;
    }
    this.data = [];
    this.afterData = false;
    this.encoded = 0;
    this.tail = Buffer.alloc(0);
    this.rawCounted = values.filters.length === 0;
    this.decode =
      this.dataFilters.length > 0
        ? new StreamingDecode(this.dataFilters, Math.max(0, this.limits.budget()))
        : null;
    if (values.filters.length === 0) {
      const mask = values.names.get("ImageMask") === "true";
      const bpc = mask ? 1 : (values.nums.get("BitsPerComponent") ?? 8);
      const comps = mask ? 1 : (INLINE_COMPONENTS[values.names.get("ColorSpace") ?? "G"] ?? 1);
      this.rawLeft = height * Math.ceil((width * bpc * comps) / 8);
      this.onDecoded(this.rawLeft, this.rawLeft);
    } else {
      this.rawLeft = -1;
    }
    this.state = "data";
  }

  private endImage() {
    this.data = [];
    this.tail = Buffer.alloc(0);
    this.afterData = false;
    this.state = "ops";
    this.prev = 0x20;
  }
}

/**
 * Data of unknown length pushed through decoder stages (decoderStage: each stage's output
 * counted against `cap`, CapExceeded beyond it) into a counting Sink; nothing is kept.
 */
class StreamingDecode {
  private readonly source = new PassThrough({ highWaterMark: OUT_CHUNK });
  private readonly sink: Sink;
  private readonly done: Promise<void>;
  private failure: unknown = null;
  constructor(chain: Filter[], cap: number) {
    this.sink = new Sink(cap, null);
    this.done = pipeline([this.source, ...chain.map((f) => decoderStage(f, cap)), this.sink]);
    this.done.catch((err: unknown) => {
      this.failure = err;
    });
  }
  async write(bytes: Buffer) {
    if (this.failure) throw this.failure;
    if (!this.source.write(bytes)) await Promise.race([once(this.source, "drain"), this.done]);
    if (this.failure) throw this.failure;
  }
  /** Decoded bytes in all; throws CapExceeded. */
  async end(): Promise<number> {
    this.source.end();
    await this.done;
    return this.sink.count;
  }
  abort() {
    this.source.destroy();
  }
}

/** The key/value pairs of an inline image dictionary (abbreviated keys expanded). */
function parseInlineDict(bytes: Buffer) {
  const names = new Map<string, string>();
  const nums = new Map<string, number>();
  const filters: string[] = [];
  let key: string | null = null;
  let inArray = false;
  let i = 0;
  for (;;) {
    const lexed = lex(bytes, i, true);
    if (!lexed?.tok) break;
    i = lexed.end;
    const tok = lexed.tok;
    if (tok.t === "open-array") inArray = true;
    else if (tok.t === "close-array") {
      inArray = false;
      key = null;
    } else if (key === null) {
      if (tok.t === "name") key = INLINE_KEYS[tok.v] ?? tok.v;
    } else if (key === "Filter" && tok.t === "name") {
      filters.push(tok.v);
      if (!inArray) key = null;
    } else {
      if (tok.t === "name") names.set(key, tok.v);
      else if (tok.t === "num") nums.set(key, tok.v);
      else if (tok.t === "kw") names.set(key, tok.v);
      if (!inArray) key = null;
    }
  }
  return { names, nums, filters };
}

// ---- the walk ----------------------------------------------------------------------------------

export async function scanPdfObjects(path: string, limits: ScanLimits): Promise<ScanResult> {
  const fh = await open(path, "r");
  try {
    const walk = new ObjectWalk(fh, (await fh.stat()).size, limits);
    await walk.run();
    if (limits.direct) await walk.checkXref();
    return walk.result();
  } catch (err) {
    if (err instanceof ScanStop) {
      // In direct mode a structure we cannot follow is qpdf's to sort out, not a verdict.
      if (limits.direct && err.result.reason === "malformed") {
        return { ok: false, reason: "rewrite-needed", detail: err.result.detail };
      }
      return err.result;
    }
    throw err;
  } finally {
    await fh.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

function needRewrite(detail: string): never {
  throw new ScanStop({ ok: false, reason: "rewrite-needed", detail });
}

/**
 * One walk over a PDF's objects for scanPdfObjects: the file is read in chunks through a small
 * tokenizer; every stream is measured (decoded, bounded) as it is met; the totals and facts are
 * kept here. A verdict other than "ok" stops the walk with a ScanStop.
 */
class ObjectWalk {
  private readonly streamFloor: number;
  private readonly totalCap: number;
  private readonly maxObject: number;
  private readonly maxPixels: number;
  private totalDecoded = 0;
  private streams = 0;
  private inlineImages = 0;
  private readonly facts: MutableFacts = {
    fontsNotEmbedded: new Set(),
    transparency: false,
    layers: false,
    pdfaId: false,
  };

  // The read window: buf holds the file from offset bufPos on; i is the tokenizer's position in it.
  private buf: Buffer = Buffer.alloc(0);
  private bufPos = 0;
  private i = 0;
  private eof = false;

  // Parser state: nesting of the current object (a frame per dictionary, null per array); the
  // object's top-level dictionary once closed (the stream dictionary when "stream" follows),
  // its /Filter chain.
  private readonly stack: (DictFrame | null)[] = [];
  private top: DictFrame | null = null;
  private filters: string[] = [];
  private expectEndstream = false;

  // Direct mode: file offset -> object number of every "N G obj" parsed at the top level.
  private readonly objectStarts = new Map<number, number>();
  private num1: { v: number; at: number } | null = null; // the last number token at the top level
  private num2: { v: number; at: number } | null = null; // the one before it

  constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
    private readonly limits: ScanLimits,
  ) {
    this.streamFloor = limits.streamFloorBytes ?? 16 * 1024 * 1024;
    this.maxObject = limits.maxObjectBytes ?? 16 * 1024 * 1024;
    this.maxPixels = limits.maxImagePixels ?? Number.POSITIVE_INFINITY;
    this.totalCap = Math.max(limits.ratio * fileSize, limits.totalFloorBytes ?? 256 * 1024 * 1024);
  }

  result(): ScanResult {
    return {
      ok: true,
      decodedBytes: this.totalDecoded,
      streams: this.streams,
      inlineImages: this.inlineImages,
      facts: {
        fontsNotEmbedded: [...this.facts.fontsNotEmbedded].sort((a, b) => a.localeCompare(b, "de")),
        transparency: this.facts.transparency,
        layers: this.facts.layers,
        pdfaId: this.facts.pdfaId,
      },
    };
  }

  private addDecoded(decoded: number, encoded: number) {
    this.totalDecoded += decoded;
    if (this.totalDecoded > this.totalCap) {
      throw new ScanStop({
        ok: false,
        reason: "bomb",
        decodedBytes: this.totalDecoded,
        encodedBytes: Math.max(encoded, this.fileSize),
      });
    }
  }

  /** Drops what is consumed, then appends the next chunk (or notes the end of the file). */
  private async more() {
    if (this.i > 0) {
      this.buf = this.buf.subarray(this.i);
      this.bufPos += this.i;
      this.i = 0;
    }
    if (this.buf.length > this.maxObject) {
      throw new ScanStop({ ok: false, reason: "malformed", detail: "object too large" });
    }
    const chunk = Buffer.alloc(CHUNK);
    const { bytesRead } = await this.fh.read(chunk, 0, CHUNK, this.bufPos + this.buf.length);
    if (bytesRead === 0) this.eof = true;
    else this.buf = Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]);
  }

  private resetObject() {
    this.stack.length = 0;
    this.top = null;
    this.filters = [];
  }

  /** A value (not a key) ended in the innermost dictionary. */
  private valueDone() {
    const f = this.stack[this.stack.length - 1];
    if (f) f.key = null;
  }

  async run(): Promise<void> {
    for (;;) {
      const lexed = lex(this.buf, this.i, this.eof);
      if (!lexed) {
        await this.more();
        continue;
      }
      const { tok, end } = lexed;
      if (!tok) break; // end of file
      this.i = end;
      if (this.expectEndstream) {
        if (!(tok.t === "kw" && tok.v === "endstream")) {
          throw new ScanStop({ ok: false, reason: "malformed", detail: "endstream missing" });
        }
        this.expectEndstream = false;
        continue;
      }
      if (this.limits.direct && this.stack.length === 0) this.noteObjectStart(tok);
      await this.onToken(tok);
    }
  }

  /** Direct mode: remembers where each top-level "N G obj" starts (checked against the xref). */
  private noteObjectStart(tok: Token) {
    if (tok.t === "num") {
      this.num2 = this.num1;
      this.num1 = { v: tok.v, at: this.bufPos + lexStart };
    } else {
      if (tok.t === "kw" && tok.v === "obj" && this.num1 && this.num2) {
        this.objectStarts.set(this.num2.at, this.num2.v);
      }
      this.num1 = null;
      this.num2 = null;
    }
  }

  private async onToken(tok: Token): Promise<void> {
    const stack = this.stack;
    const frame = stack.length > 0 ? stack[stack.length - 1] : undefined;
    switch (tok.t) {
      case "name": {
        const kind = ACTIVE_NAMES[tok.v];
        if (kind) throw new ScanStop({ ok: false, reason: "active", kind });
        if (frame) {
          if (frame.key === null) {
            frame.key = tok.v;
            frame.keys.add(tok.v);
          } else {
            frame.names.set(frame.key, tok.v);
            if (stack.length === 1 && frame.key === "Filter") this.filters = [tok.v];
            frame.key = null;
          }
        } else if (frame === null && stack.length === 2 && stack[0]?.key === "Filter") {
          this.filters.push(tok.v);
        }
        break;
      }
      case "num":
        // The value of the key; the "0 R" of an indirect reference then passes with key null.
        if (frame && frame.key !== null) {
          frame.nums.set(frame.key, tok.v);
          frame.key = null;
        }
        break;
      case "string":
        if (frame) frame.key = null;
        break;
      case "open-dict":
        stack.push(newFrame());
        break;
      case "open-array":
        stack.push(null);
        break;
      case "close-dict":
      case "close-array": {
        const closed = stack.pop();
        if (closed) {
          noteFacts(closed, this.facts);
          if (stack.length === 0) this.top = closed;
        }
        // A dictionary or array value of the enclosing dictionary has ended.
        this.valueDone();
        break;
      }
      case "kw":
        if (tok.v === "obj" || tok.v === "endobj") {
          this.resetObject();
        } else if (tok.v === "stream") {
          await this.onStream();
        } else if (frame && frame.key !== null) {
          if (tok.v !== "R") frame.names.set(frame.key, tok.v);
          frame.key = null; // true, false, null
        }
        break;
    }
  }

  /** The keyword "stream": checks the length, measures the data and moves past it. */
  private async onStream(): Promise<void> {
    const dict: DictFrame | null = this.top;
    if (this.limits.direct) {
      const type = dict?.names.get("Type");
      if (type === "ObjStm" || type === "XRef") needRewrite(`${type} stream`);
      if (dict && !dict.nums.has("Length")) needRewrite("indirect /Length");
    }
    const length = dict?.nums.get("Length");
    const dataStart = await this.streamDataStart();
    if (
      length === undefined ||
      !Number.isInteger(length) ||
      length < 0 ||
      dataStart + length > this.fileSize
    ) {
      throw new ScanStop({ ok: false, reason: "malformed", detail: "stream length" });
    }
    this.streams++;
    if (dict?.names.get("Subtype") === "Image") {
      const w = dict.nums.get("Width") ?? 0;
      const h = dict.nums.get("Height") ?? 0;
      if (w * h > this.maxPixels)
        throw new ScanStop({ ok: false, reason: "image-too-large", width: w, height: h });
    }
    const decoded = await this.measureStream(dataStart, length, this.filters, dict);
    this.addDecoded(decoded, length);
    // Continue right after the data: "endstream" must follow. Within the buffer the
    // cursor moves; otherwise reading resumes at that offset.
    const after = dataStart + length;
    if (after <= this.bufPos + this.buf.length) {
      this.i = after - this.bufPos;
    } else {
      this.buf = Buffer.alloc(0);
      this.bufPos = after;
      this.i = 0;
      this.eof = false;
    }
    this.expectEndstream = true;
    this.resetObject();
  }

  /**
   * Direct mode: every in-use entry of every classic cross-reference section (the last one and
   * its /Prev chain) must point at an object this walk parsed, with the same number. A
   * cross-reference stream, a hybrid file (/XRefStm) or anything unusual → rewrite-needed.
   */
  async checkXref(): Promise<void> {
    const fileSize = this.fileSize;
    const tailLen = Math.min(fileSize, 2048);
    const tail = Buffer.alloc(tailLen);
    await this.fh.read(tail, 0, tailLen, fileSize - tailLen);
    const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail.toString("latin1"));
    if (!m) needRewrite("startxref");
    let offset = Number(m?.[1]);
    const seen = new Set<number>();
    for (let sections = 0; ; sections++) {
      if (sections > 64 || seen.has(offset) || !(offset >= 0 && offset < fileSize)) needRewrite("xref chain");
      seen.add(offset);
      let pos = offset;
      const head = await this.readAt(pos, 4);
      if (head.toString("latin1") !== "xref") needRewrite("xref stream");
      pos = await this.checkXrefSubsections(pos + 4);
      const trailerText = (await this.readAt(pos, 4096)).toString("latin1");
      const end = trailerText.indexOf(">>");
      const trailer = end >= 0 ? trailerText.slice(0, end) : trailerText;
      if (/\/XRefStm/.test(trailer)) needRewrite("hybrid file");
      const prev = /\/Prev\s+(\d+)/.exec(trailer);
      if (!prev) return;
      offset = Number(prev[1]);
    }
  }

  /** The subsections of one xref section from `pos`; returns the offset of its "trailer". */
  private async checkXrefSubsections(pos: number): Promise<number> {
    for (;;) {
      // A subsection header "first count", or "trailer".
      const line = await this.readAt(pos, 64);
      const text = line.toString("latin1");
      const sub = /^\s*(\d+)\s+(\d+)[ \t]*\r?\n?/.exec(text);
      if (!sub) {
        if (!/^\s*trailer/.test(text)) needRewrite("xref subsection");
        return pos;
      }
      const first = Number(sub[1]);
      const count = Number(sub[2]);
      pos += sub[0].length;
      if (count * 20 > this.fileSize) needRewrite("xref count");
      const entries = await this.readAt(pos, count * 20);
      if (entries.length < count * 20) needRewrite("xref entries");
      for (let k = 0; k < count; k++) {
        const e = entries.toString("latin1", k * 20, k * 20 + 20);
        if (!/^\d{10} \d{5} [nf]/.test(e)) needRewrite("xref entry");
        if (e[17] !== "n") continue;
        const at = Number(e.slice(0, 10));
        if (this.objectStarts.get(at) !== first + k) needRewrite("xref offset");
      }
      pos += count * 20;
    }
  }

  private async readAt(pos: number, len: number): Promise<Buffer> {
    const size = Math.max(0, Math.min(len, this.fileSize - pos));
    const b = Buffer.alloc(size);
    if (size > 0) await this.fh.read(b, 0, size, pos);
    return b;
  }

  /** The offset of the first data byte after the keyword "stream" (CRLF or LF). */
  private async streamDataStart(): Promise<number> {
    while (this.buf.length - this.i < 2 && !this.eof) await this.more();
    const { buf, i, bufPos } = this;
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return bufPos + i + 2;
    if (buf[i] === 0x0a || buf[i] === 0x0d) return bufPos + i + 1;
    return bufPos + i;
  }

  /**
   * Decoded size of one stream: its leading decodable filters run (bounded per stage); what
   * follows an image codec is not expanded here. Content streams are searched for inline
   * images, XMP metadata for the PDF/A identification.
   */
  private async measureStream(
    start: number,
    len: number,
    chain: string[],
    dict: DictFrame | null,
  ): Promise<number> {
    const decodable: Filter[] = [];
    let rest = 0;
    for (const f of chain) {
      const known = DECODABLE[f];
      if (known && rest === 0) decodable.push(known);
      else {
        if (rest > 0 && EXPANDING.has(f)) throw new ScanStop({ ok: false, reason: "nested-compression" });
        rest++;
      }
    }
    const content = rest === 0 && isContentStream(dict);
    const xmp = rest === 0 && dict?.names.get("Type") === "Metadata";
    if (decodable.length === 0 && !content && !xmp) return len;

    const cap = Math.max(this.limits.ratio * len, this.streamFloor);
    const inline = content
      ? new InlineImageScanner(
          {
            ratio: this.limits.ratio,
            floor: this.streamFloor,
            maxPixels: this.maxPixels,
            budget: () => this.totalCap - this.totalDecoded,
          },
          (decoded, encoded) => {
            this.inlineImages++;
            this.addDecoded(decoded, encoded);
          },
        )
      : null;
    const metadata = xmp ? new XmpProbe() : null;
    const inspect =
      inline || metadata
        ? async (chunk: Buffer) => {
            metadata?.feed(chunk);
            await inline?.feed(chunk);
          }
        : null;
    try {
      if (len <= SMALL_STREAM) {
        const data = decodeSync(await this.readRange(start, len), decodable, cap);
        if (data.length > cap) throw new CapExceeded(data.length);
        await inspect?.(data);
        inline?.end();
        if (metadata?.found) this.facts.pdfaId = true;
        return data.length;
      }
      const sink = new Sink(cap, inspect);
      await pipeline([this.rangeReader(start, len), ...decodable.map((f) => decoderStage(f, cap)), sink]);
      inline?.end();
      if (metadata?.found) this.facts.pdfaId = true;
      return sink.count;
    } catch (err) {
      if (err instanceof CapExceeded) {
        throw new ScanStop({ ok: false, reason: "bomb", decodedBytes: err.count, encodedBytes: len });
      }
      throw err;
    }
  }

  private async readRange(start: number, len: number): Promise<Buffer> {
    const { buf, bufPos } = this;
    if (start >= bufPos && start + len <= bufPos + buf.length) {
      return buf.subarray(start - bufPos, start - bufPos + len);
    }
    const raw = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(raw, 0, len, start);
    return raw.subarray(0, bytesRead);
  }

  private rangeReader(start: number, len: number): Readable {
    const fh = this.fh;
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
}

/** Looks for the PDF/A identification (pdfaid:part, as attribute or element) in XMP packets. */
class XmpProbe {
  found = false;
  private tail = "";
  private seen = 0;
  feed(chunk: Buffer) {
    if (this.found || this.seen > 4 * 1024 * 1024) return;
    this.seen += chunk.length;
    const text = this.tail + chunk.toString("latin1");
    if (/pdfaid:part\s*(=\s*["']\d|>\s*\d)/.test(text)) this.found = true;
    this.tail = text.slice(-64);
  }
}
