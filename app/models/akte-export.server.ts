import type { Readable } from "node:stream";
import { appendEvent } from "~/models/case-event.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import { getStorage, type Storage } from "../../storage/index";
import { authorityScope, isUuid } from "./application.server";

/**
 * Akte export (issue 16 item 4): the clerk (or the admin) of the case's authority asks for the
 * complete file as one ZIP; the worker builds it (workers/processors/export-akte.ts) and stores it
 * as a GeneratedDocument of kind AKTE_EXPORT, audience AUTHORITY.
 *
 * One export per state of the file: the job is keyed by the last case event that is not the
 * export's own (`upToEventId`). A double click, two clerks at once or a click with nothing changed
 * since the last export find the same outbox row and add nothing; anything recorded in the file
 * afterwards (upload, request, statement, …) makes the next click a new export. The newest export
 * is the one the case page offers.
 */

export const AKTE_EXPORT_KIND = "AKTE_EXPORT";

/** Clerks read every case of their authority; the admin operates it and hands files over to the archive. */
export function canExportAkte(user: SessionUser): user is SessionUser & { authorityId: string } {
  return (
    Boolean(user.authorityId) &&
    (can(user, "read:application:authority") || can(user, "manage:authority:own"))
  );
}

/** Last case event that describes the file (the export's own events do not change it). */
async function stateOfFile(tx: Tx, applicationId: string): Promise<bigint | null> {
  const last = await tx.caseEvent.findFirst({
    where: { applicationId, NOT: { type: { startsWith: "akte." } } },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return last?.id ?? null;
}

export type RequestAkteExportResult =
  | { ok: true; queued: boolean; upToEventId: string }
  | { ok: false; status: 403 | 404; message: string };

export async function requestAkteExport(
  user: SessionUser,
  applicationId: string,
  client = db(),
): Promise<RequestAkteExportResult> {
  if (!canExportAkte(user)) {
    return {
      ok: false,
      status: 403,
      message: "Nur die Sachbearbeitung oder Administration der Behörde darf die Akte exportieren.",
    };
  }
  if (!isUuid(applicationId))
    return { ok: false, status: 404, message: "Diesen Fall gibt es in Ihrer Behörde nicht." };
  return client.$transaction(async (tx) => {
    // Tenant in the query: another authority's case is "not found", never exported.
    const app = await tx.application.findFirst({
      where: { id: applicationId, ...authorityScope(user.authorityId) },
      select: { id: true },
    });
    if (!app)
      return {
        ok: false as const,
        status: 404 as const,
        message: "Diesen Fall gibt es in Ihrer Behörde nicht.",
      };
    // Two clerks clicking at once: the second waits and then sees the first one's row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`akte:${app.id}`}, 0))`;
    const upTo = await stateOfFile(tx, app.id);
    if (upTo === null)
      return { ok: false as const, status: 404 as const, message: "Dieser Fall hat noch keinen Verlauf." };
    const upToEventId = upTo.toString();
    // After a failed export of this state the clerk may try again: the job id counts the failures,
    // so a double click still queues one job per attempt.
    const failures = await tx.caseEvent.count({
      where: {
        applicationId: app.id,
        type: "akte.export-failed",
        payload: { path: ["upToEventId"], equals: upToEventId },
      },
    });
    const queued = await enqueueInTx(tx, {
      jobName: "documents.export-akte",
      jobId: buildJobId(
        "documents.export-akte",
        app.id,
        upToEventId,
        ...(failures > 0 ? [`retry${failures}`] : []),
      ),
      payload: { applicationId: app.id, requestedById: user.id, upToEventId },
    });
    if (queued) {
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: user.id,
        type: "akte.export-requested",
        payload: { upToEventId },
      });
    }
    return { ok: true as const, queued, upToEventId };
  });
}

