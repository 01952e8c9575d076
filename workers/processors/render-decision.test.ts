import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Job } from "bullmq";
import { PDFDocument, rgb } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isApplicantVisibleEvent } from "~/domain/case-events";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";
import { getDecidedDecision } from "~/models/decision.server";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import { enqueueInTx } from "~/models/outbox.server";
import { getSessionUserById, type SessionUser } from "~/models/user.server";
import { createPrisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { buildJobId, type JobPayload, type NotifyPayload, parsePayload, queueOf } from "~/utils/queue.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import { validateXml } from "~/xbau/validate.server";
import { loader as bescheidLoader } from "../../app/routes/behoerde.faelle.$id.bescheid";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, documentVersionKey, type Storage } from "../../storage/index";
import { loadRoute } from "../../test/kit/route";
import { pdfPageCount, pdfPages, pdfText } from "../pdf/test-support";
import { type RunningWorkers, startWorkers } from "../start";
import { randomPrefix, waitFor } from "../test-support";
import type { ProcessorContext } from "../types";
import { processors } from "./index";
import { notifyProcessor } from "./notify";
import { createRenderDecision, decisionSourceKeys } from "./render-decision";

// Real pieces throughout: PostgreSQL, s3rver, BullMQ/Redis and the real notify processor. Ids of
// this file start with `run`, so the relay (LIKE filter) only moves this file's outbox rows.

const run = randomBytes(4).toString("hex");
const runId = () => `${run}-${randomUUID().slice(9)}`;
const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const AUFLAGE = "Die Fenster der Straßenfassade sind als Holzfenster mit Sprossen auszuführen.";

let db: PrismaClient;
let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;
let tenant: { id: string; name: string };
let gemeinde: { id: string };
let denkmal: { id: string };
let notAsked: { id: string };
let clerk: SessionUser;
let architect: SessionUser;
let bauherr: SessionUser;
let gemeindeUser: { id: string };
let denkmalUser: { id: string };
let notAskedUser: { id: string };

const ctx = (): ProcessorContext => ({ db, mailer: null, log: logger.child({ test: "render-decision" }) });
const fakeJob = {} as Job<JobPayload<"documents.render-decision">, unknown, "documents.render-decision">;

async function sessionUser(roles: ("APPLICANT" | "ARCHITECT" | "CLERK")[], authorityId?: string) {
  const u = await createTestUser({ roles, authorityId: authorityId ?? null });
  const s = await getSessionUserById(u.id);
  if (!s) throw new Error("user missing");
  return s;
}

async function agencyAuthority(kind: "GEMEINDE" | "FACHSTELLE", agencyType: "DENKMALSCHUTZ" | null) {
  const suffix = randomUUID().slice(0, 8);
  return db.authority.create({
    data: {
      slug: `rd-${kind.toLowerCase()}-${suffix}`,
      name: kind === "GEMEINDE" ? `Gemeinde Test ${suffix}` : `Denkmalschutz Test ${suffix}`,
      kind,
      agencyType,
      landProfile: "MV",
      fileNumberFormat: "{YYYY}-{NNNNN}",
    },
    select: { id: true },
  });
}

async function storeFixture(
  applicationId: string,
  documentId: string,
  versionId: string,
  file: string,
  content?: Uint8Array,
) {
  const bytes = content ? Buffer.from(content) : readFileSync(path.join(FIXTURES, file));
  const storageKey = documentVersionKey({ authorityId: tenant.id, applicationId, documentId, versionId });
  await storage.putStream(storageKey, Readable.from([bytes]), { contentType: "application/pdf" });
  return { storageKey, sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: bytes.length };
}

interface CaseOptions {
  kind?: "BAUGENEHMIGUNG" | "ABLEHNUNG";
  status?: "DRAFT" | "DECIDED";
  /** Store fixtures/bauvorlagen/broken.pdf as the Grundriss (versions are immutable afterwards). */
  brokenPlan?: boolean;
  /** The Grundriss was refused by the deep check after upload (documents.check-version). */
  refusedPlan?: boolean;
  /** These bytes as the Grundriss (stored under its fixture name). */
  grundriss?: Uint8Array;
}

