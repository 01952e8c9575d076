import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { extractSignature } from "@signpdf/utils";
import { degrees, PDFDocument, rgb } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RenderedKind, renderEveryKind } from "./every-kind";
import { issuePdf } from "./issue";
import { fixture } from "./package-samples";
import { createTestCa, issueSealPkcs12, loadSeal, type Seal, sealFromPkcs12, sealPdf } from "./seal";
import { pdfSig, readQrCode } from "./seal-test-support";
import { pdfFonts, pdfXmp, qpdfCheck } from "./test-support";
import {
  type GreyPage,
  newVerificationCode,
  normalizeVerificationCode,
  renderGreyPages,
  verificationUrl,
} from "./verification";

const AUTHORITY = "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde";
const APP_URL = "https://bauantrag.kreis-vg.example";
const PLACEMENT = {
  Eingangsbestätigung: "last-page",
  Stellungnahme: "last-page",
  Bescheid: "last-page",
  Beteiligungspaket: "first-page",
  "Gestempelter Plan": "every-page",
} as const;

let dir: string;
let seal: Seal;
let kinds: RenderedKind[];
const issued = new Map<string, { bytes: Uint8Array; code: string; pages: number[] }>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "seal-"));
  // A test CA issues the authority's seal certificate (PKCS#12 with passphrase), as a trust
  // service provider would; loadSeal reads it from the seal folder like in production.
  const ca = createTestCa("Test-CA Bauantrag");
  writeFileSync(path.join(dir, "auth-1.p12"), issueSealPkcs12(ca, AUTHORITY, "geheim äö"));
  writeFileSync(path.join(dir, "auth-1.passphrase"), "geheim äö\n");
  seal = loadSeal({ dir, allowDevelopmentSeal: false }, { id: "auth-1", name: AUTHORITY });
  kinds = await renderEveryKind();
  for (const k of kinds) {
    const code = newVerificationCode();
    const out = await issuePdf(k.bytes, {
      seal,
      placement: PLACEMENT[k.kind],
      code,
      url: verificationUrl(APP_URL, code),
      reason: `${k.kind}, Az. 63-2026-00042`,
      location: "Feldstraße 85a, 17489 Greifswald",
      contactInfo: "bauaufsicht@kreis-vg.example",
    });
    issued.set(k.kind, { bytes: out.bytes, code, pages: out.mark.pages });
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function changedBox(a: GreyPage, b: GreyPage): { width: number; height: number } {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = -1;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (a.data[y * a.width + x] === b.data[y * a.width + x]) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return { width: maxX - minX + 1, height: maxY - minY + 1 };
}

describe("PAdES seal of every issued document", () => {
  it("pdfsig: valid ETSI.CAdES.detached signature over the whole file, SHA-256, signed by the authority", async () => {
    for (const k of kinds) {
      const { signatures, raw } = await pdfSig(issued.get(k.kind)?.bytes as Uint8Array);
      expect(signatures, `${k.kind}\n${raw}`).toHaveLength(1);
      const [s] = signatures;
      expect(s?.validation, k.kind).toBe("Signature is Valid.");
      expect(s?.signatureType, k.kind).toBe("ETSI.CAdES.detached");
      expect(s?.hashAlgorithm, k.kind).toBe("SHA-256");
      expect(s?.totalDocumentSigned, k.kind).toBe(true);
      expect(s?.signerCommonName, k.kind).toBe(AUTHORITY);
    }
  });

  it("one changed byte anywhere in the signed ranges breaks the seal", async () => {
    for (const k of kinds) {
      const bytes = Buffer.from(issued.get(k.kind)?.bytes as Uint8Array);
      const { ByteRange } = extractSignature(bytes) as { ByteRange: number[] };
      const [, firstLength, secondStart] = ByteRange as [number, number, number, number];
      // In the binary comment of the header, in the XMP packet (plain text), and after the signature.
      const xmpAt = bytes.indexOf("<x:xmpmeta");
      const metaAt = xmpAt > 0 && xmpAt < firstLength ? xmpAt + 3 : 12;
      for (const at of [10, metaAt, secondStart + 5]) {
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at] as number) ^ 0x01;
        const { signatures, raw } = await pdfSig(changed);
        expect(signatures[0]?.validation, `${k.kind} @${at}\n${raw}`).not.toBe("Signature is Valid.");
        expect(signatures[0]?.validation, `${k.kind} @${at}`).toMatch(/Digest Mismatch|Invalid|not/i);
      }
    }
  });

  it("PAdES baseline attributes: signing-certificate-v2 present, no signing-time attribute (the time is /M)", async () => {
    const bytes = Buffer.from(issued.get("Bescheid")?.bytes as Uint8Array);
    const { signature } = extractSignature(bytes) as { signature: string };
    const der = path.join(dir, "sig.der");
    writeFileSync(der, Buffer.from(signature, "binary"));
    const { stdout } = await promisify(execFile)("openssl", [
      "cms",
      "-cmsout",
      "-print",
      "-inform",
      "DER",
      "-in",
      der,
    ]);
    expect(stdout).toMatch(/signingCertificateV2/);
    expect(stdout).toMatch(/pkcs9-messageDigest|messageDigest/);
    expect(stdout).not.toMatch(/signingTime/);
    expect(stdout).toContain("sha256");
    // The dictionary says when: /M, and PAdES' SubFilter.
    const text = bytes.toString("latin1");
    expect(text).toMatch(/\/SubFilter \/ETSI\.CAdES\.detached/);
    expect(text).toMatch(/\/M \(D:\d{14}Z\)/);
  });

  it("the PDF/A identification and OutputIntent survive sealing; qpdf finds no error", async () => {
    for (const k of kinds) {
      const sealed = issued.get(k.kind)?.bytes as Uint8Array;
      const before = await pdfXmp(k.bytes);
      const after = await pdfXmp(sealed);
      expect(after, k.kind).toBe(before);
      expect(Buffer.from(sealed).toString("latin1"), k.kind).toContain("/GTS_PDFA1");
      await qpdfCheck(sealed);
      // The mark's fonts are embedded subsets with tags of their own (one tag per subset).
      const fonts = await pdfFonts(sealed);
      const ours = fonts.filter((f) => f.name.startsWith("BAUV"));
      expect(ours.map((f) => [f.name, f.embedded, f.subset]).sort(), k.kind).toEqual([
        ["BAUVBD+NotoSans-Bold", true, true],
        ["BAUVRG+NotoSans-Regular", true, true],
      ]);
      const unembeddedBefore = new Set(
        (await pdfFonts(k.bytes)).filter((f) => !f.embedded).map((f) => f.name),
      );
      expect(
        fonts.filter((f) => !f.embedded && !unembeddedBefore.has(f.name)),
        k.kind,
      ).toEqual([]);
    }
  });

  it("a wrong passphrase, a certificate not yet or no longer valid and a missing seal are refused in German", () => {
    const ca = createTestCa();
    const p12 = issueSealPkcs12(ca, AUTHORITY, "richtig");
    expect(() => sealFromPkcs12(p12, "falsch")).toThrow(/falsche Passphrase/);
    const expired = issueSealPkcs12(ca, AUTHORITY, "x", {
      notBefore: new Date("2020-01-01"),
      notAfter: new Date("2021-01-01"),
    });
    expect(() => sealFromPkcs12(expired, "x")).toThrow(/Siegelzertifikat ist nicht gültig/);
    expect(() => loadSeal({ dir, allowDevelopmentSeal: false }, { id: "fehlt", name: "Stadt X" })).toThrow(
      /Für die Behörde „Stadt X“ ist kein Siegel hinterlegt/,
    );
  });

  it("a development seal is created once per authority (passphrase file 0600) and reused", () => {
    const dev = path.join(dir, "dev");
    const a = loadSeal(
      { dir: dev, allowDevelopmentSeal: true },
      { id: "dev-1", name: "Stadt Wismar – Bauamt" },
    );
    const first = readFileSync(path.join(dev, "dev-1.p12"));
    expect(a.signerName).toBe("Stadt Wismar – Bauamt");
    expect(statSync(path.join(dev, "dev-1.passphrase")).mode & 0o777).toBe(0o600);
    expect(a.chain).toHaveLength(2);
    const b = loadSeal({ dir: dev, allowDevelopmentSeal: true }, { id: "dev-2", name: "Stadt Rostock" });
    // Same development CA for both.
    expect(b.chain[1]?.subject.hash).toBe(a.chain[1]?.subject.hash);
    expect(readFileSync(path.join(dev, "dev-1.p12")).equals(first)).toBe(true);
  });
});

