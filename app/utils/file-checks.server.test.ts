import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadDocumentVersion } from "~/models/document.server";
import { stageAttachment } from "~/models/statement.server";
import { getSessionUserById, type SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import type { Storage, StorageConfig } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import { assertDecodable, FileRefused } from "./file-checks.server";
import {
  jpegHeader,
  pdfFlateBomb,
  pdfWithEmbeddedFile,
  pdfWithLaunch,
  pdfWithOpenActionJs,
  pdfWithPages,
  pdfWithXfa,
  png,
} from "./hostile-files.test-support";

/**
 * Every hostile file class through the real upload pipeline (uploadDocumentVersion with
 * PostgreSQL and an embedded S3 server; stageAttachment for statement attachments): refused with
 * a German message naming the file, and afterwards no row, no object and no temp file is left.
 */

let tmpRoot: string;
let s3: Awaited<ReturnType<typeof startTestStorage>>;
let config: StorageConfig;
let storage: Storage;
let inspector: Client;
let tenant: { id: string };
let architect: SessionUser;

async function createDraft() {
  const app = await db().application.create({
    data: {
      authorityId: tenant.id,
      createdById: architect.id,
      status: "DRAFT",
      procedureType: "VEREINFACHT",
      title: `Hostile ${randomUUID().slice(0, 6)}`,
      members: {
        create: [
          {
            userId: architect.id,
            email: architect.email,
            role: "ENTWURFSVERFASSER",
            invitationState: "ACCEPTED",
            acceptedAt: new Date(),
          },
        ],
      },
    },
    select: { id: true },
  });
  return app.id;
}

async function leftovers(applicationId: string) {
  const keys: string[] = [];
  for await (const item of inspector.listObjects(config.bucket, `tenants/${tenant.id}/`, true)) {
    if (item.name?.includes(applicationId)) keys.push(item.name);
  }
  return {
    documents: await db().document.count({ where: { applicationId } }),
    versions: await db().documentVersion.count({ where: { document: { applicationId } } }),
    events: await db().caseEvent.count({ where: { applicationId, type: "document.uploaded" } }),
    objects: keys,
    tempFiles: (await readdir(tmpRoot)).filter((n) => n.startsWith("bauantrag-upload-")),
  };
}

const NOTHING = { documents: 0, versions: 0, events: 0, objects: [], tempFiles: [] };

function upload(applicationId: string, typeCode: string, filename: string, bytes: Uint8Array) {
  return uploadDocumentVersion(
    architect,
    applicationId,
    {
      typeCode,
      filename,
      contentType: "application/octet-stream",
      body: Readable.from([Buffer.from(bytes)]),
    },
    { storage, tmpDir: tmpRoot },
  );
}

beforeAll(async () => {
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "bauantrag-hostile-tmp-"));
  s3 = await startTestStorage("hostile");
  ({ storage, config } = s3);
  inspector = new Client({ ...config, pathStyle: true });
  tenant = await createTestTenant("hostile");
  const u = await createTestUser({ roles: ["ARCHITECT"], authorityId: null });
  const s = await getSessionUserById(u.id);
  if (!s) throw new Error("user missing");
  architect = s;
});

afterAll(async () => {
  await s3?.close();
  if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
});

describe("hostile files at upload (Unterlagen)", () => {
  const cases: [string, string, () => Promise<Uint8Array>, string][] = [
    ["Grundriss EG.pdf", "2001", pdfWithOpenActionJs, "enthält ausführbare Inhalte (JavaScript)"],
    ["Ansichten.pdf", "2001", pdfWithLaunch, "startet (Launch)"],
    ["Baubeschreibung.pdf", "2001", pdfWithEmbeddedFile, "enthält eingebettete Dateien"],
    ["Antrag Formular.pdf", "2001", pdfWithXfa, "enthält ein XFA-Formular"],
    [
      "Plansatz komplett.pdf",
      "2001",
      () => pdfWithPages(5000),
      "hat 5.000 Seiten; je Datei sind höchstens 500",
    ],
    ["Schnitt.pdf", "2001", () => pdfFlateBomb(512 * 1024 * 1024), "entpackt mehr als das 100-Fache"],
    ["Foto Süd.png", "3700", () => png(20000, 20000), "ist 20.000 × 20.000 Pixel groß (400 Megapixel)"],
    ["Foto Nord.jpg", "3700", async () => jpegHeader(30000, 20000), "ist 30.000 × 20.000 Pixel groß"],
  ];

  it.each(cases)(
    "refuses %s with a message naming it and leaves nothing behind",
    async (name, type, build, text) => {
      const appId = await createDraft();
      const result = await upload(appId, type, name, await build());
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toContain(`„${name}“`);
      expect(result.message).toContain(text);
      expect(await leftovers(appId)).toEqual(NOTHING);
    },
  );

  it("still accepts an ordinary image and PDF (the checks refuse only what they should)", async () => {
    const appId = await createDraft();
    const photo = await upload(appId, "3700", "Foto.png", await png(2000, 1500));
    expect(photo).toMatchObject({ ok: true });
    const plan = await upload(appId, "2001", "Plan.pdf", await pdfWithPages(3));
    expect(plan).toMatchObject({ ok: true });
    const after = await leftovers(appId);
    expect(after).toMatchObject({ documents: 2, versions: 2, events: 2, tempFiles: [] });
    expect(after.objects).toHaveLength(2);
  });
});

describe("hostile files as statement attachments", () => {
  it.each([
    ["Anlage.pdf", pdfWithOpenActionJs, "ausführbare Inhalte (JavaScript)"],
    ["Luftbild.png", () => png(20000, 20000), "400 Megapixel"],
  ] as const)("refuses %s", async (name, build, text) => {
    const dir = await mkdtemp(path.join(tmpRoot, "att-"));
    const r = await stageAttachment(
      Readable.from([Buffer.from(await build())]),
      name,
      path.join(dir, "file"),
      50 * 1024 * 1024,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(`„${name}“`);
    if (!r.ok) expect(r.message).toContain(text);
    await rm(dir, { recursive: true, force: true });
  });
});

describe("assertDecodable (the workers' guard)", () => {
  it("refuses a huge PNG from its header, and active PDFs, with the upload's messages", async () => {
    await expect(
      assertDecodable({ filename: "alt.png", mimeType: "image/png", bytes: await png(20000, 20000) }),
    ).rejects.toThrow(FileRefused);
    await expect(
      assertDecodable({ filename: "alt.pdf", mimeType: "application/pdf", bytes: await pdfWithLaunch() }),
    ).rejects.toThrow("„alt.pdf“ enthält eine Aktion, die Programme oder Dateien startet (Launch)");
    await expect(
      assertDecodable({ filename: "ok.png", mimeType: "image/png", bytes: await png(100, 100) }),
    ).resolves.toBeUndefined();
  });
});
