import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import type { Storage } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import { type BuiltCase, buildCase } from "../../test/kit/case";
import { renderBescheid } from "../pdf/bescheid";
import { sampleBescheid } from "../pdf/bescheid-samples";
import { pdfSig, readQrCode } from "../pdf/seal-test-support";
import { renderStatement } from "../pdf/statement";
import { sampleStatement } from "../pdf/statement-samples";
import { type StoreGeneratedInput, storeGenerated } from "./generated";

// Issued PDFs through the real store step: PostgreSQL, s3rver, a seal folder of its own.

const APP_URL = "https://bauantrag.kreis-vg.example";
let storage: Storage;
let closeStorage: () => Promise<void>;
let sealDir: string;
let c: BuiltCase;
let bescheid: Uint8Array;
let statement: Uint8Array;
const log = pino({ level: "silent" });

beforeAll(async () => {
  const s = await startTestStorage("issued");
  storage = s.storage;
  closeStorage = s.close;
  sealDir = mkdtempSync(path.join(tmpdir(), "seal-store-"));
  c = await buildCase({ until: "participation", label: "issued-docs" });
  bescheid = await renderBescheid(sampleBescheid());
  statement = await renderStatement(sampleStatement());
}, 120_000);

afterAll(async () => {
  await closeStorage?.();
  rmSync(sealDir, { recursive: true, force: true });
});

function input(over: Partial<StoreGeneratedInput> & { sourceKey: string }): StoreGeneratedInput {
  return {
    db: db(),
    storage,
    log,
    app: { id: c.application.id, authorityId: c.district.authority.id },
    kind: "BESCHEID",
    keyKind: "notice",
    keyId: over.sourceKey.replace(/[^A-Za-z0-9_-]/g, "-"),
    ext: "pdf",
    title: "Bescheid",
    filename: "bescheid.pdf",
    mimeType: "application/pdf",
    bytes: bescheid,
    eventType: "decision.bescheid-rendered",
    sealSource: { dir: sealDir, allowDevelopmentSeal: true },
    appUrl: APP_URL,
    ...over,
  };
}

async function stored(key: string): Promise<Buffer> {
  return Buffer.concat(await (await storage.getStream(key)).toArray());
}

describe("storeGenerated for issued documents", () => {
  it("seals the Bescheid with the authority's seal, prints its code and stores exactly what the row says", async () => {
    const sourceKey = `test-bescheid-${randomUUID()}`;
    const r = await storeGenerated(input({ sourceKey }));
    expect(r.created).toBe(true);
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: r.generatedDocumentId } });
    const authority = await db().authority.findUniqueOrThrow({ where: { id: c.district.authority.id } });
    expect(row.verificationCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(row.sealedBy).toBe(authority.name);
    expect(row.sealedAt).toBeInstanceOf(Date);
    const bytes = await stored(row.storageKey);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
    expect(Number(row.sizeBytes)).toBe(bytes.length);
    const { signatures } = await pdfSig(bytes);
    expect(signatures[0]?.validation).toBe("Signature is Valid.");
    expect(signatures[0]?.signerCommonName).toBe(authority.name);
    // Near the letter's end (the last page with room), read as a phone camera would.
    const codes: (string | null)[] = [];
    for (let n = (await PDFDocument.load(bytes)).getPageCount(); n >= 1; n--)
      codes.push(await readQrCode(bytes, n));
    expect(codes.filter(Boolean)).toEqual([`${APP_URL}/pruefen/${row.verificationCode}`]);
    const events = await db().caseEvent.findMany({
      where: { applicationId: c.application.id, type: "decision.bescheid-rendered" },
    });
    expect(events.some((e) => (e.payload as { sha256?: string }).sha256 === row.sha256)).toBe(true);

    // Again (a retried job): nothing new, the same row.
    const again = await storeGenerated(input({ sourceKey }));
    expect(again).toMatchObject({ created: false, generatedDocumentId: row.id, sha256: row.sha256 });
    expect(
      createHash("sha256")
        .update(await stored(row.storageKey))
        .digest("hex"),
    ).toBe(row.sha256);
  });

  it("two runs at once: one row, and the stored object is the one the row describes", async () => {
    const sourceKey = `test-race-${randomUUID()}`;
    const [a, b] = await Promise.all([
      storeGenerated(input({ sourceKey })),
      storeGenerated(input({ sourceKey })),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.generatedDocumentId).toBe(b.generatedDocumentId);
    const rows = await db().generatedDocument.findMany({ where: { sourceKey } });
    expect(rows).toHaveLength(1);
    const bytes = await stored(rows[0]?.storageKey as string);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(rows[0]?.sha256);
    expect((await pdfSig(bytes)).signatures[0]?.validation).toBe("Signature is Valid.");
  });

  it("an agency's statement carries the agency's seal, not the case authority's", async () => {
    const participationId = c.participationIds[0] as string;
    const p = await db().participation.findUniqueOrThrow({
      where: { id: participationId },
      select: { agency: { select: { name: true } } },
    });
    const r = await storeGenerated(
      input({
        sourceKey: `test-statement-${randomUUID()}`,
        kind: "STATEMENT",
        keyKind: "statement",
        bytes: statement,
        eventType: "statement.rendered",
        participationId,
        audience: "AUTHORITY",
      }),
    );
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: r.generatedDocumentId } });
    expect(row.sealedBy).toBe(p.agency.name);
    const { signatures } = await pdfSig(await stored(row.storageKey));
    expect(signatures[0]?.signerCommonName).toBe(p.agency.name);
    expect(signatures[0]?.validation).toBe("Signature is Valid.");
  });

  it("files that are not issued PDFs (XBau messages) are stored as they are, without code or seal", async () => {
    const xml = new TextEncoder().encode("<?xml version='1.0'?><nachricht/>");
    const r = await storeGenerated(
      input({
        sourceKey: `test-xml-${randomUUID()}`,
        kind: "XBAU_0200",
        keyKind: "xbau",
        ext: "xml",
        mimeType: "application/xml",
        bytes: xml,
        eventType: "xbau.exported",
        eventPayload: { message: "0200" },
      }),
    );
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: r.generatedDocumentId } });
    expect(row.verificationCode).toBeNull();
    expect(row.sealedAt).toBeNull();
    expect(Buffer.compare(await stored(row.storageKey), Buffer.from(xml))).toBe(0);
  });
});
