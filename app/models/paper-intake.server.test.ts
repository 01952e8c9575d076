import { execFileSync } from "node:child_process";
import path from "node:path";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "~/domain/bekanntgabe";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { berlinDate } from "~/domain/deadlines";
import { listApplicationsForApplicant } from "~/models/application.server";
import { getDraftForMember } from "~/models/draft.server";
import { acceptInvitation } from "~/models/member.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import type { Storage, StorageConfig } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { createExportXbau } from "../../workers/processors/export-xbau";
import { createRenderReceipt } from "../../workers/processors/render-receipt";
import {
  getOfflineIntake,
  inviteFromIntake,
  MAX_BACKDATE_DAYS,
  type PaperIntakeFile,
  type PaperIntakeInput,
  registerPaperApplication,
  startOfBerlinDay,
} from "./paper-intake.server";

/**
 * Paper and e-mail intake against the real PostgreSQL and an S3 server (s3rver): a registration
 * becomes a submitted case whose deadlines run from the Eingangsdatum; bad input and hostile scans
 * are refused per field in German with nothing stored; other roles and tenants are refused; the
 * invited Bauherr:in sees the case after accepting.
 */

const BAUVORLAGEN = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");

let s3: Awaited<ReturnType<typeof startTestStorage>>;
let config: StorageConfig;
let storage: Storage;
let inspector: Client;
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let clerk: SessionUser;
let otherClerk: SessionUser;
let applicant: SessionUser;

const scan = (field: string, name: string, typeCode: string): PaperIntakeFile => ({
  field,
  filename: name,
  path: path.join(BAUVORLAGEN, name),
  typeCode,
});

function input(overrides: Partial<PaperIntakeInput> = {}): PaperIntakeInput {
  const data = einfamilienhaus();
  data.bauherr = { ...data.bauherr, email: applicant.email };
  return {
    channel: "PAPER",
    receivedOn: addDays(berlinDate(new Date()), -10),
    procedureType: "VEREINFACHT",
    title: "Einfamilienhaus Lindenweg 7 (Papierantrag)",
    municipalityId: district.gemeinde.id,
    data,
    files: [scan("scan-0", "lageplan.pdf", "1803"), scan("scan-1", "grundriss-eg.pdf", "2001")],
    ...overrides,
  };
}

async function objectsOf(authorityId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of inspector.listObjects(config.bucket, `tenants/${authorityId}/`, true)) {
    if (item.name) keys.push(item.name);
  }
  return keys;
}

async function storedOf(authorityId: string) {
  return {
    applications: await db().application.count({ where: { authorityId } }),
    versions: await db().documentVersion.count({ where: { document: { application: { authorityId } } } }),
    objects: (await objectsOf(authorityId)).length,
  };
}

beforeAll(async () => {
  s3 = await startTestStorage("paper-intake");
  ({ storage, config } = s3);
  inspector = new Client({ ...config, pathStyle: true });
  district = await createTestDistrict("paper");
  other = await createTestDistrict("paper-b");
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  applicant = await sessionUser({ roles: ["APPLICANT"] });
});

afterAll(async () => {
  await s3?.close();
});

