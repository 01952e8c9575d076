import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addDays } from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.posteingang_.papier";
import {
  action as confirmationAction,
  loader as confirmationLoader,
} from "./behoerde.posteingang_.papier_.$id";

// The paper-intake routes as a browser without JavaScript posts them (multipart through busboy),
// against this file's own s3rver (env set before the imports) and the real database.
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `paper-intake-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

const BAUVORLAGEN = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
let s3dir: string;
let s3: EmbeddedS3;
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let clerk: SessionUser;
let otherClerk: SessionUser;
let applicant: SessionUser;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-paper-route-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();
  district = await createTestDistrict("paper-route");
  const other = await createTestDistrict("paper-route-b");
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  applicant = await sessionUser({ roles: ["APPLICANT"] });
});

afterAll(async () => {
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

async function form(fields: Record<string, string>, scans: [type: string, file: string][] = []) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const [i, [type, file]] of scans.entries()) {
    body.append(`scanType-${i}`, type);
    body.append(`scan-${i}`, new Blob([new Uint8Array(await readFile(path.join(BAUVORLAGEN, file)))]), file);
  }
  return body;
}

function keyData(): Record<string, string> {
  return {
    channel: "EMAIL",
    receivedOn: addDays(berlinDate(new Date()), -2),
    title: "Carport Lindenweg (per E-Mail)",
    procedureType: "VEREINFACHT",
    municipalityId: district.gemeinde.id,
    "bauherr.kind": "COMPANY",
    "bauherr.companyName": "Muster Bau GmbH",
    "bauherr.address.street": "Hafenstraße",
    "bauherr.address.postalCode": "23966",
    "bauherr.address.city": "Wismar",
    "plot.parcels[0].gemarkung": "1234",
    "plot.parcels[0].flur": "5",
    "plot.parcels[0].zaehler": "77",
    "plot.parcels[1].gemarkung": "1234",
    "plot.parcels[1].flur": "5",
    "plot.parcels[1].zaehler": "78",
    "project.measureType": "ERRICHTUNG",
  };
}

const PATH = "/behoerde/posteingang/papier";

/** A returned `data(value, { status })` as the browser sees it: its status and its value. */
function seen(outcome: Awaited<ReturnType<typeof postRoute>>): { status: number; data: unknown } {
  const d = outcome.data as { type?: string; data?: unknown; init?: { status?: number } } | undefined;
  if (d?.type === "DataWithResponseInit") return { status: d.init?.status ?? 200, data: d.data };
  return { status: outcome.status, data: outcome.data };
}

describe("Papierantrag erfassen (route)", () => {
  it("registers a multipart post without JavaScript and leads to the confirmation page", async () => {
    const posted = await postRoute(action, clerk, PATH, await form(keyData(), [["1803", "lageplan.pdf"]]));
    expect(posted.status).toBe(302);
    const id = /\/behoerde\/posteingang\/papier\/([0-9a-f-]{36})\?erfasst=1$/.exec(
      posted.location ?? "",
    )?.[1];
    expect(id).toBeTruthy();
    const app = await db().application.findUniqueOrThrow({
      where: { id },
      select: { intakeChannel: true, status: true, data: true },
    });
    expect(app).toMatchObject({ intakeChannel: "EMAIL", status: "SUBMITTED" });
    // Several Flurstücke, as posted by the form's rows.
    expect((app.data as { plot: { parcels: unknown[] } }).plot.parcels).toHaveLength(2);

    const page = await loadRoute(confirmationLoader, clerk, `${PATH}/${id}`, { id: id as string });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ intake: { channel: "EMAIL", documents: 1 } });
    // Other tenants and applicants never see it.
    expect(
      (await loadRoute(confirmationLoader, otherClerk, `${PATH}/${id}`, { id: id as string })).status,
    ).toBe(404);
    expect(
      (await loadRoute(confirmationLoader, applicant, `${PATH}/${id}`, { id: id as string })).status,
    ).toBe(403);
    // No e-mail address on the application: the invitation says so.
    const invite = await postRoute(
      confirmationAction,
      clerk,
      `${PATH}/${id}`,
      new URLSearchParams({ role: "BAUHERR" }),
      { id: id as string },
    );
    expect(seen(invite)).toMatchObject({
      status: 422,
      data: { ok: false, message: expect.stringMatching(/keine E-Mail-Adresse/) },
    });
  });

  it("answers bad input with German errors at the fields, the values kept and nothing stored", async () => {
    const before = await db().application.count({ where: { authorityId: district.authority.id } });
    const fields = {
      ...keyData(),
      receivedOn: addDays(berlinDate(new Date()), 3),
      "bauherr.companyName": "",
    };
    const posted = seen(await postRoute(action, clerk, PATH, await form(fields, [["1803", "lageplan.pdf"]])));
    expect(posted.status).toBe(422);
    const reply = posted.data as {
      values: { title: string };
      lastResult: { error: Record<string, string[]> };
      filesDropped: boolean;
    };
    expect(reply.values.title).toBe("Carport Lindenweg (per E-Mail)");
    expect(reply.filesDropped).toBe(true);
    expect(reply.lastResult.error.receivedOn).toEqual([
      "Das Eingangsdatum darf nicht in der Zukunft liegen.",
    ]);
    expect(reply.lastResult.error["bauherr.companyName"]).toEqual(["Bitte geben Sie die Firma an."]);

    // A hostile scan with otherwise good data: refused at its field, naming the file.
    const hostile = seen(
      await postRoute(action, clerk, PATH, await form(keyData(), [["1803", "encrypted.pdf"]])),
    );
    expect(hostile.status).toBe(422);
    expect(
      (hostile.data as { lastResult: { error: Record<string, string[]> } }).lastResult.error["scan-0"]?.[0],
    ).toContain("encrypted.pdf");
    expect(await db().application.count({ where: { authorityId: district.authority.id } })).toBe(before);
  });

  it("refuses applicants (403) and adds a Flurstück row without registering", async () => {
    expect((await loadRoute(loader, applicant, PATH)).status).toBe(403);
    expect((await postRoute(action, applicant, PATH, await form(keyData()))).status).toBe(403);
    const loaded = await loadRoute(loader, clerk, PATH);
    expect(loaded.status).toBe(200);
    expect((loaded.data as { municipalities: { id: string }[] }).municipalities.map((m) => m.id)).toEqual([
      district.gemeinde.id,
    ]);
    // The Gemeindeschlüssel suggestions are narrowed to the clerk's own district (Landkreis key).
    expect((loaded.data as { authorityAgs: string | null }).authorityAgs).toBe("13074000");
    const added = seen(
      await postRoute(action, clerk, PATH, await form({ ...keyData(), intent: "add-parcel" })),
    );
    expect(added.status).toBe(200);
    expect((added.data as { values: { plot: { parcels: unknown[] } } }).values.plot.parcels).toHaveLength(3);
  });
});
