/**
 * XBau intake of a baugenehmigung.antrag.0200 with 50 attachments (real PDFs from
 * fixtures/bauvorlagen, renamed): the model path the clerk upload uses (hardened parse, XSD,
 * Schematron, mapping, attachment checks incl. qpdf, 51 objects to s3rver, one transaction).
 * Prints time per import and its phases, the ratio to a baseline measured in the same run (the
 * same 50 files put raw into the same S3 server), and heap/RSS growth. Never part of `npm test`.
 *
 *   npm run bench -- xbau-intake [runs=3]
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.env.DATABASE_URL ??=
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_test";
process.env.LOG_LEVEL ??= "warn";
const RUNS = Number(process.argv[2] ?? 3);
const FILES = 50;

const { createHash } = await import("node:crypto");
const { startTestStorage } = await import("../storage/test-support.ts");
const { db } = await import("~/utils/db.server");
const { createTestTenant, createTestUser } = await import("~/utils/test-tenant.server");
const { getSessionUserById } = await import("~/models/user.server");
const { importXbauAntrag, checkXbauMessage } = await import("~/models/xbau-intake.server");
const { validateXml } = await import("~/xbau/validate.server");
const { validateSchematron } = await import("~/xbau/schematron.server");
const { monitorEventLoopDelay } = await import("node:perf_hooks");
const { buildAntrag0200Xml } = await import("~/xbau/baugenehmigung-antrag-0200.server");
const { largeApplication, sampleDocument } = await import("~/xbau/sample-applications");

const tmp = await mkdtemp(path.join(os.tmpdir(), "bauantrag-bench-intake-"));
const s3 = await startTestStorage("bench-intake");
const { storage } = s3;
const tenant = await createTestTenant("bench-intake");
// The sample site lies in Greifswald (13075039): the tenant stands for Landkreis Vorpommern-Greifswald.
await db().authority.update({ where: { id: tenant.id }, data: { ags: "13075000" } });
const clerkRow = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id });
const clerk = (await getSessionUserById(clerkRow.id))!;

// 50 attachments: the sample Bauvorlagen in turn, each under its own name.
const sources = ["lageplan.pdf", "grundriss-eg.pdf", "baubeschreibung.pdf", "ansichten.pdf"];
const types = ["1803", "2001", "1502", "2003"];
const attachments: { filename: string; path: string }[] = [];
const documents: import("~/xbau/baugenehmigung-antrag-0200.server").Antrag0200Document[] = [];
for (let i = 0; i < FILES; i++) {
  const src = path.join(root, "fixtures/bauvorlagen", sources[i % sources.length]!);
  const filename = `anlage-${String(i + 1).padStart(2, "0")}.pdf`;
  const file = path.join(tmp, filename);
  await copyFile(src, file);
  const bytes = await readFile(file);
  attachments.push({ filename, path: file });
  documents.push(
    sampleDocument(i, {
      typeCode: types[i % types.length]!,
      title: `Anlage ${i + 1}`,
      file: {
        versionId: randomUUID(),
        filename,
        sizeBytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      },
    }),
  );
}
const messageFor = () =>
  Buffer.from(
    buildAntrag0200Xml({
      ...largeApplication(20, FILES),
      messageId: randomUUID(),
      authority: { name: tenant.name, id: tenant.xbauKennung ?? "" },
      documents,
    }),
  );

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
/**
 * Longest event-loop stall (ms) while `work` runs: what every other request of the web process
 * waits. "Before" is the synchronous XSD + Schematron on the request thread, "after" the pool.
 */
async function stallMs(work: () => unknown): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  await work();
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  return h.max / 1e6;
}
const onMainThread = (xml: string) => {
  if (validateXml(xml, "xbau-nachrichten-baugenehmigung.xsd").valid) validateSchematron(xml);
};

// Warm-up: compile the XSDs and load the Schematron once in both places (as a long-running web process has).
await checkXbauMessage(messageFor(), "MV");
onMainThread(messageFor().toString("utf8"));

const rows: string[][] = [];
for (let run = 1; run <= RUNS; run++) {
  const message = messageFor();
  const a = performance.now();
  await checkXbauMessage(message, "MV");
  const checkMs = performance.now() - a;
  const stallSync = await stallMs(() => onMainThread(message.toString("utf8")));
  const stallPool = await stallMs(() => checkXbauMessage(message, "MV"));

  const b = performance.now();
  for (const att of attachments) {
    await storage.putStream(`bench/${randomUUID()}`, createReadStream(att.path), {
      contentType: "application/pdf",
    });
  }
  const baselineMs = performance.now() - b;

  global.gc?.();
  const heap0 = process.memoryUsage();
  const c = performance.now();
  const result = await importXbauAntrag(clerk, { message, attachments }, { storage });
  const importMs = performance.now() - c;
  const heap1 = process.memoryUsage();
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  rows.push([
    String(run),
    `${(message.length / 1024).toFixed(0)} KB`,
    checkMs.toFixed(0),
    stallSync.toFixed(0),
    stallPool.toFixed(0),
    (stallPool / stallSync).toFixed(3),
    importMs.toFixed(0),
    baselineMs.toFixed(0),
    (importMs / baselineMs).toFixed(2),
    mb(heap1.heapUsed - heap0.heapUsed),
    mb(heap1.rss - heap0.rss),
  ]);
}

const header = [
  "Lauf",
  "Nachricht",
  "Prüfung ms",
  "Blockade sync ms",
  "Blockade Pool ms",
  "Pool/sync",
  "Import ms",
  "S3-roh ms",
  "Import/roh",
  "Heap +MB",
  "RSS +MB",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(`XBau-Import 0200 mit ${FILES} Anlagen (20 Flurstücke), ${os.cpus().length} Kerne`);
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padStart(widths[i]!)).join("  "));

await db().$disconnect();
await s3.close();
await rm(tmp, { recursive: true, force: true });
