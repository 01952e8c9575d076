import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage } from "../../storage/index";
import {
  createAgency,
  createParticipation,
  createSubmittedCase,
  latestVersions,
} from "../../test/kit/agency-fixtures";
import { getParticipationForAgency } from "./agency-portal.server";
import {
  readStatementForm,
  requestExtension,
  type StagedAttachment,
  stageAttachment,
  statementMessages,
  submitStatement,
  validateStatement,
} from "./statement.server";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
let s3dir: string;
let tmpRoot: string;
let s3: EmbeddedS3;
let storage: Storage;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-stmt-s3-"));
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "bauantrag-stmt-tmp-"));
  const bucket = `stmt-${randomUUID().slice(0, 8)}`;
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
});

afterAll(async () => {
  await s3?.close();
  for (const d of [s3dir, tmpRoot]) if (d) await rm(d, { recursive: true, force: true });
});

async function scenario(label: string) {
  const c = await createSubmittedCase(label);
  const { agency, user } = await createAgency(c.district.authority.id, { label: `${label}-bs` });
  const versions = await latestVersions(c.application.id);
  const participation = await createParticipation({
    applicationId: c.application.id,
    agencyId: agency.id,
    startedById: c.clerk.id,
    versionIds: versions.slice(0, 1).map((v) => v.versionId),
  });
  return { ...c, agency, agencyUser: user, participation };
}

async function stage(file: string): Promise<StagedAttachment> {
  const r = await stageAttachment(
    createReadStream(path.join(FIXTURES, file)),
    file,
    path.join(tmpRoot, randomUUID()),
    10 * 1024 * 1024,
  );
  if (!r.ok) throw new Error(r.message);
  return r.file;
}

const AUFLAGE = {
  kind: "AUFLAGE",
  text: "Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.",
  legalBasis: "§ 47 Abs. 4 LBauO M-V",
};

describe("validateStatement", () => {
  it("an Einvernehmen is erteilt or versagt, with reasons when versagt and without Nebenbestimmungen", () => {
    const kind = "MUNICIPAL_CONSENT";
    expect(validateStatement({ outcome: "NOT_AFFECTED", reasons: "", conditions: [] }, kind)).toEqual({
      ok: false,
      errors: { outcome: statementMessages.outcomeNotForKind(kind) },
    });
    expect(
      validateStatement({ outcome: "CONSENT_WITH_CONDITIONS", reasons: "", conditions: [] }, kind).ok,
    ).toBe(false);
    expect(validateStatement({ outcome: "REJECTION", reasons: " ", conditions: [] }, kind)).toEqual({
      ok: false,
      errors: { reasons: statementMessages.reasonsRequiredForConsent },
    });
    expect(
      validateStatement(
        { outcome: "CONSENT", reasons: "", conditions: [{ kind: "HINWEIS", text: "Bitte beachten" }] },
        kind,
      ),
    ).toEqual({ ok: false, errors: { conditions: statementMessages.conditionsNotForConsent } });
    expect(validateStatement({ outcome: "CONSENT", reasons: "", conditions: [] }, kind)).toEqual({
      ok: true,
      value: { outcome: "CONSENT", reasons: "", conditions: [] },
    });
  });

  it("a Zustimmung required by law is no 'nicht betroffen'", () => {
    expect(
      validateStatement({ outcome: "NOT_AFFECTED", reasons: "", conditions: [] }, "AGENCY_CONSENT").ok,
    ).toBe(false);
    expect(validateStatement({ outcome: "NOT_AFFECTED", reasons: "", conditions: [] }).ok).toBe(true);
  });

  it("requires an outcome, conditions for a conditional consent and reasons for a rejection", () => {
    expect(validateStatement({ outcome: "", reasons: "", conditions: [] })).toEqual({
      ok: false,
      errors: { outcome: statementMessages.outcome },
    });
    expect(validateStatement({ outcome: "CONSENT_WITH_CONDITIONS", reasons: "", conditions: [] })).toEqual({
      ok: false,
      errors: { conditions: statementMessages.conditionsRequired },
    });
    // A Hinweis alone is no Nebenbestimmung that conditions the consent.
    expect(
      validateStatement({
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "",
        conditions: [{ kind: "HINWEIS", text: "Zufahrt freihalten" }],
      }),
    ).toMatchObject({ ok: false, errors: { conditions: statementMessages.conditionsRequired } });
    expect(validateStatement({ outcome: "REJECTION", reasons: "  ", conditions: [] })).toEqual({
      ok: false,
      errors: { reasons: statementMessages.reasonsRequired },
    });
    expect(validateStatement({ outcome: "CONSENT", reasons: "", conditions: [AUFLAGE] })).toMatchObject({
      ok: false,
      errors: { conditions: expect.stringContaining("nur bei „Zustimmung mit Nebenbestimmungen“") },
    });
  });

  it("drops blank rows, marks half-filled rows by their index and keeps the order", () => {
    const r = validateStatement({
      outcome: "CONSENT_WITH_CONDITIONS",
      reasons: "ok",
      conditions: [
        { kind: "AUFLAGE", text: "", legalBasis: "" },
        { kind: "BEDINGUNG", text: "", legalBasis: "§ 1" },
        { kind: "XX", text: "Text" },
      ],
    });
    expect(r).toEqual({
      ok: false,
      errors: {
        "conditions.1.text": statementMessages.conditionText,
        "conditions.2.kind": statementMessages.conditionKind,
      },
    });
    const ok = validateStatement({
      outcome: "CONSENT_WITH_CONDITIONS",
      reasons: " Gründe \r\n",
      conditions: [{ kind: "HINWEIS", text: "b" }, { kind: "", text: "", legalBasis: "" }, AUFLAGE],
    });
    expect(ok).toEqual({
      ok: true,
      value: {
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "Gründe",
        conditions: [
          { kind: "HINWEIS", text: "b", legalBasis: null },
          { kind: "AUFLAGE", text: AUFLAGE.text, legalBasis: AUFLAGE.legalBasis },
        ],
      },
    });
  });
});

