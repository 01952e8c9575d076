/**
 * A minimal sRGB ICC profile (version 2.1, display class, RGB → XYZ matrix/TRC), built in code
 * for the PDF/A OutputIntent. Written here rather than copied so there is no licence to track:
 * the numbers are the published sRGB definition (IEC 61966-2-1) — the primaries adapted to the
 * D50 connection space with the Bradford transform (as in the ICC's own sRGB profiles) and the
 * sRGB tone curve sampled at 1024 points. ~2.7 KB; built once per process.
 */

const D50 = [0.9642, 1.0, 0.8249] as const;
/** sRGB red, green, blue primaries (D65) adapted to D50 (Bradford), columns of the RGB→XYZ matrix. */
const PRIMARIES = {
  rXYZ: [0.4360747, 0.2225045, 0.0139322],
  gXYZ: [0.3850649, 0.7168786, 0.0971045],
  bXYZ: [0.1430804, 0.0606169, 0.7141733],
} as const;
const CURVE_POINTS = 1024;

function s15Fixed16(v: number): number {
  return Math.round(v * 65536);
}

function xyzTag(xyz: readonly [number, number, number] | readonly number[]): Buffer {
  const b = Buffer.alloc(20);
  b.write("XYZ ", 0, "latin1");
  xyz.forEach((v, i) => {
    b.writeInt32BE(s15Fixed16(v), 8 + i * 4);
  });
  return b;
}

/** textDescriptionType (v2 'desc'): ASCII part, empty Unicode and ScriptCode parts. */
function descTag(text: string): Buffer {
  const ascii = Buffer.from(`${text}\0`, "latin1");
  const b = Buffer.alloc(12 + ascii.length + 8 + 3 + 67);
  b.write("desc", 0, "latin1");
  b.writeUInt32BE(ascii.length, 8);
  ascii.copy(b, 12);
  // Unicode language code, Unicode count (0), ScriptCode code, count (0), 67 bytes filler: all zero.
  return b;
}

function textTag(text: string): Buffer {
  const ascii = Buffer.from(`${text}\0`, "latin1");
  const b = Buffer.alloc(8 + ascii.length);
  b.write("text", 0, "latin1");
  ascii.copy(b, 8);
  return b;
}

/** The sRGB transfer function (electro-optical), sampled. */
function srgbCurveTag(): Buffer {
  const b = Buffer.alloc(12 + CURVE_POINTS * 2);
  b.write("curv", 0, "latin1");
  b.writeUInt32BE(CURVE_POINTS, 8);
  for (let i = 0; i < CURVE_POINTS; i++) {
    const v = i / (CURVE_POINTS - 1);
    const linear = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    b.writeUInt16BE(Math.round(linear * 65535), 12 + i * 2);
  }
  return b;
}

const pad4 = (n: number) => (n + 3) & ~3;

let cached: Uint8Array | null = null;

export function srgbIccProfile(): Uint8Array {
  if (cached) return cached;
  const curve = srgbCurveTag();
  const tags: [string, Buffer][] = [
    ["desc", descTag("sRGB IEC61966-2.1")],
    ["cprt", textTag("No copyright, use freely")],
    ["wtpt", xyzTag(D50)],
    ["rXYZ", xyzTag(PRIMARIES.rXYZ)],
    ["gXYZ", xyzTag(PRIMARIES.gXYZ)],
    ["bXYZ", xyzTag(PRIMARIES.bXYZ)],
    ["rTRC", curve],
    ["gTRC", curve],
    ["bTRC", curve],
  ];
  const tableSize = 4 + tags.length * 12;
  // The three TRC tags share one data block (allowed by ICC.1: tags may point at the same data).
  const blocks: Buffer[] = [];
  const offsets = new Map<Buffer, number>();
  let offset = 128 + tableSize;
  for (const [, data] of tags) {
    if (offsets.has(data)) continue;
    offsets.set(data, offset);
    blocks.push(data, Buffer.alloc(pad4(data.length) - data.length));
    offset += pad4(data.length);
  }
  const size = offset;
  const header = Buffer.alloc(128);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(0x02100000, 8); // version 2.1
  header.write("mntr", 12, "latin1");
  header.write("RGB ", 16, "latin1");
  header.write("XYZ ", 20, "latin1");
  // Fixed creation date (2026-01-01 00:00:00) so the profile, and every PDF, is byte-stable.
  [2026, 1, 1, 0, 0, 0].forEach((v, i) => {
    header.writeUInt16BE(v, 24 + i * 2);
  });
  header.write("acsp", 36, "latin1");
  header.writeUInt32BE(0, 64); // perceptual
  D50.forEach((v, i) => {
    header.writeInt32BE(s15Fixed16(v), 68 + i * 4);
  });
  const table = Buffer.alloc(tableSize);
  table.writeUInt32BE(tags.length, 0);
  tags.forEach(([sig, data], i) => {
    table.write(sig, 4 + i * 12, "latin1");
    table.writeUInt32BE(offsets.get(data) as number, 8 + i * 12);
    table.writeUInt32BE(data.length, 12 + i * 12);
  });
  cached = new Uint8Array(Buffer.concat([header, table, ...blocks]));
  return cached;
}
