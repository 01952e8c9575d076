import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ascii85Encode,
  asciiHexEncode,
  deflateZeros,
  lzwEncode,
  pdfFlateBomb,
  pdfSingleFlateBomb,
  pdfWithContentStream,
  pdfWithEmbeddedFile,
  pdfWithLaunch,
  pdfWithObfuscatedPageJs,
  pdfWithOpenActionJs,
  pdfWithPages,
  pdfWithXfa,
  runLengthZeros,
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
    expect(await inspect("5000-seiten.pdf", bytes, { maxPages: 5000 })).toMatchObject({
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

  describe("filter chains other than Flate, each stage bounded", () => {
    const MiB = 1024 * 1024;
    const bombs: [string, () => Promise<Uint8Array>][] = [
      [
        "[/ASCIIHexDecode /FlateDecode]",
        async () =>
          pdfWithContentStream(asciiHexEncode(await deflateZeros(24 * MiB)), [
            "ASCIIHexDecode",
            "FlateDecode",
          ]),
      ],
      [
        "[/ASCII85Decode /LZWDecode]",
        async () =>
          pdfWithContentStream(ascii85Encode(lzwEncode(new Uint8Array(24 * MiB))), [
            "ASCII85Decode",
            "LZWDecode",
          ]),
      ],
      [
        "[/LZWDecode /FlateDecode]",
        async () =>
          pdfWithContentStream(lzwEncode(await deflateZeros(24 * MiB)), ["LZWDecode", "FlateDecode"]),
      ],
      [
        "[/FlateDecode /RunLengthDecode]",
        async () =>
          pdfWithContentStream(deflateSync(runLengthZeros(256 * 1024)), ["FlateDecode", "RunLengthDecode"]),
      ],
      [
        "[/A85 /Fl /Fl] (abbreviated names)",
        async () =>
          pdfWithContentStream(ascii85Encode(deflateSync(await deflateZeros(64 * MiB))), ["A85", "Fl", "Fl"]),
      ],
    ];
    it.each(bombs)("refuses a bomb behind %s", async (_chain, build) => {
      const bytes = await build();
      expect(bytes.length).toBeLessThan(200_000);
      const r = await inspect("kette.pdf", bytes);
      expect(r).toMatchObject({ ok: false, reason: "decompression" });
      if (!r.ok)
        expect(r.message).toContain("„kette.pdf“ enthält Daten, die entpackt mehr als das 100-Fache");
    });

    it("accepts the same chains carrying ordinary content", async () => {
      const text = new TextEncoder().encode("0 0 m 100 100 l S\n".repeat(2000));
      for (const [data, chain] of [
        [asciiHexEncode(deflateSync(text)), ["ASCIIHexDecode", "FlateDecode"]],
        [ascii85Encode(lzwEncode(text)), ["ASCII85Decode", "LZWDecode"]],
        [lzwEncode(deflateSync(text)), ["LZWDecode", "FlateDecode"]],
        [ascii85Encode(text), ["ASCII85Decode"]],
      ] as const) {
        expect(
          await inspect("normal.pdf", await pdfWithContentStream(data, [...chain])),
          chain.join(" "),
        ).toMatchObject({
          ok: true,
          pageCount: 1,
        });
      }
    });

    it("refuses an expanding filter behind an image codec it does not decode ([/DCTDecode /FlateDecode])", async () => {
      const r = await inspect(
        "verschachtelt.pdf",
        await pdfWithContentStream(Buffer.from("x"), ["DCTDecode", "FlateDecode"]),
      );
      expect(r).toMatchObject({ ok: false, reason: "decompression" });
      if (!r.ok)
        expect(r.message).toContain("„verschachtelt.pdf“ enthält mehrfach verschachtelt komprimierte Daten");
    });
  });

  describe("inline images in content streams", () => {
    const content = (...parts: (string | Buffer)[]) =>
      Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));

    it("refuses an inline image whose data is a bomb ([/AHx /Fl], 24 MiB from 48 KB)", async () => {
      const data = asciiHexEncode(await deflateZeros(24 * 1024 * 1024));
      const stream = content(
        "q 100 0 0 100 0 0 cm\nBI /W 4096 /H 4096 /CS /G /BPC 8 /F [/AHx /Fl] ID ",
        data,
        "\nEI Q\n",
      );
      const r = await inspect("inline.pdf", await pdfWithContentStream(stream, null));
      expect(r).toMatchObject({ ok: false, reason: "decompression" });
    });

    it("refuses an inline image of 20,000 × 20,000 pixels from its dictionary", async () => {
      const stream = content(
        "BI /W 20000 /H 20000 /IM true /F /Fl ID ",
        deflateSync(Buffer.alloc(100)),
        "\nEI\n",
      );
      const r = await inspect("inline-gross.pdf", await pdfWithContentStream(stream, null));
      expect(r).toMatchObject({ ok: false, reason: "image-too-large" });
      if (!r.ok)
        expect(r.message).toContain(
          "„inline-gross.pdf“ enthält ein Bild mit 20.000 × 20.000 Pixeln (400 Megapixel)",
        );
    });

    it("counts every inline image of a long content stream read in chunks, and finds a bomb after 400 KB", async () => {
      const { scanPdfObjects } = await import("./pdf-scan.server");
      const line = "0.5 w 12.5 100.25 m 300 400.75 l S (Raum BI 1) Tj % BI im Kommentar\n";
      const filler = line.repeat(6000);
      const image = (k: number) => `BI /W 4 /H 4 /CS /G /BPC 8 ID ${String(k % 10).repeat(16)}\nEI\n`;
      const parts: string[] = [];
      // Different lengths, so the images fall at different places of the 64 KB read chunks.
      for (let k = 0; k < 7; k++) parts.push(line.repeat(800 + k * 13), image(k));
      const file = path.join(dir, "viele-bilder.pdf");
      await writeFile(file, await pdfWithContentStream(Buffer.from(parts.join(""), "latin1"), null));
      expect(await scanPdfObjects(file, { ratio: 100 })).toMatchObject({ ok: true, inlineImages: 7 });

      const bomb = content(
        filler,
        "BI /W 10 /H 10 /F [/Fl /RL] ID ",
        deflateSync(runLengthZeros(200_000)),
        "\nEI\n",
      );
      const r = await inspect("lang.pdf", await pdfWithContentStream(bomb, null));
      expect(r).toMatchObject({ ok: false, reason: "decompression" });
    });

    it("finds an inline image inside a compressed content stream, and passes ordinary ones and text that says BI", async () => {
      const bomb = content("BI /W 10 /H 10 /F [/Fl /RL] ID ", deflateSync(runLengthZeros(200_000)), "\nEI\n");
      const r = await inspect(
        "inline-fl.pdf",
        await pdfWithContentStream(deflateSync(content("q\n", bomb, "Q\n")), ["FlateDecode"]),
      );
      expect(r).toMatchObject({ ok: false, reason: "decompression" });

      const ordinary = content(
        "BT /F1 12 Tf (BI ID EI) Tj ET\n",
        "q 10 0 0 10 0 0 cm BI /W 4 /H 4 /CS /G /BPC 8 ID ",
        Buffer.alloc(16, 0x80),
        "\nEI Q\n",
        "q BI /W 8 /H 8 /CS /RGB /BPC 8 /F /AHx ID ",
        asciiHexEncode(Buffer.alloc(192, 0x40)),
        " EI Q\n",
      );
      expect(await inspect("inline-ok.pdf", await pdfWithContentStream(ordinary, null))).toMatchObject({
        ok: true,
      });
    });
  });

  describe("inline images of several megabytes (scanned plans)", () => {
    /** Deterministic bytes, `bits` of entropy each (1: only 0/1, 8: noise-like). */
    function pseudoRandom(length: number, bits: number, seed: number): Buffer {
      const b = Buffer.alloc(length);
      let x = seed >>> 0 || 1;
      for (let k = 0; k < length; k++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[k] = (x >>> 0) & ((1 << bits) - 1);
      }
      return b;
    }
    /** Whitespace "EI" whitespace/delimiter inside the data would end it early in any reader. */
    const hasEndMarker = (b: Buffer) => /[\0\t\n\f\r ]EI[\0\t\n\f\r ()<>[\]{}/%]/.test(b.toString("latin1"));
    function encodedWithoutMarker(make: (seed: number) => Buffer): Buffer {
      for (let seed = 1; ; seed++) {
        const b = make(seed);
        if (!hasEndMarker(b)) return b;
      }
    }
    const content = (...parts: (string | Buffer)[]) =>
      Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));

    it("accepts inline images of 1.5–2.9 MB encoded (Flate, DCT, unfiltered), in a plain and in a compressed content stream", async () => {
      const { scanPdfObjects } = await import("./pdf-scan.server");
      // 1700 × 1700 gray, noise-like: Flate barely shrinks it (about 2.9 MB encoded).
      const flate = encodedWithoutMarker((seed) => deflateSync(pseudoRandom(1700 * 1700, 8, seed)));
      expect(flate.length).toBeGreaterThan(2 * 1024 * 1024);
      // DCT data is not expanded by the scan, only passed over to its end marker.
      const dct = encodedWithoutMarker((seed) => pseudoRandom(1_500_000, 8, seed + 100));
      const stream = content(
        "q 595 0 0 842 0 0 cm\nBI /W 1700 /H 1700 /CS /G /BPC 8 /F /Fl ID ",
        flate,
        "\nEI Q\n",
        "q 100 0 0 100 0 0 cm BI /W 1200 /H 1250 /CS /RGB /BPC 8 /F /DCT ID ",
        dct,
        "\nEI Q\n",
        // Unfiltered: 1,200 × 1,000 gray = 1.2 MB, its length from the dictionary.
        "q 10 0 0 10 0 0 cm BI /W 1200 /H 1000 /CS /G /BPC 8 ID ",
        pseudoRandom(1_200_000, 8, 7),
        "\nEI Q (BI im Text) Tj\n",
      );
      const plain = await inspect("scan-plan.pdf", await pdfWithContentStream(stream, null));
      expect(plain).toMatchObject({ ok: true, pageCount: 1 });
      const packed = await inspect(
        "scan-plan-fl.pdf",
        await pdfWithContentStream(deflateSync(stream), ["FlateDecode"]),
      );
      expect(packed).toMatchObject({ ok: true, pageCount: 1 });

      const file = path.join(dir, "scan-plan.pdf");
      expect(await scanPdfObjects(file, { ratio: 100, maxImagePixels: 50_000_000 })).toMatchObject({
        ok: true,
        inlineImages: 3,
      });
    });

    it("judges a big inline image by its decompression ratio, not its size", async () => {
      const { scanPdfObjects } = await import("./pdf-scan.server");
      // Only 0/1 bytes: 10 MB compress about 6:1 to well over 1 MiB.
      const data = encodedWithoutMarker((seed) => deflateSync(pseudoRandom(10 * 1024 * 1024, 1, seed)));
      expect(data.length).toBeGreaterThan(1024 * 1024);
      const file = path.join(dir, "verhaeltnis.pdf");
      await writeFile(
        file,
        await pdfWithContentStream(
          content("BI /W 3240 /H 3240 /CS /G /BPC 8 /F /Fl ID ", data, "\nEI\n"),
          null,
        ),
      );
      expect(await scanPdfObjects(file, { ratio: 100 })).toMatchObject({ ok: true, inlineImages: 1 });
      // The same image where at most 4:1 is allowed (beyond a 1 MiB floor): a bomb.
      expect(await scanPdfObjects(file, { ratio: 4, streamFloorBytes: 1024 * 1024 })).toMatchObject({
        ok: false,
        reason: "bomb",
        decodedBytes: 10 * 1024 * 1024,
        encodedBytes: data.length,
      });
    });
  });

  it("refuses an image XObject beyond the pixel limit from its dictionary", async () => {
    const { PDFDocument, PDFName } = await import("pdf-lib");
    const doc = await PDFDocument.create();
    const image = doc.context.stream(deflateSync(Buffer.alloc(1000)), {
      Type: "XObject",
      Subtype: "Image",
      Width: 30000,
      Height: 20000,
      ColorSpace: "DeviceGray",
      BitsPerComponent: 1,
      Filter: "FlateDecode",
    });
    const page = doc.addPage();
    page.node.set(
      PDFName.of("Resources"),
      doc.context.obj({ XObject: { Im1: doc.context.register(image) } }),
    );
    const r = await inspect("luftbild.pdf", await doc.save());
    expect(r).toMatchObject({ ok: false, reason: "image-too-large" });
    if (!r.ok)
      expect(r.message).toContain(
        "30.000 × 20.000 Pixeln (600 Megapixel); je Bild sind höchstens 50 Megapixel",
      );
  });

  it("decodes a lone LZW stream bounded: a bomb is refused, ordinary data passes", async () => {
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
    expect(await inspect("lzw.pdf", await withLzw(text))).toMatchObject({ ok: true, pageCount: 1 });
  });

  it("accepts highly compressed data below the floor (a blank scan compresses 1000:1)", async () => {
    const r = await inspect("leer.pdf", await pdfSingleFlateBomb(8 * 1024 * 1024));
    expect(r).toMatchObject({ ok: true, pageCount: 1 });
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
    expect(r).toMatchObject({ ok: true, pageCount: 1 });
  });
});

