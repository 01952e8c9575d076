import { createDeflate, deflateSync } from "node:zlib";
import { type PDFDict, PDFDocument, PDFName, PDFString } from "pdf-lib";

/**
 * Hostile files built in the test (never committed): each class the upload must refuse.
 * Sizes are the attacker's: small on disk, huge once decoded.
 */

async function onePagePdf(
  edit?: (doc: PDFDocument) => void | Promise<void>,
  useObjectStreams = true,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText("Grundriss", { x: 50, y: 800, size: 12 });
  await edit?.(doc);
  return doc.save({ useObjectStreams });
}

/** /OpenAction running JavaScript when the file is opened (inside an object stream). */
export function pdfWithOpenActionJs() {
  return onePagePdf((doc) => {
    const action = doc.context.obj({ S: "JavaScript", JS: PDFString.of("app.alert('pwned')") });
    doc.catalog.set(PDFName.of("OpenAction"), doc.context.register(action));
  });
}

/** /AA (additional action on page open) with a JavaScript action spelled with a #-escape. */
export async function pdfWithObfuscatedPageJs(): Promise<Uint8Array> {
  const bytes = Buffer.from(
    await onePagePdf((doc) => {
      const page = doc.getPage(0);
      page.node.set(PDFName.of("AA"), doc.context.obj({ O: { S: "XJavaScriptX", Code: PDFString.of("1") } }));
    }, false),
  );
  // pdf-lib writes names plainly; the escaped spelling has the same length (offsets stay valid).
  return Buffer.from(bytes.toString("latin1").replace("/XJavaScriptX", "/J#61vaScript"), "latin1");
}

/** /OpenAction /Launch starting a program. */
export function pdfWithLaunch() {
  return onePagePdf((doc) => {
    const action = doc.context.obj({ S: "Launch", F: PDFString.of("cmd.exe") });
    doc.catalog.set(PDFName.of("OpenAction"), doc.context.register(action));
  });
}

/** An embedded file (Names /EmbeddedFiles). */
export function pdfWithEmbeddedFile() {
  return onePagePdf(async (doc) => {
    await doc.attach(Buffer.from("MZ not really an exe"), "rechnung.exe", {
      mimeType: "application/octet-stream",
    });
  });
}

/** An XFA form (/XFA in the AcroForm). */
export function pdfWithXfa() {
  return onePagePdf((doc) => {
    const xfa = doc.context.flateStream('<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"></xdp:xdp>');
    const form = doc.context.obj({ Fields: [], XFA: doc.context.register(xfa) });
    doc.catalog.set(PDFName.of("AcroForm"), doc.context.register(form as PDFDict));
  });
}

/**
 * A damaged PDF the cheap upload checks let through (structure, page count, scan are fine) but
 * `qpdf --check` refuses: the page's content stream claims /FlateDecode and holds no deflate data.
 */
export function pdfWithCorruptContent() {
  return onePagePdf((doc) => {
    const garbage = Buffer.from("x\x9c this is not deflate data at all ".repeat(20), "latin1");
    const stream = doc.context.stream(garbage, { Filter: "FlateDecode" });
    doc.getPage(0).node.set(PDFName.of("Contents"), doc.context.register(stream));
  }, false);
}

/** A PDF with `pages` empty pages (5,000 in about a second). */
export async function pdfWithPages(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]);
  return doc.save({ useObjectStreams: true });
}

/** Deflates `total` zero bytes in 1 MiB steps (never holds the decoded data). */
async function deflateZeros(total: number, level = 9): Promise<Buffer> {
  const deflate = createDeflate({ level });
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = total; left > 0; left -= zeros.length) {
    const chunk = left >= zeros.length ? zeros : zeros.subarray(0, left);
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once("drain", r));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/**
 * Flate bomb: a page whose content stream is `decoded` zero bytes deflated twice
 * (/Filter [/FlateDecode /FlateDecode]): a few KB on disk.
 */
export async function pdfFlateBomb(decoded = 1024 * 1024 * 1024): Promise<Uint8Array> {
  const once = await deflateZeros(decoded, 9);
  const twice = deflateSync(once, { level: 9 });
  return onePagePdf((doc) => {
    const stream = doc.context.stream(twice, { Filter: ["FlateDecode", "FlateDecode"] });
    doc.getPage(0).node.set(PDFName.of("Contents"), doc.context.register(stream));
  });
}

