import { open } from "node:fs/promises";

/**
 * Image dimensions read from the file header only: no pixel is decoded, and at most a few bytes
 * per JPEG segment header are read (the walk jumps over segment bodies). This runs before
 * anything decodes an image (pdf-lib's PNG embedding inflates the whole bitmap: a 20000×20000
 * PNG is 389 KB on disk and 1.6 GB in memory).
 */

export interface ImageSize {
  width: number;
  height: number;
}

/** Reads `length` bytes at `position`; fewer at the end of the source. */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Segments a hostile JPEG may chain before its frame header; real files have a few dozen. */
const MAX_JPEG_SEGMENTS = 10_000;

export function readAtBuffer(bytes: Uint8Array): ReadAt {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return async (position, length) => buf.subarray(position, Math.min(buf.length, position + length));
}

/** Width and height of a PNG (IHDR, always the first chunk), or null when it is not readable. */
export async function pngSize(read: ReadAt): Promise<ImageSize | null> {
  const head = await read(0, 24);
  if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (head.toString("latin1", 12, 16) !== "IHDR") return null;
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * Width and height from the first SOF marker of a JPEG, or null. Walks the segment chain from
 * SOI; stops at SOS (scan data follows, a frame header must have come before).
 */
export async function jpegSize(read: ReadAt): Promise<ImageSize | null> {
  const soi = await read(0, 2);
  if (soi.length < 2 || soi[0] !== 0xff || soi[1] !== 0xd8) return null;
  let pos = 2;
  for (let n = 0; n < MAX_JPEG_SEGMENTS; n++) {
    const h = await read(pos, 9);
    if (h.length < 2 || h[0] !== 0xff) return null;
    const marker = h[1] as number;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Markers without a length field.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI / SOS before any frame header
    if (h.length < 4) return null;
    const len = h.readUInt16BE(2);
    if (len < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (h.length < 9) return null;
      const height = h.readUInt16BE(5);
      const width = h.readUInt16BE(7);
      // Height 0 means "defined later by DNL": no size known up front, refuse as unreadable.
      return width > 0 && height > 0 ? { width, height } : null;
    }
    pos += 2 + len;
  }
  return null;
}

/** Size of a PNG or JPEG by its MIME type; null when the header is not readable. */
export async function imageSize(read: ReadAt, mimeType: string): Promise<ImageSize | null> {
  if (mimeType === "image/png") return pngSize(read);
  if (mimeType === "image/jpeg") return jpegSize(read);
  return null;
}

/** The same on a file on disk (an upload's temp file). */
export async function imageSizeOfFile(path: string, mimeType: string): Promise<ImageSize | null> {
  const fh = await open(path, "r");
  try {
    return await imageSize(async (position, length) => {
      const b = Buffer.alloc(length);
      const { bytesRead } = await fh.read(b, 0, length, position);
      return b.subarray(0, bytesRead);
    }, mimeType);
  } finally {
    await fh.close();
  }
}
