import { describe, expect, it } from "vitest";
import { jpegHeader, png } from "./hostile-files.test-support";
import { imageSize, readAtBuffer } from "./image-header.server";

const size = (bytes: Uint8Array, mime: string) => imageSize(readAtBuffer(bytes), mime);

describe("image dimensions from the header", () => {
  it("reads PNG width and height from IHDR without decoding the pixels", async () => {
    expect(await size(await png(20000, 20000), "image/png")).toEqual({ width: 20000, height: 20000 });
    expect(await size(await png(3, 2), "image/png")).toEqual({ width: 3, height: 2 });
  });

  it("walks JPEG segments (EXIF before the frame header, progressive SOF2)", async () => {
    const plain = jpegHeader(4000, 3000);
    expect(await size(plain, "image/jpeg")).toEqual({ width: 4000, height: 3000 });
    // An APP1 (EXIF) segment of 60 KB between SOI and the frame header.
    const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0xea, 0x62]), Buffer.alloc(0xea62 - 2, 0x41)]);
    const withExif = Buffer.concat([plain.subarray(0, 2), exif, plain.subarray(2)]);
    expect(await size(withExif, "image/jpeg")).toEqual({ width: 4000, height: 3000 });
    const progressive = Buffer.from(plain);
    progressive[progressive.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc2;
    expect(await size(progressive, "image/jpeg")).toEqual({ width: 4000, height: 3000 });
  });

  it("returns null for truncated, foreign or zero-sized headers", async () => {
    expect(await size(Buffer.from([0xff, 0xd8, 0xff]), "image/jpeg")).toBeNull();
    expect(await size(jpegHeader(0, 100), "image/jpeg")).toBeNull();
    expect(await size((await png(10, 10)).subarray(0, 20), "image/png")).toBeNull();
    expect(await size(jpegHeader(10, 10), "image/png")).toBeNull();
    // Scan data (SOS) before any frame header.
    expect(await size(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]), "image/jpeg")).toBeNull();
  });
});
