import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { caseEventLabel } from "~/domain/case-events";
import { formatDateTime } from "~/domain/format";
import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";
import { readApplicationData } from "~/models/draft.server";
import { createNotificationsInTx } from "~/models/notification.server";
import { generatedKey, type Storage, StorageNotFoundError } from "../../storage/index";
import { AKTE_INDEX_RENDERER_VERSION, type AkteIndexData, renderAkteIndex } from "../pdf/akte-index";
import { type SealSource, sealPdf } from "../pdf/seal";
import { sealForAuthority } from "../pdf/seal-source";
import type { Processor } from "../types";
import {
  AKTE_INDEX_PDF,
  AKTE_JSON,
  AKTE_KIND,
  AKTE_SUMS,
  type AkteContent,
  buildAkteJson,
  CATEGORY_LABELS,
  type ListedFile,
  loadAkteContent,
  type PlannedFile,
  partiesOf,
  planFiles,
  procedureLabel,
  statusLabel,
} from "./export-akte-content";
import { streamZipToStorage, type ZipSink } from "./export-akte-zip";
import { defaultSealSource, findGenerated, type GeneratedDeps, storageOf } from "./generated";

/**
 * `documents.export-akte` (issue 16 item 4): the complete case file as one ZIP, queued through the
 * outbox by app/models/akte-export.server.ts. Layout of the ZIP:
 *
 *   unterlagen/<Dokumenttyp>/v<N>_<Dateiname>   every accepted version of every Bauvorlage
 *   erzeugt/<Dateiname>                          Eingangsbestätigung, Bescheid, Pakete, …
 *   xbau/gesendet/…, xbau/empfangen/…            XBau messages built here / received
 *   beteiligung/<Stelle>/<Dateiname>             attachments of statements
 *   Aktenverzeichnis.pdf                         human-readable index (PDF/A-2u, sealed)
 *   akte.json                                    machine-readable index
 *   SHA256SUMS                                   `sha256sum -c` list of every file above
 *
 * Streamed end to end (export-akte-zip.ts): one source file open at a time, hashes taken while the
 * bytes pass, the archive itself uploaded as it is written.
 *
 * Repeat-safe: one export per state of the file (`upToEventId`), sourceKey
 * `akte__<application>__<upToEventId>`. A retry finds the row and stops. Each run writes under its
 * own storage key, and the row decides which run counts: a run that loses the race (unique
 * sourceKey) removes its own object, so no ZIP is overwritten and none is left unreferenced.
 */

export function akteSourceKey(applicationId: string, upToEventId: string | bigint): string {
  return `akte__${applicationId}__${upToEventId.toString()}`;
}

/** "Akte_63-2026-00042_2026-12-06.zip": umlauts kept, nothing a file system refuses. */
export function akteFilename(fileNumber: string | null, exportedAt: Date): string {
  const az = (fileNumber ?? "ohne-Aktenzeichen").replace(/[^\p{L}\d._-]+/gu, "-");
  const day = exportedAt.toLocaleDateString("sv-SE", { timeZone: "Europe/Berlin" });
  return `Akte_${az}_${day}.zip`;
}

export interface ExportAkteDeps extends GeneratedDeps {
  sealSource?: SealSource;
  /** Clock for tests. */
  now?: () => Date;
}

function sumsLine(sha256: string, path: string): string {
  // GNU coreutils format, text mode ("two blanks"); our paths hold no newline or backslash.
  return `${sha256}  ${path}\n`;
}

