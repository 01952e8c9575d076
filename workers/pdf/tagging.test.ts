import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RenderedKind, renderEveryKind } from "./every-kind";
import { issuePdf } from "./issue";
import { renderNachforderung } from "./nachforderung";
import { sampleNachforderung } from "./nachforderung-samples";
import { createTestCa, issueSealPkcs12, sealFromPkcs12 } from "./seal";
import { pdfSig } from "./seal-test-support";
import {
  findAll,
  findInDocument,
  type ReadStructure,
  readStructure,
  type StructNode,
} from "./structure-test-support";
import { pdfInfo, pdfText, pdfXmp, qpdfCheck } from "./test-support";
import { newVerificationCode, verificationUrl } from "./verification";

/**
 * Tagged PDF (issue 13 item 2) read back by independent tools: pdf.js (structure tree and marked
 * content, as Firefox reads it), poppler's pdfinfo ("Tagged: yes") and pdftotext, qpdf --check,
 * and pdfsig for a Bescheid sealed after tagging.
 */

type Kind = RenderedKind["kind"] | "Nachforderung";
let kinds: { kind: Kind; bytes: Uint8Array; sources: Uint8Array[] }[];
const structures = new Map<Kind, ReadStructure>();

beforeAll(async () => {
  kinds = [
    ...(await renderEveryKind()),
    { kind: "Nachforderung", bytes: await renderNachforderung(sampleNachforderung()), sources: [] },
  ];
  for (const k of kinds) structures.set(k.kind, await readStructure(k.bytes));
}, 120_000);

const structureOf = (kind: Kind) => structures.get(kind) as ReadStructure;
const texts = (nodes: StructNode[]) => nodes.map((n) => n.text);
const ourLetters: Kind[] = ["Eingangsbestätigung", "Stellungnahme", "Bescheid", "Nachforderung"];

/** Text of the content leaves in structure order (depth first), to compare with content order. */
function structureOrderText(node: StructNode): string {
  const own = node.text;
  if (node.children.length === 0) return own;
  // A node's own text comes first only when it has direct content; pdf.js keeps kids in /K order.
  return node.children.map(structureOrderText).join(" ");
}