describe("verification mark", () => {
  it("the QR code printed on the page reads as the check address with the document's code", async () => {
    for (const k of kinds) {
      const { bytes, code, pages } = issued.get(k.kind) as {
        bytes: Uint8Array;
        code: string;
        pages: number[];
      };
      expect(pages.length, k.kind).toBeGreaterThan(0);
      expect(await readQrCode(bytes, pages[0] as number), k.kind).toBe(`${APP_URL}/pruefen/${code}`);
    }
  });

  it("letters carry it on the last page, the package on its cover letter, a plan on every sheet", () => {
    expect(issued.get("Bescheid")?.pages).toHaveLength(1);
    expect(issued.get("Beteiligungspaket")?.pages).toEqual([1]);
    expect(issued.get("Gestempelter Plan")?.pages).toEqual([1]);
  });

  it("covers nothing: outside the mark, the page renders exactly as before", async () => {
    for (const k of kinds) {
      const { bytes, pages } = issued.get(k.kind) as { bytes: Uint8Array; pages: number[] };
      const n = pages[0] as number;
      const before = (await renderGreyPages(k.bytes, [n])).get(n) as GreyPage;
      const after = (await renderGreyPages(bytes, [n])).get(n) as GreyPage;
      expect([after.width, after.height]).toEqual([before.width, before.height]);
      // Every pixel that was ink before is still the same; the changed pixels form one compact block.
      let changed = 0;
      let minX = Number.POSITIVE_INFINITY;
      let maxX = -1;
      let minY = Number.POSITIVE_INFINITY;
      let maxY = -1;
      for (let y = 0; y < before.height; y++) {
        for (let x = 0; x < before.width; x++) {
          const i = y * before.width + x;
          if (before.data[i] === after.data[i]) continue;
          expect(before.data[i], `${k.kind}: ink at ${x},${y} changed`).toBeGreaterThanOrEqual(245);
          changed++;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
      expect(changed, k.kind).toBeGreaterThan(100);
      // 1 px = 4 pt: the mark is about 245 × 62 pt.
      expect(maxX - minX, k.kind).toBeLessThan(66);
      expect(maxY - minY, k.kind).toBeLessThan(20);
      // At least 5 mm (≈ 3.5 px) from every edge.
      expect(minX, k.kind).toBeGreaterThanOrEqual(3);
      expect(minY, k.kind).toBeGreaterThanOrEqual(3);
      expect(before.width - 1 - maxX, k.kind).toBeGreaterThanOrEqual(3);
      expect(before.height - 1 - maxY, k.kind).toBeGreaterThanOrEqual(3);
    }
  });

  it("is upright on a rotated sheet and readable", async () => {
    for (const angle of [90, 180, 270]) {
      const doc = await PDFDocument.load(fixture("grundriss-eg.pdf"));
      doc.getPage(0).setRotation(degrees(angle));
      const bytes = await doc.save();
      const code = newVerificationCode();
      const out = await issuePdf(bytes, {
        seal,
        placement: "every-page",
        code,
        url: verificationUrl(APP_URL, code),
        reason: "Plan",
        location: "Greifswald",
        contactInfo: "",
      });
      expect(out.mark.pages).toEqual([1]);
      // Upright for the reader: as displayed, the changed block is wide and low (≈ 245 × 62 pt), not tall.
      const before = (await renderGreyPages(bytes, [1])).get(1) as GreyPage;
      const after = (await renderGreyPages(out.bytes, [1])).get(1) as GreyPage;
      const box = changedBox(before, after);
      expect(box.width / box.height, `rotation ${angle}`).toBeGreaterThan(3);
      expect(await readQrCode(out.bytes, 1), `rotation ${angle}`).toBe(`${APP_URL}/pruefen/${code}`);
      const { signatures } = await pdfSig(out.bytes);
      expect(signatures[0]?.validation).toBe("Signature is Valid.");
    }
  });

  it("a page without room gets the one-line mark 5 mm above the bottom edge and the result says so", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595.28, 841.89]);
    page.drawRectangle({ x: 0, y: 0, width: 595.28, height: 841.89, color: rgb(0.5, 0.5, 0.5) });
    const bytes = await doc.save();
    const code = newVerificationCode();
    const out = await issuePdf(bytes, {
      seal,
      placement: "last-page",
      code,
      url: verificationUrl(APP_URL, code),
      reason: "Test",
      location: "Greifswald",
      contactInfo: "",
    });
    expect(out.mark).toEqual({ pages: [], tight: [1] });
    const f = path.join(dir, "tight.pdf");
    writeFileSync(f, out.bytes);
    const { stdout } = await promisify(execFile)("pdftotext", [f, "-"], { encoding: "utf8" });
    expect(stdout).toContain(`Prüfcode ${code}`);
    expect((await pdfSig(out.bytes)).signatures[0]?.validation).toBe("Signature is Valid.");
  });

  it("the code is 12 Base32 characters; typing variants normalise to it, anything else is refused", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = newVerificationCode();
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
    expect(normalizeVerificationCode("k08y rmqa k0gh")).toBe("K08Y-RMQA-K0GH");
    expect(normalizeVerificationCode("KO8Y-RMQA-KOGH")).toBe("K08Y-RMQA-K0GH");
    expect(normalizeVerificationCode("i1l0-0000-0000")).toBe("1110-0000-0000");
    expect(normalizeVerificationCode("K08Y-RMQA-K0G")).toBeNull();
    expect(normalizeVerificationCode("K08Y-RMQA-K0GU")).toBeNull();
    expect(normalizeVerificationCode("../../etc/passwd")).toBeNull();
    expect(normalizeVerificationCode("x".repeat(1000))).toBeNull();
  });
});

describe("sealPdf without a mark", () => {
  it("seals an unchanged PDF (pdf-lib loads it without touching Producer or dates)", async () => {
    const bytes = (kinds.find((k) => k.kind === "Stellungnahme") as RenderedKind).bytes;
    const sealed = await sealPdf(bytes, seal, { reason: "Test", location: "Greifswald", contactInfo: "" });
    expect((await pdfSig(sealed)).signatures[0]?.validation).toBe("Signature is Valid.");
    expect(await pdfXmp(sealed)).toBe(await pdfXmp(bytes));
  });
});
