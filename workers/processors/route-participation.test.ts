import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { startParticipation } from "~/models/participation.server";
import { db } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import { validateXml } from "~/xbau/validate.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, type Storage } from "../../storage/index";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
  storeFixturePdfs,
} from "../../test/kit/participation-fixtures";
import { pdfPageCount, pdfPages, pdfText } from "../pdf/test-support";
import { createRouteParticipation, packageSourceKey, xbau0300SourceKey } from "./route-participation";

let d: ParticipationDistrict;
let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;
const log = pino({ level: "silent" });

beforeAll(async () => {
  d = await createParticipationDistrict("pa-route");
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-route-s3-"));
  const bucket = `route-${randomUUID().slice(0, 8)}`;
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
  if (s3dir) await rm(s3dir, { recursive: true, force: true });
});

async function readAll(key: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.getStream(key)) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function started(agencyIds: string[]) {
  const app = await createCompleteCase(d);
  await storeFixturePdfs(storage, app.id);
  const versions = await currentVersionIds(app.id);
  const deadline = berlinDate(new Date(Date.now() + 30 * 86_400_000));
  const r = await startParticipation(
    d.clerk,
    app.id,
    agencyIds.map((agencyId) => ({
      agencyId,
      documentVersionIds: versions,
      deadline,
      question: "Bitte prüfen Sie den Brandschutz und die Rettungswege.",
      // A Zustimmung required by law: its fiction is printed in the cover letter.
      kind: "AGENCY_CONSENT",
    })),
  );
  if (!r.ok) throw new Error(r.message);
  return { app, versions, deadline, ids: r.participationIds };
}

// Built per call: `storage` exists only after beforeAll.
const run = (participationId: string) =>
  createRouteParticipation({ storage })(
    { participationId },
    {} as Job<{ participationId: string }, unknown, "participation.route-package">,
    {
      db: db(),
      mailer: null,
      log,
    },
  );