describe("inspectPdf: archivability warnings (issue 13, not a refusal)", () => {
  const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

  async function build(edit: (doc: import("pdf-lib").PDFDocument) => Promise<void>) {
    const { PDFDocument } = await import("pdf-lib");
    const doc = await PDFDocument.create();
    await edit(doc);
    return doc.save();
  }
  async function embedded(doc: import("pdf-lib").PDFDocument) {
    const fontkit = (await import("@pdf-lib/fontkit")).default;
    const { readFile } = await import("node:fs/promises");
    doc.registerFontkit(fontkit);
    const font = await doc.embedFont(await readFile(DEJAVU), { subset: true });
    doc.addPage([1190, 842]).drawText("Grundriss Erdgeschoss 1:100", { x: 50, y: 800, size: 14, font });
  }
  async function withPdfAId(doc: import("pdf-lib").PDFDocument) {
    const { PDFName } = await import("pdf-lib");
    const meta = doc.context.stream(deflateSync(Buffer.from(XMP, "utf8")), {
      Type: "Metadata",
      Subtype: "XML",
      Filter: "FlateDecode",
    });
    doc.catalog.set(PDFName.of("Metadata"), doc.context.register(meta));
  }

  it("names the fonts that are not embedded exactly as pdffonts (poppler) reports them, for every sample plan", async () => {
    const { execFileSync } = await import("node:child_process");
    const good = (await readdir(FIXTURES)).filter(
      (n) => n.endsWith(".pdf") && !["broken.pdf", "empty.pdf", "encrypted.pdf", "fake.pdf"].includes(n),
    );
    for (const name of good) {
      const file = path.join(FIXTURES, name);
      const listing = execFileSync("pdffonts", [file], { encoding: "utf8" }).split("\n").slice(2);
      const notEmbedded = [
        ...new Set(
          listing
            .filter((l) => l.trim() !== "")
            .filter((l) => l.split(/\s+/).at(-5) === "no")
            .map((l) => (l.split(/\s+/)[0] as string).replace(/^[A-Z]{6}\+/, "")),
        ),
      ].sort((a, b) => a.localeCompare(b, "de"));
      const r = await inspectPdf(file, name);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const fontWarning = r.archiveWarnings.find((w) => w.startsWith("Nicht eingebettete Schriften"));
      if (notEmbedded.length === 0) expect(fontWarning, name).toBeUndefined();
      else expect(fontWarning, name).toContain(`Nicht eingebettete Schriften: ${notEmbedded.join(", ")}.`);
    }
  });

  it("no warning for embedded fonts with a PDF/A identification in (compressed) XMP", async () => {
    const bytes = await build(async (doc) => {
      await embedded(doc);
      await withPdfAId(doc);
    });
    const r = await inspect("pdfa.pdf", bytes);
    expect(r).toEqual({ ok: true, pageCount: 1, archiveWarnings: [] });
  });

  it("warns about a standard font, missing PDF/A identification, transparency and layers", async () => {
    const { PDFName, rgb } = await import("pdf-lib");
    const bytes = await build(async (doc) => {
      const page = doc.addPage([595, 842]);
      page.drawText("Lageplan", { x: 50, y: 800, size: 12 });
      page.drawRectangle({ x: 50, y: 50, width: 200, height: 100, color: rgb(1, 0, 0), opacity: 0.4 });
      const ocg = doc.context.register(doc.context.obj({ Type: "OCG", Name: "Bemaßung" }));
      doc.catalog.set(PDFName.of("OCProperties"), doc.context.obj({ OCGs: [ocg], D: { Order: [ocg] } }));
    });
    const r = await inspect("lageplan.pdf", bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.archiveWarnings).toEqual([
      expect.stringMatching(/^Nicht eingebettete Schriften: Helvetica\. .*„Schriften einbetten“/),
      expect.stringContaining("Ebenen (optionale Inhalte)"),
      expect.stringContaining("Transparenzen"),
      "Die Datei ist kein PDF/A (keine PDF/A-Kennung in den XMP-Metadaten). Für die dauerhafte Aufbewahrung ist ein Export als PDF/A-2 besser geeignet.",
    ]);
    // Only a warning: the file is accepted.
    const plain = await build(async (doc) => {
      await embedded(doc);
    });
    expect(await inspect("ohne-pdfa.pdf", plain)).toMatchObject({
      ok: true,
      archiveWarnings: [expect.stringContaining("kein PDF/A")],
    });
  });
});