const REFUSED_REASON = "„grundriss-eg.pdf“ ist beschädigt und kann nicht gelesen werden.";

/** A submitted case with three stored Bauvorlagen, two participations (and one never sent) and a decision. */
async function createDecidedCase({
  kind = "BAUGENEHMIGUNG",
  status = "DECIDED",
  brokenPlan = false,
  refusedPlan = false,
  grundriss,
}: CaseOptions = {}) {
  const applicationId = runId();
  const decisionId = runId();
  const fileNumber = `63-2026-${randomBytes(3).toString("hex")}`;
  const submittedAt = new Date("2026-03-15T10:29:00Z");
  const snapshot = {
    schemaVersion: 1,
    fileNumber,
    title: "Neubau Einfamilienhaus Lindenweg",
    procedureType: "VEREINFACHT",
    data: {
      bauherr: {
        kind: "PERSON",
        firstName: "Erika",
        lastName: "Müller-Lüdenscheidt",
        address: { street: "Lindenweg", houseNumber: "1", postalCode: "18055", city: "Rostock" },
      },
      entwurfsverfasser: { name: "Jana Beispiel", chamberNumber: "AK-MV 2041", chamberLand: "MV" },
      plot: {
        address: { street: "Lindenweg", houseNumber: "3", postalCode: "18055", city: "Rostock" },
        parcels: [{ gemarkung: "Rostock", flur: "4", zaehler: "112", nenner: "3" }],
      },
      project: { measureType: "ERRICHTUNG", description: "Einfamilienhaus" },
    },
    authority: { id: tenant.id, name: tenant.name, landProfile: "MV" },
    municipality: null,
    members: [],
    documents: [],
    openItems: [],
    submittedAt: submittedAt.toISOString(),
  };
  await db.application.create({
    data: {
      id: applicationId,
      authorityId: tenant.id,
      createdById: architect.id,
      status: "SUBMITTED",
      procedureType: "VEREINFACHT",
      title: "Neubau Einfamilienhaus Lindenweg",
      fileNumber,
      submittedAt,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      members: {
        create: [
          {
            userId: architect.id,
            email: architect.email,
            role: "ENTWURFSVERFASSER",
            invitationState: "ACCEPTED",
          },
          { userId: bauherr.id, email: bauherr.email, role: "BAUHERR", invitationState: "ACCEPTED" },
        ],
      },
    },
  });
  const versions: { id: string; file: string; stamp: boolean }[] = [];
  for (const [typeCode, title, file, stamp] of [
    ["1803", "Lageplan", "lageplan.pdf", true],
    ["2001", "Grundriss Erdgeschoss", brokenPlan ? "broken.pdf" : "grundriss-eg.pdf", true],
    ["1502", "Baubeschreibung", "baubeschreibung.pdf", false],
  ] as const) {
    const documentId = randomUUID();
    const versionId = randomUUID();
    const stored = await storeFixture(
      applicationId,
      documentId,
      versionId,
      file,
      typeCode === "2001" ? grundriss : undefined,
    );
    await db.document.create({
      data: {
        id: documentId,
        applicationId,
        typeCode,
        title,
        versions: {
          create: {
            id: versionId,
            versionNumber: 1,
            filename: file,
            mimeType: "application/pdf",
            sizeBytes: BigInt(stored.sizeBytes),
            sha256: stored.sha256,
            storageKey: stored.storageKey,
            uploadedById: architect.id,
            ...(refusedPlan && typeCode === "2001"
              ? { checkStatus: "REFUSED" as const, checkMessage: REFUSED_REASON }
              : {}),
          },
        },
      },
    });
    versions.push({ id: versionId, file, stamp });
  }
  const participation = (
    agencyId: string,
    sent: boolean,
    kindP: "MUNICIPAL_CONSENT" | "AGENCY_STATEMENT",
  ) => ({
    applicationId,
    agencyId,
    kind: kindP,
    status: sent ? ("ANSWERED" as const) : ("PENDING" as const),
    question: "Bitte nehmen Sie Stellung.",
    legalBasis: "§ 69 Abs. 1 LBauO M-V",
    deadline: new Date("2026-05-15T21:59:59Z"),
    silenceIsConsent: true,
    silenceConsequence: "Zustimmung gilt als erteilt.",
    startedById: clerk.id,
    sentAt: sent ? new Date("2026-04-15T08:00:00Z") : null,
  });
  await db.participation.create({ data: participation(gemeinde.id, true, "MUNICIPAL_CONSENT") });
  await db.participation.create({ data: participation(notAsked.id, false, "AGENCY_STATEMENT") });
  const denkmalParticipation = await db.participation.create({
    data: participation(denkmal.id, true, "AGENCY_STATEMENT"),
  });
  const statement = await db.statement.create({
    data: {
      participationId: denkmalParticipation.id,
      outcome: "CONSENT_WITH_CONDITIONS",
      reasons: "Denkmalbereich.",
      authorId: denkmalUser.id,
      conditions: { create: [{ position: 1, kind: "AUFLAGE", text: AUFLAGE, legalBasis: "§ 7 DSchG M-V" }] },
    },
    include: { conditions: true },
  });
  const approve = kind !== "ABLEHNUNG";
  await db.decision.create({
    data: {
      id: decisionId,
      applicationId,
      kind,
      status,
      reasons:
        "Das Vorhaben entspricht dem Bebauungsplan.\n\nDie Nebenbestimmungen sichern die Belange des Denkmalschutzes.",
      legalRemedy:
        "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden.",
      deviations: approve
        ? [{ text: "Abstandsfläche Nord 2,60 m statt 3,00 m.", legalBasis: "§ 67 Abs. 1 LBauO M-V" }]
        : [],
      constructionCostCents: 38_500_000n,
      feeLines: [
        { label: "Baugenehmigung", basis: "6 ‰ von 385.000,00 €", amountCents: 231_000 },
        { label: "Beteiligung", basis: "2 × 25,00 €", amountCents: 5_000 },
      ],
      feeTotalCents: 236_000,
      draftedById: clerk.id,
      decidedById: status === "DECIDED" ? clerk.id : null,
      decidedAt: status === "DECIDED" ? new Date("2026-06-18T09:15:00Z") : null,
      validUntil: approve && status === "DECIDED" ? new Date("2029-06-18T21:59:59Z") : null,
      conditions: approve
        ? {
            create: [
              {
                position: 1,
                kind: "AUFLAGE",
                text: AUFLAGE,
                legalBasis: "§ 7 DSchG M-V",
                sourceStatementConditionId: statement.conditions[0]?.id,
                sourceLabel: "Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026",
              },
              { position: 2, kind: "HINWEIS", text: "Der Baubeginn ist anzuzeigen." },
            ],
          }
        : undefined,
      documents: {
        create: versions.map((v, i) => ({ documentVersionId: v.id, stamp: v.stamp, position: i })),
      },
    },
  });
  return { applicationId, decisionId, fileNumber, versions };
}