function indexData(
  app: AkteContent,
  listed: ListedFile[],
  exportedAt: Date,
  exportedBy: string,
): AkteIndexData {
  const parties = partiesOf(app);
  const plot = readApplicationData(app.data).plot;
  const a = plot?.address;
  const plotLine = a
    ? [[a.street, a.houseNumber].filter(Boolean).join(" "), [a.postalCode, a.city].filter(Boolean).join(" ")]
        .filter(Boolean)
        .join(", ")
    : "";
  const parcels = (plot?.parcels ?? [])
    .map((p) =>
      [
        p.gemarkung && `Gemarkung ${p.gemarkung}`,
        p.flur && `Flur ${p.flur}`,
        p.zaehler && `Flurstück ${p.zaehler}${p.nenner ? `/${p.nenner}` : ""}`,
      ]
        .filter(Boolean)
        .join(", "),
    )
    .filter(Boolean);
  const facts: [string, string][] = [];
  if (parties.bauherr?.name) facts.push(["Bauherr:in", parties.bauherr.name]);
  if (parties.entwurfsverfasser?.name) facts.push(["Entwurfsverfasser:in", parties.entwurfsverfasser.name]);
  if (plotLine) facts.push(["Baugrundstück", plotLine]);
  if (parcels.length > 0) facts.push([parcels.length === 1 ? "Flurstück" : "Flurstücke", parcels.join("; ")]);
  if (app.municipality) facts.push(["Gemeinde", app.municipality.name]);
  if (app.submittedAt) facts.push(["Eingegangen am", formatDateTime(app.submittedAt)]);
  if (app.decisionDueAt) facts.push(["Entscheidung spätestens", formatDateTime(app.decisionDueAt)]);
  const packed = listed.filter((f) => f.sha256 !== null).length;
  facts.push(["Dateien", `${packed} im Export, ${listed.length - packed} nur aufgeführt`]);
  return {
    authority: { name: app.authority.name, addressLine: app.authority.addressLine },
    fileNumber: app.fileNumber ?? "ohne Aktenzeichen",
    applicationId: app.id,
    title: app.title,
    statusLabel: statusLabel(app.status),
    procedure: procedureLabel(app),
    facts,
    exportedAt,
    exportedBy,
    files: listed.map((f) => ({
      section: CATEGORY_LABELS[f.category],
      title: f.title,
      type: f.type,
      ...(f.version === undefined ? {} : { version: f.version }),
      filename: f.filename,
      path: f.sha256 === null ? null : f.path,
      created: f.created,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      ...(f.notExportedReason ? { notExportedReason: f.notExportedReason } : {}),
      matchesRecord: f.matchesRecord,
    })),
    history: app.events.map((e) => ({
      createdAt: e.createdAt,
      label: caseEventLabel(e.type),
      actor: e.actor?.displayName ?? null,
    })),
  };
}

export function createExportAkte(deps: ExportAkteDeps = {}): Processor<"documents.export-akte"> {
  const build = buildAkteExport(deps);
  return async (payload, job, ctx) => {
    try {
      return await build(payload, job, ctx);
    } catch (err) {
      const lastAttempt =
        err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) await recordExportFailure(ctx.db, payload, err).catch(() => {});
      throw err;
    }
  };
}

/**
 * The worker gave up on an export: the case history says so (the page stops showing "wird
 * erstellt" and offers a new attempt) and the clerk who asked is told, with the reason in words.
 */
async function recordExportFailure(
  db: PrismaClient,
  {
    applicationId,
    requestedById,
    upToEventId,
  }: { applicationId: string; requestedById: string; upToEventId: string },
  err: unknown,
): Promise<void> {
  const reason =
    err instanceof UnrecoverableError
      ? err.message.slice(0, 300)
      : "Die Dateien konnten nicht aus dem Speicher gelesen oder das ZIP nicht gespeichert werden.";
  await db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({
      where: { id: applicationId },
      select: { id: true, fileNumber: true },
    });
    if (!app) return;
    await appendEvent(tx, {
      applicationId,
      actorId: null,
      type: "akte.export-failed",
      payload: { upToEventId, reason },
    });
    const requester = await tx.user.findUnique({ where: { id: requestedById }, select: { id: true } });
    if (!requester) return;
    await createNotificationsInTx(tx, [
      {
        userId: requester.id,
        applicationId,
        type: "akte.export-failed",
        title: `Aktenexport fehlgeschlagen – Az. ${app.fileNumber ?? "–"}`,
        body: `Der Export der Akte konnte nicht erstellt werden: ${reason} Sie können ihn auf der Fallseite erneut anfordern.`,
        link: `/behoerde/faelle/${applicationId}#akte`,
        dedupeKey: `akte.export-failed:${applicationId}:${upToEventId}:${Date.now()}:${requester.id}`,
      },
    ]);
  });
}

type Log = Parameters<Processor<"documents.export-akte">>[2]["log"];
type Seal = Awaited<ReturnType<typeof sealForAuthority>>;

/** What one run of the export writes into its ZIP. */
interface AkteRun {
  app: AkteContent;
  storage: Storage;
  storageKey: string;
  sourceKey: string;
  upToEventId: string;
  exportedAt: Date;
  exportedBy: string;
  seal: Seal;
  log: Log;
}

/**
 * The stored files of the plan, each checked against its recorded hash; a file the storage lacks
 * is only listed. Returns the listing and the SHA256SUMS lines of what was packed.
 */
