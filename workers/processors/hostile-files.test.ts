import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { type Job, UnrecoverableError } from "bullmq";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { startParticipation } from "~/models/participation.server";
import { db } from "~/utils/db.server";
import { png } from "~/utils/hostile-files.test-support";
import type { Storage } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
  storeFixturePdfs,
} from "../../test/kit/participation-fixtures";
import { createRouteParticipation, packageSourceKey } from "./route-participation";

/**
 * A file that got in before the upload checks existed (here: a 20000×20000 PNG, 389 KB stored,
 * 1.6 GB once pdf-lib decodes it) must fail its job for good without the worker decoding it,
 * say why in the Akte, and leave the other jobs of the same worker alone.
 */

let d: ParticipationDistrict;
let s3: Awaited<ReturnType<typeof startTestStorage>>;
let storage: Storage;
const log = pino({ level: "silent" });

beforeAll(async () => {
  d = await createParticipationDistrict("hostile-route");
  s3 = await startTestStorage("hroute");
  storage = s3.storage;
});

afterAll(async () => {
  await s3?.close();
});

const run = (participationId: string) =>
  createRouteParticipation({ storage })(
    { participationId },
    {} as Job<{ participationId: string }, unknown, "participation.route-package">,
    { db: db(), mailer: null, log },
  );

/** Stores `bytes` as a version of document type 3700 (photos) without the upload checks. */
async function smuggle(applicationId: string, filename: string, bytes: Buffer) {
  const doc = await db().document.create({
    data: { applicationId, typeCode: "3700", title: "Fotos" },
    select: { id: true },
  });
  const row = await db().documentVersion.create({
    data: {
      documentId: doc.id,
      versionNumber: 1,
      filename,
      mimeType: "image/png",
      sizeBytes: BigInt(bytes.length),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey: `test/${randomUUID()}`,
      uploadedById: d.architect.id,
    },
    select: { id: true, storageKey: true },
  });
  await storage.putStream(row.storageKey, Readable.from([bytes]), { contentType: "image/png" });
  return row.id;
}

describe("worker guard against undecodable files", () => {
  it("fails the package with the huge PNG for good, records why, and routes the other one", async () => {
    const app = await createCompleteCase(d);
    await storeFixturePdfs(storage, app.id);
    const pdfVersions = await currentVersionIds(app.id);
    const huge = await png(20000, 20000);
    expect(huge.length).toBeLessThan(1024 * 1024);
    const pngVersion = await smuggle(app.id, "Luftbild.png", huge);

    const deadline = berlinDate(new Date(Date.now() + 30 * 86_400_000));
    const base = { deadline, question: "Bitte prüfen Sie den Brandschutz.", silenceIsConsent: false };
    const r = await startParticipation(d.clerk, app.id, [
      { ...base, agencyId: d.agencies.BRANDSCHUTZ!.id, documentVersionIds: [...pdfVersions, pngVersion] },
      { ...base, agencyId: d.agencies.DENKMALSCHUTZ!.id, documentVersionIds: pdfVersions },
    ]);
    if (!r.ok) throw new Error(r.message);
    const [bad, good] = r.participationIds as [string, string];

    // Both jobs at once in this process, RSS sampled while they run.
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const [badResult, goodResult] = await Promise.allSettled([run(bad), run(good)]);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(badResult.status).toBe("rejected");
    const err = (badResult as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err.message).toContain("„Luftbild.png“ ist 20.000 × 20.000 Pixel groß (400 Megapixel)");
    expect(goodResult).toMatchObject({ status: "fulfilled", value: { routed: true, sent: true } });

    // Decoding would have cost ~1.6 GB; the header check costs nothing measurable.
    const growthMb = (peak - before) / 1024 / 1024;
    expect(growthMb).toBeLessThan(300);

    // The clerk reads in the Akte which file and why; nothing was sent or stored for it.
    const events = await db().caseEvent.findMany({
      where: { applicationId: app.id, type: "document.processing-refused" },
      select: { payload: true },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      filename: "Luftbild.png",
      versionId: pngVersion,
      participationId: bad,
    });
    expect(JSON.stringify(events[0]?.payload)).toContain("höchstens 50 Megapixel");
    const rows = await db().participation.findMany({
      where: { id: { in: [bad, good] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(rows.map((p) => [p.id, p.status]))).toEqual({
      [bad]: "PENDING",
      [good]: "SENT",
    });
    expect(await db().generatedDocument.count({ where: { sourceKey: packageSourceKey(bad) } })).toBe(0);
  });
});
