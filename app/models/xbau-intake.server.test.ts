import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { createTestTenant } from "~/utils/test-tenant.server";
import { type Antrag0200Input, buildAntrag0200Xml } from "~/xbau/baugenehmigung-antrag-0200.server";
import { readBounded, XML_LIMITS } from "~/xbau/import/safe-xml.server";
import { fullApplication, sampleDocument } from "~/xbau/sample-applications";
import type { Storage, StorageConfig } from "../../storage/index";
import { generatedStream, startTestStorage } from "../../storage/test-support";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { createExportXbau } from "../../workers/processors/export-xbau";
import { createRenderReceipt } from "../../workers/processors/render-receipt";
import { type IntakeAttachment, importXbauAntrag } from "./xbau-intake.server";

/**
 * XBau intake against the real PostgreSQL and an S3 server (s3rver): valid messages become one
 * case each (our own export round-trips, a hand-written portal message imports), every hostile or
 * broken delivery is refused with the element and a German reason, and nothing of it is stored.
 */

const BAUVORLAGEN = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const HANDWRITTEN = path.resolve(
  import.meta.dirname,
  "../../fixtures/xbau/intake/antrag-0200-efa-portal.xml",
);
const HANDWRITTEN_AGS = "13074099";

let s3: Awaited<ReturnType<typeof startTestStorage>>;
let config: StorageConfig;
let storage: Storage;
let inspector: Client;
let tenant: { id: string; name: string; xbauKennung: string | null };
let clerk: SessionUser;
let otherTenant: { id: string; name: string; xbauKennung: string | null };
let otherClerk: SessionUser;
let applicant: SessionUser;

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
    inbound: await db().inboundMessage.count({ where: { authorityId } }),
    objects: (await objectsOf(authorityId)).length,
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

/** Our own 0200 (the full sample: company, architect, three Flurstücke) addressed to `tenant`, with real files. */
async function ourExport(
  authority: { name: string; xbauKennung: string | null },
  overrides: Partial<Antrag0200Input> = {},
) {
  const files = [
    ["lageplan.pdf", "1803", "Lageplan"],
    ["grundriss-eg.pdf", "2001", "Grundriss EG"],
    ["baubeschreibung.pdf", "1502", "Baubeschreibung"],
  ] as const;
  const documents = await Promise.all(
    files.map(async ([filename, typeCode, title], i) =>
      sampleDocument(i, {
        typeCode,
        title,
        file: { versionId: randomUUID(), filename, ...(await fileInfo(filename)) },
      }),
    ),
  );
  const input: Antrag0200Input = {
    ...fullApplication,
    messageId: randomUUID(),
    // Addressed to the Kennung the tenant's admin configured (Verwaltung → XBau).
    authority: { name: authority.name, id: authority.xbauKennung ?? "" },
    documents,
    ...overrides,
  };
  return {
    input,
    xml: Buffer.from(buildAntrag0200Xml(input)),
    attachments: files.map(([f]) => attachment(f)),
  };
}

beforeAll(async () => {
  s3 = await startTestStorage("intake");
  ({ storage, config } = s3);
  inspector = new Client({ ...config, pathStyle: true });
  tenant = await createTestTenant("intake");
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: tenant.id });
  otherTenant = await createTestTenant("intake-b");
  // The sample sites lie in Greifswald (13075039): these tenants stand for Landkreis
  // Vorpommern-Greifswald (Kreis key 13075), whose district it is.
  await db().authority.updateMany({
    where: { id: { in: [tenant.id, otherTenant.id] } },
    data: { ags: "13075000" },
  });
  otherClerk = await sessionUser({ roles: ["CLERK"], authorityId: otherTenant.id });
  applicant = await sessionUser({ roles: ["APPLICANT"] });
});

afterAll(async () => {
  await s3?.close();
});