describe("tagged PDFs (pdf.js structure tree, pdfinfo, qpdf)", () => {
  it("every kind we write is tagged, passes qpdf --check, and our letters claim PDF/UA-1 with title shown and language de-DE", async () => {
    for (const { kind, bytes } of kinds) {
      const info = await pdfInfo(bytes);
      const ours = kind !== "Gestempelter Plan";
      expect(info.get("Tagged"), kind).toBe(ours ? "yes" : "no");
      expect(await qpdfCheck(bytes), kind).toContain("No syntax or stream encoding errors");
      if (!ours) continue;
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      expect(doc.catalog.lookup(PDFName.of("Lang"))?.toString(), kind).toBe("(de-DE)");
      const prefs = doc.catalog.lookup(PDFName.of("ViewerPreferences"), PDFDict);
      expect(prefs.get(PDFName.of("DisplayDocTitle"))?.toString(), kind).toBe("true");
      const mark = doc.catalog.lookup(PDFName.of("MarkInfo"), PDFDict);
      expect(mark.get(PDFName.of("Marked"))?.toString(), kind).toBe("true");
      // Our pages (the package's cover and summary; not the applicant's merged pages).
      const ourPages = kind === "Beteiligungspaket" ? doc.getPages().slice(0, 2) : doc.getPages();
      for (const page of ourPages) expect(page.node.get(PDFName.of("Tabs")), kind).toBe(PDFName.of("S"));
      const xmp = await pdfXmp(bytes);
      // The package carries the applicant's untagged pages: tagged cover, but no PDF/UA claim.
      if (kind === "Beteiligungspaket") expect(xmp, kind).not.toContain("<pdfuaid:part>");
      else {
        expect(xmp, kind).toContain("<pdfuaid:part>1</pdfuaid:part>");
        expect(xmp, kind).toContain("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>");
      }
    }
  });

  it("leaves no text of ours outside the structure: letters have no unmarked text; headers, footers and page numbers are artifacts", () => {
    for (const kind of ourLetters) {
      const s = structureOf(kind);
      for (const [i, unmarked] of s.unmarkedText.entries()) expect(unmarked, `${kind} p. ${i + 1}`).toBe("");
      for (const [i, artifact] of s.artifactText.entries()) {
        expect(artifact, `${kind} p. ${i + 1}`).toMatch(new RegExp(`Seite ${i + 1} von ${s.pages.length}$`));
      }
      // No footer text inside the structure.
      expect(s.taggedText.join(" "), kind).not.toMatch(/Seite \d+ von \d+/);
    }
    const pkg = structureOf("Beteiligungspaket");
    for (const [i, artifact] of pkg.artifactText.entries()) {
      expect(artifact, `package p. ${i + 1}`).toContain(`Seite ${i + 1}/${pkg.pages.length}`);
    }
    // Cover and summary pages are ours: nothing unmarked there.
    expect(pkg.unmarkedText.slice(0, 2)).toEqual(["", ""]);
  });

  it("reading order is structure order: the structure's text equals the page's tagged text in content order", () => {
    for (const kind of [...ourLetters, "Beteiligungspaket" as const]) {
      const s = structureOf(kind);
      s.pages.forEach((tree, i) => {
        const squash = (t: string) => t.replace(/\s+/g, "");
        expect(squash(structureOrderText(tree)), `${kind} p. ${i + 1}`).toBe(squash(s.taggedText[i] ?? ""));
      });
    }
  });

  it("Bescheid: title H1, numbered sections H2, fee table with column headers and cells, conditions as list items with labels", () => {
    const s = structureOf("Bescheid");
    expect(texts(findInDocument(s, "H1"))).toEqual(["Baugenehmigung"]);
    const h2 = texts(findInDocument(s, "H2"));
    expect(h2.slice(0, 3)).toEqual([
      "I. Entscheidung",
      "II. Zugelassene Abweichungen",
      "III. Nebenbestimmungen und Hinweise",
    ]);
    expect(h2).toContain("IV. Gebühren");
    expect(h2).toContain("VII. Rechtsbehelfsbelehrung");
    expect(texts(findInDocument(s, "H3"))).toEqual(expect.arrayContaining(["Auflagen", "Zahlungshinweis"]));

    const tables = findInDocument(s, "Table");
    const fee = tables.find((t) => t.text.startsWith("Gebührentatbestand")) as StructNode;
    expect(fee, "fee table").toBeDefined();
    const [headerRow, ...rows] = findAll(fee, "TR");
    expect(texts(findAll(headerRow as StructNode, "TH"))).toEqual([
      "Gebührentatbestand",
      "Tarifstelle",
      "Berechnung",
      "Betrag",
    ]);
    const firstRow = texts(findAll(rows[0] as StructNode, "TD"));
    expect(firstRow).toHaveLength(4);
    expect(firstRow[0]).toBe("Gebühr für die Baugenehmigung");
    expect(firstRow[3]).toBe("2.800,00 €");
    const totalRow = rows[rows.length - 1] as StructNode;
    expect(texts(findAll(totalRow, "TH"))).toEqual(["Gesamtbetrag"]);
    expect(texts(findAll(totalRow, "TD"))).toEqual(["2.850,00 €"]);

    const annex = tables.find((t) => t.text.startsWith("Nr. Bauvorlage")) as StructNode;
    expect(texts(findAll(annex, "TH"))).toEqual([
      "Nr.",
      "Bauvorlage",
      "Datei und SHA-256-Prüfsumme",
      "Version",
    ]);
    expect(findAll(annex, "TR")).toHaveLength(1 + 5);

    const items = findInDocument(s, "LI");
    const condition = items.find((li) => li.text.startsWith("1. Mit der Bauausführung")) as StructNode;
    expect(texts(findAll(condition, "Lbl"))).toEqual(["1."]);
    expect(findAll(condition, "LBody")[0]?.text).toContain("Standsicherheitsnachweis");
    // The letterhead's information block: labels are row headers.
    expect(texts(findInDocument(s, "TH"))).toEqual(expect.arrayContaining(["Aktenzeichen", "Kassenzeichen"]));
  });

  it("receipt: the document list is a table with header cells, the open items a list", () => {
    const s = structureOf("Eingangsbestätigung");
    expect(texts(findInDocument(s, "H1"))).toEqual(["Eingangsbestätigung"]);
    expect(texts(findInDocument(s, "H2"))).toContain("Eingereichte Bauvorlagen (6)");
    const list = findInDocument(s, "Table").find((t) => t.text.startsWith("Nr. Unterlage")) as StructNode;
    expect(texts(findAll(list, "TH"))).toEqual([
      "Nr.",
      "Unterlage",
      "Datei und SHA-256-Prüfsumme",
      "Version",
    ]);
    const rows = findAll(list, "TR").slice(1);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(findAll(row, "TD")).toHaveLength(4);
    expect(texts(findInDocument(s, "LI"))).toEqual([
      "Standsicherheitsnachweis",
      "Brandschutznachweis – Brandschutzkonzept",
    ]);
  });

  it("statement, Nachforderung and package cover: headings, tables with header cells, lists, the portal link as Link", () => {
    const statement = structureOf("Stellungnahme");
    expect(texts(findInDocument(statement, "H2"))).toEqual(
      expect.arrayContaining(["Ergebnis", "Begründung"]),
    );
    expect(findInDocument(statement, "LI").length).toBeGreaterThanOrEqual(40);
    expect(texts(findInDocument(statement, "Lbl"))[0]).toBe("1. Auflage");

    const letter = structureOf("Nachforderung");
    expect(findInDocument(letter, "H1")[0]?.text).toMatch(/^Nachforderung zu Ihrem Bauantrag/);
    const items = findInDocument(letter, "Table").find((t) =>
      t.text.startsWith("Nr. Betrifft"),
    ) as StructNode;
    expect(texts(findAll(items, "TH"))).toEqual(["Nr.", "Betrifft", "Was fehlt oder zu ändern ist"]);

    const pkg = structureOf("Beteiligungspaket");
    expect(texts(findInDocument(pkg, "H1"))).toEqual([
      "Beteiligung: Bitte um fachliche Stellungnahme",
      "Zusammenfassung des Falls",
    ]);
    const link = findInDocument(pkg, "Link")[0];
    expect(link?.text).toMatch(/^https:\/\/bauantrag\.example\/beteiligung\//);
  });

  it("bookmarks follow the sections of the letters", async () => {
    const bytes = kinds.find((k) => k.kind === "Bescheid")?.bytes as Uint8Array;
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.catalog.has(PDFName.of("Outlines"))).toBe(true);
    const outlines = doc.catalog.lookup(PDFName.of("Outlines"), PDFDict);
    expect(outlines.get(PDFName.of("Count"))?.toString()).toBe(String(1 + 8));
  });

  it("text extraction is unchanged in order (pdftotext)", async () => {
    const text = await pdfText(kinds.find((k) => k.kind === "Bescheid")?.bytes as Uint8Array);
    const order = [
      "Baugenehmigung",
      "I. Entscheidung",
      "IV. Gebühren",
      "Gesamtbetrag",
      "VII. Rechtsbehelfsbelehrung",
    ];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

describe("issued (marked and sealed) after tagging", () => {
  let dir: string;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("Bescheid: the QR code is a Figure with alternative text, the mark a paragraph; pdfsig reports the seal valid", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tagging-seal-"));
    const ca = createTestCa("Test-CA Tagging");
    const seal = sealFromPkcs12(issueSealPkcs12(ca, "Landkreis Vorpommern-Greifswald", "geheim"), "geheim");
    const code = newVerificationCode();
    const url = verificationUrl("https://bauantrag.example", code);
    const bytes = kinds.find((k) => k.kind === "Bescheid")?.bytes as Uint8Array;
    const out = await issuePdf(bytes, {
      seal,
      placement: "last-page",
      code,
      url,
      reason: "Bescheid, Az. 63-2026-00042",
      location: "Greifswald",
      contactInfo: "",
    });
    const s = await readStructure(out.bytes);
    const figures = findInDocument(s, "Figure");
    expect(figures).toHaveLength(1);
    expect(figures[0]?.alt).toBe(`QR-Code zur Prüfung des Dokuments: ${url}`);
    expect(texts(findInDocument(s, "P")).some((t) => t.includes(code))).toBe(true);
    for (const unmarked of s.unmarkedText) expect(unmarked).toBe("");
    expect((await pdfInfo(out.bytes)).get("Tagged")).toBe("yes");
    expect(await qpdfCheck(out.bytes)).toContain("No syntax or stream encoding errors");
    const { signatures } = await pdfSig(out.bytes);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]?.validation).toBe("Signature is Valid.");
    expect(signatures[0]?.totalDocumentSigned).toBe(true);
  }, 60_000);

  it("stamped plan: the verification mark is an artifact (the applicant's sheet has no structure of ours)", async () => {
    const ca = createTestCa("Test-CA Tagging");
    const seal = sealFromPkcs12(issueSealPkcs12(ca, "Landkreis Vorpommern-Greifswald", "geheim"), "geheim");
    const code = newVerificationCode();
    const plan = kinds.find((k) => k.kind === "Gestempelter Plan")?.bytes as Uint8Array;
    const out = await issuePdf(plan, {
      seal,
      placement: "every-page",
      code,
      url: verificationUrl("https://bauantrag.example", code),
      reason: "Plan",
      location: "Greifswald",
      contactInfo: "",
    });
    const s = await readStructure(out.bytes);
    expect(s.artifactText[0]).toContain(code);
    expect(s.artifactText[0]).toContain("Baugenehmigung");
    expect(s.unmarkedText[0]).not.toContain(code);
  }, 60_000);
});
