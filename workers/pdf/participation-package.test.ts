import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { fixture, samplePackage as sample } from "./package-samples";
import { type PackageDocument, renderParticipationPackage, stampText } from "./participation-package";
import { decodeGreyPng, pdfPageCount, pdfPages, pdfText, renderPagePng } from "./test-support";

const run = promisify(execFile);

/** Runs a poppler/qpdf tool on the bytes (an independent reader, not pdf-lib). */
async function tool(cmd: string, args: string[], bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-pkg-"));
  try {
    const file = path.join(dir, "in.pdf");
    await writeFile(file, bytes);
    const { stdout } = await run(cmd, [...args, file, ...(cmd === "pdftotext" ? ["-"] : [])], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Lageplan filed a second time, as a Bauzeichnung: the same file (same sha256). */
function withDuplicate(): PackageDocument[] {
  const docs = sample().documents;
  const lageplan = docs[0] as PackageDocument;
  return [...docs, { ...lageplan, typeLabel: "Bauzeichnung", title: "Grundriss EG" }];
}

describe("participation package PDF", () => {
  it("cover letter, summary, merged PDF pages and images; every page stamped x/y", async () => {
    const bytes = await renderParticipationPackage(sample());
    const pages = await pdfPages(bytes);
    // cover + summary + 1 Lageplan page + 2 images; the DWG is only listed.
    expect(pages).toHaveLength(5);
    const flat = pages.map((p) => p.replace(/\s+/g, " "));
    expect(flat[0]).toContain("Aktenzeichen");
    expect(flat[0]).toContain("63-2026-00042");
    expect(flat[0]).toContain("22.12.2026");
    expect(flat[0]).toContain("Untere Denkmalschutzbehörde");
    expect(flat[0]).toContain("Rostocker Straße 76");
    expect(flat[0]).toContain("Wir bitten um Ihre denkmalrechtliche Stellungnahme.");
    expect(flat[0]).toContain("Zustimmung gilt als erteilt");
    expect(flat[1]).toContain("Zusammenfassung des Falls");
    expect(flat[1]).toContain("Gemarkung Klütz, Flur 1, Flurstück 12/3");
    expect(flat[1]).toContain("aufmass.dwg (Version 1) – nicht eingebunden, im Portal abrufbar");
    flat.forEach((text, i) => {
      expect(text).toContain(stampText("63-2026-00042", i + 1, 5));
    });
    // The images keep their orientation (both are landscape).
    const doc = await PDFDocument.load(bytes);
    for (const i of [3, 4]) {
      const { width, height } = doc.getPage(i).getSize();
      expect(width).toBeGreaterThan(height);
    }
    // And are really drawn: the image page is far from blank.
    const grey = decodeGreyPng(await renderPagePng(bytes, { page: 4, dpi: 30 }));
    const dark = grey.pixels.filter((v) => v < 200).length / grey.pixels.length;
    expect(dark).toBeGreaterThan(0.05);
  });

  it("is deterministic for the same input", async () => {
    const a = await renderParticipationPackage(sample());
    const b = await renderParticipationPackage(sample());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("names the file that cannot be read", async () => {
    const broken = sample({
      documents: [
        {
          typeLabel: "Lageplan",
          title: "Lageplan",
          filename: "broken.pdf",
          versionNumber: 1,
          sha256: "e".repeat(64),
          mimeType: "application/pdf",
          bytes: fixture("broken.pdf"),
        },
      ],
    });
    await expect(renderParticipationPackage(broken)).rejects.toThrow(/broken\.pdf/);
  });

  it("merges a file filed under several document types once and lists it under all of them", async () => {
    const single = await renderParticipationPackage(sample());
    const bytes = await renderParticipationPackage(sample({ documents: withDuplicate() }));
    expect(await pdfPageCount(bytes)).toBe(await pdfPageCount(single));
    const summary = ((await pdfPages(bytes))[1] ?? "").replace(/\s+/g, " ");
    expect(summary).toContain("1. Lageplan; Bauzeichnung – Grundriss EG, lageplan.pdf (Version 1)");
    expect(summary.match(/lageplan\.pdf/g)).toHaveLength(1);
    // The letter still counts the Bauvorlagen, not the files.
    expect(summary).toContain("Beigefügte Bauvorlagen (5)");
  });

  it("has a bookmark per Bauvorlage pointing at its first page (read by qpdf)", async () => {
    const bytes = await renderParticipationPackage(sample({ documents: withDuplicate() }));
    const json = JSON.parse(await tool("qpdf", ["--json", "--json-key=outlines"], bytes)) as {
      outlines: { title: string; destpageposfrom1: number }[];
    };
    expect(json.outlines.map((o) => [o.title, o.destpageposfrom1])).toEqual([
      ["Anschreiben", 1],
      ["Zusammenfassung des Falls", 2],
      ["Lageplan", 3],
      ["Bauzeichnung – Grundriss EG", 3],
      ["Foto – Ansicht Süd", 4],
      ["Foto – Ansicht Nord", 5],
    ]);
  });

  it("makes the portal link on the cover clickable with the printed URL", async () => {
    const data = sample();
    const bytes = await renderParticipationPackage(data);
    const cover = (await PDFDocument.load(bytes)).getPage(0);
    const annots = cover.node.lookup(PDFName.of("Annots"), PDFArray);
    const uris = annots
      .asArray()
      .map((ref) => cover.doc.context.lookup(ref, PDFDict))
      .filter((a) => a.get(PDFName.of("Subtype")) === PDFName.of("Link"))
      .map((a) => a.lookup(PDFName.of("A"), PDFDict).lookup(PDFName.of("URI"), PDFString).decodeText());
    expect(uris).toEqual([data.portalUrl]);
    expect(((await pdfPages(bytes))[0] ?? "").replace(/\s+/g, " ")).toContain(data.portalUrl);
  });

  it("prints the page stamp at least 10 mm above the bottom edge of every page", async () => {
    const bytes = await renderParticipationPackage(sample());
    const xml = await tool("pdftotext", ["-bbox"], bytes);
    const pages = [...xml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)];
    expect(pages).toHaveLength(5);
    for (const [, , height, body] of pages) {
      const stamp = [...(body ?? "").matchAll(/yMax="([\d.]+)">Beteiligung<\/word>/g)];
      expect(stamp.length).toBeGreaterThan(0);
      // pdftotext's box reaches down to the font's descender: that is what a printer must reach.
      const lowest = Math.max(...stamp.map((m) => Number(m[1])));
      expect(Number(height) - lowest).toBeGreaterThanOrEqual(28.35);
    }
  });

  it("leaves the internal 'added by the clerk' note out of the letter, keeps a real reason", async () => {
    const internal = await pdfText(
      await renderParticipationPackage(sample({ reason: "Von der Sachbearbeitung hinzugefügt." })),
    );
    expect(internal).not.toContain("Sachbearbeitung hinzugefügt");
    expect(internal).not.toContain("Anlass");
    const neighbour = await pdfText(
      await renderParticipationPackage(
        sample({ reason: "Von der Sachbearbeitung hinzugefügt (benachbarte Gemeinde)." }),
      ),
    );
    expect(neighbour).not.toContain("Sachbearbeitung");
    const real = (await pdfText(await renderParticipationPackage(sample()))).replace(/\s+/g, " ");
    expect(real).toContain("Anlass");
    expect(real).toContain("Ein Baudenkmal ist betroffen.");
  });
});