describe("importXbauAntrag: valid messages", () => {
  it("imports our own 0200 into an equal case, with Aktenzeichen, snapshot, stored files and the submission's jobs", async () => {
    const { input, xml, attachments } = await ourExport(tenant);
    const result = await importXbauAntrag(clerk, { message: xml, attachments }, { storage });
    expect(result).toMatchObject({ ok: true, duplicate: false });
    if (!result.ok) throw new Error("unreachable");
    expect(result.fileNumber).toMatch(/^63-\d{4}-\d{5}$/);

    const app = await db().application.findUniqueOrThrow({
      where: { id: result.applicationId },
      select: {
        authorityId: true,
        status: true,
        fileNumber: true,
        procedureType: true,
        title: true,
        data: true,
        snapshot: true,
        documents: {
          select: {
            typeCode: true,
            title: true,
            versions: {
              select: { filename: true, sha256: true, sizeBytes: true, storageKey: true, pageCount: true },
            },
          },
          orderBy: { title: "asc" },
        },
      },
    });
    expect(app.authorityId).toBe(tenant.id);
    expect(app.status).toBe("SUBMITTED");
    expect(app.fileNumber).toBe(result.fileNumber);
    expect(app.procedureType).toBe("VEREINFACHT");
    // Key data equal: the export leaves out false flags, so the round trip drops specialBuilding: false.
    const { specialBuilding: _dropped, ...project } = fullApplication.data.project ?? {};
    expect(app.data).toEqual({ ...fullApplication.data, project });
    expect((app.data as { plot: { parcels: unknown[] } }).plot.parcels).toHaveLength(3);
    expect(
      app.documents.map((d) => [d.typeCode, d.title, d.versions[0]?.filename, d.versions[0]?.sha256]),
    ).toEqual(
      [...input.documents]
        .sort((a, b) => a.title.localeCompare(b.title))
        .map((d) => [d.typeCode, d.title, d.file?.filename, d.file?.sha256]),
    );
    for (const d of app.documents) {
      const v = d.versions[0]!;
      expect(v.pageCount).toBeGreaterThan(0); // went through the PDF checks
      const stored = await storage.stat(v.storageKey);
      expect(stored?.sizeBytes).toBe(Number(v.sizeBytes));
    }
    expect((app.snapshot as { fileNumber: string }).fileNumber).toBe(result.fileNumber);

    const inboundRow = await db().inboundMessage.findFirstOrThrow({
      where: { applicationId: result.applicationId },
      select: { id: true },
    });
    const jobs = await db().outboxMessage.findMany({
      where: { jobId: { contains: result.applicationId } },
      select: { jobName: true },
    });
    expect(jobs.map((j) => j.jobName).sort()).toEqual([
      "documents.render-receipt",
      "system.notify",
      "xbau.export-application",
    ]);
    // The answer to the sender (Kernmodul 1120) is its own job, keyed by the received message.
    const answerJobs = await db().outboxMessage.findMany({
      where: {
        jobName: "xbau.answer-intake",
        payload: { path: ["inboundMessageId"], equals: inboundRow.id },
      },
    });
    expect(answerJobs).toHaveLength(1);
    const events = await db().caseEvent.findMany({
      where: { applicationId: result.applicationId },
      select: { type: true },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["xbau.received", "application.submitted"]);
    const inbound = await db().inboundMessage.findFirstOrThrow({
      where: { authorityId: tenant.id, messageId: input.messageId },
      select: { storageKey: true, senderId: true, applicationId: true },
    });
    expect(inbound).toMatchObject({ senderId: "bap:1000001", applicationId: result.applicationId });
    const original = await storage.getStream(inbound.storageKey);
    const chunks: Buffer[] = [];
    for await (const c of original) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(xml)).toBe(true);

    // The follow-up jobs of a submission run on it as on an online case: Eingangsbestätigung
    // (PDF) and the case's own XBau 0200 (built from the snapshot and XSD-validated by the job).
    const ctx = { db: db(), mailer: null, log: logger };
    const job = {} as never;
    await createRenderReceipt({ storage })({ applicationId: result.applicationId }, job, ctx);
    await createExportXbau({ storage })({ applicationId: result.applicationId }, job, ctx);
    const generated = await db().generatedDocument.findMany({
      where: { applicationId: result.applicationId },
      select: { kind: true },
    });
    expect(generated.map((g) => g.kind).sort()).toEqual(["RECEIPT", "XBAU_0200"]);

    // The same message again: the same case, nothing new.
    const before = await storedOf(tenant.id);
    const again = await importXbauAntrag(clerk, { message: xml, attachments }, { storage });
    expect(again).toEqual({
      ok: true,
      messageType: "baugenehmigung.antrag.0200",
      applicationId: result.applicationId,
      fileNumber: result.fileNumber,
      duplicate: true,
      answerMessageId: result.answerMessageId,
    });
    expect(await storedOf(tenant.id)).toEqual(before);
  }, 120_000);

  it("creates one case when the same message arrives twice at the same moment", async () => {
    const { xml, attachments } = await ourExport(tenant);
    const before = await storedOf(tenant.id);
    const [a, b] = await Promise.all([
      importXbauAntrag(clerk, { message: xml, attachments }, { storage }),
      importXbauAntrag(clerk, { message: xml, attachments }, { storage }),
    ]);
    // On failure the assertion shows the refusal/failure reasons, not just "false".
    expect([a, b]).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    if (!a.ok || !b.ok) throw new Error("unreachable");
    expect(a.applicationId).toBe(b.applicationId);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    const after = await storedOf(tenant.id);
    expect(after.applications).toBe(before.applications + 1);
    expect(after.inbound).toBe(before.inbound + 1);
    expect(after.objects).toBe(before.objects + 4); // message + three files; the loser's are removed
  }, 120_000);

  it("imports a hand-written portal message: company, architect, two Flurstücke, files and a document handed in later", async () => {
    const own = await createTestTenant("intake-hw");
    // The message is addressed to psw:<AGS>: that Kennung is what this tenant's admin registered.
    await db().authority.updateMany({
      where: { xbauKennung: `psw:${HANDWRITTEN_AGS}` },
      data: { xbauKennung: null },
    });
    await db().authority.update({ where: { id: own.id }, data: { xbauKennung: `psw:${HANDWRITTEN_AGS}` } });
    const ownClerk = await sessionUser({ roles: ["CLERK"], authorityId: own.id });
    const message = await readFile(HANDWRITTEN);
    const result = await importXbauAntrag(
      ownClerk,
      { message, attachments: [attachment("lageplan.pdf"), attachment("grundriss-eg.pdf")] },
      { storage },
    );
    expect(result).toMatchObject({ ok: true, duplicate: false });
    if (!result.ok) throw new Error("unreachable");
    const app = await db().application.findUniqueOrThrow({
      where: { id: result.applicationId },
      select: {
        title: true,
        data: true,
        documents: {
          select: { typeCode: true, toBeSubmittedLater: true, _count: { select: { versions: true } } },
          orderBy: { typeCode: "asc" },
        },
      },
    });
    expect(app.title).toBe("Neubau Doppelhaus mit Carport");
    expect(app.data).toMatchObject({
      bauherr: {
        kind: "COMPANY",
        companyName: "Ostsee Wohnprojekte GmbH",
        email: "post@ostsee-wohnprojekte.example",
      },
      entwurfsverfasser: { name: "Birte Holm", chamberNumber: "AK-MV 3177", chamberLand: "MV" },
      plot: {
        municipalityAgs: "13074026",
        parcels: [
          { gemarkung: "2110", flur: "3", zaehler: "41", nenner: "2" },
          { gemarkung: "Questin", flur: "3", zaehler: "42" },
        ],
      },
      project: { measureType: "ERRICHTUNG", buildingClass: 2, use: "WOHNEN", estimatedCosts: 640000 },
    });
    expect(app.documents.map((d) => [d.typeCode, d.toBeSubmittedLater, d._count.versions])).toEqual([
      ["1803", false, 1],
      ["2001", false, 1],
      ["2801", true, 0],
    ]);
  }, 120_000);
});