async function readStored(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.getStream(key)) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function generatedOf(decisionId: string) {
  return db.generatedDocument.findMany({
    where: { decisionId },
    orderBy: [{ kind: "asc" }, { title: "asc" }],
  });
}

async function eventsOf(applicationId: string, type: string) {
  return db.caseEvent.findMany({ where: { applicationId, type }, orderBy: { id: "asc" } });
}

beforeAll(async () => {
  db = createPrisma(process.env.DATABASE_URL as string);
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-decision-s3-"));
  const bucket = `decision-${run}`;
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
  const t = await createTestTenant("decision");
  tenant = { id: t.id, name: t.name };
  gemeinde = await agencyAuthority("GEMEINDE", null);
  denkmal = await agencyAuthority("FACHSTELLE", "DENKMALSCHUTZ");
  notAsked = await agencyAuthority("FACHSTELLE", "DENKMALSCHUTZ");
  clerk = await sessionUser(["CLERK"], tenant.id);
  architect = await sessionUser(["ARCHITECT"]);
  bauherr = await sessionUser(["APPLICANT"]);
  gemeindeUser = await createTestUser({ roles: ["AGENCY"], authorityId: gemeinde.id });
  denkmalUser = await createTestUser({ roles: ["AGENCY"], authorityId: denkmal.id });
  notAskedUser = await createTestUser({ roles: ["AGENCY"], authorityId: notAsked.id });
}, 60_000);

