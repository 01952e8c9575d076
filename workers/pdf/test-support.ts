import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";

/**
 * Test helpers for the PDF renderers: text via poppler's pdftotext, page rasters via pdftoppm,
 * and a minimal PNG decoder (8-bit, non-interlaced: what `pdftoppm -png` writes) so golden images can be committed as viewable PNGs without an image library.
 */

const run = promisify(execFile);

async function withTempPdf<T>(bytes: Uint8Array, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-pdf-"));
  try {
    const file = path.join(dir, "in.pdf");
    await writeFile(file, bytes);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pdfText(bytes: Uint8Array, { layout = false } = {}): Promise<string> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdftotext", [...(layout ? ["-layout"] : []), "-enc", "UTF-8", file, "-"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  });
}

/** Text of each page (pdftotext separates pages with form feeds). */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const text = await pdfText(bytes);
  const pages = text.split("\f");
  if (pages.at(-1)?.trim() === "") pages.pop();
  return pages;
}

export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdfinfo", [file]);
    const m = /^Pages:\s+(\d+)/m.exec(stdout);
    if (!m) throw new Error(`pdfinfo gave no page count:\n${stdout}`);
    return Number(m[1]);
  });
}

/** Pixel area of a rendered page (pdftoppm -x -y -W -H), from the top-left corner. */
export interface PixelArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Page `page` rendered as a PNG at `dpi` (pdftoppm's -gray still writes RGB PNGs), optionally only
 * the pixel area `crop`.
 */
export async function renderPagePng(
  bytes: Uint8Array,
  { page = 1, dpi = 50, crop }: { page?: number; dpi?: number; crop?: PixelArea } = {},
): Promise<Buffer> {
  return withTempPdf(bytes, async (file, dir) => {
    const out = path.join(dir, "page");
    const area = crop
      ? ["-x", String(crop.x), "-y", String(crop.y), "-W", String(crop.width), "-H", String(crop.height)]
      : [];
    await run("pdftoppm", [
      ...area,
      "-r",
      String(dpi),
      "-gray",
      "-png",
      "-f",
      String(page),
      "-l",
      String(page),
      "-singlefile",
      file,
      out,
    ]);
    return readFile(`${out}.png`);
  });
}

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row by row. */
  pixels: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (greyscale, RGB, with or without alpha: what pdftoppm
 * writes) into greyscale pixels (mean of the colour channels).
 */
export function decodeGreyPng(png: Buffer): GreyImage {
  if (png.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let bpp = 1;
  let colourChannels = 1;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [bitDepth, colorType, interlace] = [data[8], data[9], data[12]];
      const channels = CHANNELS[colorType ?? -1];
      if (bitDepth !== 8 || !channels || interlace !== 0) {
        throw new Error(
          `unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`,
        );
      }
      bpp = channels;
      colourChannels = colorType === 2 || colorType === 6 ? 3 : 1;
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const base = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[y * stride + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] ?? 0) : 0;
      const v = raw[base + x] ?? 0;
      let value: number;
      switch (filter) {
        case 0:
          value = v;
          break;
        case 1:
          value = v + a;
          break;
        case 2:
          value = v + b;
          break;
        case 3:
          value = v + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          value = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`unknown PNG filter ${filter}`);
      }
      out[y * stride + x] = value & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    let sum = 0;
    for (let ch = 0; ch < colourChannels; ch++) sum += out[i * bpp + ch] ?? 0;
    pixels[i] = Math.round(sum / colourChannels);
  }
  return { width, height, pixels };
}

export interface ImageDiff {
  sameSize: boolean;
  /** Pixels whose grey value differs by more than `threshold`. */
  differing: number;
  /** differing / total pixels. */
  ratio: number;
}