describe("registerPaperApplication", () => {
  it("creates a submitted case dated by the Eingangsdatum, with Aktenzeichen, stored scans, completeness result and history", async () => {
    const receivedOn = addDays(berlinDate(new Date()), -10);
    const result = await registerPaperApplication(clerk, input({ receivedOn }), { storage });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) throw new Error("unreachable");
    expect(result.fileNumber).toMatch(/^63-\d{4}-\d{5}$/);

    const app = await db().application.findUniqueOrThrow({
      where: { id: result.applicationId },
      select: {
        authorityId: true,
        municipalityId: true,
        status: true,
        intakeChannel: true,
        fileNumber: true,
        submittedAt: true,
        nextDeadlineAt: true,
        snapshot: true,
        members: { select: { id: true } },
        documents: {
          select: {
            typeCode: true,
            toBeSubmittedLater: true,
            versions: {
              select: {
                filename: true,
                storageKey: true,
                pageCount: true,
                checkStatus: true,
                sizeBytes: true,
              },
            },
          },
          orderBy: { typeCode: "asc" },
        },
      },
    });
    expect(app).toMatchObject({
      authorityId: district.authority.id,
      municipalityId: district.gemeinde.id,
      status: "SUBMITTED",
      intakeChannel: "PAPER",
      fileNumber: result.fileNumber,
      members: [],
    });
    // Eingang = the Eingangsdatum (start of that Berlin day), not the moment of typing.
    expect(app.submittedAt?.toISOString()).toBe(startOfBerlinDay(receivedOn).toISOString());
    expect(berlinDate(app.submittedAt as Date)).toBe(receivedOn);
    // The completeness-check target (14 days, the authority's default) runs from it too.
    expect(app.nextDeadlineAt?.getTime()).toBe((app.submittedAt as Date).getTime() + 14 * 86_400_000);

    expect(app.documents.map((d) => d.typeCode)).toEqual(["1803", "2001"]);
    for (const d of app.documents) {
      const v = d.versions[0]!;
      expect(d.toBeSubmittedLater).toBe(false);
      expect(v.checkStatus).toBe("ACCEPTED");
      expect(v.pageCount).toBeGreaterThan(0);
      const stored = await storage.stat(v.storageKey);
      expect(stored?.sizeBytes).toBe(Number(v.sizeBytes));
    }
    // The same completeness evaluation as a submission: the missing Bauvorlagen are open items.
    const snapshot = app.snapshot as {
      fileNumber: string;
      submittedAt: string;
      openItems: { documentTypeCodes: string[] }[];
    };
    expect(snapshot.fileNumber).toBe(result.fileNumber);
    expect(snapshot.submittedAt).toBe(app.submittedAt?.toISOString());
    const missing = snapshot.openItems.flatMap((o) => o.documentTypeCodes);
    expect(missing).toContain("1502"); // Baubeschreibung
    expect(missing).not.toContain("1803"); // Lageplan was scanned

    const events = await db().caseEvent.findMany({
      where: { applicationId: result.applicationId },
      select: { type: true, payload: true },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["intake.offline-registered", "application.submitted"]);
    expect(events[0]?.payload).toMatchObject({ channel: "PAPER", receivedOn, documents: 2 });
    const jobs = await db().outboxMessage.findMany({
      where: { jobId: { contains: result.applicationId } },
      select: { jobName: true },
    });
    // Receipt PDF for the paper file and XBau for the Fachverfahren; no e-mail to anyone yet.
    expect(jobs.map((j) => j.jobName).sort()).toEqual([
      "documents.render-receipt",
      "system.notify",
      "xbau.export-application",
    ]);

    // The follow-up jobs run on it as on an online case: the Eingangsbestätigung (PDF for the
    // paper file, dated by the Eingangsdatum) and the case's own XBau 0200 (XSD-validated by the job).
    const ctx = { db: db(), mailer: null, log: logger };
    await createRenderReceipt({ storage })({ applicationId: result.applicationId }, {} as never, ctx);
    await createExportXbau({ storage })({ applicationId: result.applicationId }, {} as never, ctx);
    const generated = await db().generatedDocument.findMany({
      where: { applicationId: result.applicationId },
      select: { kind: true },
    });
    expect(generated.map((g) => g.kind).sort()).toEqual(["RECEIPT", "XBAU_0200"]);
    const receipt = await db().generatedDocument.findFirstOrThrow({
      where: { applicationId: result.applicationId, kind: "RECEIPT" },
      select: { storageKey: true },
    });
    const chunks: Buffer[] = [];
    for await (const c of await storage.getStream(receipt.storageKey)) chunks.push(c as Buffer);
    const text = execFileSync("pdftotext", ["-layout", "-", "-"], { input: Buffer.concat(chunks) }).toString(
      "utf8",
    );
    const [y, m, d] = receivedOn.split("-");
    expect(text).toContain(`${d}.${m}.${y}`);
    expect(text).toContain("auf Papier eingegangen, von der Behörde erfasst");
    expect(text).not.toContain("elektronisch über das Portal");

    const view = await getOfflineIntake(clerk, result.applicationId);
    expect(view).toMatchObject({ channel: "PAPER", fileNumber: result.fileNumber, documents: 2 });
    expect(view?.parties[0]).toMatchObject({ role: "BAUHERR", email: applicant.email, invitation: null });
  });

  it("records an e-mail intake as such", async () => {
    const result = await registerPaperApplication(
      clerk,
      input({
        channel: "EMAIL",
        receivedOn: berlinDate(new Date()),
        files: [scan("scan-0", "photo.jpg", "3700")],
      }),
      { storage },
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    const app = await db().application.findUniqueOrThrow({
      where: { id: result.applicationId },
      select: { intakeChannel: true, documents: { select: { versions: { select: { mimeType: true } } } } },
    });
    expect(app.intakeChannel).toBe("EMAIL");
    expect(app.documents[0]?.versions[0]?.mimeType).toBe("image/jpeg");
  });

  it("refuses bad input per field in German and stores nothing", async () => {
    const before = await storedOf(district.authority.id);
    const today = berlinDate(new Date());
    const data = einfamilienhaus();
    data.bauherr = { kind: "PERSON", email: "kein-at-zeichen" };
    const result = await registerPaperApplication(
      clerk,
      input({
        channel: "FAX",
        receivedOn: addDays(today, 1),
        procedureType: "ERFUNDEN",
        title: "  ",
        municipalityId: other.gemeinde.id, // another authority's Gemeinde
        data,
        files: [],
      }),
      { storage },
    );
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error("unreachable");
    expect(result.reason).toBe("invalid");
    const e = result.fieldErrors;
    expect(e.channel?.[0]).toMatch(/Eingangsart/);
    expect(e.receivedOn?.[0]).toBe("Das Eingangsdatum darf nicht in der Zukunft liegen.");
    expect(e.procedureType?.[0]).toMatch(/Verfahrensart/);
    expect(e.title?.[0]).toMatch(/Bezeichnung/);
    expect(e.municipalityId?.[0]).toMatch(/Gemeinde/);
    expect(e["bauherr.email"]?.[0]).toMatch(/E-Mail-Adresse/);
    expect(e.files?.[0]).toMatch(/mindestens eine/);

    const old = await registerPaperApplication(
      clerk,
      input({ receivedOn: addDays(today, -(MAX_BACKDATE_DAYS + 1)) }),
      { storage },
    );
    expect(!old.ok && old.fieldErrors.receivedOn?.[0]).toMatch(/mehr als 180 Tage/);
    const notADate = await registerPaperApplication(clerk, input({ receivedOn: "2026-02-30" }), { storage });
    expect(!notADate.ok && notADate.fieldErrors.receivedOn?.[0]).toMatch(/als Datum/);

    // Without a Flurstück or the Art der Maßnahme (the XBau 0200 of the case needs both).
    const bare = einfamilienhaus();
    bare.plot = { ...bare.plot, parcels: [{ gemarkung: "1234", flur: "5" }] };
    bare.project = { ...bare.project, measureType: undefined };
    const noParcel = await registerPaperApplication(clerk, input({ data: bare }), { storage });
    expect(!noParcel.ok && noParcel.fieldErrors).toMatchObject({
      "plot.parcels[0].zaehler": ["Bitte geben Sie den Zähler an."],
      "project.measureType": ["Bitte wählen Sie die Art der Maßnahme."],
    });
    bare.plot = { ...bare.plot, parcels: [] };
    const none = await registerPaperApplication(clerk, input({ data: bare }), { storage });
    expect(!none.ok && none.fieldErrors["plot.parcels"]?.[0]).toMatch(/mindestens ein Flurstück/);

    // The site's Gemeinde (AGS) outside the district: the same check as at submission.
    const outside = einfamilienhaus();
    outside.plot = { ...outside.plot, municipalityAgs: "13075039" };
    const far = await registerPaperApplication(clerk, input({ data: outside }), { storage });
    expect(!far.ok && far.fieldErrors["plot.municipalityAgs"]?.[0]).toMatch(/nicht im Zuständigkeitsbereich/);

    expect(await storedOf(district.authority.id)).toEqual(before);
  });

  it.each([
    ["encrypted.pdf", /verschlüsselt|Passwort/i],
    ["broken.pdf", /beschädigt|gelesen/i],
    ["fake.pdf", /keine PDF-Datei/],
    ["empty.pdf", /leer|beschädigt/i],
  ])(
    "refuses the hostile scan %s naming the file, and keeps nothing of the good ones",
    async (name, message) => {
      const before = await storedOf(district.authority.id);
      const result = await registerPaperApplication(
        clerk,
        input({
          files: [
            scan("scan-0", "lageplan.pdf", "1803"),
            scan("scan-1", name, "2001"),
            scan("scan-2", "schnitt.pdf", "2002"),
          ],
        }),
        { storage },
      );
      expect(result.ok).toBe(false);
      if (result.ok) throw new Error("unreachable");
      expect(result.reason).toBe("invalid");
      expect(Object.keys(result.fieldErrors)).toEqual(["scan-1"]);
      expect(result.fieldErrors["scan-1"]?.[0]).toContain(name);
      expect(result.fieldErrors["scan-1"]?.[0]).toMatch(message);
      expect(await storedOf(district.authority.id)).toEqual(before);
    },
  );

  it("refuses a plan that is not a PDF (same type rule as the upload)", async () => {
    const result = await registerPaperApplication(
      clerk,
      input({ files: [scan("scan-0", "photo.png", "1803")] }),
      {
        storage,
      },
    );
    expect(!result.ok && result.fieldErrors["scan-0"]?.[0]).toMatch(/photo\.png.*keine PDF-Datei.*Lagepläne/);
  });

  it("refuses other roles and keeps tenants apart", async () => {
    for (const user of [
      applicant,
      await sessionUser({ roles: ["AGENCY"], authorityId: district.gemeinde.id }),
    ]) {
      const r = await registerPaperApplication(user, input(), { storage });
      expect(r).toMatchObject({ ok: false, reason: "not-allowed" });
    }
    const mine = await registerPaperApplication(clerk, input(), { storage });
    if (!mine.ok) throw new Error(JSON.stringify(mine));
    expect(await getOfflineIntake(otherClerk, mine.applicationId)).toBeNull();
    expect(await getOfflineIntake(applicant, mine.applicationId)).toBeNull();
    expect(await inviteFromIntake(otherClerk, mine.applicationId, "BAUHERR")).toMatchObject({ ok: false });
    expect(await inviteFromIntake(applicant, mine.applicationId, "BAUHERR")).toMatchObject({ ok: false });
    expect(await db().applicationMember.count({ where: { applicationId: mine.applicationId } })).toBe(0);
  });
});

describe("inviteFromIntake", () => {
  it("invites the Bauherr:in by the address on the application; after accepting they see and continue the case", async () => {
    const reg = await registerPaperApplication(clerk, input(), { storage });
    if (!reg.ok) throw new Error(JSON.stringify(reg));
    expect(await getDraftForMember(applicant, reg.applicationId)).toBeNull();

    const invited = await inviteFromIntake(clerk, reg.applicationId, "BAUHERR");
    expect(invited).toEqual({ ok: true, email: applicant.email });
    const mail = await db().outboxMessage.findFirstOrThrow({
      where: { jobName: "system.send-email", payload: { path: ["to"], equals: applicant.email } },
      orderBy: { id: "desc" },
      select: { payload: true },
    });
    const payload = mail.payload as { subject: string; text: string };
    expect(payload.subject).toContain(reg.fileNumber);
    expect(payload.text).toMatch(/ist am .* auf Papier bei .* eingegangen und hat das Aktenzeichen/);
    const token = /\/einladung\/([A-Za-z0-9_-]+)/.exec(payload.text)?.[1];
    expect(token).toBeTruthy();

    // No Entwurfsverfasser:in e-mail on this application? The fixture has one: it may be invited too.
    const noMail = einfamilienhaus();
    noMail.bauherr = { ...noMail.bauherr, email: undefined };
    const reg2 = await registerPaperApplication(clerk, input({ data: noMail }), { storage });
    if (!reg2.ok) throw new Error(JSON.stringify(reg2));
    expect(await inviteFromIntake(clerk, reg2.applicationId, "BAUHERR")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/keine E-Mail-Adresse/),
    });

    const accepted = await acceptInvitation(applicant, token as string);
    expect(accepted).toEqual({ ok: true, applicationId: reg.applicationId });
    const listed = await listApplicationsForApplicant(applicant.id);
    expect(listed.map((a) => a.id)).toContain(reg.applicationId);
    const view = await getDraftForMember(applicant, reg.applicationId);
    expect(view?.fileNumber ?? null).toBe(reg.fileNumber);

    const again = await inviteFromIntake(clerk, reg.applicationId, "BAUHERR");
    expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/bereits/) });
    const history = await db().caseEvent.findMany({
      where: { applicationId: reg.applicationId, type: { in: ["member.invited", "member.accepted"] } },
      select: { type: true },
      orderBy: { id: "asc" },
    });
    expect(history.map((h) => h.type)).toEqual(["member.invited", "member.accepted"]);
  });
});
