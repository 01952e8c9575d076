import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import type { Job } from "bullmq";
import { XmlDocument } from "libxml2-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listGeneratedDocuments, openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { answerItem, sendAnswer } from "~/models/request.server";
import { confirmComplete, sendRequest } from "~/models/review.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { type ExportReviewPayload, parsePayload } from "~/utils/queue.server";
import { validateXml } from "~/xbau/validate.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage } from "../../storage/index";
import {
  addDocumentVersion,
  createTestDistrict,
  sessionUser,
  submitCompleteDraft,
} from "../../test/kit/draft-fixtures";
import { createExportReviewXbau } from "./export-review-xbau";
import { XBAU_0200_ENTRY } from "./export-xbau";

// The review's XBau messages from the outbox rows the model functions write in the state change's
// transaction, run through the processor against PostgreSQL and an s3rver: one file per request /
// completion however often the job runs, every stored message XSD-valid.

const NS = {
  xbau: "http://www.xleitstelle.de/xbau/2/6",
  g2g: "http://xoev.de/schemata/basisnachricht/g2g/1_1",
};

let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-review-xbau-s3-"));
  const bucket = `review-xbau-${randomUUID().slice(0, 8)}`;
  s3 = await startEmbeddedS3({ dir: s3dir, port: 0, bucket, accessKey: "S3RVER", secretKey: "S3RVER" });
  storage = createStorage({
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    region: "us-east-1",
  });
  await storage.ensureBucket();
  district = await createTestDistrict("review-xbau");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

afterAll(async () => {
  await s3?.close();
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
});

async function submittedCase() {
  return (await submitCompleteDraft(architect, district.gemeinde.id)).id;
}

