import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Job } from "bullmq";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { requestAkteExport } from "~/models/akte-export.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type ExportAktePayload, parsePayload } from "~/utils/queue.server";
import type { Storage } from "../../storage/index";
import {
  generatedSha256,
  generatedStream,
  measureMemoryGrowth,
  sha256OfStream,
  startTestStorage,
} from "../../storage/test-support";
import { pdfSig } from "../pdf/seal-test-support";
import { pdfText } from "../pdf/test-support";
import { akteSourceKey, createExportAkte } from "./export-akte";
import { createAkteCase } from "./export-akte.fixtures";

const run = promisify(execFile);

let storage: Storage;
let close: () => Promise<void>;
let sealDir: string;
let work: string;

beforeAll(async () => {
  ({ storage, close } = await startTestStorage("akte"));
  sealDir = await mkdtemp(path.join(os.tmpdir(), "akte-seal-"));
  work = await mkdtemp(path.join(os.tmpdir(), "akte-zip-"));
});
afterAll(async () => {
  await close?.();
  await rm(sealDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

async function plan(title: string, pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    doc.addPage([595, 842]).drawText(`${title} Seite ${i}`, { x: 50, y: 780, size: 14, font });
  }
  return doc.save();
}

const xml = (root: string) =>
  new TextEncoder().encode(
    `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://www.xleitstelle.de/xbau/2/6"/>\n`,
  );

async function exportJob(payload: ExportAktePayload) {
  const parsed = parsePayload("documents.export-akte", payload);
  const job = { id: "test", name: "documents.export-akte", data: parsed } as unknown as Job<
    ExportAktePayload,
    unknown,
    "documents.export-akte"
  >;
  return createExportAkte({ storage, sealSource: { dir: sealDir, allowDevelopmentSeal: true } })(
    parsed,
    job,
    {
      db: db(),
      mailer: null,
      log: logger,
    },
  ) as Promise<{ created: boolean; generatedDocumentId: string }>;
}

async function download(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.getStream(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Every entry of the ZIP read back with yauzl (the reader a DMS importer would use). */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, strictFileNames: true, validateEntrySizes: true },
      (err, z) => (err || !z ? reject(err) : resolve(z)),
    ),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        out.set(entry.fileName, Buffer.concat(chunks));
        zip.readEntry();
      });
    });
    zip.readEntry();
  });
  return out;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("documents.export-akte (the complete case file as one ZIP)", () => {
  it("packs every version and generated file with matching hashes, a sealed PDF/A index and a checkable SHA256SUMS", async () => {
    const lageplanV1 = await plan("Lageplan alt", 2);
    const lageplanV2 = await plan("Lageplan neu", 3);
    const ansicht = await plan("Ansicht Süd", 1);
    const receipt = await plan("Eingangsbestätigung", 1);
    const c = await createAkteCase(storage, {
      documents: [
        {
          typeCode: "1803",
          versions: [
            { filename: "lageplan.pdf", body: lageplanV1 },
            { filename: "lageplan.pdf", body: lageplanV2 },
          ],
        },
        // Hostile names: traversal, separators, reserved device names; umlauts stay.
        { typeCode: "2003", versions: [{ filename: "../../etc/Ansicht Süd: Ost?.pdf", body: ansicht }] },
        {
          typeCode: "2001",
          versions: [
            {
              filename: "grundriss-bombe.pdf",
              body: new TextEncoder().encode("%PDF-1.7 not really"),
              checkStatus: "REFUSED",
              checkMessage: "Die Datei „grundriss-bombe.pdf“ ist beschädigt.",
            },
          ],
        },
      ],
      generated: [
        {
          kind: "RECEIPT",
          title: "Eingangsbestätigung",
          filename: "Eingangsbestätigung.pdf",
          mimeType: "application/pdf",
          bytes: receipt,
        },
        {
          kind: "XBAU_0201",
          title: "XBau 0201",
          filename: "0201.xml",
          mimeType: "application/xml",
          bytes: xml("formellePruefung"),
        },
      ],
      inbound: [{ messageType: "baugenehmigung.antrag.0200", bytes: xml("antrag") }],
    });

    const requested = await requestAkteExport(c.clerk, c.application.id);
    expect(requested).toMatchObject({ ok: true, queued: true });
    if (!requested.ok) throw new Error(requested.message);
    // A double click: same state of the file, no second job.
    expect(await requestAkteExport(c.clerk, c.application.id)).toMatchObject({ ok: true, queued: false });
    const outbox = await db().outboxMessage.findMany({
      where: {
        jobName: "documents.export-akte",
        payload: { path: ["applicationId"], equals: c.application.id },
      },
    });
    expect(outbox).toHaveLength(1);
    const payload = outbox[0]?.payload as ExportAktePayload;

    const first = await exportJob(payload);
    expect(first.created).toBe(true);
    // The retried job finds its export and builds no second one.
    expect(await exportJob(payload)).toEqual({
      created: false,
      generatedDocumentId: first.generatedDocumentId,
    });
    const rows = await db().generatedDocument.findMany({
      where: { applicationId: c.application.id, kind: "AKTE_EXPORT" },
    });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      audience: "AUTHORITY",
      mimeType: "application/zip",
      sourceKey: akteSourceKey(c.application.id, payload.upToEventId),
    });
    expect(row.filename).toMatch(/^Akte_63-2026-.+\.zip$/);

    const zipBytes = await download(row.storageKey);
    expect(sha(zipBytes)).toBe(row.sha256);
    expect(zipBytes.length).toBe(Number(row.sizeBytes));
    const entries = await unzip(zipBytes);
    const names = [...entries.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        "unterlagen/Lageplan/v1_lageplan.pdf",
        "unterlagen/Lageplan/v2_lageplan.pdf",
        "erzeugt/Eingangsbestätigung.pdf",
        "xbau/gesendet/0201.xml",
        "Aktenverzeichnis.pdf",
        "akte.json",
        "SHA256SUMS",
      ]),
    );
    expect(Buffer.compare(entries.get("unterlagen/Lageplan/v1_lageplan.pdf")!, Buffer.from(lageplanV1))).toBe(
      0,
    );
    expect(Buffer.compare(entries.get("unterlagen/Lageplan/v2_lageplan.pdf")!, Buffer.from(lageplanV2))).toBe(
      0,
    );
    for (const n of names) {
      expect(n.split("/")).not.toContain("..");
      expect(n).not.toMatch(/[\\:*?"<>|]/);
    }
    const ansichtPath = names.find((n) => n.startsWith("unterlagen/Ansichten") || n.includes("Ansicht Süd"));
    expect(ansichtPath).toMatch(/^unterlagen\/[^/]+\/v1_.*Ansicht Süd_ Ost_\.pdf$/);
    expect(names.some((n) => n.startsWith("xbau/empfangen/baugenehmigung.antrag.0200_"))).toBe(true);
    // The refused upload is listed, not packed.
    expect(names.some((n) => n.includes("grundriss-bombe"))).toBe(false);

    // akte.json: hashes match the packed bytes; the refused version is marked with its reason.
    const akte = JSON.parse(entries.get("akte.json")!.toString("utf8"));
    expect(akte).toMatchObject({
      format: "bauantrag-akte",
      formatVersion: 1,
      case: { fileNumber: c.application.fileNumber },
    });
    for (const f of akte.files.filter((x: { exported: boolean }) => x.exported)) {
      expect(sha(entries.get(f.path)!), f.path).toBe(f.sha256);
      expect(entries.get(f.path)!.length).toBe(f.size);
      expect(f).toMatchObject({ matchesRecord: true });
      expect(typeof f.title).toBe("string");
      expect(typeof f.created).toBe("string");
    }
    const refused = akte.files.find((f: { filename: string }) => f.filename === "grundriss-bombe.pdf");
    expect(refused).toMatchObject({
      exported: false,
      path: null,
      notExportedReason: expect.stringContaining("beschädigt"),
    });
    const lageplan = akte.documents.find((d: { typeCode: string }) => d.typeCode === "1803");
    expect(lageplan.versions.map((v: { file: { path: string } }) => v.file.path)).toEqual([
      "unterlagen/Lageplan/v1_lageplan.pdf",
      "unterlagen/Lageplan/v2_lageplan.pdf",
    ]);
    expect(akte.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["application.created", "review.started", "document.uploaded"]),
    );
    // History stops at the state the clerk exported: the request event came after it.
    expect(akte.history.map((e: { type: string }) => e.type)).not.toContain("akte.export-requested");

    // SHA256SUMS checked by coreutils on the unpacked files.
    const dir = path.join(work, "unpacked");
    for (const [name, bytes] of entries) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), bytes);
    }
    const sums = entries.get("SHA256SUMS")!.toString("utf8");
    expect(sums.trim().split("\n")).toHaveLength(names.length - 1);
    const { stdout } = await run("sha256sum", ["--strict", "-c", "SHA256SUMS"], { cwd: dir });
    expect(stdout).toContain("akte.json: OK");
    expect(stdout).not.toMatch(/FAILED/);

    // The PDF index: a sound file, titled, listing the documents, sealed by the authority.
    const pdfPath = path.join(dir, "Aktenverzeichnis.pdf");
    await run("qpdf", ["--check", pdfPath]);
    const info = (await run("pdfinfo", [pdfPath])).stdout;
    expect(info).toMatch(new RegExp(`Title:\\s+Aktenverzeichnis ${c.application.fileNumber}`));
    // PDF/A identification in the XMP (no veraPDF here: the properties our letters share are checked).
    const meta = (await run("pdfinfo", ["-meta", pdfPath])).stdout;
    expect(meta).toMatch(/pdfaid:part>2<|pdfaid:part="2"/);
    const fonts = (await run("pdffonts", [pdfPath])).stdout;
    expect(fonts).not.toMatch(/\bno\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/m);
    const text = (await pdfText(await readFile(pdfPath))).replace(/\s+/g, " ");
    expect(text).toContain("Lageplan");
    expect(text.toLowerCase()).toContain("vereinfacht");
    expect(text).toContain("unterlagen/Lageplan/v2_lageplan.pdf");
    expect(text).toContain("grundriss-bombe.pdf");
    expect(text).toContain("Nicht im Export enthalten: Bei der Prüfung abgelehnt");
    expect(text).toContain("Eingangsbestätigung");
    const seal = await pdfSig(new Uint8Array(await readFile(pdfPath)));
    expect(seal.signatures).toHaveLength(1);

    // Case event and the requester's notification, once.
    const events = await db().caseEvent.findMany({
      where: { applicationId: c.application.id, type: "akte.exported" },
    });
    expect(events).toHaveLength(1);
    const notes = await db().notification.findMany({
      where: { applicationId: c.application.id, type: "akte.exported" },
    });
    expect(notes.map((n) => n.userId)).toEqual([c.clerk.id]);
  }, 60_000);

  it("marks a file whose stored bytes no longer match the recorded hash, and lists a missing one instead of failing", async () => {
    const good = await plan("Baubeschreibung", 1);
    const c = await createAkteCase(storage, {
      label: "akte-integrity",
      documents: [
        { typeCode: "1502", versions: [{ filename: "baubeschreibung.pdf", body: good }] },
        { typeCode: "1803", versions: [{ filename: "lageplan.pdf", body: good }] },
      ],
    });
    const versions = await db().documentVersion.findMany({
      where: { document: { applicationId: c.application.id } },
      select: { storageKey: true, filename: true },
    });
    const tampered = versions.find((v) => v.filename === "baubeschreibung.pdf")!;
    const missing = versions.find((v) => v.filename === "lageplan.pdf")!;
    await storage.remove(tampered.storageKey);
    await storage.putStream(
      tampered.storageKey,
      (await import("node:stream")).Readable.from([Buffer.from("verändert")]),
      {
        contentType: "application/pdf",
      },
    );
    await storage.remove(missing.storageKey);

    const requested = await requestAkteExport(c.admin, c.application.id);
    if (!requested.ok) throw new Error(requested.message);
    const r = await exportJob({
      applicationId: c.application.id,
      requestedById: c.admin.id,
      upToEventId: requested.upToEventId,
    });
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: r.generatedDocumentId } });
    const entries = await unzip(await download(row.storageKey));
    const akte = JSON.parse(entries.get("akte.json")!.toString("utf8"));
    const t = akte.files.find((f: { filename: string }) => f.filename === "baubeschreibung.pdf");
    expect(t).toMatchObject({ exported: true, matchesRecord: false, sha256: sha(Buffer.from("verändert")) });
    const m = akte.files.find((f: { filename: string }) => f.filename === "lageplan.pdf");
    expect(m).toMatchObject({ exported: false, notExportedReason: "Datei im Speicher nicht gefunden" });
    const text = (await pdfText(entries.get("Aktenverzeichnis.pdf")!)).replace(/\s+/g, " ");
    expect(text).toContain("weicht von der beim Eingang erfassten Prüfsumme ab");
  }, 60_000);

  it("keeps memory flat: three 40 MB files pass through with live buffers far below their size", async () => {
    const MB = 1024 * 1024;
    const size = 40 * MB;
    const big = (seed: string) => ({
      filename: `${seed}.pdf`,
      body: {
        stream: () => generatedStream(size, seed),
        sizeBytes: size,
        sha256: generatedSha256(size, seed),
      },
    });
    const c = await createAkteCase(storage, {
      label: "akte-memory",
      documents: [
        { typeCode: "2001", versions: [big("grundriss-eg"), big("grundriss-og")] },
        { typeCode: "2002", versions: [big("schnitt")] },
      ],
    });
    const requested = await requestAkteExport(c.clerk, c.application.id);
    if (!requested.ok) throw new Error(requested.message);
    const { result, arrayBuffersGrowth } = await measureMemoryGrowth(() =>
      exportJob({
        applicationId: c.application.id,
        requestedById: c.clerk.id,
        upToEventId: requested.upToEventId,
      }),
    );
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: result.generatedDocumentId } });
    expect(Number(row.sizeBytes)).toBeGreaterThan(3 * size);
    expect((await sha256OfStream(await storage.getStream(row.storageKey))).sha256).toBe(row.sha256);
    // Two 5 MiB upload parts, archiver's 1 MiB buffer and a few chunks; a buffered file or ZIP
    // would show at least 40 MB (s3rver runs in this process too, its buffers count here).
    expect(arrayBuffersGrowth).toBeLessThan(30 * MB);
  }, 180_000);
});
