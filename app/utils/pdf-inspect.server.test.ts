import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  lzwEncode,
  pdfFlateBomb,
  pdfSingleFlateBomb,
  pdfWithEmbeddedFile,
  pdfWithLaunch,
  pdfWithObfuscatedPageJs,
  pdfWithOpenActionJs,
  pdfWithPages,
  pdfWithXfa,
} from "./hostile-files.test-support";
import { inspectPdf } from "./pdf-inspect.server";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-inspect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inspect(name: string, bytes: Uint8Array, limits = {}) {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return inspectPdf(file, name, limits);
}

describe("inspectPdf: hostile content", () => {
  it("accepts every sample Bauvorlage and reports its pages", async () => {
    const good = (await readdir(FIXTURES)).filter(
      (n) => n.endsWith(".pdf") && !["broken.pdf", "empty.pdf", "encrypted.pdf", "fake.pdf"].includes(n),
    );
    expect(good.length).toBeGreaterThan(3);
    for (const name of good) {
      const r = await inspectPdf(path.join(FIXTURES, name), name);
      expect(r, name).toMatchObject({ ok: true });
    }
  });

  it.each([
    ["open-action.pdf", pdfWithOpenActionJs, "ausführbare Inhalte (JavaScript)"],
    ["seiten-aktion.pdf", pdfWithObfuscatedPageJs, "ausführbare Inhalte (JavaScript)"],
    ["launch.pdf", pdfWithLaunch, "(Launch)"],
    ["anhang.pdf", pdfWithEmbeddedFile, "eingebettete Dateien"],
    ["formular.pdf", pdfWithXfa, "XFA-Formular"],
  ])("refuses %s naming the file and the kind of content", async (name, build, text) => {
    const r = await inspect(name, await build());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe("active-content");
    expect(r.message).toContain(`„${name}“`);
    expect(r.message).toContain(text);
  });

  it("refuses more pages than the limit, accepts the limit itself", async () => {
    const bytes = await pdfWithPages(5000);
    const r = await inspect("5000-seiten.pdf", bytes);
    expect(r).toMatchObject({ ok: false, reason: "too-many-pages" });
    if (!r.ok)
      expect(r.message).toBe(
        "„5000-seiten.pdf“ hat 5.000 Seiten; je Datei sind höchstens 500 Seiten erlaubt. Bitte teilen Sie die Datei auf.",
      );
    expect(await inspect("5000-seiten.pdf", bytes, { maxPages: 5000 })).toEqual({
      ok: true,
      pageCount: 5000,
    });
  });

  it("refuses flate bombs without inflating them fully", async () => {
    const nested = await pdfFlateBomb(512 * 1024 * 1024); // 512 MiB in two Flate stages
    expect(nested.length).toBeLessThan(20_000);
    const started = performance.now();
    const r = await inspect("bombe.pdf", nested);
    expect(r).toMatchObject({ ok: false, reason: "decompression" });
    if (!r.ok) expect(r.message).toContain("„bombe.pdf“ enthält Daten, die entpackt mehr als das 100-Fache");
    const single = await pdfSingleFlateBomb(256 * 1024 * 1024);
    expect(await inspect("bombe-1.pdf", single)).toMatchObject({ ok: false, reason: "decompression" });
    // Bounded work: stopped at the cap, not after a GiB (generous bound for a loaded CI machine).
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("refuses two expanding filters it cannot bound together ([/LZWDecode /FlateDecode])", async () => {
    const { PDFDocument, PDFName } = await import("pdf-lib");
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const stream = doc.context.stream(Buffer.from("x"), { Filter: ["LZWDecode", "FlateDecode"] });
    page.node.set(PDFName.of("Contents"), doc.context.register(stream));
    const r = await inspect("verschachtelt.pdf", await doc.save());
    expect(r).toMatchObject({ ok: false, reason: "decompression" });
    if (!r.ok)
      expect(r.message).toContain("„verschachtelt.pdf“ enthält mehrfach verschachtelt komprimierte Daten");
  });

  it("counts a lone LZW stream without decoding it: a bomb is refused, ordinary data passes", async () => {
    const { PDFDocument, PDFName } = await import("pdf-lib");
    const withLzw = async (data: Uint8Array) => {
      const doc = await PDFDocument.create();
      const stream = doc.context.stream(lzwEncode(data), { Filter: "LZWDecode" });
      doc.addPage().node.set(PDFName.of("Contents"), doc.context.register(stream));
      return doc.save();
    };
    // 24 MiB of zeros: about 19 KB of LZW codes (ratio above 1000, beyond the 16 MiB floor).
    const bomb = await inspect("lzw-bombe.pdf", await withLzw(new Uint8Array(24 * 1024 * 1024)));
    expect(bomb).toMatchObject({ ok: false, reason: "decompression" });
    const text = new TextEncoder().encode("0 0 m 100 100 l S\n".repeat(2000));
    expect(await inspect("lzw.pdf", await withLzw(text))).toEqual({ ok: true, pageCount: 1 });
  });

  it("accepts highly compressed data below the floor (a blank scan compresses 1000:1)", async () => {
    const r = await inspect("leer.pdf", await pdfSingleFlateBomb(8 * 1024 * 1024));
    expect(r).toEqual({ ok: true, pageCount: 1 });
  });

  it("does not take the name inside a string for active content", async () => {
    const { PDFDocument, PDFName, PDFString } = await import("pdf-lib");
    type PDFDict = import("pdf-lib").PDFDict;
    const doc = await PDFDocument.create();
    doc.addPage();
    // A literal string (not hex), so the bytes "/JavaScript" stand in the file as they are.
    (doc as unknown as { getInfoDict(): PDFDict })
      .getInfoDict()
      .set(PDFName.of("Keywords"), PDFString.of("Über (/JavaScript) und /Launch"));
    const r = await inspect("titel.pdf", await doc.save());
    expect(r).toEqual({ ok: true, pageCount: 1 });
  });
});