describe("stageAttachment", () => {
  it("accepts PDF, JPEG and PNG by their bytes and refuses others, encrypted and empty files", async () => {
    const pdf = await stage("brandschutznachweis.pdf");
    const bytes = await readFile(path.join(FIXTURES, "brandschutznachweis.pdf"));
    expect(pdf).toMatchObject({
      mimeType: "application/pdf",
      sizeBytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    expect(pdf.pageCount).toBeGreaterThan(0);
    expect((await stage("photo.png")).mimeType).toBe("image/png");

    const refuse = async (file: string) => {
      const r = await stageAttachment(
        createReadStream(path.join(FIXTURES, file)),
        file,
        path.join(tmpRoot, randomUUID()),
        10 * 1024 * 1024,
      );
      expect(r.ok).toBe(false);
      return r.ok ? "" : r.message;
    };
    // A PNG named .pdf is stored as what it is (PNG is allowed); text is not.
    expect((await stage("fake.pdf")).mimeType).toBe("image/png");
    const txt = path.join(tmpRoot, "notiz.txt");
    await writeFile(txt, "Nur ein Text, kein Dokument.\n");
    const r = await stageAttachment(
      createReadStream(txt),
      "notiz.txt",
      path.join(tmpRoot, randomUUID()),
      1024,
    );
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("nicht zulässiges Format") });
    expect(await refuse("broken.pdf")).toBeTruthy();
    expect(await refuse("encrypted.pdf")).toMatch(/verschlüsselt|Passwort/);
    expect(await refuse("empty.pdf")).toContain("ist leer");
    const big = await stageAttachment(
      createReadStream(path.join(FIXTURES, "brandschutznachweis.pdf")),
      "gross.pdf",
      path.join(tmpRoot, randomUUID()),
      100,
    );
    expect(big).toMatchObject({ ok: false, message: expect.stringContaining("zu groß") });
  });
});

