import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IntakeRefused } from "./problems";
import { readZipDelivery, zipLimits } from "./zip-delivery.server";

/**
 * ZIP deliveries read with yauzl: a well-formed bundle yields the message and the files; bombs,
 * traversal, symlinks, encryption, too many entries and two messages are refused in German with
 * nothing written. The archives are built byte by byte here so hostile headers can be forged.
 */

interface ZipEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
  symlink?: boolean;
  encrypted?: boolean;
}

/** A minimal ZIP writer (local headers, central directory, end record). */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const flags = 0x0800 | (e.encrypted ? 0x1 : 0);
    const method = e.deflate ? 8 : 0;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: external attributes carry the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const MESSAGE = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><x/>');
const PDF = Buffer.from("%PDF-1.7\n% test\n");
let dir: string;
const limits = { ...zipLimits(5 * 1024 * 1024), maxEntries: 10 };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "zip-delivery-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(entries: ZipEntry[]) {
  const file = path.join(dir, "delivery.zip");
  await writeFile(file, zip(entries));
  const out = path.join(dir, "out");
  await rm(out, { recursive: true, force: true });
  await (await import("node:fs/promises")).mkdir(out);
  try {
    return { result: await readZipDelivery(file, out, limits), out };
  } catch (error) {
    return { error, out };
  }
}

async function expectRefused(entries: ZipEntry[], message: RegExp, element = /ZIP/) {
  const { error, out } = await read(entries);
  expect(error).toBeInstanceOf(IntakeRefused);
  const problems = (error as IntakeRefused).problems;
  expect(problems).toEqual([
    expect.objectContaining({
      element: expect.stringMatching(element),
      message: expect.stringMatching(message),
    }),
  ]);
  return out;
}

describe("readZipDelivery", () => {
  it("reads the message and the attachments (also from a folder, deflated or stored)", async () => {
    const { result, error } = await read([
      { name: "nachricht.xml", data: MESSAGE, deflate: true },
      { name: "anlagen/", data: Buffer.alloc(0) },
      { name: "anlagen/lageplan.pdf", data: PDF },
      { name: "schnitt.pdf", data: PDF, deflate: true },
    ]);
    expect(error).toBeUndefined();
    expect(result?.message.equals(MESSAGE)).toBe(true);
    expect(result?.attachments.map((a) => a.filename)).toEqual(["lageplan.pdf", "schnitt.pdf"]);
    for (const a of result?.attachments ?? []) expect((await readFile(a.path)).equals(PDF)).toBe(true);
  });

  it("refuses a ZIP bomb by its compression ratio, before inflating it", async () => {
    await expectRefused(
      [
        { name: "nachricht.xml", data: MESSAGE },
        { name: "bombe.pdf", data: Buffer.alloc(4 * 1024 * 1024), deflate: true },
      ],
      /ZIP-Bombe/,
      /bombe\.pdf/,
    );
  });

  it("refuses an entry larger than allowed", async () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 1);
    for (let i = 0; i < big.length; i += 7) big[i] = (i * 31) & 0xff;
    await expectRefused(
      [
        { name: "nachricht.xml", data: MESSAGE },
        { name: "gross.pdf", data: big },
      ],
      /größer als 5 MB/,
      /gross\.pdf/,
    );
  });

  it("refuses path traversal, absolute names, symlinks and encrypted entries", async () => {
    await expectRefused([{ name: "../../etc/passwd.xml", data: MESSAGE }], /„\.\.“/, /passwd/);
    await expectRefused([{ name: "/etc/nachricht.xml", data: MESSAGE }], /Absolute Pfade/, /nachricht/);
    await expectRefused([{ name: "anlagen\\..\\x.pdf", data: PDF }], /„\.\.“|Schrägstrich/, /x\.pdf/);
    await expectRefused(
      [
        { name: "nachricht.xml", data: MESSAGE },
        { name: "link.pdf", data: Buffer.from("/etc/passwd"), symlink: true },
      ],
      /Symbolische Verknüpfungen/,
      /link\.pdf/,
    );
    await expectRefused(
      [
        { name: "nachricht.xml", data: MESSAGE },
        { name: "geheim.pdf", data: PDF, deflate: true, encrypted: true },
      ],
      /Verschlüsselte/,
      /geheim\.pdf/,
    );
  });

  it("refuses too many entries, two messages and none", async () => {
    await expectRefused(
      Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.pdf`, data: PDF })),
      /11 Einträge; höchstens 10/,
    );
    const out = await expectRefused(
      [
        { name: "a.xml", data: MESSAGE },
        { name: "b.pdf", data: PDF },
        { name: "c.xml", data: MESSAGE },
      ],
      /mehr als eine XML-Datei/,
      /c\.xml/,
    );
    expect(await readdir(out)).toHaveLength(1); // the caller's temp dir is removed as a whole
    await expectRefused([{ name: "b.pdf", data: PDF }], /keine XBau-Nachricht/);
    await expectRefused([], /keine XBau-Nachricht/);
  });

  it("refuses something that is not a ZIP", async () => {
    const file = path.join(dir, "kein.zip");
    await writeFile(file, "PK nicht wirklich");
    await expect(readZipDelivery(file, dir, limits)).rejects.toMatchObject({
      problems: [expect.objectContaining({ message: expect.stringMatching(/kein lesbares ZIP-Archiv/) })],
    });
  });
});