describe("participation.route-package", () => {
  it("renders and stores the package and the XBau 0300, sends, and notifies the agency once", async () => {
    const { app, versions, deadline, ids } = await started([d.agencies.BRANDSCHUTZ!.id]);
    const id = ids[0]!;
    const result = await run(id);
    expect(result).toMatchObject({ routed: true, sent: true });

    const p = await db().participation.findUniqueOrThrow({
      where: { id },
      select: { status: true, sentAt: true },
    });
    expect(p.status).toBe("SENT");
    expect(p.sentAt).toBeInstanceOf(Date);

    const pkg = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: packageSourceKey(id) },
    });
    expect(pkg).toMatchObject({ kind: "PARTICIPATION_PACKAGE", audience: "AUTHORITY", participationId: id });
    const bytes = await readAll(pkg.storageKey);
    // Cover letter + summary + one page per shared (one-page) Bauvorlage.
    expect(await pdfPageCount(bytes)).toBe(2 + versions.length);
    const pages = await pdfPages(bytes);
    const [y, m, dd] = deadline.split("-");
    expect(pages[0]).toContain(app.fileNumber);
    expect(pages[0]).toContain(`${dd}.${m}.${y}`);
    expect(pages[0]).toContain("Bitte prüfen Sie den Brandschutz");
    expect(pages[0]).toContain("Zustimmung gilt als erteilt");
    expect(pages[0]).toContain("Rostocker Straße 76");
    expect(pages[1]).toContain("Zusammenfassung des Falls");
    expect(pages[1]).toMatch(/Flurstück/);
    pages.forEach((text, i) => {
      expect(text.replace(/\s+/g, " ")).toContain(
        `Beteiligung · Az. ${app.fileNumber} · Seite ${i + 1}/${pages.length}`,
      );
    });

    const xml = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: xbau0300SourceKey(id) },
    });
    expect(xml).toMatchObject({ kind: "XBAU_0300", audience: "AUTHORITY", participationId: id });
    const xmlText = Buffer.from(await readAll(xml.storageKey)).toString("utf8");
    expect(validateXml(xmlText, "xbau-nachrichten-beteiligung.xsd").errors).toEqual([]);
    expect(xmlText).toContain(`<xbau:frist>${deadline}</xbau:frist>`);
    expect(xmlText).toContain("<code>BRANDSCHUTZ</code>");
    // Addressed by the Kennungen the admins configured, never derived (issue 15 item 4); the reason
    // of the request as HTML (TextFormatiert).
    const agency = await db().authority.findUniqueOrThrow({
      where: { id: d.agencies.BRANDSCHUTZ!.id },
      select: { xbauKennung: true },
    });
    expect(xmlText).toMatch(new RegExp(`<leser>[\\s\\S]*<kennung>${agency.xbauKennung}</kennung>`));
    const grund = /<xbau:grundDerBeteiligung>\s*<text>([^<]+)<\/text>/.exec(xmlText)?.[1] ?? "";
    expect(Buffer.from(grund, "base64").toString("utf8")).toMatch(/^<p>.*<\/p>$/);

    const notify = await db().outboxMessage.findUniqueOrThrow({
      where: { jobId: buildJobId("system.notify", app.id, "participation.requested", id) },
    });
    expect(notify.payload).toMatchObject({
      event: "participation.requested",
      scope: id,
      details: { agencyId: d.agencies.BRANDSCHUTZ!.id, participationId: id },
    });

    // A retry (or a duplicate job) changes nothing.
    const again = await run(id);
    expect(again).toMatchObject({ routed: true, sent: false, packageId: pkg.id, xbauId: xml.id });
    expect(await db().generatedDocument.count({ where: { participationId: id } })).toBe(2);
    expect(await db().caseEvent.count({ where: { applicationId: app.id, type: "participation.sent" } })).toBe(
      1,
    );
    expect(
      await db().outboxMessage.count({
        where: { jobName: "system.notify", payload: { path: ["scope"], equals: id } },
      }),
    ).toBe(1);
  });

  it("a run that died after storing the package only adds the missing steps", async () => {
    const { ids } = await started([d.gemeinde.id]);
    const id = ids[0]!;
    await run(id);
    // Simulate: package row there, but the participation was never marked sent (crash before step 3).
    await db().participation.update({ where: { id }, data: { status: "PENDING", sentAt: null } });
    await db().generatedDocument.deleteMany({ where: { sourceKey: xbau0300SourceKey(id) } });
    const pkgBefore = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: packageSourceKey(id) },
    });
    const r = await run(id);
    expect(r).toMatchObject({ sent: true, packageId: pkgBefore.id });
    expect(
      await db().generatedDocument.count({ where: { participationId: id, kind: "PARTICIPATION_PACKAGE" } }),
    ).toBe(1);
    expect(await db().generatedDocument.count({ where: { participationId: id, kind: "XBAU_0300" } })).toBe(1);
    // Gemeinde: role 3, Bauplanungsrecht.
    const xml = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: xbau0300SourceKey(id) },
    });
    const text = Buffer.from(await readAll(xml.storageKey)).toString("utf8");
    expect(text).toContain("<code>BAUPLANUNGSRECHT</code>");
    expect(text).toMatch(/<xbau:rolle[^>]*>\s*<code>3<\/code>/);
  });

  it("does not send to anyone once the case was withdrawn", async () => {
    const { app, ids } = await started([d.agencies.NATURSCHUTZ!.id]);
    await db().application.update({
      where: { id: app.id },
      data: { status: "WITHDRAWN", withdrawnAt: new Date() },
    });
    expect(await run(ids[0]!)).toMatchObject({ routed: false, reason: "withdrawn" });
    const p = await db().participation.findUniqueOrThrow({
      where: { id: ids[0]! },
      select: { status: true },
    });
    expect(p.status).toBe("CANCELLED");
    expect(await db().generatedDocument.count({ where: { participationId: ids[0]! } })).toBe(0);
    expect(
      await db().outboxMessage.count({
        where: { jobName: "system.notify", payload: { path: ["scope"], equals: ids[0]! } },
      }),
    ).toBe(0);
  });

  it("text of the package is readable by pdftotext as a whole", async () => {
    const { app, ids } = await started([d.agencies.DENKMALSCHUTZ!.id]);
    await run(ids[0]!);
    const pkg = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: packageSourceKey(ids[0]!) },
    });
    const text = await pdfText(await readAll(pkg.storageKey));
    expect(text).toContain(`Az. ${app.fileNumber}`);
    expect(text).toContain("Ein Baudenkmal ist betroffen.");
  });
});
