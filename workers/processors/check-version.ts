import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { appendEvent } from "~/models/case-event.server";
import { createNotificationsInTx } from "~/models/notification.server";
import { MIME_PDF } from "~/utils/file-checks.server";
import { deepCheckPdf, quoteFilename } from "~/utils/pdf-inspect.server";
import type { Storage } from "../../storage/index";
import type { Processor } from "../types";
import { type GeneratedDeps, storageOf } from "./generated";

/**
 * `documents.check-version`: the deep check of a stored Bauvorlage, moved out of the upload
 * request (issue 11: `qpdf --check` took 7.8 s of 9.3 s for 200 MB). The upload already refused
 * everything the cheap checks find (type, encryption, page limit, active content, decompression
 * bombs, image dimensions) and stored the version as PENDING ("wird geprüft"). Here:
 *
 *   stored object -> private temp file (sha256 compared with the row) -> qpdf --check
 *   -> ACCEPTED, or REFUSED with the German reason + case event "document.check-refused" +
 *      in-app notification to the uploader, in one transaction.
 *
 * Repeat-safe: only a PENDING row is changed (guarded UPDATE), the event and notification are
 * written by the transaction that made the change, the notification has a dedupe key. A version
 * that is gone (draft deleted) or already decided is a no-op. qpdf missing → the job retries.
 */

export interface CheckVersionDeps extends GeneratedDeps {
  /** Timeout of qpdf --check; a file that takes longer is refused. */
  timeoutMs?: number;
}

export type CheckVersionOutcome =
  | { checked: false; reason: "gone" | "already-checked" }
  | { checked: true; status: "ACCEPTED" | "REFUSED"; message?: string };

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function createCheckVersion(deps: CheckVersionDeps = {}): Processor<"documents.check-version"> {
  return async ({ versionId }, _job, { db, log }): Promise<CheckVersionOutcome> => {
    const v = await db.documentVersion.findUnique({
      where: { id: versionId },
      select: {
        id: true,
        versionNumber: true,
        filename: true,
        mimeType: true,
        sha256: true,
        storageKey: true,
        checkStatus: true,
        uploadedById: true,
        document: { select: { applicationId: true, typeCode: true, title: true } },
      },
    });
    if (!v) return { checked: false, reason: "gone" };
    if (v.checkStatus !== "PENDING") return { checked: false, reason: "already-checked" };

    const started = Date.now();
    const verdict = await deepCheck(storageOf(deps), v, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const applicationId = v.document.applicationId;

    if (verdict.ok) {
      const { count } = await db.documentVersion.updateMany({
        where: { id: v.id, checkStatus: "PENDING" },
        data: { checkStatus: "ACCEPTED", checkedAt: new Date() },
      });
      log.info({ versionId, ms: Date.now() - started, changed: count }, "document version accepted");
      return { checked: true, status: "ACCEPTED" };
    }

    await db.$transaction(async (tx) => {
      const { count } = await tx.documentVersion.updateMany({
        where: { id: v.id, checkStatus: "PENDING" },
        data: { checkStatus: "REFUSED", checkMessage: verdict.message, checkedAt: new Date() },
      });
      if (count === 0) return; // another run decided it meanwhile
      await appendEvent(tx, {
        applicationId,
        actorId: null,
        type: "document.check-refused",
        payload: {
          filename: v.filename,
          versionId: v.id,
          versionNumber: v.versionNumber,
          typeCode: v.document.typeCode,
          reason: verdict.message,
        },
      });
      await createNotificationsInTx(tx, [
        {
          userId: v.uploadedById,
          applicationId,
          type: "document.check-refused",
          title: `Unterlage abgelehnt: ${quoteFilename(v.filename)}`,
          body: `${verdict.message} Die Datei zählt für „${v.document.title}“ nicht als eingereicht; bitte laden Sie eine neue Fassung hoch.`,
          link: `/antraege/${applicationId}/unterlagen`,
          dedupeKey: `document.check-refused:${v.id}:${v.uploadedById}`,
        },
      ]);
    });
    log.warn({ versionId, ms: Date.now() - started }, "document version refused by the deep check");
    return { checked: true, status: "REFUSED", message: verdict.message };
  };
}

export const checkVersionProcessor = createCheckVersion();

/**
 * Reads the stored object into a private temp file (the same bytes as uploaded: sha256 compared)
 * and runs the deep check. Only PDFs have one; every other accepted type is done at upload.
 */
async function deepCheck(
  storage: Storage,
  v: { filename: string; mimeType: string; sha256: string; storageKey: string },
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (v.mimeType !== MIME_PDF) return { ok: true };
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-check-"));
  try {
    const file = path.join(dir, "version.pdf");
    const hash = createHash("sha256");
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(await storage.getStream(v.storageKey), hasher, createWriteStream(file, { mode: 0o600 }));
    const sha256 = hash.digest("hex");
    if (sha256 !== v.sha256) {
      // The stored object is not what was uploaded: storage trouble, not the uploader's file. Retry.
      throw new Error(`stored object of ${v.storageKey} differs from the recorded sha256`);
    }
    return await deepCheckPdf(file, v.filename, { timeoutMs });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
