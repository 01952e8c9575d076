import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import {
  createAgency,
  createParticipation,
  createSubmittedCase,
  latestVersions,
} from "../../test/kit/agency-fixtures";
import { callRoute, cookieFor, loadRoute, postRoute } from "../../test/kit/route";
import { loader as listLoader } from "./beteiligung._index";
import { action, loader } from "./beteiligung.$id";
import { loader as downloadLoader } from "./dateien.$versionId";
import { loader as generatedLoader } from "./erzeugt.$generatedId";
import { loader as attachmentLoader } from "./stellungnahmen.anlagen.$attachmentId";

// The agency portal's routes against the process-wide storage (an s3rver of this file, see
// erzeugt.$generatedId.test.ts for why the env is set before the imports) and real sessions.
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `beteiligung-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
let s3dir: string;
let s3: EmbeddedS3;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-beteiligung-s3-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  await getStorage().ensureBucket();
});

afterAll(async () => {
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
});

function getPage(user: SessionUser, id: string) {
  return loadRoute(loader, user, `/beteiligung/${id}`, { id });
}

async function download(user: SessionUser, versionId: string) {
  const r = await loadRoute(downloadLoader, user, `/dateien/${versionId}`, { versionId });
  await r.response?.body?.cancel();
  return r.status;
}

function post(user: SessionUser, id: string, body: FormData | URLSearchParams) {
  return postRoute(action, user, `/beteiligung/${id}`, body, { id });
}

async function scenario(label: string) {
  const c = await createSubmittedCase(label);
  const { agency, user } = await createAgency(c.district.authority.id, { label: `${label}-bs` });
  const versions = await latestVersions(c.application.id);
  const shared = versions.slice(0, 2).map((v) => v.versionId);
  const participation = await createParticipation({
    applicationId: c.application.id,
    agencyId: agency.id,
    startedById: c.clerk.id,
    versionIds: shared,
  });
  for (const v of versions) {
    const row = await db().documentVersion.findUniqueOrThrow({
      where: { id: v.versionId },
      select: { storageKey: true },
    });
    await getStorage().putStream(row.storageKey, Readable.from([Buffer.from(`%PDF-1.4 ${v.versionId}`)]), {
      contentType: "application/pdf",
    });
  }
  return { ...c, agency, agencyUser: user, versions, shared, participation };
}

describe("/beteiligung and /beteiligung/$id (loaders)", () => {
  it("lists only the agency's own requests and opens its participation with the summary", async () => {
    const a = await scenario("route-list");
    const b = await scenario("route-list-b");
    const request = new Request("http://localhost/beteiligung", {
      headers: { Cookie: await cookieFor(a.agencyUser) },
    });
    const list = (await listLoader({ request, params: {}, context: {} })) as {
      agencyName: string;
      participations: { id: string }[];
    };
    expect(list.agencyName).toBe(a.agency.name);
    expect(list.participations.map((p) => p.id)).toEqual([a.participation.id]);

    const page = await getPage(a.agencyUser, a.participation.id);
    expect(page.status).toBe(200);
    const data = page.data as { participation: { summary: { fileNumber: string }; documents: unknown[] } };
    expect(data.participation.summary.fileNumber).toBe(a.application.fileNumber);
    expect(data.participation.documents).toHaveLength(2);

    // Another case's participation, a clerk, an applicant: 404 / 403.
    expect((await getPage(a.agencyUser, b.participation.id)).status).toBe(404);
    expect((await getPage(a.agencyUser, randomUUID())).status).toBe(404);
    expect((await getPage(a.agencyUser, "kein-uuid")).status).toBe(404);
    expect((await getPage(a.clerk, a.participation.id)).status).toBe(403);
    expect((await getPage(a.architect, a.participation.id)).status).toBe(403);
  });

  it("downloads: shared versions only, nothing of another case, nothing after the participation closed", async () => {
    const a = await scenario("route-dl");
    const b = await scenario("route-dl-b");
    for (const id of a.shared) expect(await download(a.agencyUser, id)).toBe(200);
    const notShared = a.versions.map((v) => v.versionId).filter((id) => !a.shared.includes(id));
    for (const id of notShared) expect(await download(a.agencyUser, id)).toBe(404);
    for (const id of b.shared) expect(await download(a.agencyUser, id)).toBe(404);

    // The package (as the routing worker stores it) stays readable after closing; documents do not.
    const key = `tenants/${a.district.authority.id}/cases/${a.application.id}/generated/package/${a.participation.id}.pdf`;
    await getStorage().putStream(key, Readable.from([Buffer.from("%PDF-1.4 package")]), {
      contentType: "application/pdf",
    });
    const pkg = await db().generatedDocument.create({
      data: {
        applicationId: a.application.id,
        kind: "PARTICIPATION_PACKAGE",
        title: "Beteiligungspaket",
        filename: "Beteiligungspaket.pdf",
        mimeType: "application/pdf",
        sizeBytes: 16n,
        sha256: "c".repeat(64),
        storageKey: key,
        sourceKey: `test-package-${a.participation.id}`,
        audience: "AUTHORITY",
        participationId: a.participation.id,
      },
      select: { id: true },
    });
    await db().participation.update({ where: { id: a.participation.id }, data: { closedAt: new Date() } });
    for (const id of a.shared) expect(await download(a.agencyUser, id)).toBe(404);
    const request = new Request(`http://localhost/erzeugt/${pkg.id}`, {
      headers: { Cookie: await cookieFor(a.agencyUser) },
    });
    const res = await callRoute(() =>
      generatedLoader({ request, params: { generatedId: pkg.id }, context: {} }),
    );
    expect(res.status).toBe(200);
    await res.response?.body?.cancel();
    const page = await getPage(a.agencyUser, a.participation.id);
    const data = page.data as { participation: { documentsAvailable: boolean; generated: { id: string }[] } };
    expect(data.participation.documentsAvailable).toBe(false);
    expect(data.participation.generated.map((g) => g.id)).toEqual([pkg.id]);
  });
});