/** Single-stage bomb: `decoded` zero bytes deflated once (about 1/1000 of it on disk). */
export async function pdfSingleFlateBomb(decoded = 256 * 1024 * 1024): Promise<Uint8Array> {
  const once = await deflateZeros(decoded, 9);
  return onePagePdf((doc) => {
    const stream = doc.context.stream(once, { Filter: "FlateDecode" });
    doc.getPage(0).node.set(PDFName.of("Contents"), doc.context.register(stream));
  });
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const pngs = new Map<string, Promise<Buffer>>();

/**
 * A valid all-black 8-bit greyscale PNG of width×height, built row by row (20000² ≈ 400 KB on
 * disk, 400 MB of pixels). Built once per size and test file (deflating 400 MB takes seconds).
 */
export function png(width: number, height: number): Promise<Buffer> {
  const key = `${width}x${height}`;
  let p = pngs.get(key);
  if (!p) {
    p = buildPng(width, height);
    pngs.set(key, p);
  }
  return p;
}

async function buildPng(width: number, height: number): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = await deflateZeros((width + 1) * height, 6);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A minimal baseline JPEG header (APP0 + SOF0 of width×height); enough for header readers. */
export function jpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff,
    0xe0,
    0x00,
    0x10,
    ...Buffer.from("JFIF\0", "latin1"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x0b,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

/** LZW-encodes `data` as PDF's LZWDecode expects (EarlyChange 1, clear code when the table fills). */
export function lzwEncode(data: Uint8Array): Buffer {
  const out: number[] = [];
  let acc = 0;
  let nacc = 0;
  let width = 9;
  const emit = (code: number) => {
    acc = (acc << width) | code;
    nacc += width;
    while (nacc >= 8) {
      out.push((acc >>> (nacc - 8)) & 0xff);
      nacc -= 8;
    }
    acc &= (1 << nacc) - 1;
  };
  // Dictionary keyed by (prefix code, next byte): w is always a code.
  const table = new Map<number, number>();
  let next = 258;
  emit(256);
  let w = -1;
  for (const byte of data) {
    if (w < 0) {
      w = byte;
      continue;
    }
    const found = table.get(w * 256 + byte);
    if (found !== undefined) {
      w = found;
      continue;
    }
    emit(w);
    table.set(w * 256 + byte, next++);
    // The decoder adds its entry one code later and widens at next + 1 (EarlyChange): here at next.
    if (next >= 1 << width && width < 12) width++;
    if (next >= 4090) {
      // Table (nearly) full: clear code, start again (decoders refuse to overflow the table).
      emit(256);
      table.clear();
      next = 258;
      width = 9;
    }
    w = byte;
  }
  if (w >= 0) emit(w);
  emit(257);
  if (nacc > 0) out.push((acc << (8 - nacc)) & 0xff);
  return Buffer.from(out);
}

/** ASCII85-encodes `data` as ASCII85Decode expects (with "z" for zero groups and the "~>" end). */
export function ascii85Encode(data: Uint8Array): Buffer {
  const out: string[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const n = Math.min(4, data.length - i);
    let v = 0;
    for (let k = 0; k < 4; k++) v = v * 256 + (k < n ? (data[i + k] as number) : 0);
    if (v === 0 && n === 4) {
      out.push("z");
      continue;
    }
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode((v % 85) + 33));
      v = Math.floor(v / 85);
    }
    out.push(digits.slice(0, n + 1).join(""));
  }
  return Buffer.from(`${out.join("")}~>`, "latin1");
}

/** ASCIIHex-encodes `data` (with the ">" end). */
export function asciiHexEncode(data: Uint8Array): Buffer {
  return Buffer.from(`${Buffer.from(data).toString("hex")}>`, "latin1");
}

/** `count` RunLength runs of 128 zero bytes each (2 encoded bytes per run), then the end marker. */
export function runLengthZeros(count: number): Buffer {
  const b = Buffer.alloc(count * 2 + 1);
  for (let i = 0; i < count; i++) b[2 * i] = 129; // 257 − 129 = 128 copies of the next byte (0)
  b[count * 2] = 128;
  return b;
}

export { deflateZeros };

/** A one-page PDF whose content stream is `data` with the given /Filter chain. */
export function pdfWithContentStream(data: Uint8Array, filter: string[] | null) {
  return onePagePdf((doc) => {
    const stream = doc.context.stream(data, filter ? { Filter: filter } : {});
    doc.getPage(0).node.set(PDFName.of("Contents"), doc.context.register(stream));
  }, false);
}