export function compareGrey(a: GreyImage, b: GreyImage, threshold = 48): ImageDiff {
  if (a.width !== b.width || a.height !== b.height) return { sameSize: false, differing: Infinity, ratio: 1 };
  let differing = 0;
  for (let i = 0; i < a.pixels.length; i++) {
    if (Math.abs((a.pixels[i] ?? 0) - (b.pixels[i] ?? 0)) > threshold) differing++;
  }
  return { sameSize: true, differing, ratio: differing / a.pixels.length };
}

export interface PdfFontRow {
  name: string;
  type: string;
  encoding: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
  object: string;
}

/** Font types pdffonts prints (poppler's GfxFont type names), longest first for the match. */
const PDFFONTS_TYPES = [
  "CID TrueType (OT)",
  "CID Type 0C (OT)",
  "TrueType (OT)",
  "Type 1C (OT)",
  "CID TrueType",
  "CID Type 0C",
  "CID Type 0",
  "TrueType",
  "Type 1C",
  "Type 1",
  "Type 3",
  "unknown",
];
const TYPE_PATTERN = PDFFONTS_TYPES.map((t) => t.replace(/[()]/g, "\\$&")).join("|");
const PDFFONTS_ROW = new RegExp(
  `^(.+?)\\s+(${TYPE_PATTERN})\\s+(\\S+)\\s+(yes|no)\\s+(yes|no)\\s+(yes|no)\\s+(\\d+\\s+\\d+)\\s*$`,
);

/**
 * The fonts poppler's `pdffonts` lists, parsed column by column. Parsed from the fixed columns at
 * the end (emb, sub, uni, object id) and the known type names, because a long font name pushes
 * the later columns to the right. Every line after the header must parse, or this throws.
 */
export async function pdfFonts(bytes: Uint8Array): Promise<PdfFontRow[]> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdffonts", [file]);
    const lines = stdout.split("\n").filter((l) => l.trim() !== "");
    if (!lines[0]?.startsWith("name") || !lines[1]?.startsWith("---")) {
      throw new Error(`unexpected pdffonts output:\n${stdout}`);
    }
    return lines.slice(2).map((line) => {
      const m = PDFFONTS_ROW.exec(line);
      if (!m) throw new Error(`cannot parse pdffonts line: ${line}`);
      return {
        name: m[1] as string,
        type: m[2] as string,
        encoding: m[3] as string,
        embedded: m[4] === "yes",
        subset: m[5] === "yes",
        unicode: m[6] === "yes",
        object: (m[7] as string).replace(/\s+/, " "),
      };
    });
  });
}

/** The XMP metadata packet of the document catalog, as poppler's `pdfinfo -meta` prints it. */
export async function pdfXmp(bytes: Uint8Array): Promise<string> {
  return withTempPdf(bytes, async (file) => (await run("pdfinfo", ["-meta", file])).stdout);
}

/** `pdfinfo` fields (Title, Author, Producer, …) as a map. */
export async function pdfInfo(bytes: Uint8Array): Promise<Map<string, string>> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdfinfo", ["-enc", "UTF-8", file]);
    const out = new Map<string, string>();
    for (const line of stdout.split("\n")) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (m) out.set(m[1] as string, m[2] as string);
    }
    return out;
  });
}

/** `qpdf --check`: resolves with its output when qpdf finds no error or warning, else throws. */
export async function qpdfCheck(bytes: Uint8Array): Promise<string> {
  return withTempPdf(bytes, async (file) => (await run("qpdf", ["--check", file])).stdout);
}

/** The trailer dictionary (also of a cross-reference stream) as qpdf prints it. */
export async function qpdfTrailer(bytes: Uint8Array): Promise<string> {
  return withTempPdf(bytes, async (file) => (await run("qpdf", ["--show-object=trailer", file])).stdout);
}

/** The whole file with every stream decompressed and no object streams (qpdf --qdf), as latin1 text. */
export async function qpdfUncompressed(bytes: Uint8Array): Promise<string> {
  return withTempPdf(bytes, async (file, dir) => {
    const out = path.join(dir, "qdf.pdf");
    await run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
    return (await readFile(out)).toString("latin1");
  });
}