async function packStoredFiles(zip: ZipSink, run: AkteRun, planned: PlannedFile[], listed: ListedFile[]) {
  const { storage, log } = run;
  let sums = "";
  for (const f of planned) {
    if (f.path === null) {
      listed.push({ ...f, sizeBytes: null, sha256: null, matchesRecord: null });
      continue;
    }
    let source: Awaited<ReturnType<Storage["getStream"]>>;
    try {
      source = await storage.getStream(f.storageKey);
    } catch (err) {
      if (!(err instanceof StorageNotFoundError)) throw err;
      log.warn({ storageKey: f.storageKey, sourceId: f.sourceId }, "akte export: stored file missing");
      listed.push({
        ...f,
        path: null,
        notExportedReason: "Datei im Speicher nicht gefunden",
        sizeBytes: null,
        sha256: null,
        matchesRecord: null,
      });
      continue;
    }
    const packed = await zip.addStream(f.path, source, {
      compress: !/pdf|png|jpe?g|zip/.test(f.mimeType),
    });
    const matchesRecord = packed.sha256 === f.recordedSha256 && packed.sizeBytes === f.recordedSizeBytes;
    if (!matchesRecord) {
      log.warn(
        { path: f.path, sourceId: f.sourceId },
        "akte export: stored bytes differ from the recorded hash",
      );
    }
    listed.push({ ...f, sizeBytes: packed.sizeBytes, sha256: packed.sha256, matchesRecord });
    sums += sumsLine(packed.sha256, f.path);
  }
  return sums;
}

/** The sealed Aktenverzeichnis (PDF/A) of the listing; returns its own listing entry and sums line. */
async function packIndex(zip: ZipSink, run: AkteRun, listed: ListedFile[]) {
  const { app, exportedAt, exportedBy } = run;
  const pdf = await sealPdf(await renderAkteIndex(indexData(app, listed, exportedAt, exportedBy)), run.seal, {
    reason: `Aktenverzeichnis, Az. ${app.fileNumber ?? "ohne Aktenzeichen"}`,
    location: app.authority.addressLine ?? app.authority.name,
    contactInfo: app.authority.email ?? "",
    signingTime: exportedAt,
  });
  const pdfEntry = await zip.addBytes(AKTE_INDEX_PDF, pdf, { compress: false });
  const entry: ListedFile = {
    path: AKTE_INDEX_PDF,
    category: "erzeugt",
    title: "Aktenverzeichnis",
    type: "Aktenverzeichnis (PDF/A, gesiegelt)",
    filename: AKTE_INDEX_PDF,
    mimeType: "application/pdf",
    created: exportedAt,
    storageKey: run.storageKey,
    recordedSizeBytes: pdfEntry.sizeBytes,
    recordedSha256: pdfEntry.sha256,
    sourceId: run.sourceKey,
    sizeBytes: pdfEntry.sizeBytes,
    sha256: pdfEntry.sha256,
    matchesRecord: true,
  };
  return { entry, sums: sumsLine(pdfEntry.sha256, AKTE_INDEX_PDF) };
}

/** Streams the whole ZIP (files, index, akte.json, SHA256SUMS) to storage; fills `listed`. */
function buildZip(run: AkteRun, planned: PlannedFile[], listed: ListedFile[]) {
  return streamZipToStorage({
    storage: run.storage,
    key: run.storageKey,
    date: run.exportedAt,
    fill: async (zip) => {
      listed.length = 0;
      let sums = await packStoredFiles(zip, run, planned, listed);
      const index = await packIndex(zip, run, listed);
      sums += index.sums;
      const meta = {
        exportedAt: run.exportedAt,
        exportedBy: run.exportedBy,
        upToEventId: BigInt(run.upToEventId),
      };
      const json = buildAkteJson(run.app, listed, meta, [index.entry]);
      const jsonEntry = await zip.addBytes(AKTE_JSON, `${JSON.stringify(json, null, 2)}\n`);
      sums += sumsLine(jsonEntry.sha256, AKTE_JSON);
      await zip.addBytes(AKTE_SUMS, sums);
    },
  });
}

/**
 * A connection the storage server closed while we rendered the index (keep-alive race) fails the
 * whole ZIP; it is transient, and a failed upload leaves nothing behind (putStream aborts it), so
 * try again at once before BullMQ's backoff.
 */
