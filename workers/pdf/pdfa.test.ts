import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { type RenderedKind, renderEveryKind } from "./every-kind";
import { embedFonts } from "./layout";
import { fixture } from "./package-samples";
import { stampHeadline, stampPdf } from "./stamp";
import { pdfFonts, pdfInfo, pdfXmp, qpdfCheck, qpdfTrailer, qpdfUncompressed } from "./test-support";

let kinds: RenderedKind[];
beforeAll(async () => {
  kinds = await renderEveryKind();
}, 60_000);

const FILE_NUMBER = "63-2026-00042";
const tag = (xmp: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xmp)?.[1];
const li = (xmp: string, name: string) => /<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(tag(xmp, name) ?? "")?.[1];

/** The ICC profile bytes of the document's (only) PDF/A OutputIntent. */
async function outputIntentProfile(bytes: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes);
  const intents = doc.catalog.lookup(PDFName.of("OutputIntents"));
  if (!intents || !("size" in intents)) throw new Error("no OutputIntents");
  expect((intents as unknown as { size(): number }).size()).toBe(1);
  const intent = (intents as unknown as { lookup(i: number, t: typeof PDFDict): PDFDict }).lookup(0, PDFDict);
  expect(intent.get(PDFName.of("S"))).toBe(PDFName.of("GTS_PDFA1"));
  const stream = intent.lookup(PDFName.of("DestOutputProfile"));
  if (!(stream instanceof PDFRawStream)) throw new Error("no DestOutputProfile stream");
  expect(stream.dict.get(PDFName.of("N"))?.toString()).toBe("3");
  return decodePDFRawStream(stream).decode();
}

describe("PDF/A-2 properties of every PDF the product writes", () => {
  it("XMP mirrors the document information (title, authority, Aktenzeichen, producer) and identifies PDF/A-2 where the file can be", async () => {
    for (const { kind, bytes, sources } of kinds) {
      const xmp = await pdfXmp(bytes);
      const info = await pdfInfo(bytes);
      expect(xmp, kind).toContain("<x:xmpmeta");
      expect(li(xmp, "dc:title"), kind).toBe(info.get("Title"));
      expect(li(xmp, "dc:creator"), kind).toBe(info.get("Author"));
      expect(info.get("Author"), kind).toMatch(/Landkreis|Bauaufsicht/);
      expect(li(xmp, "dc:description"), kind).toBe(info.get("Subject"));
      expect(li(xmp, "dc:description"), kind).toContain(FILE_NUMBER);
      expect(li(xmp, "dc:subject"), kind).toBe(FILE_NUMBER);
      expect(tag(xmp, "pdf:Producer"), kind).toBe(info.get("Producer"));
      expect(tag(xmp, "xmp:CreatorTool"), kind).toBe(info.get("Creator"));
      expect(info.get("Encrypted"), kind).toBe("no");
      // Our own documents are PDF/A-2u; the sample plans use unembedded Helvetica, so files that
      // carry them make no PDF/A claim (the stamp test below shows the claim for a clean plan).
      if (sources.length === 0) {
        expect(tag(xmp, "pdfaid:part"), kind).toBe("2");
        expect(tag(xmp, "pdfaid:conformance"), kind).toBe("U");
        expect(tag(xmp, "xmp:CreateDate"), kind).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      } else {
        expect(xmp, kind).not.toContain("pdfaid:part");
      }
    }
  });

  it("has an sRGB OutputIntent, a document /ID, no encryption, no JavaScript, embedded fonts, and passes qpdf --check", async () => {
    for (const { kind, bytes, sources } of kinds) {
      const icc = Buffer.from(await outputIntentProfile(bytes));
      expect(icc.toString("latin1", 36, 40), kind).toBe("acsp");
      expect(icc.readUInt32BE(0), kind).toBe(icc.length);
      expect(icc.toString("latin1", 12, 24), kind).toBe("mntrRGB XYZ ");
      expect(icc.includes(Buffer.from("sRGB IEC61966-2.1")), kind).toBe(true);

      const trailer = await qpdfTrailer(bytes);
      expect(trailer, kind).toMatch(/\/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]/);
      expect(trailer, kind).not.toContain("/Encrypt");

      const all = await qpdfUncompressed(bytes);
      expect(all, kind).not.toMatch(/\/JavaScript|\/JS\b/);
      if (sources.length === 0)
        expect(
          (await pdfFonts(bytes)).every((f) => f.embedded),
          kind,
        ).toBe(true);
      expect(await qpdfCheck(bytes), kind).toContain("No syntax or stream encoding errors found");
    }
  });

  it("derives the /ID from the input: the same input gives the same file, another input another /ID", async () => {
    const again = await renderEveryKind();
    for (const [i, { kind, bytes }] of kinds.entries()) {
      expect(Buffer.from(again[i]?.bytes ?? []).equals(Buffer.from(bytes)), kind).toBe(true);
    }
    const plan = fixture("grundriss-eg.pdf");
    const stampText = {
      headline: stampHeadline("Baugenehmigung", FILE_NUMBER, "18.06.2026"),
      authority: "Landkreis Vorpommern-Greifswald",
      detail: "Grundriss",
      fileNumber: FILE_NUMBER,
    };
    const a = await qpdfTrailer((await stampPdf(plan, stampText)).bytes);
    const b = await qpdfTrailer(
      (await stampPdf(plan, { ...stampText, detail: "Grundriss, Version 2" })).bytes,
    );
    const id = (t: string) => /\/ID \[ <([0-9a-f]{32})>/.exec(t)?.[1];
    expect(id(a)).toBeDefined();
    expect(id(a)).not.toBe(id(b));
  });

  it("stamps a plan as a new file of the authority: the architect's metadata and JavaScript go, a plan with embedded fonts becomes PDF/A-2b", async () => {
    // An architect's plan whose fonts are embedded, with its own metadata and an open action.
    const src = await PDFDocument.create();
    const fonts = await embedFonts(src, ["regular"]);
    src
      .addPage([1190.55, 841.89])
      .drawText("Grundriss EG 1:100", { x: 60, y: 60, font: fonts.regular, size: 12 });
    src.setAuthor("Architekturbüro Beispiel");
    src.setProducer("CAD 2026");
    src.setTitle("A-101");
    const js = src.context.obj({ Type: "Action", S: "JavaScript", JS: "app.alert('hallo')" });
    src.catalog.set(PDFName.of("OpenAction"), src.context.register(js));
    const plan = await src.save();
    expect(await qpdfUncompressed(plan)).toContain("/JavaScript");

    const { bytes } = await stampPdf(plan, {
      headline: stampHeadline("Baugenehmigung", FILE_NUMBER, "18.06.2026"),
      authority: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
      detail: "Grundriss EG, Version 1",
      fileNumber: FILE_NUMBER,
    });
    const info = await pdfInfo(bytes);
    expect(info.get("Author")).toBe("Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde");
    expect(info.get("Producer")).toBe("Bauantrag (pdf-lib)");
    expect(info.get("Title")).toContain("Grundriss EG, Version 1");
    const all = await qpdfUncompressed(bytes);
    expect(all).not.toMatch(/\/JavaScript|\/JS\b/);
    expect(all).not.toContain("Architekturb");
    expect(all).not.toContain("CAD 2026");
    const xmp = await pdfXmp(bytes);
    expect(tag(xmp, "pdfaid:part")).toBe("2");
    expect(tag(xmp, "pdfaid:conformance")).toBe("B");
    expect((await pdfFonts(bytes)).every((f) => f.embedded)).toBe(true);
    expect(await qpdfCheck(bytes)).toContain("No syntax or stream encoding errors found");
  });
});