afterAll(async () => {
  await s3?.close();
  await rm(s3dir, { recursive: true, force: true });
  await db?.$disconnect();
});

describe("documents.render-decision", () => {
  let workers: RunningWorkers | undefined;
  afterAll(async () => {
    await workers?.close();
  });

  it("through the worker: stamps the plans, renders the Bescheid, exports XBau 0205, records every sha256 and informs everyone once", async () => {
    const c = await createDecidedCase();
    workers = startWorkers({
      prefix: randomPrefix(),
      concurrency: 2,
      db,
      mailer: null,
      relay: { intervalMs: 100, listenUrl: false, jobIdLike: `%${run}-%` },
      processors: { ...processors, "documents.render-decision": createRenderDecision({ storage }) },
    });
    await workers.ready;
    const jobId = buildJobId("documents.render-decision", c.decisionId);
    await db.$transaction((tx) =>
      enqueueInTx(tx, {
        jobName: "documents.render-decision",
        jobId,
        payload: { decisionId: c.decisionId },
      }),
    );
    const queue = workers.queues.get(queueOf("documents.render-decision"));
    const state = await waitFor(
      async () => {
        const s = await queue.getJobState(jobId);
        return s === "completed" || s === "failed" ? s : undefined;
      },
      { timeoutMs: 60_000, what: "render-decision job" },
    );
    if (state === "failed") throw new Error((await queue.getJob(jobId))?.failedReason);

    const files = await generatedOf(c.decisionId);
    expect(files.map((f) => f.kind).sort()).toEqual([
      "APPROVED_PLAN",
      "APPROVED_PLAN",
      "BESCHEID",
      "XBAU_0205",
    ]);
    for (const f of files) {
      expect(f.audience).toBe("CASE");
      const bytes = await readStored(f.storageKey);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(f.sha256);
    }

    // The Bescheid names the Aktenzeichen and the Auflage taken over from the statement.
    const bescheid = files.find((f) => f.kind === "BESCHEID");
    if (!bescheid) throw new Error("no Bescheid");
    const text = await pdfText(await readStored(bescheid.storageKey));
    expect(text).toContain(c.fileNumber);
    expect(text.replace(/\s+/g, " ")).toContain(AUFLAGE);
    expect(text).toContain("Baugenehmigung");

    // Stamped plans: same page count as the original, stamp on every page; the Baubeschreibung is not stamped.
    const plans = files.filter((f) => f.kind === "APPROVED_PLAN");
    expect(plans.map((p) => p.title).sort()).toEqual([
      "Genehmigte Bauvorlage: Grundriss Erdgeschoss (Version 1)",
      "Genehmigte Bauvorlage: Lageplan (Version 1)",
    ]);
    for (const plan of plans) {
      const stamped = await readStored(plan.storageKey);
      const original = readFileSync(
        path.join(FIXTURES, plan.title.includes("Lageplan") ? "lageplan.pdf" : "grundriss-eg.pdf"),
      );
      expect(await pdfPageCount(stamped)).toBe(await pdfPageCount(original));
      for (const page of await pdfPages(stamped)) {
        expect(page.replace(/\s+/g, " ")).toContain(
          `Zugehörig zur Baugenehmigung Az. ${c.fileNumber} vom 18.06.2026`,
        );
      }
    }

    // XBau 0205: valid, and it lists the stored Bescheid and stamped plans by their hashes.
    const xbau = files.find((f) => f.kind === "XBAU_0205");
    if (!xbau) throw new Error("no XBau");
    const xml = (await readStored(xbau.storageKey)).toString("utf8");
    expect(validateXml(xml, "xbau-nachrichten-baugenehmigung.xsd").errors).toEqual([]);
    expect(xml).toContain("baugenehmigung.bescheid.0205");
    for (const f of [bescheid, ...plans]) expect(xml).toContain(`hashValue="${f.sha256}"`);
    // The Auflage came from the Denkmalschutz statement: its Rechtsbereich.
    expect(xml).toMatch(/<xbau:rechtsbereich[^>]*>\s*<code>DENKMALSCHUTZ<\/code>/);
    // What a receiving system relies on (issue 15 item 4): the author is the Kennung the
    // authority's admin configured; the Bescheid is typed 5013; only the stamped plans travel
    // (one anlage each, no unstamped original); the message refers to the 0200 it decides.
    const { xbauKennung } = await db.authority.findUniqueOrThrow({
      where: { id: tenant.id },
      select: { xbauKennung: true },
    });
    expect(xml).toMatch(new RegExp(`<autor>[\\s\\S]*<kennung>${xbauKennung}</kennung>[\\s\\S]*</autor>`));
    expect(xml).toMatch(/<anlageart[^>]*>\s*<code>5013<\/code>/);
    expect(xml).not.toContain("<code>5200</code>");
    expect(xml.match(/<anlage>/g)).toHaveLength(1 + plans.length);
    expect(xml).toContain("<bezugNachricht");
    expect(xml).not.toContain("kommentareFachrecht");

    // History: every file's sha256, the delivery once.
    const stampedEvents = await eventsOf(c.applicationId, "decision.plan-stamped");
    expect(stampedEvents.map((e) => (e.payload as { sha256: string }).sha256).sort()).toEqual(
      plans.map((p) => p.sha256).sort(),
    );
    const rendered = await eventsOf(c.applicationId, "decision.bescheid-rendered");
    expect(rendered.map((e) => (e.payload as { sha256: string }).sha256)).toEqual([bescheid.sha256]);
    expect(await eventsOf(c.applicationId, "decision.delivered")).toHaveLength(1);

    // Notifications: applicant side and clerk, the Gemeinde and the agency that were asked, not the one never asked.
    const notes = await waitFor(
      async () => {
        const n = await db.notification.findMany({ where: { applicationId: c.applicationId } });
        return n.length >= 5 ? n : undefined;
      },
      { timeoutMs: 30_000, what: "notifications" },
    );
    const byUser = (id: string) => notes.filter((n) => n.userId === id);
    for (const u of [architect, bauherr]) {
      expect(byUser(u.id).map((n) => [n.title, n.link])).toEqual([
        [`Ihr Bescheid liegt vor – Az. ${c.fileNumber}`, `/antraege/${c.applicationId}`],
      ]);
    }
    expect(byUser(clerk.id).map((n) => n.title)).toEqual([`Bescheid zugestellt – Az. ${c.fileNumber}`]);
    for (const u of [gemeindeUser, denkmalUser]) {
      expect(byUser(u.id).map((n) => n.title)).toEqual([
        `Entscheidung zum Bauantrag Az. ${c.fileNumber} getroffen`,
      ]);
    }
    expect(byUser(notAskedUser.id)).toEqual([]);

    // The applicant side downloads the Bescheid and the approved plans (audience CASE).
    const visible = await listGeneratedDocuments(architect, c.applicationId, db);
    expect(visible.map((v) => v.kindLabel)).toEqual(
      expect.arrayContaining(["Bescheid", "Genehmigte Bauvorlage (gestempelt)"]),
    );
  }, 120_000);

  it("is idempotent: a run killed halfway and runs repeated produce each file, event and notification once", async () => {
    const c = await createDecidedCase();
    // Storage that dies when the Bescheid is written (after the plans were stored): a crash halfway.
    const dying: Storage = Object.assign(Object.create(Object.getPrototypeOf(storage)), storage, {
      putStream: async (
        key: string,
        body: Parameters<Storage["putStream"]>[1],
        opts: Parameters<Storage["putStream"]>[2],
      ) => {
        if (key.includes("/generated/bescheid/")) throw new Error("worker killed");
        return storage.putStream(key, body, opts);
      },
    });
    await expect(
      createRenderDecision({ storage: dying })({ decisionId: c.decisionId }, fakeJob, ctx()),
    ).rejects.toThrow("worker killed");
    expect((await generatedOf(c.decisionId)).map((f) => f.kind)).toEqual(["APPROVED_PLAN", "APPROVED_PLAN"]);

    const processor = createRenderDecision({ storage });
    const first = (await processor({ decisionId: c.decisionId }, fakeJob, ctx())) as Record<string, unknown>;
    expect(first).toMatchObject({
      plansCreated: 0,
      bescheidCreated: true,
      xbauCreated: true,
      delivered: true,
      agencies: 2,
    });
    const again = await Promise.all([
      processor({ decisionId: c.decisionId }, fakeJob, ctx()),
      processor({ decisionId: c.decisionId }, fakeJob, ctx()),
    ]);
    for (const r of again) {
      expect(r).toMatchObject({
        plansCreated: 0,
        bescheidCreated: false,
        xbauCreated: false,
        delivered: false,
      });
    }

    const files = await generatedOf(c.decisionId);
    expect(files.map((f) => f.kind).sort()).toEqual([
      "APPROVED_PLAN",
      "APPROVED_PLAN",
      "BESCHEID",
      "XBAU_0205",
    ]);
    expect(await eventsOf(c.applicationId, "decision.plan-stamped")).toHaveLength(2);
    expect(await eventsOf(c.applicationId, "decision.bescheid-rendered")).toHaveLength(1);
    expect(await eventsOf(c.applicationId, "decision.delivered")).toHaveLength(1);
    const outbox = await db.outboxMessage.findMany({
      where: { jobId: { startsWith: `system.notify__${c.applicationId}__decision.` } },
      select: { jobId: true },
    });
    expect(outbox.map((o) => o.jobId).sort()).toEqual(
      [
        buildJobId("system.notify", c.applicationId, "decision.announced", denkmal.id),
        buildJobId("system.notify", c.applicationId, "decision.announced", gemeinde.id),
        buildJobId("system.notify", c.applicationId, "decision.delivered", c.decisionId),
      ].sort(),
    );
  }, 120_000);

  it("an Ablehnung gets the Bescheid and XBau (istGenehmigung false) but no approved plan set", async () => {
    const c = await createDecidedCase({ kind: "ABLEHNUNG" });
    await createRenderDecision({ storage })({ decisionId: c.decisionId }, fakeJob, ctx());
    const files = await generatedOf(c.decisionId);
    expect(files.map((f) => f.kind).sort()).toEqual(["BESCHEID", "XBAU_0205"]);
    const bescheid = files.find((f) => f.kind === "BESCHEID");
    const text = await pdfText(await readStored(bescheid?.storageKey as string));
    expect(text).toContain("Ablehnungsbescheid");
    const xml = (
      await readStored(files.find((f) => f.kind === "XBAU_0205")?.storageKey as string)
    ).toString();
    expect(xml).toMatch(/<xbau:istGenehmigung>false<\/xbau:istGenehmigung>/);
  }, 60_000);

  it("refuses a decision that is not decided, and a stored plan whose bytes changed, storing nothing", async () => {
    const draft = await createDecidedCase({ status: "DRAFT" });
    await expect(
      createRenderDecision({ storage })({ decisionId: draft.decisionId }, fakeJob, ctx()),
    ).rejects.toMatchObject({ name: "UnrecoverableError" });

    const c = await createDecidedCase();
    const version = await db.documentVersion.findUniqueOrThrow({
      where: { id: c.versions[0]?.id as string },
    });
    await storage.putStream(version.storageKey, Readable.from([Buffer.from("%PDF-1.4 manipuliert")]), {
      contentType: "application/pdf",
    });
    await expect(
      createRenderDecision({ storage })({ decisionId: c.decisionId }, fakeJob, ctx()),
    ).rejects.toThrow(/weicht von ihrer Prüfsumme ab/);
    expect(await generatedOf(c.decisionId)).toEqual([]);
    expect(
      await db.generatedDocument.findUnique({
        where: { sourceKey: decisionSourceKeys.bescheid(c.decisionId) },
      }),
    ).toBeNull();

    // A stored plan pdf-lib cannot read (checksum right, content broken): refused for good, nothing delivered.
    const broken = await createDecidedCase({ brokenPlan: true });
    await expect(
      createRenderDecision({ storage })({ decisionId: broken.decisionId }, fakeJob, ctx()),
    ).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: expect.stringMatching(/lässt sich nicht stempeln/),
    });
    expect((await generatedOf(broken.decisionId)).map((f) => f.kind)).toEqual(["APPROVED_PLAN"]);
    expect(await eventsOf(broken.applicationId, "decision.delivered")).toEqual([]);
  }, 60_000);

  it("never stamps a plan the deep check refused: fails for good with its reason, nothing delivered", async () => {
    const refused = await createDecidedCase({ refusedPlan: true });
    await expect(
      createRenderDecision({ storage })({ decisionId: refused.decisionId }, fakeJob, ctx()),
    ).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: expect.stringContaining(`lässt sich nicht stempeln: ${REFUSED_REASON}`),
    });
    expect((await generatedOf(refused.decisionId)).map((f) => f.kind)).toEqual(["APPROVED_PLAN"]);
    expect(await eventsOf(refused.applicationId, "decision.delivered")).toEqual([]);
  }, 60_000);

  it("records the sheets without room for the stamp (compact, over the drawing) once, and shows them only to the clerk", async () => {
    const c = await createDecidedCase({ grundriss: await inkedPlan() });
    const processor = createRenderDecision({ storage });
    await processor({ decisionId: c.decisionId }, fakeJob, ctx());
    await processor({ decisionId: c.decisionId }, fakeJob, ctx());

    const plans = (await generatedOf(c.decisionId)).filter((f) => f.kind === "APPROVED_PLAN");
    const grundriss = plans.find((f) => f.title.includes("Grundriss"));
    const lageplan = plans.find((f) => f.title.includes("Lageplan"));
    // Sheet 1 has a white strip too low for the full stamp: compact stamp there. Sheet 2 is ink
    // but for a corner: the stamp goes where it covers least. Neither has room for the QR mark.
    const expected = [
      { page: 1, part: "stamp", fit: "compact" },
      { page: 1, part: "mark", fit: "line" },
      { page: 2, part: "stamp", fit: "covering" },
      { page: 2, part: "mark", fit: "line" },
    ];
    expect(grundriss?.tightSheets).toEqual(expected);
    // The fixture plan has room on its sheet: nothing recorded.
    expect(lageplan?.tightSheets).toEqual([]);
    // The stored file is what the row says: the one-line mark is on both sheets.
    const text = await pdfText(await readStored(grundriss?.storageKey as string));
    expect(text.match(/Elektronisch gesiegelt · Prüfcode/g)).toHaveLength(2);

    // One Akte entry, for the clerk only, however often the job ran.
    const events = await eventsOf(c.applicationId, "generated.tight-sheets");
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      generatedDocumentId: grundriss?.id,
      kind: "APPROVED_PLAN",
      decisionId: c.decisionId,
      sheets: expected,
    });
    expect(isApplicantVisibleEvent("generated.tight-sheets", events[0]?.payload)).toBe(false);

    // One notification job, however often the job ran; the real notify processor tells the clerk.
    const ours = await db.outboxMessage.findMany({
      where: {
        jobName: "system.notify",
        jobId: { startsWith: buildJobId("system.notify", c.applicationId, "generated.tight-sheets") },
      },
      select: { payload: true },
    });
    expect(ours).toHaveLength(1);
    const notifyPayload = parsePayload("system.notify", ours[0]?.payload);
    await notifyProcessor(notifyPayload, {} as Job<NotifyPayload, unknown, "system.notify">, {
      db,
      mailer: null,
      log: logger,
    });
    const told = await db.notification.findMany({
      where: { applicationId: c.applicationId, type: "generated.tight-sheets" },
      select: { userId: true, title: true, body: true, link: true },
    });
    expect(told.map((n) => n.userId)).toContain(clerk.id);
    expect(told.every((n) => n.userId !== architect.id)).toBe(true);
    expect(told[0]?.title).toMatch(/^Stempel ohne freien Platz – Az\. /);
    expect(told[0]?.body).toContain("Stempel verkleinert auf Blatt 1 – kein freier Bereich");
    expect(told[0]?.link).toBe(`/behoerde/faelle/${c.applicationId}#bescheid`);

    // The clerk's Bescheid page lists the hint beside the stamped Grundriss, the clean plan has none.
    const page = await loadRoute(bescheidLoader, clerk, `/behoerde/faelle/${c.applicationId}/bescheid`, {
      id: c.applicationId,
    });
    expect(page.status).toBe(200);
    const files = (page.data as Awaited<ReturnType<typeof bescheidLoader>>).decided?.files ?? [];
    expect(files.find((f) => f.id === grundriss?.id)?.tightHints).toEqual([
      "Stempel verkleinert auf Blatt 1 – kein freier Bereich; bitte Blatt prüfen.",
      "Stempel verkleinert und über die Zeichnung gesetzt (wo sie am wenigsten bedeckt) auf Blatt 2 – kein freier Bereich; bitte Blatt prüfen.",
      "Prüfvermerk ohne QR-Code, nur als Textzeile am unteren Rand auf Blatt 1 und 2 – kein freier Bereich; bitte Blätter prüfen.",
    ]);
    expect(files.find((f) => f.id === lageplan?.id)?.tightHints).toEqual([]);
    // The applicant side downloads the same file without the internal note.
    const applicantView = await getDecidedDecision(architect, c.applicationId, db);
    expect(applicantView?.files.map((f) => f.id)).toContain(grundriss?.id);
    expect(applicantView?.files.every((f) => f.tightHints.length === 0)).toBe(true);
  }, 120_000);
});

/**
 * A two-sheet A4 plan full of ink (as pdf-lib draws it): sheet 1 black but for a white strip at the
 * bottom right, wide enough for a compact stamp but lower than the full one; sheet 2 black but for
 * a small corner no stamp fits in.
 */
async function inkedPlan(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const black = rgb(0, 0, 0);
  const white = rgb(1, 1, 1);
  const sheet1 = doc.addPage([595.28, 841.89]);
  sheet1.drawRectangle({ x: 0, y: 0, width: 595.28, height: 841.89, color: black });
  // 380 × 44 pt from 16 pt above the bottom edge: the full stamp (≥ 50 pt) does not fit, the compact one does.
  sheet1.drawRectangle({ x: 200, y: 16, width: 380, height: 44, color: white });
  const sheet2 = doc.addPage([595.28, 841.89]);
  sheet2.drawRectangle({ x: 0, y: 0, width: 595.28, height: 841.89, color: black });
  sheet2.drawRectangle({ x: 540, y: 16, width: 40, height: 40, color: white });
  return doc.save();
}
