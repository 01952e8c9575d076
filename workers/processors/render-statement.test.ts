import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { parsePayload, type RenderStatementPayload } from "~/utils/queue.server";
import { derivedUuid } from "~/xbau/message.server";
import { validateXml } from "~/xbau/validate.server";
import { type EmbeddedS3, startEmbeddedS3 } from "../../storage/embedded";
import { createStorage, generatedKey, type Storage } from "../../storage/index";
import {
  createAgency,
  createParticipation,
  createSubmittedCase,
  latestVersions,
} from "../../test/kit/agency-fixtures";
import { pdfText } from "../pdf/test-support";
import { createRenderStatement } from "./render-statement";

let s3dir: string;
let s3: EmbeddedS3;
let storage: Storage;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-statement-s3-"));
  const bucket = `statement-${randomUUID().slice(0, 8)}`;
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

async function run(statementId: string) {
  const parsed = parsePayload("documents.render-statement", { statementId });
  const job = { id: "test", name: "documents.render-statement", data: parsed } as unknown as Job<
    RenderStatementPayload,
    unknown,
    "documents.render-statement"
  >;
  return createRenderStatement({ storage })(parsed, job, { db: db(), mailer: null, log: logger });
}

async function answeredParticipation(label: string) {
  const c = await createSubmittedCase(label);
  const { agency, user } = await createAgency(c.district.authority.id, { label: `${label}-bs` });
  const versions = await latestVersions(c.application.id);
  const p = await createParticipation({
    applicationId: c.application.id,
    agencyId: agency.id,
    startedById: c.clerk.id,
    versionIds: [versions[0]?.versionId as string],
    status: "ANSWERED",
  });
  const statement = await db().statement.create({
    data: {
      participationId: p.id,
      outcome: "CONSENT_WITH_CONDITIONS",
      reasons: "Die Rettungswege sind ausreichend.\n\nDie Zufahrt ist gesichert.",
      authorId: user.id,
      submittedAt: new Date("2026-04-02T09:15:00Z"),
      conditions: {
        create: [
          {
            position: 1,
            kind: "AUFLAGE",
            text: "Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.",
            legalBasis: "§ 47 Abs. 4 LBauO M-V",
          },
          { position: 2, kind: "HINWEIS", text: "Die Feuerwehrzufahrt ist freizuhalten." },
        ],
      },
      attachments: {
        create: [
          {
            filename: "Lageplan-Feuerwehr.pdf",
            mimeType: "application/pdf",
            sizeBytes: 2048n,
            sha256: "a".repeat(64),
            storageKey: `test/${randomUUID()}`,
            uploadedById: user.id,
          },
        ],
      },
    },
    select: { id: true },
  });
  return { ...c, agency, agencyUser: user, participation: p, statementId: statement.id };
}