describe("importXbauAntrag: refusals name the element and the reason, and store nothing", () => {
  async function expectRefused(
    user: SessionUser,
    message: Buffer,
    attachments: IntakeAttachment[],
    code: string,
    problem: { element?: RegExp | string; message: RegExp },
  ) {
    const authorityId = user.authorityId ?? tenant.id;
    const before = await storedOf(authorityId);
    const result = await importXbauAntrag(user, { message, attachments }, { storage });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error("unreachable");
    expect(result.code).toBe(code);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ...(problem.element ? { element: expect.stringMatching(problem.element) } : {}),
          message: expect.stringMatching(problem.message),
        }),
      ]),
    );
    expect(await storedOf(authorityId)).toEqual(before);
    return result.problems;
  }

  it("an XSD error (an element the schema does not allow)", async () => {
    const { xml, attachments } = await ourExport(tenant);
    const broken = Buffer.from(
      xml.toString("utf8").replace("<xbau:anlagen>", "<xbau:unbekannt>x</xbau:unbekannt><xbau:anlagen>"),
    );
    await expectRefused(clerk, broken, attachments, "xsd", {
      element: /^unbekannt \(Zeile \d+\)$/,
      message: /XBau-2\.6-Schema \(XSD\)/,
    });
  }, 60_000);

  it("a Schematron error (malformed DVDV id of the author, sch-xbau-002)", async () => {
    const { xml, attachments } = await ourExport(tenant, { sender: { name: "Portal", id: "bap:1" } });
    const broken = Buffer.from(xml.toString("utf8").replace("bap:1<", "BAP-1<"));
    await expectRefused(clerk, broken, attachments, "schematron", {
      element: "baugenehmigung.antrag.0200/nachrichtenkopf.g2g",
      message: /Behördenkennung des Elements "autor".*\(XBau-Regel sch-xbau-002\)/,
    });
  }, 60_000);

  it("an empty element (sch-xbau-gen-001)", async () => {
    const { xml, attachments } = await ourExport(tenant);
    const broken = Buffer.from(
      xml
        .toString("utf8")
        .replace(
          /<xbau:weitereAngaben>[^<]*<\/xbau:weitereAngaben>/,
          "<xbau:weitereAngaben> </xbau:weitereAngaben>",
        ),
    );
    await expectRefused(clerk, broken, attachments, "schematron", {
      element: /bauvorhaben\/weitereAngaben$/,
      message: /keine Elemente .* leer sind.*sch-xbau-gen-001/,
    });
  }, 60_000);

  it("an XXE attempt (external entity) before any parser sees it", async () => {
    const { xml, attachments } = await ourExport(tenant);
    const text = xml.toString("utf8");
    const xxe = text
      .replace(
        /^<\?xml[^>]*>/,
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      )
      .replace("<xbau:bezeichnungDesBauvorhabens>", "<xbau:bezeichnungDesBauvorhabens>&xxe;");
    expect(xxe).toContain("&xxe;");
    await expectRefused(clerk, Buffer.from(xxe), attachments, "dtd", {
      element: "DOCTYPE",
      message: /keine DTD/,
    });
    // An entity declaration smuggled without DOCTYPE (or a parameter entity) is refused too.
    const entity = text.replace("<xbau:anlagen>", '<!ENTITY y "z"><xbau:anlagen>');
    await expectRefused(clerk, Buffer.from(entity), attachments, "dtd", {
      element: "ENTITY",
      message: /Entitäten/,
    });
    // UTF-16 would hide "<!DOCTYPE" from a byte scan: refused as an encoding.
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(xxe.replace('encoding="UTF-8"', 'encoding="UTF-16"'), "utf16le"),
    ]);
    await expectRefused(clerk, utf16, attachments, "encoding", { message: /UTF-8/ });
  }, 60_000);

  it("a billion-laughs document", async () => {
    const lol = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lolz [",
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`),
      "]>",
      "<lolz>&lol9;</lolz>",
    ].join("\n");
    await expectRefused(clerk, Buffer.from(lol), [], "dtd", { element: "DOCTYPE", message: /DTD/ });
  });

  it("a 200 MB message: the stream is abandoned after 20 MB, a declared length before the first byte", async () => {
    let read = 0;
    const big = generatedStream(200 * 1024 * 1024);
    const counted = (async function* () {
      for await (const chunk of big) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })();
    await expect(readBounded(counted, XML_LIMITS.maxBytes)).rejects.toMatchObject({
      code: "too-large",
      problems: [{ element: "Nachricht", message: expect.stringMatching(/größer als 20 MB/) }],
    });
    expect(read).toBeLessThan(XML_LIMITS.maxBytes + 2 * 1024 * 1024);
    big.destroy();
    await expect(
      readBounded(Readable.from([]), XML_LIMITS.maxBytes, 200 * 1024 * 1024),
    ).rejects.toMatchObject({
      code: "too-large",
    });
    // The import refuses a message over the limit that reached it in one piece.
    const tooBig = Buffer.alloc(XML_LIMITS.maxBytes + 1, 0x20);
    await expectRefused(clerk, tooBig, [], "too-large", {
      element: "Nachricht",
      message: /größer als 20 MB/,
    });
  }, 60_000);

  it("too deep nesting", async () => {
    const deep = `<?xml version="1.0" encoding="UTF-8"?>${"<a>".repeat(100)}x${"</a>".repeat(100)}`;
    await expectRefused(clerk, Buffer.from(deep), [], "limits", { message: /tiefer als 64 Ebenen/ });
  });

  it("a message for another authority", async () => {
    const { xml, attachments } = await ourExport(otherTenant);
    const problems = await expectRefused(clerk, xml, attachments, "authority", {
      element: "nachrichtenkopf.g2g/leser/kennung",
      message: /ist an „Testkreis intake-b .*gerichtet, nicht an Testkreis intake /,
    });
    expect(problems).toHaveLength(1);
    // The right authority takes it.
    const ok = await importXbauAntrag(otherClerk, { message: xml, attachments }, { storage });
    expect(ok.ok).toBe(true);
  }, 120_000);

  it("a site outside the authority's district (a Greifswald site sent to Nordwestmecklenburg)", async () => {
    const nwm = await createTestTenant("intake-nwm"); // Landkreis Nordwestmecklenburg, 13074000
    const nwmClerk = await sessionUser({ roles: ["CLERK"], authorityId: nwm.id });
    const { xml, attachments } = await ourExport(nwm);
    const problems = await expectRefused(nwmClerk, xml, attachments, "authority", {
      element: /gemeindeschluessel$/,
      message:
        /liegt nicht im Zuständigkeitsbereich von Testkreis intake-nwm .*Gemeindeschlüssel 13075039 \(Greifswald/,
    });
    expect(problems).toHaveLength(1);
  }, 120_000);

  it("attachments: a file named in the message missing, an extra file, a hash mismatch, a file that is not a PDF", async () => {
    const { xml } = await ourExport(tenant);
    await expectRefused(
      clerk,
      xml,
      [attachment("lageplan.pdf"), attachment("grundriss-eg.pdf")],
      "attachments",
      {
        element: /anlage\[3\] "Baubeschreibung"\/anhang\/dateiname$/,
        message: /"baubeschreibung.pdf" ist in der Nachricht genannt, wurde aber nicht mitgeschickt/,
      },
    );
    await expectRefused(
      clerk,
      xml,
      [
        attachment("lageplan.pdf"),
        attachment("grundriss-eg.pdf"),
        attachment("baubeschreibung.pdf"),
        attachment("ansichten.pdf"),
      ],
      "attachments",
      { element: "Anlagen", message: /"ansichten.pdf" wird in der Nachricht nicht als Anlage genannt/ },
    );
    const tmp = await mkdtemp(path.join(os.tmpdir(), "bauantrag-intake-"));
    try {
      const swapped = path.join(tmp, "lageplan.pdf");
      await writeFile(swapped, await readFile(path.join(BAUVORLAGEN, "ansichten.pdf")));
      await expectRefused(
        clerk,
        xml,
        [
          { filename: "lageplan.pdf", path: swapped },
          attachment("grundriss-eg.pdf"),
          attachment("baubeschreibung.pdf"),
        ],
        "attachments",
        { element: /anhang\/@hashValue$/, message: /stimmt nicht mit dem Hashwert/ },
      );
      // A text file whose hash the message declares correctly: refused by the upload type check.
      const fake = path.join(tmp, "notiz.pdf");
      await writeFile(fake, "Das ist kein PDF.\n");
      const fakeInfo = {
        sha256: createHash("sha256").update("Das ist kein PDF.\n").digest("hex"),
        sizeBytes: 18,
      };
      const { xml: withFake } = await ourExport(tenant, {
        documents: [
          sampleDocument(0, {
            typeCode: "1803",
            title: "Lageplan",
            file: { versionId: randomUUID(), filename: "notiz.pdf", ...fakeInfo },
          }),
        ],
      });
      await expectRefused(clerk, withFake, [{ filename: "notiz.pdf", path: fake }], "attachments", {
        element: /anlage\[1\] "Lageplan"\/anhang$/,
        message: /"notiz.pdf" ist kein zulässiges Format/,
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it("someone who is not a clerk of an authority", async () => {
    const { xml, attachments } = await ourExport(tenant);
    const result = await importXbauAntrag(applicant, { message: xml, attachments }, { storage });
    expect(result).toMatchObject({ ok: false, code: "not-allowed" });
  }, 60_000);
});
