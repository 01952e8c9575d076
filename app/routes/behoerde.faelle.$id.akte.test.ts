import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type ExportAktePayload, parsePayload } from "~/utils/queue.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { getStorage } from "../../storage/index";
import { loadRoute, postRoute } from "../../test/kit/route";
import { createExportAkte } from "../../workers/processors/export-akte";
import { createAkteCase } from "../../workers/processors/export-akte.fixtures";
import { loader as casePageLoader } from "./behoerde.faelle.$id._index";
import { action, loader } from "./behoerde.faelle.$id.akte";

type CasePage = {
  generated: { kind: string }[];
  akte: { latest: { id: string; current: boolean } | null; pending: boolean; exportIds: string[] };
};
const casePage = async (user: typeof c.clerk) =>
  (await loadRoute(casePageLoader, user, `/behoerde/faelle/${c.application.id}`, params())).data as CasePage;

// The route downloads through the process-wide storage: pointed at an s3rver of our own before
// env() is read (see erzeugt.$generatedId.test.ts for why the port is fixed here).
const s3Env = vi.hoisted(() => {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const bucket = `akte-${Math.random().toString(16).slice(2, 10)}`;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_BUCKET = bucket;
  return { port, bucket };
});

let s3dir: string;
let s3: EmbeddedS3;
let sealDir: string;
let c: Awaited<ReturnType<typeof createAkteCase>>;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "akte-route-s3-"));
  sealDir = await mkdtemp(path.join(os.tmpdir(), "akte-route-seal-"));
  s3 = await startEmbeddedS3({
    dir: s3dir,
    port: s3Env.port,
    bucket: s3Env.bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
  });
  c = await createAkteCase(getStorage(), {
    label: "akte-route",
    documents: [
      {
        typeCode: "1803",
        versions: [{ filename: "lageplan.pdf", body: new TextEncoder().encode("%PDF-1.7\n") }],
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
  await rm(sealDir, { recursive: true, force: true });
});

const url = () => `/behoerde/faelle/${c.application.id}/akte`;
const params = () => ({ id: c.application.id });

async function runJob(payload: ExportAktePayload) {
  const parsed = parsePayload("documents.export-akte", payload);
  const job = { id: "t", name: "documents.export-akte", data: parsed } as unknown as Job<
    ExportAktePayload,
    unknown,
    "documents.export-akte"
  >;
  return (await createExportAkte({ sealSource: { dir: sealDir, allowDevelopmentSeal: true } })(parsed, job, {
    db: db(),
    mailer: null,
    log: logger,
  })) as { generatedDocumentId: string };
}

describe("/behoerde/faelle/:id/akte (Akte export: ask for it, download it)", () => {
  it("refuses the applicant and another authority's clerk, and queues nothing for them", async () => {
    expect((await postRoute(action, c.applicant, url(), new URLSearchParams(), params())).status).toBe(403);
    expect((await postRoute(action, c.otherClerk, url(), new URLSearchParams(), params())).status).toBe(404);
    expect((await postRoute(action, null, url(), new URLSearchParams(), params())).status).toBe(302);
    const rows = await db().outboxMessage.count({
      where: {
        jobName: "documents.export-akte",
        payload: { path: ["applicationId"], equals: c.application.id },
      },
    });
    expect(rows).toBe(0);
  });

  it("lets the clerk and the admin ask; the download is theirs only", async () => {
    const asked = await postRoute(action, c.clerk, url(), new URLSearchParams(), params());
    expect(asked.status).toBe(302);
    expect(asked.location).toBe(`/behoerde/faelle/${c.application.id}?akte=angefordert#akte`);
    // Nothing changed in the file since: the admin's click is the same export.
    const again = await postRoute(action, c.admin, url(), new URLSearchParams(), params());
    expect(again.location).toBe(`/behoerde/faelle/${c.application.id}?akte=unveraendert#akte`);
    const outbox = await db().outboxMessage.findMany({
      where: {
        jobName: "documents.export-akte",
        payload: { path: ["applicationId"], equals: c.application.id },
      },
    });
    expect(outbox).toHaveLength(1);
    expect((await casePage(c.clerk)).akte).toMatchObject({ latest: null, pending: true });
    const { generatedDocumentId } = await runJob(outbox[0]?.payload as ExportAktePayload);
    // The case page offers the new export in its own section, not among the generated documents.
    const page = await casePage(c.clerk);
    expect(page.akte).toMatchObject({ latest: { id: generatedDocumentId, current: true }, pending: false });
    expect(page.akte.exportIds).toEqual([generatedDocumentId]);
    expect(page.generated.map((g) => g.kind)).not.toContain("AKTE_EXPORT");
    const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: generatedDocumentId } });

    const file = `${url()}?datei=${generatedDocumentId}`;
    for (const user of [c.clerk, c.admin]) {
      const got = await loadRoute(loader, user, file, params());
      expect(got.status).toBe(200);
      expect(got.response?.headers.get("Content-Type")).toBe("application/zip");
      expect(got.response?.headers.get("Content-Disposition")).toContain(".zip");
      const bytes = Buffer.from(await (got.response as Response).arrayBuffer());
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
      expect(bytes.subarray(0, 4).toString("binary")).toBe("PK\u0003\u0004");
    }
    expect((await loadRoute(loader, c.applicant, file, params())).status).toBe(403);
    expect((await loadRoute(loader, c.otherClerk, file, params())).status).toBe(404);
    // A malformed id is "not found", not an error.
    expect((await loadRoute(loader, c.clerk, `${url()}?datei=not-a-uuid`, params())).status).toBe(404);
  }, 60_000);

  it("a failed export (the worker gave up) is shown with its reason, and the clerk can ask again", async () => {
    const f = await createAkteCase(getStorage(), {
      label: "akte-failed",
      documents: [
        {
          typeCode: "1803",
          versions: [{ filename: "lageplan.pdf", body: new TextEncoder().encode("%PDF-1.7\n") }],
        },
      ],
    });
    const fParams = { id: f.application.id };
    const fUrl = `/behoerde/faelle/${f.application.id}/akte`;
    const page = async () =>
      (await loadRoute(casePageLoader, f.clerk, `/behoerde/faelle/${f.application.id}`, fParams))
        .data as CasePage & {
        akte: { failed: { reason: string } | null };
      };
    const jobsOfCase = () =>
      db().outboxMessage.findMany({
        where: {
          jobName: "documents.export-akte",
          payload: { path: ["applicationId"], equals: f.application.id },
        },
        orderBy: { id: "asc" },
      });
    expect((await postRoute(action, f.clerk, fUrl, new URLSearchParams(), fParams)).status).toBe(302);
    const [first] = await jobsOfCase();
    const payload = parsePayload("documents.export-akte", first?.payload);
    // The storage refuses every write, on every attempt: the last of three attempts fails.
    const real = getStorage();
    const down = Object.create(real, {
      putStream: {
        value: async (_key: string, body: NodeJS.ReadableStream) => {
          // Like a real client whose connection was refused: it drains and ends the body, then fails.
          body.on("error", () => {});
          body.resume();
          throw new Error("connect ECONNREFUSED 127.0.0.1:9");
        },
      },
    }) as typeof real;
    const job = {
      id: "t",
      name: "documents.export-akte",
      data: payload,
      attemptsMade: 2,
      opts: { attempts: 3 },
    };
    await expect(
      createExportAkte({ storage: down, sealSource: { dir: sealDir, allowDevelopmentSeal: true } })(
        payload,
        job as unknown as Job<ExportAktePayload, unknown, "documents.export-akte">,
        { db: db(), mailer: null, log: logger },
      ),
    ).rejects.toThrow(/ECONNREFUSED/);

    const shown = (await page()).akte;
    expect(shown).toMatchObject({ pending: false, latest: null });
    expect(shown.failed?.reason).toContain("nicht");
    expect(await db().notification.count({ where: { userId: f.clerk.id, type: "akte.export-failed" } })).toBe(
      1,
    );
    // Asking again for the same state of the file queues a new job (not swallowed as a repeat).
    const again = await postRoute(action, f.clerk, fUrl, new URLSearchParams(), fParams);
    expect(again.location).toBe(`/behoerde/faelle/${f.application.id}?akte=angefordert#akte`);
    expect(await jobsOfCase()).toHaveLength(2);
    expect((await page()).akte).toMatchObject({ pending: true, failed: null });
  }, 60_000);
});
