import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { CaseEventType } from "~/domain/case-events";
import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import type { Tx } from "~/utils/db.server";

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

import { ISSUED_DOCUMENT_KINDS, isIssuedKind } from "~/domain/issued-documents";
import { type TightSheet, tightHintsFor, tightSheetsFrom } from "~/domain/tight-sheets";
import { type ApplicationSnapshot, readSnapshot } from "~/models/submission.server";
import { env } from "~/utils/env.server";
import { generatedKey, getStorage, type Storage } from "../../storage/index";
import { issuePdf } from "../pdf/issue";
import type { SealSource } from "../pdf/seal";
import { sealForAuthority } from "../pdf/seal-source";
import { newVerificationCode, verificationUrl } from "../pdf/verification";

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

/** Where the authorities' seals are (env SEAL_DIR); a development seal is made unless this is a public production. */
export function defaultSealSource(): SealSource {
  const e = env();
  return { dir: e.SEAL_DIR, allowDevelopmentSeal: e.NODE_ENV !== "production" || e.ALLOW_LOCAL_APP_URL };
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
  /** Paper or e-mail intake (the receipt says so); null = online. */
  intakeChannel: true,
  authority: {
    select: {
      id: true,
      name: true,
      addressLine: true,
      email: true,
      ags: true,
      landProfile: true,
      xbauKennung: true,
      xbauName: true,
    },
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
  /** Issued PDFs only (ISSUED_DOCUMENT_KINDS): where the seals are; env SEAL_DIR unless given. */
  sealSource?: SealSource;
  /** Issued PDFs only: the base of the printed check address; env APP_URL unless given. */
  appUrl?: string;
  /**
   * Issued PDFs only: where the caller's own drawing (the stamp of an approved plan) had no free
   * area; stored with the verification mark's tight pages on the row, in the same transaction.
   */
  stampPlacements?: readonly { page: number; fit: string }[];
}

export interface StoredGenerated {
  created: boolean;
  generatedDocumentId: string;
  sha256: string;
  storageKey: string;
}

export async function storeGenerated(input: StoreGeneratedInput): Promise<StoredGenerated> {
  if (isIssuedKind(input.kind) && input.mimeType === "application/pdf") return storeIssued(input);
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

const issuerSelect = { id: true, name: true, addressLine: true, email: true } as const;

/**
 * Who seals an issued PDF: the agency for its statement, otherwise the case's authority; read
 * outside the transaction, like the seal it selects.
 */
async function issuerOf(input: StoreGeneratedInput) {
  const { db, app } = input;
  const application = await db.application.findUniqueOrThrow({
    where: { id: app.id },
    select: { fileNumber: true, authority: { select: issuerSelect } },
  });
  const issuer =
    input.kind === "STATEMENT" && input.participationId
      ? (
          await db.participation.findUniqueOrThrow({
            where: { id: input.participationId },
            select: { agency: { select: issuerSelect } },
          })
        ).agency
      : application.authority;
  return { issuer, fileNumber: application.fileNumber ?? "ohne Aktenzeichen" };
}

/**
 * An issued PDF (ISSUED_DOCUMENT_KINDS): verification mark, then the seal of the issuing authority
 * (the agency for its statement, otherwise the case's authority), then storage and row.
 *
 * Sealed bytes differ from run to run (signing time, code), so "store again, same bytes" no longer
 * holds: one run per sourceKey at a time (a transaction-scoped advisory lock), and a run that finds
 * the row under the lock does nothing. A run that died after storing but before the row leaves an
 * object the next run overwrites before it writes the row: row, event and object always agree.
 */
async function storeIssued(input: StoreGeneratedInput): Promise<StoredGenerated> {
  const { db, storage, log, app } = input;
  const kind = input.kind as keyof typeof ISSUED_DOCUMENT_KINDS;
  const storageKey = generatedKey({
    authorityId: app.authorityId,
    applicationId: app.id,
    kind: input.keyKind,
    id: input.keyId,
    ext: input.ext,
  });
  const { issuer, fileNumber } = await issuerOf(input);
  const seal = await sealForAuthority(db, input.sealSource ?? defaultSealSource(), issuer);
  const label = ISSUED_DOCUMENT_KINDS[kind].label;

  const result = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`generated:${input.sourceKey}`}, 0))`;
      const existing = await tx.generatedDocument.findUnique({
        where: { sourceKey: input.sourceKey },
        select: { id: true, sha256: true, storageKey: true },
      });
      if (existing) return { created: false as const, existing };

      const code = newVerificationCode();
      const issued = await issuePdf(input.bytes, {
        seal,
        placement: ISSUED_DOCUMENT_KINDS[kind].placement,
        code,
        url: verificationUrl(input.appUrl ?? env().APP_URL, code),
        reason: `${label}, Az. ${fileNumber}`,
        location: issuer.addressLine ?? issuer.name,
        contactInfo: issuer.email ?? "",
      });
      const bytes = issued.bytes;
      const tightSheets = tightSheetsFrom(input.stampPlacements ?? [], issued.mark.tight);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const put = await storage.putStream(storageKey, Readable.from([Buffer.from(bytes)]), {
        contentType: input.mimeType,
      });
      if (put.sha256 !== sha256 || put.sizeBytes !== bytes.byteLength) {
        throw new Error(`Gespeicherte Datei ${storageKey} weicht ab (sha256 ${put.sha256} statt ${sha256})`);
      }
      const created = await tx.generatedDocument.create({
        data: {
          applicationId: app.id,
          kind: input.kind,
          title: input.title,
          filename: input.filename,
          mimeType: input.mimeType,
          sizeBytes: BigInt(bytes.byteLength),
          sha256,
          storageKey,
          sourceKey: input.sourceKey,
          audience: input.audience ?? "CASE",
          participationId: input.participationId ?? null,
          decisionId: input.decisionId ?? null,
          verificationCode: code,
          sealedAt: issued.sealedAt,
          sealedBy: seal.signerName,
          tightSheets,
        },
        select: { id: true },
      });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: null,
        type: input.eventType,
        payload: { ...input.eventPayload, generatedDocumentId: created.id, sha256 },
      });
      if (tightSheets.length > 0) await recordTightSheets(tx, input, created.id, tightSheets);
      return {
        created: true as const,
        id: created.id,
        sha256,
        bytes: bytes.byteLength,
        mark: issued.mark,
        tightSheets,
      };
    },
    // Sealing a large plan set and storing it takes a while; the lock only blocks the same sourceKey.
    { maxWait: 30_000, timeout: 120_000 },
  );
  if (!result.created) {
    log.info({ generatedDocumentId: result.existing.id }, "already stored by an earlier or concurrent run");
    return {
      created: false,
      generatedDocumentId: result.existing.id,
      sha256: result.existing.sha256,
      storageKey: result.existing.storageKey,
    };
  }
  log.info(
    {
      generatedDocumentId: result.id,
      kind: input.kind,
      sha256: result.sha256,
      bytes: result.bytes,
      sealedBy: seal.signerName,
      markPages: result.mark.pages,
      tightSheets: result.tightSheets,
    },
    result.tightSheets.length > 0
      ? "stored (sealed; no free area for the full stamp or verification mark on some sheets)"
      : "stored (sealed)",
  );
  return { created: true, generatedDocumentId: result.id, sha256: result.sha256, storageKey };
}

/**
 * The clerk's hint in the Akte: which sheets of this file had no room (the row carries the same
 * list for the decision section). Written with the row, so a retried job never records it twice.
 */
async function recordTightSheets(
  tx: Tx,
  input: StoreGeneratedInput,
  generatedDocumentId: string,
  sheets: TightSheet[],
): Promise<void> {
  await appendEvent(tx, {
    applicationId: input.app.id,
    actorId: null,
    type: "generated.tight-sheets",
    payload: {
      generatedDocumentId,
      kind: input.kind,
      title: input.title,
      sheets,
      ...(input.decisionId ? { decisionId: input.decisionId } : {}),
    },
  });
  // The assigned clerk (or, with none, the clerks) hears of it without opening the case.
  await notifyInTx(tx, "generated.tight-sheets", {
    applicationId: input.app.id,
    scope: generatedDocumentId,
    details: {
      generatedDocumentId,
      title: input.title,
      hints: tightHintsFor(input.kind, sheets).join(" "),
    },
  });
}