describe("submitStatement", () => {
  it("stores statement, Nebenbestimmungen and attachment in one go and answers the participation", async () => {
    const a = await scenario("stmt-submit");
    const attachment = await stage("brandschutznachweis.pdf");
    const r = await submitStatement(
      a.agencyUser,
      a.participation.id,
      {
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "Die Rettungswege sind ausreichend.",
        conditions: [AUFLAGE, { kind: "HINWEIS", text: "Zufahrt freihalten", legalBasis: "" }],
        attachments: [attachment],
      },
      { storage },
    );
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;

    const s = await db().statement.findUniqueOrThrow({
      where: { id: r.statementId },
      select: {
        outcome: true,
        reasons: true,
        authorId: true,
        conditions: {
          orderBy: { position: "asc" },
          select: { position: true, kind: true, text: true, legalBasis: true },
        },
        attachments: {
          select: { filename: true, sha256: true, sizeBytes: true, storageKey: true, pageCount: true },
        },
      },
    });
    expect(s.outcome).toBe("CONSENT_WITH_CONDITIONS");
    expect(s.authorId).toBe(a.agencyUser.id);
    expect(s.conditions).toEqual([
      { position: 1, kind: "AUFLAGE", text: AUFLAGE.text, legalBasis: AUFLAGE.legalBasis },
      { position: 2, kind: "HINWEIS", text: "Zufahrt freihalten", legalBasis: null },
    ]);
    expect(s.attachments).toHaveLength(1);
    const att = s.attachments[0]!;
    expect(att.sha256).toBe(attachment.sha256);
    expect(att.storageKey).toContain(
      `/cases/${a.application.id}/participations/${a.participation.id}/attachments/`,
    );
    const storedBytes = Buffer.concat(await (await storage.getStream(att.storageKey)).toArray());
    expect(createHash("sha256").update(storedBytes).digest("hex")).toBe(attachment.sha256);

    const p = await db().participation.findUniqueOrThrow({ where: { id: a.participation.id } });
    expect(p.status).toBe("ANSWERED");
    expect(p.answeredAt).not.toBeNull();
    expect(
      await db().caseEvent.count({
        where: { applicationId: a.application.id, type: "participation.answered" },
      }),
    ).toBe(1);
    const jobs = await db().outboxMessage.findMany({
      where: {
        jobId: {
          in: [
            buildJobId("documents.render-statement", r.statementId),
            buildJobId("system.notify", a.application.id, "participation.answered", a.participation.id),
          ],
        },
      },
      select: { jobName: true, payload: true },
    });
    expect(jobs.map((j) => j.jobName).sort()).toEqual(["documents.render-statement", "system.notify"]);
    expect(jobs.find((j) => j.jobName === "system.notify")?.payload).toMatchObject({
      event: "participation.answered",
      details: { agencyId: a.agency.id, participationId: a.participation.id },
    });

    // Immutable: a second statement is refused, and the row itself cannot be changed.
    const again = await submitStatement(
      a.agencyUser,
      a.participation.id,
      { outcome: "CONSENT", reasons: "", conditions: [], attachments: [] },
      { storage },
    );
    expect(again).toEqual({ ok: false, status: 409, message: statementMessages.alreadyAnswered });
    await expect(
      db().statement.update({ where: { id: r.statementId }, data: { reasons: "geändert" } }),
    ).rejects.toThrow();

    const detail = await getParticipationForAgency(a.agencyUser, a.participation.id);
    expect(detail?.statement?.conditions).toHaveLength(2);
    expect(detail?.statement?.attachments[0]?.href).toMatch(/^\/stellungnahmen\/anlagen\//);
  });

  it("is refused for deemed consent, closed and foreign participations; bad input loses nothing", async () => {
    const a = await scenario("stmt-refused");
    const input = { outcome: "CONSENT", reasons: "", conditions: [], attachments: [] };
    const stranger = await createAgency(a.district.authority.id, { label: "stmt-stranger" });
    expect(await submitStatement(stranger.user, a.participation.id, input, { storage })).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await submitStatement(a.clerk, a.participation.id, input, { storage })).toMatchObject({
      status: 404,
    });

    const invalid = await submitStatement(
      a.agencyUser,
      a.participation.id,
      { outcome: "REJECTION", reasons: "", conditions: [], attachments: [] },
      { storage },
    );
    expect(invalid).toEqual({
      ok: false,
      status: 400,
      errors: { reasons: statementMessages.reasonsRequired },
    });
    expect((await db().participation.findUniqueOrThrow({ where: { id: a.participation.id } })).status).toBe(
      "SENT",
    );

    await db().participation.update({
      where: { id: a.participation.id },
      data: { status: "DEEMED_CONSENT", deemedConsentAt: new Date() },
    });
    expect(await submitStatement(a.agencyUser, a.participation.id, input, { storage })).toEqual({
      ok: false,
      status: 409,
      message: statementMessages.deemedConsent,
    });
    await db().participation.update({
      where: { id: a.participation.id },
      data: { status: "OPENED", closedAt: new Date() },
    });
    expect(await submitStatement(a.agencyUser, a.participation.id, input, { storage })).toEqual({
      ok: false,
      status: 409,
      message: statementMessages.closed,
    });
    await db().participation.update({
      where: { id: a.participation.id },
      data: { status: "PENDING", closedAt: null },
    });
    expect(await submitStatement(a.agencyUser, a.participation.id, input, { storage })).toMatchObject({
      status: 404,
    });
    expect(await db().statement.count({ where: { participationId: a.participation.id } })).toBe(0);
  });

  it("two submissions at once record one statement", async () => {
    const a = await scenario("stmt-race");
    const input = { outcome: "NOT_AFFECTED", reasons: "", conditions: [], attachments: [] };
    const results = await Promise.all([
      submitStatement(a.agencyUser, a.participation.id, input, { storage }),
      submitStatement(a.agencyUser, a.participation.id, input, { storage }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ status: 409 });
    expect(await db().statement.count({ where: { participationId: a.participation.id } })).toBe(1);
  });
});

describe("requestExtension", () => {
  it("records one pending request after the current deadline and notifies the clerks", async () => {
    const a = await scenario("stmt-ext");
    const deadline = a.participation.deadline;
    const day = (offset: number) =>
      new Date(deadline.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

    expect(await requestExtension(a.agencyUser, a.participation.id, { until: "", reason: "" })).toEqual({
      ok: false,
      status: 400,
      errors: { until: statementMessages.extensionDate, reason: statementMessages.extensionReason },
    });
    const before = await requestExtension(a.agencyUser, a.participation.id, {
      until: day(-3),
      reason: "Urlaub",
    });
    expect(before).toMatchObject({
      ok: false,
      status: 400,
      errors: { until: expect.stringContaining("muss nach") },
    });

    const r = await requestExtension(a.agencyUser, a.participation.id, {
      until: day(14),
      reason: "Ortsbesichtigung erforderlich",
    });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const ext = await db().participationExtension.findUniqueOrThrow({ where: { id: r.extensionId } });
    expect(ext).toMatchObject({
      status: "PENDING",
      reason: "Ortsbesichtigung erforderlich",
      requestedById: a.agencyUser.id,
    });
    expect(ext.requestedDeadline.getTime()).toBeGreaterThan(deadline.getTime());
    expect(
      await db().outboxMessage.count({
        where: {
          jobId: buildJobId(
            "system.notify",
            a.application.id,
            "participation.extension-requested",
            r.extensionId,
          ),
        },
      }),
    ).toBe(1);
    expect(
      await db().caseEvent.count({
        where: { applicationId: a.application.id, type: "participation.extension-requested" },
      }),
    ).toBe(1);

    expect(
      await requestExtension(a.agencyUser, a.participation.id, { until: day(20), reason: "noch mehr" }),
    ).toEqual({
      ok: false,
      status: 409,
      message: statementMessages.extensionPending,
    });
    const stranger = await createAgency(a.district.authority.id, { label: "stmt-ext-stranger" });
    expect(
      await requestExtension(stranger.user, a.participation.id, { until: day(20), reason: "x" }),
    ).toMatchObject({ status: 404 });
    const detail = await getParticipationForAgency(a.agencyUser, a.participation.id);
    expect(detail?.pendingExtension?.id).toBe(r.extensionId);
  });

  it("is refused once the statement was given", async () => {
    const a = await scenario("stmt-ext-answered");
    const s = await submitStatement(
      a.agencyUser,
      a.participation.id,
      { outcome: "CONSENT", reasons: "", conditions: [], attachments: [] },
      { storage },
    );
    expect(s.ok).toBe(true);
    const until = new Date(a.participation.deadline.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    expect(await requestExtension(a.agencyUser, a.participation.id, { until, reason: "x" })).toEqual({
      ok: false,
      status: 409,
      message: statementMessages.extensionAnswered,
    });
  });
});

describe("readStatementForm", () => {
  it("reads fields and conditions and stages the attachments of a multipart request", async () => {
    const form = new FormData();
    form.set("outcome", "CONSENT_WITH_CONDITIONS");
    form.set("reasons", "Begründung\nmit Zeilen");
    form.set("conditions.1.kind", "HINWEIS");
    form.set("conditions.1.text", "zweite");
    form.set("conditions.0.kind", "AUFLAGE");
    form.set("conditions.0.text", "erste");
    form.set("conditions.0.legalBasis", "§ 1");
    const pdf = await readFile(path.join(FIXTURES, "brandschutznachweis.pdf"));
    form.append("attachments", new File([pdf], "nachweis.pdf", { type: "application/pdf" }));
    form.append("attachments", new File(["hello"], "notiz.txt", { type: "text/plain" }));
    const request = new Request("http://localhost/beteiligung/x", { method: "POST", body: form });
    const parsed = await readStatementForm(request, { tmpDir: tmpRoot });
    try {
      expect(parsed.outcome).toBe("CONSENT_WITH_CONDITIONS");
      expect(parsed.reasons).toBe("Begründung\nmit Zeilen");
      expect(parsed.conditions).toEqual([
        { kind: "AUFLAGE", text: "erste", legalBasis: "§ 1" },
        { kind: "HINWEIS", text: "zweite", legalBasis: "" },
      ]);
      expect(parsed.attachments.map((a) => a.filename)).toEqual(["nachweis.pdf"]);
      expect(parsed.attachmentErrors).toEqual([expect.stringContaining("„notiz.txt“")]);
    } finally {
      await parsed.cleanup();
    }
  });
});