describe("the upload itself is scanned only when it is already plain", () => {
  /** A PDF with a classic xref table; `objects` in order, the xref offsets from `at` (default: where each object starts). */
  function handMade(objects: string[], at?: (offsets: number[], body: string) => number[]) {
    let body = "%PDF-1.7\n";
    const offsets: number[] = [];
    objects.forEach((o, k) => {
      offsets.push(body.length);
      body += `${k + 1} 0 obj\n${o}\nendobj\n`;
    });
    const entries = at ? at(offsets, body) : offsets;
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const o of entries) body += `${String(o).padStart(10, "0")} 00000 n \n`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(body, "latin1");
  }
  const hidden = "4 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
    "<< /S /GoTo /D [3 0 R /Fit] >>",
    `<< /Length ${hidden.length} >>\nstream\n${hidden}\nendstream`,
  ];

  it("a plain upload is scanned directly (no rewrite), with the same findings", async () => {
    const { scanPdfObjects } = await import("./pdf-scan.server");
    const file = path.join(dir, "plain.pdf");
    await writeFile(file, handMade(objects));
    expect(await scanPdfObjects(file, { ratio: 100, direct: true })).toMatchObject({ ok: true, streams: 1 });
    expect(await inspect("plain.pdf", handMade(objects))).toMatchObject({ ok: true, pageCount: 1 });
  });

  it("an object hidden in another one's stream data, found through the xref, is not missed", async () => {
    const { scanPdfObjects } = await import("./pdf-scan.server");
    // The xref sends object 4 into the stream data of object 5: readers run its JavaScript.
    const tricked = handMade(objects, (offsets, body) => {
      const inside = body.indexOf(hidden);
      return offsets.map((o, k) => (k === 3 ? inside : o));
    });
    const file = path.join(dir, "versteckt.pdf");
    await writeFile(file, tricked);
    expect(await scanPdfObjects(file, { ratio: 100, direct: true })).toMatchObject({
      ok: false,
      reason: "rewrite-needed",
      detail: "xref offset",
    });
    const r = await inspect("versteckt.pdf", tricked);
    expect(r).toMatchObject({ ok: false, reason: "active-content" });
    if (!r.ok) expect(r.message).toContain("„versteckt.pdf“ enthält ausführbare Inhalte (JavaScript)");
  });

  it("a file with object streams goes through qpdf's rewrite", async () => {
    const { scanPdfObjects } = await import("./pdf-scan.server");
    const file = path.join(dir, "objstm.pdf");
    await writeFile(file, await pdfWithPages(2)); // pdf-lib writes object streams
    expect(await scanPdfObjects(file, { ratio: 100, direct: true })).toMatchObject({
      ok: false,
      reason: "rewrite-needed",
    });
  });
});
