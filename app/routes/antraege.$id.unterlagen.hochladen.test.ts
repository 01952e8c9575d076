import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { LIMIT_MESSAGES } from "~/utils/request-limits.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage, sanitizeFilename } from "../../storage/index";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { cookieFor } from "../../test/kit/route";
import { startWebServer } from "../../test/support/web-server";
import { action } from "./antraege.$id.unterlagen.hochladen";

// The upload endpoint through the real web server (request limits + Remix + busboy + storage),
// against this file's own s3rver (env set before the imports, as in beteiligung.$id.test.ts).
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `hochladen-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  process.env.UPLOAD_MAX_BYTES = String(2 * 1024 * 1024);
  return { port, bucket };
});

const PDF = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen/grundriss-eg.pdf");
let s3dir: string;
let s3: EmbeddedS3;
let web: Awaited<ReturnType<typeof startWebServer>>;
let architect: SessionUser;
let cookie: string;
let authorityId: string;
let pdf: Buffer;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-hochladen-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();
  web = await startWebServer();
  authorityId = (await createTestDistrict("hochladen")).authority.id;
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  cookie = await cookieFor(architect);
  pdf = await readFile(PDF);
});

afterAll(async () => {
  await web?.close();
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

async function createDraft() {
  const app = await db().application.create({
    data: {
      authorityId,
      createdById: architect.id,
      procedureType: "VEREINFACHT",
      title: `Hochladen ${randomUUID().slice(0, 6)}`,
      members: {
        create: {
          userId: architect.id,
          email: architect.email,
          role: "ENTWURFSVERFASSER",
          invitationState: "ACCEPTED",
          acceptedAt: new Date(),
        },
      },
    },
    select: { id: true },
  });
  return app.id;
}

/** A multipart body written byte by byte, so the file name header is exactly what a client sends. */
function multipart(parts: { headers: string; body: Buffer | string }[]) {
  const boundary = `----bauantrag-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${p.headers}\r\n\r\n`, "utf8"));
    chunks.push(typeof p.body === "string" ? Buffer.from(p.body, "utf8") : p.body);
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(chunks) };
}

const typeField = (code = "2001") => ({
  headers: 'Content-Disposition: form-data; name="typeCode"',
  body: code,
});
const filePart = (disposition: string, body: Buffer = pdf) => ({
  headers: `Content-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: application/pdf`,
  body,
});

async function post(applicationId: string, parts: { headers: string; body: Buffer | string }[]) {
  const { boundary, body } = multipart(parts);
  const res = await fetch(`${web.url}/antraege/${applicationId}/unterlagen/hochladen`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      Origin: web.url,
      Accept: "application/json",
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Objects s3rver holds for one application (its keys contain the application id). */
async function storedObjects(applicationId: string): Promise<number> {
  const files = await readdir(s3dir, { recursive: true });
  return files.filter((f) => String(f).includes(applicationId) && String(f).endsWith("._S3rver_object"))
    .length;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("POST /antraege/:id/unterlagen/hochladen", () => {
  it("takes RFC 7578 file names with =, ;, quotes and umlauts, as browsers and curl send them", async () => {
    const id = await createDraft();
    const cases: [string, string][] = [
      ['filename="Plan a=b.pdf"', "Plan a=b.pdf"],
      // Browsers (WHATWG): `"` as %22; curl: backslash-escaped.
      ['filename="Grundriss %22EG%22; Stand 2.pdf"', 'Grundriss "EG"; Stand 2.pdf'],
      ['filename="Grundriss \\"EG\\"; Stand 2.pdf"', 'Grundriss "EG"; Stand 2.pdf'],
      // Raw UTF-8 as browsers send it, and the RFC 5987 form.
      ['filename="Lageplan Grevesmühlen.pdf"', "Lageplan Grevesmühlen.pdf"],
      ["filename*=UTF-8''Lageplan%20Grevesm%C3%BChlen.pdf", "Lageplan Grevesmühlen.pdf"],
    ];
    let expectedVersion = 0;
    for (const [disposition, name] of cases) {
      const res = await post(id, [typeField(), filePart(disposition)]);
      expect(res, disposition).toMatchObject({ status: 200, json: { ok: true, typeCode: "2001" } });
      expectedVersion += 1;
      expect(res.json.versionNumber).toBe(expectedVersion);
      const version = await db().documentVersion.findUniqueOrThrow({
        where: { id: String(res.json.versionId) },
        select: { filename: true, sha256: true, sizeBytes: true, pageCount: true },
      });
      expect(version).toEqual({
        filename: sanitizeFilename(name),
        sha256: sha256(pdf),
        sizeBytes: BigInt(pdf.length),
        pageCount: expect.any(Number),
      });
    }
    expect(sanitizeFilename("Lageplan Grevesmühlen.pdf")).toBe("Lageplan Grevesmühlen.pdf");
    expect(await storedObjects(id)).toBe(cases.length);
  });

  it("refuses a wrong type, a too large file and a field name bomb, leaving nothing stored", async () => {
    const id = await createDraft();
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(5000, 1)]);
    const wrong = await post(id, [typeField(), filePart('filename="Foto.pdf"', png)]);
    expect(wrong.status).toBe(400);
    expect(wrong.json.message).toMatch(/„Foto\.pdf“ ist keine PDF-Datei/);

    // Just over the limit: found while streaming, named in the message.
    const big = Buffer.concat([pdf, Buffer.alloc(2 * 1024 * 1024 - pdf.length + 10_000, 0x20)]);
    const tooLarge = await post(id, [typeField(), filePart('filename="Groß.pdf"', big)]);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.message).toMatch(/„Groß\.pdf“ ist zu groß\. Erlaubt sind höchstens 2 MB je Datei\./);
    // Far over it: refused on the declared length before the body is read.
    const huge = await post(id, [
      typeField(),
      filePart('filename="Riesig.pdf"', Buffer.alloc(3 * 1024 * 1024)),
    ]);
    expect(huge).toMatchObject({
      status: 413,
      json: { message: "Die Datei ist zu groß. Erlaubt sind höchstens 2 MB je Datei." },
    });

    const bomb = await post(id, [
      { headers: 'Content-Disposition: form-data; name="z[100000000]"', body: "1" },
      typeField(),
      filePart('filename="Plan.pdf"'),
    ]);
    expect(bomb).toEqual({
      status: 400,
      json: { ok: false, typeCode: null, message: LIMIT_MESSAGES.badFieldName },
    });

    const broken = await post(id, [typeField(), { headers: "Content-Disposition: form-data", body: "x" }]);
    expect(broken.status).toBe(400);

    // No boundary at all: a German 400 on an intact connection (the body is drained, not cut off).
    const noBoundary = await fetch(`${web.url}/antraege/${id}/unterlagen/hochladen`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: web.url, "Content-Type": "multipart/form-data" },
      body: "x".repeat(100_000),
    });
    expect(noBoundary.status).toBe(400);
    expect(((await noBoundary.json()) as { message: string }).message).toBe(LIMIT_MESSAGES.unreadable);

    expect(await db().documentVersion.count({ where: { document: { applicationId: id } } })).toBe(0);
    expect(await storedObjects(id)).toBe(0);
  });

  it("with the size announced before the file (as the upload component sends it) stores it; a size that does not match is refused naming the file", async () => {
    const id = await createDraft();
    const sizeField = (n: number | string) => ({
      headers: 'Content-Disposition: form-data; name="fileSize"',
      body: String(n),
    });
    const ok = await post(id, [typeField(), sizeField(pdf.length), filePart('filename="Grundriss.pdf"')]);
    expect(ok).toMatchObject({ status: 200, json: { ok: true, versionNumber: 1 } });
    const version = await db().documentVersion.findUniqueOrThrow({
      where: { id: String(ok.json.versionId) },
      select: { sha256: true, sizeBytes: true },
    });
    expect(version).toEqual({ sha256: sha256(pdf), sizeBytes: BigInt(pdf.length) });
    const stored = await getStorage().getStream(
      (await db().documentVersion.findUniqueOrThrow({ where: { id: String(ok.json.versionId) } })).storageKey,
    );
    const back: Buffer[] = [];
    for await (const chunk of stored) back.push(chunk as Buffer);
    expect(sha256(Buffer.concat(back))).toBe(sha256(pdf));

    for (const announced of [pdf.length + 1, pdf.length - 1, 1]) {
      const res = await post(id, [typeField(), sizeField(announced), filePart('filename="Schnitt A-A.pdf"')]);
      expect(res, String(announced)).toEqual({
        status: 400,
        json: {
          ok: false,
          typeCode: "2001",
          message:
            "„Schnitt A-A.pdf“ ist nicht vollständig angekommen (die Größe stimmt nicht mit der angekündigten überein). Bitte laden Sie die Datei erneut hoch.",
        },
      });
    }
    // Announced over the limit: refused as too large before anything is stored.
    const big = await post(id, [typeField(), sizeField(3 * 1024 * 1024), filePart('filename="Riesig.pdf"')]);
    expect(big).toMatchObject({ status: 413, json: { ok: false } });
    expect(big.json.message).toMatch(/„Riesig\.pdf“ ist zu groß/);
    // Not a number: ignored (the multipart path), the file is stored.
    const junk = await post(id, [typeField(), sizeField("12abc"), filePart('filename="Ansicht.pdf"')]);
    expect(junk).toMatchObject({ status: 200, json: { ok: true, versionNumber: 2 } });

    expect(await db().documentVersion.count({ where: { document: { applicationId: id } } })).toBe(2);
    expect(await storedObjects(id)).toBe(2);
  });

  it("answers a cross-site Origin with a German 403 itself, before reading the body", async () => {
    const id = await createDraft();
    const { boundary, body } = multipart([typeField(), filePart('filename="Plan.pdf"')]);
    const request = new Request(`http://localhost/antraege/${id}/unterlagen/hochladen`, {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: "https://evil.example",
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
      body,
    });
    const res = await action({ request, params: { id }, context: {} });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      ok: false,
      message: "Keine Berechtigung: Die Anfrage kam nicht von dieser Website.",
    });
    expect(await storedObjects(id)).toBe(0);
  });
});