describe("/beteiligung/$id (actions)", () => {
  it("answers with an Auflage and an attachment (multipart), then shows it read-only; a second answer is refused", async () => {
    const a = await scenario("route-answer");
    const form = new FormData();
    form.set("outcome", "CONSENT_WITH_CONDITIONS");
    form.set("conditions.0.kind", "AUFLAGE");
    form.set("conditions.0.text", "Rauchwarnmelder in allen Aufenthaltsräumen.");
    form.set("conditions.0.legalBasis", "§ 47 Abs. 4 LBauO M-V");
    form.set("reasons", "Keine Bedenken bei Einhaltung der Auflage.");
    const pdf = await readFile(path.join(FIXTURES, "brandschutznachweis.pdf"));
    form.append("attachments", new File([pdf], "Nachweis.pdf", { type: "application/pdf" }));
    form.set("intent", "submit-statement");
    // Irreversible: the first post answers with the confirmation page (attachments are chosen
    // there) and stores nothing; "Zurück" returns the filled form; the confirmed post submits.
    const ask = await post(a.agencyUser, a.participation.id, form);
    expect(ask.data).toMatchObject({
      form: "confirm",
      outcome: "CONSENT_WITH_CONDITIONS",
      conditions: [{ kind: "AUFLAGE", text: "Rauchwarnmelder in allen Aufenthaltsräumen." }],
    });
    expect(await db().statement.count({ where: { participationId: a.participation.id } })).toBe(0);
    const carried = (ask.data as { fields: [string, string][] }).fields;
    const backForm = new FormData();
    for (const [k, v] of carried) backForm.append(k, v);
    backForm.set("bestaetigt", "nein");
    expect((await post(a.agencyUser, a.participation.id, backForm)).data).toMatchObject({
      form: "statement",
      values: { reasons: "Keine Bedenken bei Einhaltung der Auflage." },
    });
    const confirmed = new FormData();
    for (const [k, v] of carried) confirmed.append(k, v);
    confirmed.append("attachments", new File([pdf], "Nachweis.pdf", { type: "application/pdf" }));
    confirmed.set("bestaetigt", "ja");
    const r = await post(a.agencyUser, a.participation.id, confirmed);
    expect(r.status).toBe(302);
    expect(r.response?.headers.get("Location")).toBe(
      `/beteiligung/${a.participation.id}?stellungnahme=abgegeben`,
    );

    const page = await getPage(a.agencyUser, a.participation.id);
    const p = (
      page.data as {
        participation: {
          open: boolean;
          statement: { conditions: { kind: string }[]; attachments: { id: string; href: string }[] };
        };
      }
    ).participation;
    expect(p.open).toBe(false);
    expect(p.statement.conditions.map((c) => c.kind)).toEqual(["AUFLAGE"]);
    const attachmentId = p.statement.attachments[0]?.id as string;

    // The attachment: the agency and the case's clerk download it; another agency does not.
    const getAttachment = async (user: SessionUser) => {
      const request = new Request(`http://localhost/stellungnahmen/anlagen/${attachmentId}`, {
        headers: { Cookie: await cookieFor(user) },
      });
      const res = await callRoute(() => attachmentLoader({ request, params: { attachmentId }, context: {} }));
      const body = res.response ? Buffer.from(await res.response.arrayBuffer()) : null;
      return { status: res.status, body };
    };
    const own = await getAttachment(a.agencyUser);
    expect(own.status).toBe(200);
    expect(own.body?.equals(pdf)).toBe(true);
    expect((await getAttachment(a.clerk)).status).toBe(200);
    const stranger = await createAgency(a.district.authority.id, { label: "route-answer-stranger" });
    expect((await getAttachment(stranger.user)).status).toBe(404);

    const again = new FormData();
    again.set("outcome", "CONSENT");
    const second = await post(a.agencyUser, a.participation.id, again);
    expect(second.status).toBe(200);
    expect(second.data).toMatchObject({
      form: "statement",
      message: "Die Stellungnahme wurde bereits abgegeben; sie kann nicht mehr geändert werden.",
    });
  });

  it("adds and removes Nebenbestimmung rows without saving, keeps the values and reports errors", async () => {
    const a = await scenario("route-rows");
    const form = new FormData();
    form.set("outcome", "CONSENT_WITH_CONDITIONS");
    form.set("conditions.0.kind", "AUFLAGE");
    form.set("conditions.0.text", "Erste");
    form.set("reasons", "Mein Text");
    form.set("intent", "add-condition");
    const added = await post(a.agencyUser, a.participation.id, form);
    expect(added.data).toMatchObject({
      form: "statement",
      values: {
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "Mein Text",
        conditions: [
          { kind: "AUFLAGE", text: "Erste" },
          { kind: "", text: "" },
        ],
      },
    });
    form.set("intent", "remove-condition-0");
    const removed = await post(a.agencyUser, a.participation.id, form);
    expect((removed.data as { values: { conditions: unknown[] } }).values.conditions).toEqual([]);
    expect(await db().statement.count({ where: { participationId: a.participation.id } })).toBe(0);

    const invalid = new FormData();
    invalid.set("outcome", "REJECTION");
    invalid.set("intent", "submit-statement");
    const r = await post(a.agencyUser, a.participation.id, invalid);
    expect(r.data).toMatchObject({
      form: "statement",
      errors: { reasons: "Bitte begründen Sie die Ablehnung." },
    });
  });

  it("the shared zod schema: Conform names and list intents work as plain posts; errors sit at the field", async () => {
    const a = await scenario("route-conform");
    // Conform's "insert" as a plain submit (no JavaScript): the typed row stays, a blank one follows.
    const form = new FormData();
    form.set("outcome", "CONSENT_WITH_CONDITIONS");
    form.set("conditions[0].kind", "AUFLAGE");
    form.set("conditions[0].text", "Erste");
    form.set("reasons", "Mein Text");
    form.set("__intent__", JSON.stringify({ type: "insert", payload: { name: "conditions" } }));
    const added = await post(a.agencyUser, a.participation.id, form);
    expect(added.data).toMatchObject({
      form: "statement",
      values: {
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "Mein Text",
        conditions: [
          { kind: "AUFLAGE", text: "Erste" },
          { kind: "", text: "" },
        ],
      },
    });
    // A row with a kind but no text: the schema's message at that row's field, nothing stored.
    const invalid = new FormData();
    invalid.set("outcome", "CONSENT_WITH_CONDITIONS");
    invalid.set("conditions[0].kind", "AUFLAGE");
    invalid.set("conditions[0].legalBasis", "§ 47 LBauO M-V");
    invalid.set("intent", "submit-statement");
    const r = await post(a.agencyUser, a.participation.id, invalid);
    expect(r.data).toMatchObject({
      form: "statement",
      errors: { "conditions[0].text": "Bitte geben Sie den Text der Nebenbestimmung ein." },
      lastResult: { error: { "conditions[0].text": ["Bitte geben Sie den Text der Nebenbestimmung ein."] } },
    });
    expect(await db().statement.count({ where: { participationId: a.participation.id } })).toBe(0);

    // The extension request: a missing date is named at its field before the model is asked.
    const ext = new URLSearchParams({ intent: "request-extension", until: "", reason: "Ortstermin nötig" });
    const refused = await post(a.agencyUser, a.participation.id, ext);
    expect(refused.data).toMatchObject({
      form: "extension",
      values: { until: "", reason: "Ortstermin nötig" },
      errors: { until: "Bitte geben Sie das gewünschte Fristende als Datum an." },
    });
    expect(await db().participationExtension.count({ where: { participationId: a.participation.id } })).toBe(
      0,
    );
  });

  it("requests an extension; another agency's post is a 404", async () => {
    const a = await scenario("route-ext");
    const until = new Date(a.participation.deadline.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    const body = new URLSearchParams({ intent: "request-extension", until, reason: "Ortstermin nötig" });
    const stranger = await createAgency(a.district.authority.id, { label: "route-ext-stranger" });
    expect((await post(stranger.user, a.participation.id, body)).status).toBe(404);
    const r = await post(a.agencyUser, a.participation.id, body);
    expect(r.status).toBe(302);
    const page = await getPage(a.agencyUser, a.participation.id);
    expect(
      (page.data as { participation: { pendingExtension: unknown } }).participation.pendingExtension,
    ).not.toBeNull();
    const again = await post(a.agencyUser, a.participation.id, body);
    expect(again.data).toMatchObject({ form: "extension", message: expect.stringContaining("bereits") });
  });
});