export interface AkteExportState {
  latest: {
    id: string;
    title: string;
    filename: string;
    sizeBytes: number;
    sha256: string;
    createdAt: Date;
    /** False when the file changed since (a new export would differ). */
    current: boolean;
  } | null;
  /** An export was asked for and is not ready yet. */
  pending: boolean;
  /** The last request ended without an export (the worker gave up), with the reason. */
  failed: { at: Date; reason: string } | null;
  /** How many older exports the newest one supersedes. */
  older: number;
  /** Every export's id (the page's readiness poll must know them, or it reloads for ever). */
  exportIds: string[];
}

/** What the case page shows; null when the user may not see the case. */
export async function getAkteExportState(
  user: SessionUser,
  applicationId: string,
  client: Tx = db(),
): Promise<AkteExportState | null> {
  if (!canExportAkte(user) || !isUuid(applicationId)) return null;
  const app = await client.application.findFirst({
    where: { id: applicationId, ...authorityScope(user.authorityId) },
    select: { id: true },
  });
  if (!app) return null;
  const [exports, lastRequest, lastFailure, upTo] = await Promise.all([
    client.generatedDocument.findMany({
      where: { applicationId: app.id, kind: AKTE_EXPORT_KIND, audience: "AUTHORITY" },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: {
        id: true,
        title: true,
        filename: true,
        sizeBytes: true,
        sha256: true,
        createdAt: true,
        sourceKey: true,
      },
    }),
    client.caseEvent.findFirst({
      where: { applicationId: app.id, type: "akte.export-requested" },
      orderBy: { id: "desc" },
      select: { id: true, payload: true },
    }),
    client.caseEvent.findFirst({
      where: { applicationId: app.id, type: "akte.export-failed" },
      orderBy: { id: "desc" },
      select: { id: true, payload: true, createdAt: true },
    }),
    stateOfFile(client, app.id),
  ]);
  const requestedUpTo = (lastRequest?.payload as { upToEventId?: string } | null)?.upToEventId;
  const done = new Set(exports.map((e) => e.sourceKey.split("__")[2]));
  // A failure recorded after the last request ends that request.
  const failedLast = lastFailure !== null && lastRequest !== null && lastFailure.id > lastRequest.id;
  const latest = exports[0];
  return {
    latest: latest
      ? {
          id: latest.id,
          title: latest.title,
          filename: latest.filename,
          sizeBytes: Number(latest.sizeBytes),
          sha256: latest.sha256,
          createdAt: latest.createdAt,
          current: latest.sourceKey.split("__")[2] === upTo?.toString(),
        }
      : null,
    pending: requestedUpTo !== undefined && !done.has(requestedUpTo) && !failedLast,
    failed:
      failedLast && lastFailure && requestedUpTo !== undefined && !done.has(requestedUpTo)
        ? {
            at: lastFailure.createdAt,
            reason: String((lastFailure.payload as { reason?: unknown } | null)?.reason ?? ""),
          }
        : null,
    older: Math.max(0, exports.length - 1),
    exportIds: exports.map((e) => e.id),
  };
}

export interface DownloadableAkte {
  stream: Readable;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
}

/** Opens one export of the case for download, or null (not found or not allowed: the same answer). */
export async function openAkteExportForDownload(
  user: SessionUser,
  applicationId: string,
  generatedId: string,
  options: { storage?: Storage; client?: Tx } = {},
): Promise<DownloadableAkte | null> {
  if (!canExportAkte(user) || !isUuid(applicationId) || !isUuid(generatedId)) return null;
  const row = await (options.client ?? db()).generatedDocument.findFirst({
    where: {
      id: generatedId,
      applicationId,
      kind: AKTE_EXPORT_KIND,
      application: authorityScope(user.authorityId),
    },
    select: { filename: true, mimeType: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (!row) return null;
  const stream = await (options.storage ?? getStorage()).getStream(row.storageKey);
  return {
    stream,
    filename: row.filename,
    mimeType: row.mimeType,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
  };
}
