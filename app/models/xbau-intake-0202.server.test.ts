import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { createTestTenant } from "~/utils/test-tenant.server";
import { type Antrag0200Input, buildAntrag0200Xml } from "~/xbau/baugenehmigung-antrag-0200.server";
import {
  type AntragGeaendert0202Input,
  buildAntragGeaendert0202Xml,
} from "~/xbau/baugenehmigung-antrag-geaendert-0202.server";
import { fullApplication, sampleDocument } from "~/xbau/sample-applications";
import { validateSchematron } from "~/xbau/schematron.server";
import { validateXml } from "~/xbau/validate.server";
import type { Storage, StorageConfig } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { createAnswerXbauIntake } from "../../workers/processors/answer-xbau-intake";
import { type IntakeAttachment, type IntakeResult, importXbauAntrag } from "./xbau-intake.server";

/**
 * XBau 0202 (antragGeaendert) for a case that came in as a 0200, and the 1120 answer to both,
 * against the real PostgreSQL, s3rver, XSDs and Schematron: the change lands in the right case
 * of the right authority or is refused with the element and a German reason, storing nothing.
 */

const BAUVORLAGEN = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");

let s3: Awaited<ReturnType<typeof startTestStorage>>;
let config: StorageConfig;
let storage: Storage;
let inspector: Client;
let tenant: { id: string; name: string; xbauKennung: string | null };
let clerk: SessionUser;
let otherTenant: { id: string; name: string; xbauKennung: string | null };
let otherClerk: SessionUser;

async function storedOf(authorityId: string) {
  let objects = 0;
  for await (const _ of inspector.listObjects(config.bucket, `tenants/${authorityId}/`, true)) objects++;
  return {
    inbound: await db().inboundMessage.count({ where: { authorityId } }),
    versions: await db().documentVersion.count({ where: { document: { application: { authorityId } } } }),
    events: await db().caseEvent.count({ where: { application: { authorityId } } }),
    objects,
  };
}

const attachment = (name: string): IntakeAttachment => ({
  filename: name,
  path: path.join(BAUVORLAGEN, name),
});

async function fileInfo(name: string) {
  const bytes = await readFile(path.join(BAUVORLAGEN, name));
  return { sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: bytes.length };
}

/** A case from our own 0200 (referenzAntragsservice = `referenz`), received by `tenant`'s clerk. */
async function receivedCase(referenz = randomUUID()) {
  const input: Antrag0200Input = {
    ...fullApplication,
    messageId: randomUUID(),
    applicationId: referenz,
    authority: { name: tenant.name, id: tenant.xbauKennung ?? "" },
    documents: [
      sampleDocument(0, {
        typeCode: "1803",
        title: "Lageplan",
        file: { versionId: randomUUID(), filename: "lageplan.pdf", ...(await fileInfo("lageplan.pdf")) },
      }),
    ],
  };
  const result = await importXbauAntrag(
    clerk,
    { message: Buffer.from(buildAntrag0200Xml(input)), attachments: [attachment("lageplan.pdf")] },
    { storage },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { ...result, referenz, input };
}

/** A 0202 from the sender of the 0200: a new Lageplan version, a new Schnitt, changed data. */
async function change0202(
  reference: AntragGeaendert0202Input["reference"],
  overrides: Partial<AntragGeaendert0202Input> = {},
  to = tenant,
) {
  const lageplanNeu = await fileInfo("ansichten.pdf");
  const input: AntragGeaendert0202Input = {
    messageId: randomUUID(),
    createdAt: new Date(),
    sender: fullApplication.sender,
    authority: { name: to.name, id: to.xbauKennung ?? "" },
    reference,
    changedProject: {
      land: "MV",
      title: "Mehrfamilienhaus mit Tiefgarage (geänderte Planung)",
      data: {
        ...fullApplication.data,
        project: { ...fullApplication.data.project, description: "Geänderte Planung: ein Geschoss weniger" },
      },
    },
    documents: [
      sampleDocument(0, {
        typeCode: "1803",
        title: "Lageplan",
        versionNumber: 2,
        file: { versionId: randomUUID(), filename: "lageplan-v2.pdf", ...lageplanNeu },
      }),
      sampleDocument(1, {
        typeCode: "2003",
        title: "Schnitt A-A",
        file: { versionId: randomUUID(), filename: "schnitt.pdf", ...(await fileInfo("schnitt.pdf")) },
      }),
    ],
    ...overrides,
  };
  return {
    xml: Buffer.from(buildAntragGeaendert0202Xml(input)),
    attachments: [
      { filename: "lageplan-v2.pdf", path: path.join(BAUVORLAGEN, "ansichten.pdf") },
      attachment("schnitt.pdf"),
    ],
  };
}

beforeAll(async () => {
  s3 = await startTestStorage("intake-0202");
  ({ storage, config } = s3);
  inspector = new Client({ ...config, pathStyle: true });
  tenant = await createTestTenant("intake-0202");
  otherTenant = await createTestTenant("intake-0202-b");
  // The sample site lies in Greifswald: both tenants stand for Landkreis Vorpommern-Greifswald.
  await db().authority.updateMany({
    where: { id: { in: [tenant.id, otherTenant.id] } },
    data: { ags: "13075000" },
  });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: tenant.id });
  otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: otherTenant.id });
});