async function retryOnConnectionReset<T>(build: () => Promise<T>, log: Log): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await build();
    } catch (err) {
      const code = (err as { code?: string } | null)?.code;
      if (attempt >= 3 || (code !== "ECONNRESET" && code !== "EPIPE")) throw err;
      log.warn({ err, attempt }, "akte export: storage connection reset, building the ZIP again");
    }
  }
}

/** The generated document, its event and the requester's notification, in one transaction. */
function recordAkteExport(
  db: PrismaClient,
  run: AkteRun,
  put: { sizeBytes: number; sha256: string },
  requester: { id: string },
  counts: { files: number; notExported: number },
) {
  const { app, exportedAt, upToEventId } = run;
  return db.$transaction(async (tx) => {
    const created = await tx.generatedDocument.create({
      data: {
        applicationId: app.id,
        kind: AKTE_KIND,
        title: `Akte (Stand ${formatDateTime(exportedAt)})`,
        filename: akteFilename(app.fileNumber, exportedAt),
        mimeType: "application/zip",
        sizeBytes: BigInt(put.sizeBytes),
        sha256: put.sha256,
        storageKey: run.storageKey,
        sourceKey: run.sourceKey,
        // The whole file, internal notes included: the authority's only.
        audience: "AUTHORITY",
      },
      select: { id: true },
    });
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: null,
      type: "akte.exported",
      payload: {
        generatedDocumentId: created.id,
        sha256: put.sha256,
        upToEventId,
        files: counts.files,
        notExported: counts.notExported,
        rendererVersion: AKTE_INDEX_RENDERER_VERSION,
      },
    });
    // Only the person who asked: the other clerks did not wait for it.
    await createNotificationsInTx(tx, [
      {
        userId: requester.id,
        applicationId: app.id,
        type: "akte.exported",
        title: `Akte exportiert – Az. ${app.fileNumber ?? "–"}`,
        body: `Die Akte steht als ZIP zum Herunterladen bereit (${counts.files} Dateien${
          counts.notExported > 0 ? `, ${counts.notExported} nur im Verzeichnis aufgeführt` : ""
        }).`,
        link: `/behoerde/faelle/${app.id}#akte`,
        dedupeKey: `akte.exported:${app.id}:${upToEventId}:${requester.id}`,
      },
    ]);
    return created;
  });
}

function buildAkteExport(deps: ExportAkteDeps): Processor<"documents.export-akte"> {
  return async ({ applicationId, requestedById, upToEventId }, _job, { db, log }) => {
    const sourceKey = akteSourceKey(applicationId, upToEventId);
    const existing = await findGenerated(db, sourceKey);
    if (existing) return { created: false, generatedDocumentId: existing.id };

    const requester = await db.user.findUnique({
      where: { id: requestedById },
      select: { id: true, displayName: true, email: true },
    });
    if (!requester) throw new UnrecoverableError(`Benutzer ${requestedById} gibt es nicht`);
    const app = await loadAkteContent(db, applicationId, BigInt(upToEventId));
    const storage = storageOf(deps);
    const exportedAt = (deps.now ?? (() => new Date()))();
    exportedAt.setMilliseconds(0);
    const run: AkteRun = {
      app,
      storage,
      // Fresh per run: a retry or a racing run never writes over another run's object (see above).
      storageKey: generatedKey({
        authorityId: app.authorityId,
        applicationId: app.id,
        kind: "akte",
        id: randomUUID(),
        ext: "zip",
      }),
      sourceKey,
      upToEventId,
      exportedAt,
      exportedBy: requester.displayName || requester.email,
      seal: await sealForAuthority(db, deps.sealSource ?? defaultSealSource(), app.authority),
      log,
    };

    const planned = planFiles(app);
    const listed: ListedFile[] = [];
    const put = await retryOnConnectionReset(() => buildZip(run, planned, listed), log);

    const files = listed.filter((f) => f.sha256 !== null).length;
    const notExported = listed.length - files;
    try {
      const row = await recordAkteExport(db, run, put, requester, { files, notExported });
      log.info({ generatedDocumentId: row.id, bytes: put.sizeBytes, files, notExported }, "akte exported");
      return { created: true, generatedDocumentId: row.id, sha256: put.sha256, sizeBytes: put.sizeBytes };
    } catch (err) {
      await storage.remove(run.storageKey).catch(() => {});
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        const again = await findGenerated(db, sourceKey);
        if (again) return { created: false, generatedDocumentId: again.id };
      }
      throw err;
    }
  };
}

export const exportAkteProcessor = createExportAkte();