describe("documents.render-statement", () => {
  it("stores the statement PDF and an XSD-valid XBau 0303 once, readable by the agency", async () => {
    const a = await answeredParticipation("render-statement");
    const first = (await run(a.statementId)) as { statementPdfId: string; xbau0303Id: string };
    const second = (await run(a.statementId)) as { statementPdfId: string; xbau0303Id: string };
    expect(second).toEqual(first);

    const rows = await db().generatedDocument.findMany({
      where: { participationId: a.participation.id },
      select: { id: true, kind: true, audience: true },
    });
    expect(rows.map((r) => r.kind).sort()).toEqual(["STATEMENT", "XBAU_0303"]);
    expect(rows.every((r) => r.audience === "AUTHORITY")).toBe(true);
    expect(
      await db().caseEvent.count({ where: { applicationId: a.application.id, type: "statement.rendered" } }),
    ).toBe(1);

    const pdf = await openGeneratedDocumentForDownload(a.agencyUser, first.statementPdfId, { storage });
    expect(pdf?.mimeType).toBe("application/pdf");
    const pdfBytes = Buffer.concat(await pdf!.stream.toArray());
    const t = (await pdfText(pdfBytes)).replace(/\s+/g, " ");
    expect(t).toContain(a.application.fileNumber);
    expect(t).toContain("Zustimmung mit Nebenbestimmungen");
    expect(t).toContain("1. Auflage");
    expect(t).toContain("Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.");
    expect(t).toContain("§ 47 Abs. 4 LBauO M-V");
    expect(t).toContain("2. Hinweis");
    expect(t).toContain("Lageplan-Feuerwehr.pdf");
    expect(t).toContain("a".repeat(64));
    expect(t).toContain("Sachkundige");
    expect(t).toContain("02.04.2026");

    const xmlFile = await openGeneratedDocumentForDownload(a.agencyUser, first.xbau0303Id, { storage });
    const xml = await text(xmlFile!.stream);
    const result = validateXml(xml, "xbau-nachrichten-beteiligung.xsd");
    expect(result.errors).toEqual([]);
    expect(xml).toContain("<xbau:beteiligung.stellungnahme.0303");
    expect(xml).toContain("<xbau:istZustimmung>true</xbau:istZustimmung>");
    expect(xml).toContain(`<xbau:referenzAuftrag>${a.participation.id}</xbau:referenzAuftrag>`);
    expect(xml).toContain(`<vorgang>${a.application.fileNumber}</vorgang>`);
    expect(xml).toContain("<code>BRANDSCHUTZ</code>");
    expect(xml.match(/<xbau:art /g)).toHaveLength(2);
    // Every answer refers to the request it answers: the 0300's id (deterministic per participation)
    // even when no 0300 file was stored for this participation (issue 15 item 4).
    expect(xml).toContain(
      `<g2g:nachrichtenUUID>${derivedUuid(`xbau-0300:${a.participation.id}`)}</g2g:nachrichtenUUID>`,
    );
    // Written by the agency under the Kennung its admin configured, read by the authority's.
    const parties = await db().participation.findUniqueOrThrow({
      where: { id: a.participation.id },
      select: {
        agency: { select: { xbauKennung: true } },
        application: { select: { authority: { select: { xbauKennung: true } } } },
      },
    });
    expect(parties.agency.xbauKennung).toMatch(/^tst:\d+$/);
    expect(xml).toMatch(new RegExp(`<autor>[\\s\\S]*<kennung>${parties.agency.xbauKennung}</kennung>`));
    expect(xml).toMatch(
      new RegExp(`<leser>[\\s\\S]*<kennung>${parties.application.authority.xbauKennung}</kennung>`),
    );
    // The attachment as anlage of type 5201 (Stellungnahme) with its SHA-256.
    expect(xml).toMatch(/<anlageart listVersionID="3.0">\s*<code>5201<\/code>/);
    expect(xml).toContain("<dateiname>Lageplan-Feuerwehr.pdf</dateiname>");
    expect(xml).toContain(`hashValue="${"a".repeat(64)}"`);
    const texts = [...xml.matchAll(/<text>([^<]+)<\/text>/g)].map((m) =>
      Buffer.from(m[1] as string, "base64").toString("utf8"),
    );
    expect(texts.some((t) => t.includes("Rauchwarnmelder") && t.includes("§ 47 Abs. 4 LBauO M-V"))).toBe(
      true,
    );
    expect(texts.some((t) => t.includes("Die Rettungswege sind ausreichend."))).toBe(true);
    // TextFormatiert carries HTML flow content.
    expect(texts.every((t) => t.startsWith("<p>") || t.startsWith("<h3>"))).toBe(true);

    // Another agency of the same district reads neither file.
    const other = await createAgency(a.district.authority.id, { label: "render-statement-other" });
    expect(await openGeneratedDocumentForDownload(other.user, first.statementPdfId, { storage })).toBeNull();
  });

  it("a rejection says istZustimmung false and refers to the stored 0300 request", async () => {
    const a = await answeredParticipation("render-statement-0300");
    // A second statement row is impossible (1:1): a fresh participation, answered with a REJECTION.
    const p2 = await createParticipation({
      applicationId: a.application.id,
      agencyId: a.agency.id,
      startedById: a.clerk.id,
      versionIds: [],
      round: 2,
      status: "ANSWERED",
    });
    // As the routing worker stores it: the 0300 of this participation.
    const requestId = randomUUID();
    const key = generatedKey({
      authorityId: a.district.authority.id,
      applicationId: a.application.id,
      kind: "xbau",
      id: `test-0300-${p2.id}`,
      ext: "xml",
    });
    const xml0300 = `<?xml version="1.0"?><xbau:beteiligung.aufforderung.0300><nachrichtenkopf.g2g><identifikation.nachricht><nachrichtenUUID>${requestId}</nachrichtenUUID><erstellungszeitpunkt>2026-03-20T08:00:00.000Z</erstellungszeitpunkt></identifikation.nachricht></nachrichtenkopf.g2g></xbau:beteiligung.aufforderung.0300>`;
    await storage.putStream(key, Readable.from([Buffer.from(xml0300)]), { contentType: "application/xml" });
    await db().generatedDocument.create({
      data: {
        applicationId: a.application.id,
        kind: "XBAU_0300",
        title: "0300",
        filename: "0300.xml",
        mimeType: "application/xml",
        sizeBytes: BigInt(xml0300.length),
        sha256: "b".repeat(64),
        storageKey: key,
        sourceKey: `test-0300-${p2.id}`,
        audience: "AUTHORITY",
        participationId: p2.id,
      },
    });
    const s = await db().statement.create({
      data: {
        participationId: p2.id,
        outcome: "REJECTION",
        reasons: "Abstandsflächen unterschritten.",
        authorId: a.agencyUser.id,
      },
      select: { id: true },
    });
    const r = (await run(s.id)) as { xbau0303Id: string };
    const file = await openGeneratedDocumentForDownload(a.agencyUser, r.xbau0303Id, { storage });
    const xml = await text(file!.stream);
    expect(validateXml(xml, "xbau-nachrichten-beteiligung.xsd").errors).toEqual([]);
    expect(xml).toContain("<xbau:istZustimmung>false</xbau:istZustimmung>");
    expect(xml).toContain(`<g2g:nachrichtenUUID>${requestId}</g2g:nachrichtenUUID>`);
    expect(xml).not.toContain("<xbau:nebenbestimmung>");
  });
});