afterAll(async () => {
  await s3?.close();
});

async function readStored(key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.getStream(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("XBau 0202 for a received case", () => {
  it("adds new document versions, replaces the case data, records and notifies; a repeat changes nothing", async () => {
    const c = await receivedCase();
    const { xml, attachments } = await change0202({ applicationId: c.referenz, fileNumber: c.fileNumber });
    const result = await importXbauAntrag(clerk, { message: xml, attachments }, { storage });
    expect(result).toMatchObject({
      ok: true,
      messageType: "baugenehmigung.antragGeaendert.0202",
      applicationId: c.applicationId,
      fileNumber: c.fileNumber,
      duplicate: false,
    });
    const app = await db().application.findUniqueOrThrow({
      where: { id: c.applicationId },
      select: {
        status: true,
        title: true,
        data: true,
        documents: {
          select: {
            title: true,
            versions: {
              select: { versionNumber: true, filename: true, sha256: true },
              orderBy: { versionNumber: "asc" },
            },
          },
          orderBy: { title: "asc" },
        },
      },
    });
    expect(app.status).toBe("SUBMITTED");
    expect(app.title).toBe("Mehrfamilienhaus mit Tiefgarage (geänderte Planung)");
    expect((app.data as { project: { description: string } }).project.description).toBe(
      "Geänderte Planung: ein Geschoss weniger",
    );
    const ansichten = await fileInfo("ansichten.pdf");
    expect(app.documents.map((d) => [d.title, d.versions.map((v) => [v.versionNumber, v.filename])])).toEqual(
      [
        [
          "Lageplan",
          [
            [1, "lageplan.pdf"],
            [2, "lageplan-v2.pdf"],
          ],
        ],
        ["Schnitt A-A", [[1, "schnitt.pdf"]]],
      ],
    );
    expect(app.documents[0]?.versions[1]?.sha256).toBe(ansichten.sha256);

    const events = await db().caseEvent.findMany({
      where: { applicationId: c.applicationId, type: "xbau.received" },
      select: { payload: true },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => (e.payload as { message: string }).message)).toEqual([
      "baugenehmigung.antrag.0200",
      "baugenehmigung.antragGeaendert.0202",
    ]);
    const notify = await db().outboxMessage.findMany({
      where: { jobName: "system.notify", payload: { path: ["applicationId"], equals: c.applicationId } },
      select: { payload: true },
    });
    expect(notify.map((n) => (n.payload as { event: string }).event)).toContain("request.answered");

    const before = await storedOf(tenant.id);
    const again = await importXbauAntrag(clerk, { message: xml, attachments }, { storage });
    expect(again).toEqual({ ...(result as Extract<IntakeResult, { ok: true }>), duplicate: true });
    expect(await storedOf(tenant.id)).toEqual(before);

    // The 1120 answers of both messages: valid against the Kernmodul XSD and the Schematron,
    // addressed to the sender, referring to its referenzAntragsservice, our Aktenzeichen and the message.
    const inbound = await db().inboundMessage.findMany({
      where: { applicationId: c.applicationId },
      select: { id: true, messageId: true, answerMessageId: true },
      orderBy: { createdAt: "asc" },
    });
    expect(inbound).toHaveLength(2);
    const answer = createAnswerXbauIntake({ storage });
    const ctx = { db: db(), mailer: null, log: logger };
    for (const row of inbound) {
      await answer({ inboundMessageId: row.id }, {} as never, ctx);
      const again1120 = await answer({ inboundMessageId: row.id }, {} as never, ctx);
      expect(again1120).toMatchObject({ created: false });
    }
    const answers = await db().generatedDocument.findMany({
      where: { applicationId: c.applicationId, kind: "XBAU_1120" },
      select: { storageKey: true },
    });
    expect(answers).toHaveLength(2);
    for (const [i, a] of answers.entries()) {
      const xml1120 = await readStored(a.storageKey);
      expect(validateXml(xml1120, "xbau-kernmodul-prozessnachrichten.xsd")).toEqual({
        valid: true,
        errors: [],
      });
      expect(validateSchematron(xml1120)).toEqual({ valid: true, violations: [] });
      expect(xml1120).toContain(`<referenz>${c.referenz}</referenz>`);
      expect(xml1120).toContain(`<vorgang>${c.fileNumber}</vorgang>`);
      expect(xml1120).toContain(`<kennung>${fullApplication.sender.id}</kennung>`);
      const ids = inbound.map((r) => [r.messageId, r.answerMessageId]);
      expect(
        ids.some(
          ([m, ans]) =>
            xml1120.includes(`>${m}</g2g:nachrichtenUUID>`) && xml1120.includes(`>${ans}</nachrichtenUUID>`),
        ),
      ).toBe(true);
      expect(i).toBeLessThan(2);
    }
  }, 180_000);

  it("finds the case by the sender's reference alone (no Aktenzeichen in bezug)", async () => {
    const c = await receivedCase();
    const { xml, attachments } = await change0202({ applicationId: c.referenz });
    const result = await importXbauAntrag(clerk, { message: xml, attachments }, { storage });
    expect(result).toMatchObject({ ok: true, applicationId: c.applicationId });
  }, 120_000);
});

describe("XBau 0202 refusals name the element and the reason and store nothing", () => {
  async function expectRefused(
    user: SessionUser,
    delivery: { xml: Buffer; attachments: IntakeAttachment[] },
    code: string,
    problem: { element: RegExp; message: RegExp },
  ) {
    const authorityId = user.authorityId ?? "";
    const before = [await storedOf(authorityId), await storedOf(tenant.id)];
    const result = await importXbauAntrag(
      user,
      { message: delivery.xml, attachments: delivery.attachments },
      { storage },
    );
    expect(result).toMatchObject({
      ok: false,
      code,
      problems: expect.arrayContaining([
        expect.objectContaining({
          element: expect.stringMatching(problem.element),
          message: expect.stringMatching(problem.message),
        }),
      ]),
    });
    expect([await storedOf(authorityId), await storedOf(tenant.id)]).toEqual(before);
  }

  it("an unknown Aktenzeichen", async () => {
    const c = await receivedCase();
    await expectRefused(
      clerk,
      await change0202({ applicationId: c.referenz, fileNumber: "63-1999-99999" }),
      "case",
      {
        element: /bezug\/vorgang/,
        message: /keinen Vorgang mit dem Aktenzeichen „63-1999-99999“/,
      },
    );
  }, 120_000);

  it("another authority's case: its clerk cannot change it, even knowing Aktenzeichen and reference", async () => {
    const c = await receivedCase();
    const delivery = await change0202(
      { applicationId: c.referenz, fileNumber: c.fileNumber },
      {},
      otherTenant,
    );
    await expectRefused(otherClerk, delivery, "case", {
      element: /bezug\/vorgang/,
      message: /keinen Vorgang/,
    });
  }, 120_000);

  it("a reference that belongs to another case than the Aktenzeichen", async () => {
    const c = await receivedCase();
    await expectRefused(
      clerk,
      await change0202({ applicationId: randomUUID(), fileNumber: c.fileNumber }),
      "case",
      {
        element: /bezug\/referenz/,
        message: /gehört nicht zum Vorgang/,
      },
    );
  }, 120_000);

  it("a case that is decided or withdrawn (the lifecycle's open statuses only)", async () => {
    for (const status of ["DECIDED", "WITHDRAWN"] as const) {
      const c = await receivedCase();
      await db().application.update({ where: { id: c.applicationId }, data: { status } });
      await expectRefused(
        clerk,
        await change0202({ applicationId: c.referenz, fileNumber: c.fileNumber }),
        "state",
        {
          element: /antragGeaendert\.0202/,
          message: /nur bis zum Bescheid/,
        },
      );
    }
  }, 180_000);

  it("a delivered file that does not match its declared hash", async () => {
    const c = await receivedCase();
    const delivery = await change0202({ applicationId: c.referenz, fileNumber: c.fileNumber });
    delivery.attachments[1] = { filename: "schnitt.pdf", path: path.join(BAUVORLAGEN, "grundriss-eg.pdf") };
    await expectRefused(clerk, delivery, "attachments", { element: /hashValue/, message: /Hashwert/ });
  }, 120_000);
});