/** The export-review outbox rows of a case (as the relay would hand them to BullMQ). */
async function reviewJobs(applicationId: string) {
  const rows = await db().outboxMessage.findMany({
    where: { jobName: "xbau.export-review", jobId: { contains: applicationId } },
    select: { payload: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => parsePayload("xbau.export-review", r.payload));
}

async function run(payload: ExportReviewPayload) {
  const job = { id: "test", name: "xbau.export-review", data: payload } as unknown as Job<
    ExportReviewPayload,
    unknown,
    "xbau.export-review"
  >;
  return createExportReviewXbau({ storage })(payload, job, { db: db(), mailer: null, log: logger });
}

async function storedXml(generatedDocumentId: string): Promise<string> {
  const file = await openGeneratedDocumentForDownload(clerk, generatedDocumentId, { storage });
  if (!file) throw new Error("generated file not readable");
  return text(file.stream);
}

function query(xml: string, xpath: string): string[] {
  const doc = XmlDocument.fromString(xml);
  try {
    return doc.find(xpath, NS).map((n) => n.content.trim());
  } finally {
    doc.dispose();
  }
}

function berlinDate(d: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(d);
}

describe("xbau.export-review", () => {
  it("Nachforderung -> 0201 with befundliste and frist; Nachreichung -> 0202; vollständig -> 0201 with spaetestesGenehmigungsdatum", async () => {
    const id = await submittedCase();
    const deadline = new Date(Date.now() + 14 * 86_400_000);
    const sent = await sendRequest(clerk, id, {
      items: [
        { category: "05", message: "Der Brandschutznachweis fehlt.", documentTypeCode: "2701" },
        { category: "01", message: "Telefonnummer der Bauherrin fehlt." },
      ],
      message: "Bitte reichen Sie die Punkte nach.",
      internalNote: "GEHEIM: Nachbar hat Einwände angekündigt",
      bylawReference: "Stellplatzsatzung 2024",
      deadline,
    });
    if (!sent.ok) throw new Error(sent.message);

    // The job was written with the request, in the same transaction.
    const [requestJob] = await reviewJobs(id);
    expect(requestJob).toEqual({ message: "0201-request", applicationId: id, requestId: sent.requestId });

    // Run twice: one file.
    const first = (await run(requestJob as ExportReviewPayload)) as {
      created: boolean;
      generatedDocumentId: string;
    };
    const second = (await run(requestJob as ExportReviewPayload)) as {
      created: boolean;
      generatedDocumentId: string;
    };
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, generatedDocumentId: first.generatedDocumentId });
    expect(await db().generatedDocument.count({ where: { applicationId: id, kind: "XBAU_0201" } })).toBe(1);

    const xml0201 = await storedXml(first.generatedDocumentId);
    expect(validateXml(xml0201, XBAU_0200_ENTRY)).toEqual({ valid: true, errors: [] });
    expect(query(xml0201, "//xbau:antragVollstaendig")).toEqual(["false"]);
    expect(query(xml0201, "//xbau:befund/xbau:artDesBefundes/code")).toEqual(["05", "01"]);
    expect(query(xml0201, "//xbau:befund/xbau:betroffeneAnlage/code")).toEqual(["2701"]);
    expect(query(xml0201, "//xbau:befundFrist/xbau:frist")).toEqual([berlinDate(deadline)]);
    expect(xml0201).toContain("Stellplatzsatzung 2024");
    expect(xml0201).not.toContain("GEHEIM");

    // Nachreichung with a new document version.
    const version = await addDocumentVersion(id, "2701", architect.id);
    expect(await sendAnswer(architect, id, sent.requestId)).toEqual({ ok: true });
    const answerJob = (await reviewJobs(id)).find((p) => p.message === "0202");
    expect(answerJob).toEqual({ message: "0202", applicationId: id, requestId: sent.requestId });
    const a1 = (await run(answerJob as ExportReviewPayload)) as {
      created: boolean;
      generatedDocumentId: string;
    };
    const a2 = (await run(answerJob as ExportReviewPayload)) as {
      created: boolean;
      generatedDocumentId: string;
    };
    expect(a1.created).toBe(true);
    expect(a2).toMatchObject({ created: false, generatedDocumentId: a1.generatedDocumentId });
    expect(await db().generatedDocument.count({ where: { applicationId: id, kind: "XBAU_0202" } })).toBe(1);
    const xml0202 = await storedXml(a1.generatedDocumentId);
    expect(validateXml(xml0202, XBAU_0200_ENTRY)).toEqual({ valid: true, errors: [] });
    expect(xml0202).toContain("baugenehmigung.antragGeaendert.0202");
    expect(xml0202).toContain("2701-v1.pdf");
    expect(xml0202).toContain(version.sha256);
    // The 0202 refers to the 0201 of its request.
    expect(query(xml0202, "//xbau:bezug/bezugNachricht/g2g:nachrichtentyp/code")).toEqual(["0201"]);
    expect(query(xml0202, "//xbau:bezug/bezugNachricht/g2g:nachrichtenUUID")).toEqual(
      query(xml0201, "//nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID"),
    );

    // Vollständig.
    const complete = await confirmComplete(clerk, id);
    if (!complete.ok) throw new Error(complete.message);
    const completeJob = (await reviewJobs(id)).find((p) => p.message === "0201-complete");
    expect(completeJob).toEqual({ message: "0201-complete", applicationId: id });
    const c1 = (await run(completeJob as ExportReviewPayload)) as {
      created: boolean;
      generatedDocumentId: string;
    };
    await run(completeJob as ExportReviewPayload);
    expect(await db().generatedDocument.count({ where: { applicationId: id, kind: "XBAU_0201" } })).toBe(2);
    const xmlComplete = await storedXml(c1.generatedDocumentId);
    expect(validateXml(xmlComplete, XBAU_0200_ENTRY)).toEqual({ valid: true, errors: [] });
    expect(query(xmlComplete, "//xbau:antragVollstaendig")).toEqual(["true"]);
    expect(complete.decisionDueAt).not.toBeNull();
    expect(query(xmlComplete, "//xbau:spaetestesGenehmigungsdatum")).toEqual([
      berlinDate(complete.decisionDueAt as Date),
    ]);

    // Both sides find the messages among the case's generated documents.
    const kinds = (await listGeneratedDocuments(architect, id)).map((d) => d.kind);
    expect(kinds.filter((k) => k === "XBAU_0201")).toHaveLength(2);
    expect(kinds).toContain("XBAU_0202");
    expect((await listGeneratedDocuments(clerk, id)).map((d) => d.kindLabel)).toContain(
      "XBau-Nachricht (Antrag geändert 0202)",
    );
    // Three review messages (the 0200's export job is not run here).
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "xbau.exported" } })).toBe(3);
  });

  it("a Nachreichung in text only writes no 0202 job (XBau has no 0202 without changes)", async () => {
    const id = await submittedCase();
    const sent = await sendRequest(clerk, id, {
      items: [{ category: "02", message: "Bitte die Nutzung erläutern." }],
      message: "",
      internalNote: "",
      deadline: new Date(Date.now() + 7 * 86_400_000),
    });
    if (!sent.ok) throw new Error(sent.message);
    const item = await db().requestItem.findFirstOrThrow({
      where: { requestId: sent.requestId },
      select: { id: true },
    });
    expect(await answerItem(architect, id, item.id, { answerText: "Wohnen, eine Wohneinheit." })).toEqual({
      ok: true,
    });
    expect(await sendAnswer(architect, id, sent.requestId)).toEqual({ ok: true });
    expect((await reviewJobs(id)).map((p) => p.message)).toEqual(["0201-request"]);
    // A job for it anyway (e.g. written by hand) stores nothing.
    expect(await run({ message: "0202", applicationId: id, requestId: sent.requestId })).toEqual({
      created: false,
      skipped: true,
    });
  });

  it("an unknown request is a permanent failure", async () => {
    const id = await submittedCase();
    await expect(
      run({ message: "0201-request", applicationId: id, requestId: randomUUID() }),
    ).rejects.toThrow(/gibt es zu diesem Antrag nicht/);
  });
});
