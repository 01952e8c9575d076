import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getSessionUserById } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import { cookieFor } from "../../test/kit/route";
import { startWebServer } from "../../test/support/web-server";

// The clerk's XBau upload through the real web server (request limits + Remix + busboy + intake +
// storage), against this file's own s3rver (env set before the imports).
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `xbau-intake-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");
let s3dir: string;
let s3: EmbeddedS3;
let web: Awaited<ReturnType<typeof startWebServer>>;
let authorityId: string;
let clerkCookie: string;
let applicantCookie: string;
let message: Buffer;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-xbau-intake-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();
  web = await startWebServer();
  authorityId = (await createTestTenant("xbau-route")).id;
  // The hand-written portal message is addressed to psw:13074099: the Kennung this tenant's
  // admin registered (unique: another run's tenant gives it up first).
  await db().authority.updateMany({ where: { xbauKennung: "psw:13074099" }, data: { xbauKennung: null } });
  await db().authority.update({ where: { id: authorityId }, data: { xbauKennung: "psw:13074099" } });
  const clerk = await createTestUser({ roles: ["CLERK"], authorityId });
  clerkCookie = await cookieFor(clerk);
  const applicant = await createTestUser({ roles: ["APPLICANT"] });
  applicantCookie = await cookieFor(applicant);
  expect(await getSessionUserById(clerk.id)).not.toBeNull();
  message = await readFile(path.join(FIXTURES, "xbau/intake/antrag-0200-efa-portal.xml"));
});

afterAll(async () => {
  await web?.close();
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

async function post(cookie: string, parts: [name: string, filename: string, bytes: Buffer][]) {
  const form = new FormData();
  for (const [name, filename, bytes] of parts) form.append(name, new Blob([new Uint8Array(bytes)]), filename);
  return fetch(`${web.url}/behoerde/posteingang/xbau`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: web.url },
    body: form,
    redirect: "manual",
  });
}

const pdf = (name: string) => readFile(path.join(FIXTURES, "bauvorlagen", name));

describe("POST /behoerde/posteingang/xbau", () => {
  it("imports the message with its files and sends the clerk to the new case; the same upload again lands on the same case", async () => {
    const parts: [string, string, Buffer][] = [
      ["nachricht", "antrag.xml", message],
      ["anlagen", "lageplan.pdf", await pdf("lageplan.pdf")],
      ["anlagen", "grundriss-eg.pdf", await pdf("grundriss-eg.pdf")],
    ];
    const res = await post(clerkCookie, parts);
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    const match = /^\/behoerde\/faelle\/([0-9a-f-]{36})\?xbau=eingelesen$/.exec(location);
    expect(match).not.toBeNull();
    const app = await db().application.findUniqueOrThrow({
      where: { id: match![1] },
      select: { authorityId: true, status: true, fileNumber: true, _count: { select: { documents: true } } },
    });
    expect(app).toMatchObject({ authorityId, status: "SUBMITTED", _count: { documents: 3 } });
    expect(app.fileNumber).toBeTruthy();

    const again = await post(clerkCookie, parts);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/behoerde/faelle/${match![1]}?xbau=bereits-eingelesen`);
    expect(await db().application.count({ where: { authorityId } })).toBe(1);
  }, 120_000);

  it("shows every refusal with the element and the reason (a file missing), storing nothing", async () => {
    const before = await db().inboundMessage.count({ where: { authorityId } });
    const other = Buffer.from(
      message.toString("utf8").replace("3f2d7c1e-8a4b-4c5d-9e6f-0a1b2c3d4e5f", randomUUID()),
    );
    const res = await post(clerkCookie, [
      ["nachricht", "antrag.xml", other],
      ["anlagen", "lageplan.pdf", await pdf("lageplan.pdf")],
    ]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Die Nachricht wurde nicht angenommen");
    expect(html).toContain("Grundriss Erdgeschoss");
    expect(html).toMatch(
      /&quot;grundriss-eg\.pdf&quot; ist in der Nachricht genannt, wurde aber nicht mitgeschickt|"grundriss-eg\.pdf" ist in der Nachricht genannt/,
    );
    expect(await db().inboundMessage.count({ where: { authorityId } })).toBe(before);
  }, 60_000);

  it("refuses a DOCTYPE through the whole stack", async () => {
    const xxe = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    );
    const res = await post(clerkCookie, [["nachricht", "antrag.xml", xxe]]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("DOCTYPE");
    expect(html).not.toContain("root:");
  }, 60_000);

  it("is not open to applicants", async () => {
    const res = await post(applicantCookie, [["nachricht", "antrag.xml", message]]);
    expect([302, 403]).toContain(res.status);
    expect(res.headers.get("location") ?? "").not.toMatch(/\/behoerde\/faelle\//);
  }, 60_000);
});
