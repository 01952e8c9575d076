import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import jsQR from "jsqr";

/**
 * Independent checks of issued PDFs for tests: poppler's `pdfsig` (NSS) for the seal, pdftoppm +
 * jsQR for the printed QR code (what a phone camera would read).
 */

async function withTempPdf<T>(bytes: Uint8Array, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "seal-test-"));
  try {
    const file = path.join(dir, "doc.pdf");
    await writeFile(file, bytes);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<{ stdout: Buffer; code: number }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
      const code = err ? ((err as NodeJS.ErrnoException & { code?: unknown }).code as unknown) : 0;
      if (err && typeof code !== "number") reject(err);
      else resolve({ stdout, code: code as number });
    });
  });
}

export interface PdfSigSignature {
  signerCommonName?: string;
  signatureType?: string;
  hashAlgorithm?: string;
  validation?: string;
  totalDocumentSigned: boolean;
  signingTime?: string;
}

/** `pdfsig` of the file: one entry per signature (empty when the file has none). */
export async function pdfSig(bytes: Uint8Array): Promise<{ signatures: PdfSigSignature[]; raw: string }> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdfsig", [file]);
    const raw = stdout.toString("utf8");
    const signatures: PdfSigSignature[] = [];
    for (const block of raw.split(/^Signature #\d+:$/m).slice(1)) {
      const field = (name: string) => new RegExp(`- ${name}: (.*)$`, "m").exec(block)?.[1]?.trim();
      signatures.push({
        signerCommonName: field("Signer Certificate Common Name"),
        signatureType: field("Signature Type"),
        hashAlgorithm: field("Signing Hash Algorithm"),
        validation: field("Signature Validation"),
        signingTime: field("Signing Time"),
        totalDocumentSigned: /- Total document signed/.test(block),
      });
    }
    return { signatures, raw };
  });
}

/** Renders one page (1-based) at `dpi` and reads the QR code on it; null when none is found. */
export async function readQrCode(bytes: Uint8Array, page: number, dpi = 150): Promise<string | null> {
  return withTempPdf(bytes, async (file) => {
    const { stdout } = await run("pdftoppm", [
      "-gray",
      "-r",
      String(dpi),
      "-f",
      String(page),
      "-l",
      String(page),
      "-singlefile",
      file,
    ]);
    const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(stdout.subarray(0, 64).toString("latin1"));
    if (!m) throw new Error("no PGM from pdftoppm");
    const width = Number(m[1]);
    const height = Number(m[2]);
    const grey = stdout.subarray(m[0].length);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const v = grey[i] as number;
      rgba[i * 4] = v;
      rgba[i * 4 + 1] = v;
      rgba[i * 4 + 2] = v;
      rgba[i * 4 + 3] = 255;
    }
    return jsQR(rgba, width, height)?.data ?? null;
  });
}
