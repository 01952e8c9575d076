import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { CaseEventType } from "~/domain/case-events";
import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";

/** Event types whose payload names the generated file (checked by the catalogue's schema). */
type GeneratedEventType = Extract<
  CaseEventType,
  | "receipt.rendered"
  | "xbau.exported"
  | "statement.rendered"
  | "participation.package-rendered"
  | "decision.bescheid-rendered"
  | "decision.plan-stamped"
>;

import { type ApplicationSnapshot, readSnapshot } from "~/models/submission.server";
import { generatedKey, getStorage, type Storage } from "../../storage/index";

/**
 * Shared steps of the processors that produce a GeneratedDocument from a submitted application:
 * load it with its snapshot, store the bytes under a deterministic key, then create the row and
 * its case event in one transaction. `sourceKey` (unique) makes the whole thing idempotent:
 *
 * - a retried or duplicated job finds the row and does nothing;
 * - a job that stored the object but died before the row was written stores it again under the
 *   same key (same bytes: the renderers are deterministic) and then writes the row;
 * - two runs racing both store the same bytes; the second insert hits the unique sourceKey and
 *   is treated as "already done".
 */

export interface GeneratedDeps {
  /** Defaults to the process-wide storage from env(). */
  storage?: Storage;
}

export function storageOf(deps: GeneratedDeps): Storage {
  return deps.storage ?? getStorage();
}

const submittedApplicationSelect = {
  id: true,
  status: true,
  authorityId: true,
  fileNumber: true,
  submittedAt: true,
  snapshot: true,
  authority: {
    select: { id: true, name: true, addressLine: true, email: true, ags: true, landProfile: true },
  },
} satisfies Prisma.ApplicationSelect;

export type SubmittedApplication = Prisma.ApplicationGetPayload<{
  select: typeof submittedApplicationSelect;
}> & {
  parsedSnapshot: ApplicationSnapshot;
};

/** The application with its snapshot; anything that was never submitted is a permanent failure. */
export async function loadSubmittedApplication(
  db: PrismaClient,
  applicationId: string,
): Promise<SubmittedApplication> {
  const app = await db.application.findUnique({
    where: { id: applicationId },
    select: submittedApplicationSelect,
  });
  if (!app) throw new UnrecoverableError(`Antrag ${applicationId} gibt es nicht`);
  if (app.status === "DRAFT")
    throw new UnrecoverableError(`Antrag ${applicationId} ist noch nicht eingereicht`);
  const parsedSnapshot = readSnapshot(app.snapshot);
  if (!parsedSnapshot) throw new UnrecoverableError(`Antrag ${applicationId} hat keinen lesbaren Snapshot`);
  return { ...app, parsedSnapshot };
}

export async function findGenerated(db: PrismaClient, sourceKey: string) {
  return db.generatedDocument.findUnique({
    where: { sourceKey },
    select: { id: true, sha256: true, storageKey: true },
  });
}

export interface StoreGeneratedInput {
  db: PrismaClient;
  storage: Storage;
  log: Logger;
  app: { id: string; authorityId: string };
  /** GeneratedDocument.kind, e.g. "RECEIPT". */
  kind: string;
  /** Storage key kind segment, e.g. "receipt". */
  keyKind: string;
  /** Storage key file id (deterministic), e.g. "eingangsbestaetigung". */
  keyId: string;
  ext: string;
  sourceKey: string;
  title: string;
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
  /** Who may download it; CASE (applicant side + authority) unless given. */
  audience?: "CASE" | "AUTHORITY";
  /** Links the file to a participation: that participation's agency may read it. */
  participationId?: string;
  /** Links the file to a decision (Bescheid, approved plans, XBau 0205). */
  decisionId?: string;
  /** Case event appended with the row, e.g. "receipt.rendered" (a catalogued type, app/domain/case-events.ts). */
  eventType: GeneratedEventType;
  eventPayload?: Record<string, Prisma.InputJsonValue>;
}

export interface StoredGenerated {
  created: boolean;
  generatedDocumentId: string;
  sha256: string;
  storageKey: string;
}

export async function storeGenerated(input: StoreGeneratedInput): Promise<StoredGenerated> {
  const { db, storage, log, app } = input;
  const storageKey = generatedKey({
    authorityId: app.authorityId,
    applicationId: app.id,
    kind: input.keyKind,
    id: input.keyId,
    ext: input.ext,
  });
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const put = await storage.putStream(storageKey, Readable.from([Buffer.from(input.bytes)]), {
    contentType: input.mimeType,
  });
  if (put.sha256 !== sha256 || put.sizeBytes !== input.bytes.byteLength) {
    throw new Error(`Gespeicherte Datei ${storageKey} weicht ab (sha256 ${put.sha256} statt ${sha256})`);
  }

  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.generatedDocument.create({
        data: {
          applicationId: app.id,
          kind: input.kind,
          title: input.title,
          filename: input.filename,
          mimeType: input.mimeType,
          sizeBytes: BigInt(input.bytes.byteLength),
          sha256,
          storageKey,
          sourceKey: input.sourceKey,
          audience: input.audience ?? "CASE",
          participationId: input.participationId ?? null,
          decisionId: input.decisionId ?? null,
        },
        select: { id: true },
      });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: null,
        type: input.eventType,
        payload: { ...input.eventPayload, generatedDocumentId: created.id, sha256 },
      });
      return created;
    });
    log.info(
      { generatedDocumentId: row.id, kind: input.kind, sha256, bytes: input.bytes.byteLength },
      "stored",
    );
    return { created: true, generatedDocumentId: row.id, sha256, storageKey };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const existing = await findGenerated(db, input.sourceKey);
      if (existing) {
        log.info({ generatedDocumentId: existing.id }, "already stored by a concurrent run");
        return { created: false, generatedDocumentId: existing.id, sha256: existing.sha256, storageKey };
      }
    }
    throw err;
  }
}
