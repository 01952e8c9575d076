import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
import { APPLICATION_STATUS_LABELS } from "~/components/status";
import { evaluateCompleteness, type Finding } from "~/domain/completeness";
import { outsideDistrictMessage } from "~/domain/districts";
import { type DocumentType, getDocumentType } from "~/domain/document-types";
import { WITHDRAWABLE_STATUSES } from "~/domain/lifecycle";
import { type ApplicationStatus, Prisma } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { lockCase } from "~/models/case-lock.server";
import { allocateFileNumber } from "~/models/file-number.server";
import { buildSearchText } from "~/models/inbox.server";
import { initialApplicationStatus, transitionApplication } from "~/models/lifecycle.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { ApplicationSnapshot, SnapshotDocument } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { checkUploadedFile } from "~/utils/file-checks.server";
import { hashFile, readHead } from "~/utils/file-digest.server";
import { logger } from "~/utils/logger.server";
import { PdfInspectorUnavailableError } from "~/utils/pdf-inspect.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import { XBAU_NS } from "~/xbau/codes";
import { type ImportedAntrag, type ImportedDocument, mapAntrag0200 } from "~/xbau/import/antrag-0200.server";
import {
  ANTRAG_GEAENDERT_0202,
  type ImportedAenderung,
  mapAntragGeaendert0202,
} from "~/xbau/import/antrag-geaendert-0202.server";
import { type IntakeProblem, IntakeRefused } from "~/xbau/import/problems";
import { parseHardened, tooLarge, XML_LIMITS, type XNode } from "~/xbau/import/safe-xml.server";
import { derivedUuid, UUID_RE } from "~/xbau/message.server";
import { ValidationBusyError, validateMessageOffThread } from "~/xbau/validation-pool.server";
import {
  documentVersionKey,
  generatedKey,
  getStorage,
  type PutResult,
  type Storage,
  sanitizeFilename,
} from "../../storage/index";

/**
 * XBau intake (issue 16): a `baugenehmigung.antrag.0200` received by an authority becomes a case
 * exactly like an online submission — Aktenzeichen from the authority's counter, immutable
 * snapshot, status SUBMITTED, history event, and the same follow-up jobs through the outbox
 * (Eingangsbestätigung, XBau 0200 of the case, notifications).
 *
 * Gates, in order, each refusing with the element and the reason in German:
 *   size → hardened parse (no DTD/entities, UTF-8, depth/element limits) → message type →
 *   official XSDs → official Schematron → mapping onto the case data → receiving authority
 *   (leser) is the clerk's own → attachments: each `anhang` delivered (by file name), no extra
 *   files, hash and size as declared, same type and content checks as uploads.
 * Only then are objects written (message + files) and one transaction creates the rows; a failure
 * removes every object again. Idempotent: (authority, message id) is unique in InboundMessage, so
 * the same message twice — even at the same moment — yields one case.
 */

export interface IntakeAttachment {
  /** File name as delivered (multipart filename). */
  filename: string;
  /** Temp file holding the bytes (the caller removes it). */
  path: string;
}

export interface IntakeInput {
  message: Buffer;
  attachments: IntakeAttachment[];
}

/** Who delivers: a clerk uploading in the inbox, or an API client (POST /api/v1/intake). */
export type IntakeReceiver =
  | { kind: "clerk"; user: SessionUser }
  | { kind: "api"; clientId: string; authorityId: string };

export type IntakeResult =
  | {
      ok: true;
      /** Which message it was: a new application (0200) or a change of one (0202). */
      messageType: typeof ANTRAG_0200 | typeof ANTRAG_GEAENDERT_0202;
      applicationId: string;
      fileNumber: string;
      duplicate: boolean;
      /** nachrichtenUUID of our answer (Kernmodul 1120), built by the xbau.answer-intake job. */
      answerMessageId: string | null;
    }
  | {
      ok: false;
      code: IntakeRefused["code"] | "not-allowed" | "failed" | "busy";
      problems: IntakeProblem[];
    };

const ANTRAG_0200 = "baugenehmigung.antrag.0200";

export interface IntakeOptions {
  storage?: Storage;
}

const SCHEMA = "xbau-nachrichten-baugenehmigung.xsd";

const NOT_ALLOWED: IntakeProblem = {
  element: "Berechtigung",
  message: "Nur Sachbearbeiter:innen einer Bauaufsichtsbehörde können XBau-Nachrichten einlesen.",
};

/** libxml2's XSD messages name the element as "Element '{ns}name'"; the reason follows. */
function xsdProblem(e: { line: number; message: string }): IntakeProblem {
  const element = /Element '(?:\{[^}]*\})?([^']+)'/.exec(e.message)?.[1];
  return {
    element: element ? `${element} (Zeile ${e.line})` : `Zeile ${e.line}`,
    message: `Verstößt gegen das XBau-2.6-Schema (XSD): ${e.message.replace(/^Element '[^']+':\s*/, "")}`,
  };
}

/** "/Q{ns}baugenehmigung.antrag.0200[1]/Q{}nachrichtenkopf.g2g[1]" → "baugenehmigung.antrag.0200/nachrichtenkopf.g2g". */
function svrlPath(location: string): string {
  return (
    location
      .replace(/Q\{[^}]*\}/g, "")
      .replace(/\[\d+\]/g, "")
      .replace(/^\//, "") || "Nachricht"
  );
}

/** Refuses a root that is none of the messages we receive. */
function messageKindOf(root: XNode): typeof ANTRAG_0200 | typeof ANTRAG_GEAENDERT_0202 {
  if (root.ns === XBAU_NS && (root.name === ANTRAG_0200 || root.name === ANTRAG_GEAENDERT_0202))
    return root.name;
  throw new IntakeRefused("wrong-message", [
    {
      element: root.name,
      message: `Erwartet wird eine XBau-2.6-Nachricht ${ANTRAG_0200} oder ${ANTRAG_GEAENDERT_0202} (Namensraum ${XBAU_NS}); empfangen wurde "${root.name}"${root.ns ? ` im Namensraum ${root.ns}` : " ohne Namensraum"}.`,
    },
  ]);
}

export type CheckedMessage =
  | { kind: typeof ANTRAG_0200; antrag: ImportedAntrag }
  | { kind: typeof ANTRAG_GEAENDERT_0202; change: ImportedAenderung };

/**
 * Parses and checks a message without touching the database: size, hardened parse, message type,
 * then XSD and Schematron in the validation pool's worker threads (never on the request thread).
 */
export async function checkXbauMessage(message: Buffer, landProfile: string): Promise<CheckedMessage> {
  if (message.length > XML_LIMITS.maxBytes) throw tooLarge(XML_LIMITS.maxBytes);
  const { text, root } = parseHardened(message);
  const kind = messageKindOf(root);
  const { xsd, schematron: sch } = await validateMessageOffThread(text, SCHEMA);
  if (!xsd.valid) throw new IntakeRefused("xsd", xsd.errors.slice(0, 20).map(xsdProblem));
  if (sch && !sch.valid) {
    throw new IntakeRefused(
      "schematron",
      sch.violations.slice(0, 20).map((v) => ({
        element: svrlPath(v.location),
        message: `${v.text} (XBau-Regel ${v.id})`,
      })),
    );
  }
  return kind === ANTRAG_0200
    ? { kind, antrag: mapAntrag0200(root, landProfile) }
    : { kind, change: mapAntragGeaendert0202(root) };
}

interface CheckedFile {
  doc: ImportedDocument;
  attachment: IntakeAttachment;
  mimeType: string;
  sha256: string;
  sizeBytes: number;
  pageCount: number | null;
}

/** Checks run in parallel per import (qpdf is a child process; hashing and sniffing are I/O). */
const CHECK_CONCURRENCY = 4;

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. A failing lane stops; the others finish. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  // Every lane settles before a failure is reported, so the caller's cleanup sees no put in flight.
  const settled = await Promise.allSettled(lanes);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results;
}

/** The upload checks for one delivered file: size, declared hash and size, type, content. */
async function checkOne(
  doc: ImportedDocument,
  attachment: IntakeAttachment,
  type: DocumentType,
  maxBytes: number,
): Promise<CheckedFile | { problem: IntakeProblem }> {
  const refuse = (suffix: string, message: string) => ({
    problem: { element: `${doc.element}${suffix}`, message },
  });
  const { sha256, sizeBytes } = await hashFile(attachment.path);
  if (sizeBytes === 0) return refuse("/anhang", `Die Datei "${attachment.filename}" ist leer.`);
  if (sizeBytes > maxBytes) {
    return refuse(
      "/anhang",
      `Die Datei "${attachment.filename}" ist größer als erlaubt (${Math.round(maxBytes / 1024 / 1024)} MB).`,
    );
  }
  if (doc.file?.sha256 && doc.file.sha256 !== sha256) {
    return refuse(
      "/anhang/@hashValue",
      `Die Datei "${attachment.filename}" stimmt nicht mit dem Hashwert der Nachricht überein (beschädigt oder ausgetauscht).`,
    );
  }
  if (doc.file?.sizeBytes !== undefined && doc.file.sizeBytes !== sizeBytes) {
    return refuse(
      "/anhang/@filesize",
      `Die Datei "${attachment.filename}" hat ${sizeBytes} Bytes, die Nachricht nennt ${doc.file.sizeBytes}.`,
    );
  }
  const detected = (await fileTypeFromBuffer(await readHead(attachment.path)))?.mime;
  if (!detected || !type.mimeTypes.includes(detected)) {
    return refuse(
      "/anhang",
      `Die Datei "${attachment.filename}" ist kein zulässiges Format für „${type.shortLabel}“ (erlaubt: ${type.mimeTypes.join(", ")}).`,
    );
  }
  const inspected = await checkUploadedFile(attachment.path, attachment.filename, detected);
  if (!inspected.ok) return refuse("/anhang", inspected.message);
  return { doc, attachment, mimeType: detected, sha256, sizeBytes, pageCount: inspected.pageCount };
}

/** Matches every `anhang` to a delivered file and runs the upload checks on it. */
async function checkAttachments(
  documents: readonly ImportedDocument[],
  delivered: IntakeAttachment[],
): Promise<CheckedFile[]> {
  const problems: IntakeProblem[] = [];
  const byName = new Map<string, IntakeAttachment>();
  for (const a of delivered) {
    const key = a.filename.normalize("NFC").toLowerCase();
    if (byName.has(key)) {
      problems.push({
        element: "Anlagen",
        message: `Die Datei "${a.filename}" wurde mehrfach mitgeschickt.`,
      });
    }
    byName.set(key, a);
  }
  const used = new Set<string>();
  const maxBytes = env().UPLOAD_MAX_BYTES;
  // Matching is cheap and ordered; the byte checks (hash, type, qpdf) run a few at a time.
  const pending: { doc: ImportedDocument; attachment: IntakeAttachment; type: DocumentType }[] = [];
  for (const doc of documents) {
    const type = getDocumentType(doc.typeCode);
    if (!type) {
      problems.push({
        element: `${doc.element}/anlageart`,
        message: `Die Anlagenart ${doc.typeCode} ist unbekannt.`,
      });
      continue;
    }
    if (!doc.file) continue;
    const key = doc.file.filename.normalize("NFC").toLowerCase();
    const attachment = byName.get(key);
    if (!attachment) {
      problems.push({
        element: `${doc.element}/anhang/dateiname`,
        message: `Die Datei "${doc.file.filename}" ist in der Nachricht genannt, wurde aber nicht mitgeschickt.`,
      });
      continue;
    }
    used.add(key);
    pending.push({ doc, attachment, type });
  }
  const outcomes = await mapLimited(pending, CHECK_CONCURRENCY, ({ doc, attachment, type }) =>
    checkOne(doc, attachment, type, maxBytes),
  );
  const checked: CheckedFile[] = [];
  for (const o of outcomes) {
    if ("problem" in o) problems.push(o.problem);
    else checked.push(o);
  }
  for (const a of delivered) {
    if (!used.has(a.filename.normalize("NFC").toLowerCase())) {
      problems.push({
        element: "Anlagen",
        message: `Die Datei "${a.filename}" wird in der Nachricht nicht als Anlage genannt.`,
      });
    }
  }
  if (problems.length > 0) throw new IntakeRefused("attachments", problems);
  return checked;
}

class Duplicate extends Error {}

/** The earlier delivery of this message id to this authority, answered again (idempotency). */
async function earlierDelivery(authorityId: string, messageId: string): Promise<IntakeResult | null> {
  const row = await db().inboundMessage.findUnique({
    where: { authorityId_messageId: { authorityId, messageId } },
    select: {
      messageType: true,
      applicationId: true,
      answerMessageId: true,
      application: { select: { fileNumber: true } },
    },
  });
  if (!row?.applicationId || !row.application?.fileNumber) return null;
  return {
    ok: true,
    messageType: row.messageType === ANTRAG_GEAENDERT_0202 ? ANTRAG_GEAENDERT_0202 : ANTRAG_0200,
    applicationId: row.applicationId,
    fileNumber: row.application.fileNumber,
    duplicate: true,
    answerMessageId: row.answerMessageId,
  };
}

const authoritySelect = {
  id: true,
  name: true,
  slug: true,
  landProfile: true,
  fileNumberFormat: true,
  ags: true,
  xbauKennung: true,
} as const;

type IntakeAuthority = Prisma.AuthorityGetPayload<{ select: typeof authoritySelect }>;

interface Receiving {
  authority: IntakeAuthority;
  /** The user rows name as creator/uploader: the clerk; for an API client the admin who set it up. */
  user: { id: string; displayName: string; email: string };
  /** Actor of case events: the clerk; null for an API client (named in the payload instead). */
  eventActorId: string | null;
  receivedById: string | null;
  apiClientId: string | null;
  /** How it arrived, for the history. */
  channel: "xbau" | "api";
  via: string;
}

/** Who receives, scoped to one Bauaufsicht; null = not allowed. */
async function resolveReceiver(receiver: IntakeReceiver): Promise<Receiving | null> {
  const authorityId = receiver.kind === "clerk" ? receiver.user.authorityId : receiver.authorityId;
  if (receiver.kind === "clerk" && !can(receiver.user, "review:application:authority")) return null;
  if (!authorityId) return null;
  const authority = await db().authority.findFirst({
    where: { id: authorityId, kind: "BAUAUFSICHT" },
    select: authoritySelect,
  });
  if (!authority) return null;
  if (receiver.kind === "clerk") {
    const u = receiver.user;
    return {
      authority,
      user: { id: u.id, displayName: u.displayName, email: u.email },
      eventActorId: u.id,
      receivedById: u.id,
      apiClientId: null,
      channel: "xbau",
      via: "Posteingang",
    };
  }
  // Scoped by the authority in the query: a client id of another authority finds nothing.
  const client = await db().apiClient.findFirst({
    where: { id: receiver.clientId, authorityId, revokedAt: null },
    select: { id: true, name: true, createdById: true },
  });
  if (!client) return null;
  // Cases and document versions name a responsible user: the admin who created the API access
  // (who authorised this system to deliver), else the authority's longest-standing admin.
  const responsible =
    (client.createdById
      ? await db().user.findFirst({
          where: { id: client.createdById, authorityId },
          select: { id: true, displayName: true, email: true },
        })
      : null) ??
    (await db().user.findFirst({
      where: { authorityId, roles: { has: "ADMIN" } },
      orderBy: { createdAt: "asc" },
      select: { id: true, displayName: true, email: true },
    }));
  if (!responsible) return null;
  return {
    authority,
    user: responsible,
    eventActorId: null,
    receivedById: null,
    apiClientId: client.id,
    channel: "api",
    via: `API-Zugang „${client.name}“`,
  };
}

/** Kept for the inbox route and its tests: a clerk's upload. */
export function importXbauAntrag(
  user: SessionUser,
  input: IntakeInput,
  options: IntakeOptions = {},
): Promise<IntakeResult> {
  return receiveXbauMessage({ kind: "clerk", user }, input, options);
}

/** The leser of the message must be this authority, by the Kennung its admin registered. */
function checkReader(authority: IntakeAuthority, reader: { id: string; name: string }): void {
  // Our own identity is what the admin registered (Verwaltung → XBau), never derived.
  const ownId = authority.xbauKennung;
  if (!ownId) {
    throw new IntakeRefused("authority", [
      {
        element: "nachrichtenkopf.g2g/leser/kennung",
        message: `Für ${authority.name} ist keine XBau-Behördenkennung (DVDV) eingerichtet; ohne sie lässt sich nicht prüfen, ob die Nachricht an diese Behörde gerichtet ist. Die Verwaltung trägt sie unter „Verwaltung → XBau“ ein.`,
      },
    ]);
  }
  if (reader.id !== ownId) {
    throw new IntakeRefused("authority", [
      {
        element: "nachrichtenkopf.g2g/leser/kennung",
        message: `Die Nachricht ist an „${reader.name}“ (${reader.id}) gerichtet, nicht an ${authority.name} (${ownId}). Sie wird nicht angenommen.`,
      },
    ]);
  }
}

/** The id of our 1120 answer: fixed per received message, so a retry or a repeat names the same. */
const answerIdOf = (authorityId: string, messageId: string) =>
  derivedUuid(`xbau-1120:${authorityId}:${messageId}`);

/** The 1120 answer job, written with the received message's rows. */
function enqueueAnswer(tx: Tx, inboundMessageId: string) {
  return enqueueInTx(tx, {
    jobName: "xbau.answer-intake",
    jobId: buildJobId("xbau.answer-intake", inboundMessageId),
    payload: { inboundMessageId },
  });
}

/** The received XML itself, under the case; its key is in `written` before the put (cleanup). */
async function storeMessage(
  storage: Storage,
  written: string[],
  o: { authorityId: string; applicationId: string; inboundId: string; message: Buffer },
) {
  const messageKey = generatedKey({
    authorityId: o.authorityId,
    applicationId: o.applicationId,
    kind: "xbau-inbound",
    id: o.inboundId,
    ext: "xml",
  });
  written.push(messageKey);
  const storedMessage = await storage.putStream(messageKey, Readable.from([o.message]), {
    contentType: "application/xml",
  });
  return { messageKey, storedMessage };
}

/** The checked attachments into storage (a few at a time); the bytes must still be the checked ones. */
async function putAttachments(storage: Storage, planned: { key: string; file: CheckedFile }[]) {
  await mapLimited(planned, CHECK_CONCURRENCY, async (v) => {
    const put = await storage.putStream(v.key, createReadStream(v.file.attachment.path), {
      contentType: v.file.mimeType,
    });
    if (put.sha256 !== v.file.sha256) throw new Error("attachment changed while it was stored");
  });
}

/** The inbound message row; the unique message id makes a concurrent second import a Duplicate. */
async function createInboundInTx(tx: Tx, data: Prisma.InboundMessageUncheckedCreateInput) {
  try {
    await tx.inboundMessage.create({ data });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new Duplicate();
    throw error;
  }
}

type PlannedVersion = { versionId: string; documentId: string; key: string; file: CheckedFile };

/** Documents and first versions of a received 0200; returns the snapshot's document list. */
async function createReceivedDocumentsInTx(
  tx: Tx,
  applicationId: string,
  antrag: { documents: ImportedDocument[] },
  versions: Map<ImportedDocument, PlannedVersion>,
  userId: string,
): Promise<SnapshotDocument[]> {
  // Two statements for all documents and versions: a message may carry hundreds.
  const rows = antrag.documents.map((doc) => ({ doc, v: versions.get(doc), id: randomUUID() }));
  await tx.document.createMany({
    data: rows.map(({ doc, v, id }) => ({
      id: v?.documentId ?? id,
      applicationId,
      typeCode: doc.typeCode,
      title: doc.title,
      toBeSubmittedLater: !v,
    })),
  });
  await tx.documentVersion.createMany({
    data: rows.flatMap(({ v }) =>
      v
        ? [
            {
              id: v.versionId,
              documentId: v.documentId,
              versionNumber: 1,
              filename: sanitizeFilename(v.file.attachment.filename),
              mimeType: v.file.mimeType,
              sizeBytes: BigInt(v.file.sizeBytes),
              sha256: v.file.sha256,
              storageKey: v.key,
              pageCount: v.file.pageCount,
              uploadedById: userId,
            },
          ]
        : [],
    ),
  });
  return rows.map(({ doc, v, id }) => ({
    documentId: v?.documentId ?? id,
    typeCode: doc.typeCode,
    title: doc.title,
    versionId: v?.versionId ?? null,
    versionNumber: v ? 1 : null,
    filename: v ? sanitizeFilename(v.file.attachment.filename) : null,
    sha256: v?.file.sha256 ?? null,
    sizeBytes: v?.file.sizeBytes ?? null,
    mimeType: v?.file.mimeType ?? null,
    pageCount: v?.file.pageCount ?? null,
    toBeSubmittedLater: !v,
  }));
}

/** A 0202's files as new versions (or new documents) and its announced-only documents as "wird nachgereicht". */
async function addChangedDocumentsInTx(
  tx: Tx,
  applicationId: string,
  planned: (PlannedVersion & { isNew: boolean; file: CheckedFile & { doc: ImportedDocument } })[],
  laterOnly: ImportedDocument[],
  userId: string,
) {
  for (const v of planned) {
    if (v.isNew) {
      await tx.document.create({
        data: {
          id: v.documentId,
          applicationId,
          typeCode: v.file.doc.typeCode,
          title: v.file.doc.title,
        },
      });
    } else {
      await tx.document.update({ where: { id: v.documentId }, data: { toBeSubmittedLater: false } });
    }
    const latest = await tx.documentVersion.aggregate({
      where: { documentId: v.documentId },
      _max: { versionNumber: true },
    });
    await tx.documentVersion.create({
      data: {
        id: v.versionId,
        documentId: v.documentId,
        versionNumber: (latest._max.versionNumber ?? 0) + 1,
        filename: sanitizeFilename(v.file.attachment.filename),
        mimeType: v.file.mimeType,
        sizeBytes: BigInt(v.file.sizeBytes),
        sha256: v.file.sha256,
        storageKey: v.key,
        pageCount: v.file.pageCount,
        uploadedById: userId,
      },
    });
  }
  if (laterOnly.length > 0) {
    await tx.document.createMany({
      data: laterOnly.map((d) => ({
        applicationId,
        typeCode: d.typeCode,
        title: d.title,
        toBeSubmittedLater: true,
      })),
    });
  }
}

/** Why an intake failed, as the sender reads it; a lost race with the same message answers with its case. */
async function intakeFailure(error: unknown, authorityId: string, message: Buffer): Promise<IntakeResult> {
  if (!(error instanceof IntakeRefused)) {
    // Another upload of the same message won the race (the unique constraint refused this one,
    // whichever form the driver's error takes): answer with its case.
    if (!(error instanceof Duplicate))
      logger.warn({ err: error }, "XBau intake: failed, checking for a concurrent import");
    const messageId = checkMessageId(message);
    const earlier = messageId ? await earlierDelivery(authorityId, messageId) : null;
    if (earlier) return earlier;
  }
  if (error instanceof IntakeRefused) {
    logger.info({ code: error.code, problems: error.problems.length }, "XBau intake refused");
    return { ok: false, code: error.code, problems: error.problems };
  }
  if (error instanceof ValidationBusyError) {
    return {
      ok: false,
      code: "busy",
      problems: [
        {
          element: "Nachricht",
          message:
            "Die Prüfung eingehender Nachrichten ist gerade ausgelastet. Bitte in einigen Sekunden erneut senden; es wurde nichts gespeichert.",
        },
      ],
    };
  }
  if (error instanceof PdfInspectorUnavailableError) {
    return {
      ok: false,
      code: "failed",
      problems: [
        {
          element: "Anlagen",
          message: "Die PDF-Prüfung ist gerade nicht verfügbar. Bitte später erneut versuchen.",
        },
      ],
    };
  }
  logger.error({ err: error }, "XBau intake failed");
  return {
    ok: false,
    code: "failed",
    problems: [
      {
        element: "Nachricht",
        message: "Die Nachricht konnte nicht eingelesen werden. Bitte erneut versuchen.",
      },
    ],
  };
}

/** A checked 0200 whose objects are stored, ready to become a case. */
interface Received0200 {
  who: Receiving;
  antrag: ImportedAntrag;
  applicationId: string;
  inboundId: string;
  messageKey: string;
  storedMessage: PutResult;
  versions: Map<ImportedDocument, PlannedVersion>;
  receivedAt: Date;
  answerMessageId: string;
}

/**
 * The case of a received 0200 in one transaction: inbound row, case (created as a draft so the rows
 * exist, then received), documents, open items, follow-up jobs, Aktenzeichen, event; returns the Aktenzeichen.
 */
async function recordReceived0200InTx(tx: Tx, r: Received0200): Promise<string> {
  const { who, antrag, applicationId } = r;
  const { authority } = who;
  await createInboundInTx(tx, {
    id: r.inboundId,
    authorityId: authority.id,
    messageId: antrag.messageId,
    messageType: "baugenehmigung.antrag.0200",
    senderId: antrag.author.id,
    senderName: antrag.author.name,
    status: "IMPORTED",
    receivedById: who.receivedById,
    apiClientId: who.apiClientId,
    senderReference: antrag.senderReference?.toLowerCase() ?? null,
    answerMessageId: r.answerMessageId,
    sha256: r.storedMessage.sha256,
    sizeBytes: r.storedMessage.sizeBytes,
    storageKey: r.messageKey,
  });
  await tx.application.create({
    data: {
      id: applicationId,
      authorityId: authority.id,
      createdById: who.user.id,
      status: initialApplicationStatus("authority"),
      procedureType: antrag.procedureType,
      title: antrag.title,
      data: antrag.data as Prisma.InputJsonValue,
    },
  });
  const snapshotDocs = await createReceivedDocumentsInTx(tx, applicationId, antrag, r.versions, who.user.id);
  // What is missing is noted as open items (as for an online submission); the formal
  // review decides on a Nachforderung — a received application cannot be sent back unread.
  const completeness = evaluateCompleteness({
    profile: authority.landProfile,
    procedureType: antrag.procedureType,
    data: antrag.data,
    documents: antrag.documents.map((d) => ({
      typeCode: d.typeCode,
      hasFile: r.versions.has(d),
      toBeSubmittedLater: !r.versions.has(d),
    })),
  });
  for (const jobName of ["documents.render-receipt", "xbau.export-application"] as const) {
    await enqueueInTx(tx, {
      jobName,
      jobId: buildJobId(jobName, applicationId),
      payload: { applicationId },
    });
  }
  await enqueueAnswer(tx, r.inboundId);
  await notifyInTx(tx, "application.submitted", { applicationId, actorId: who.eventActorId });
  const { fileNumber } = await allocateFileNumber(tx, authority, r.receivedAt);
  const snapshot = snapshotOf0200(r, snapshotDocs, completeness.openItems, fileNumber);
  await tx.inboundMessage.update({ where: { id: r.inboundId }, data: { applicationId } });
  await appendEvent(tx, {
    applicationId,
    actorId: who.eventActorId,
    type: "xbau.received",
    payload: {
      message: ANTRAG_0200,
      messageId: antrag.messageId,
      sender: `${antrag.author.name} (${antrag.author.id})`,
      documents: r.versions.size,
      via: who.via,
      answerMessageId: r.answerMessageId,
    },
  });
  // Created as a draft above so the rows exist; it is received (submitted) in the same transaction.
  await transitionApplication(tx, {
    applicationId,
    command: "receiveXbau",
    from: "DRAFT",
    actor: { kind: "authority", id: who.eventActorId },
    set: {
      fileNumber,
      submittedAt: r.receivedAt,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      searchText: buildSearchText({
        fileNumber,
        title: antrag.title,
        data: antrag.data as Prisma.JsonValue,
      }),
    },
    // Enqueued above, before the counter lock (as for a submission).
    notify: false,
    payload: {
      fileNumber,
      role: "CLERK",
      channel: who.channel,
      documents: r.versions.size,
      openItems: snapshot.openItems.map((o) => ({
        message: o.message,
        documentTypeCodes: o.documentTypeCodes,
      })),
    },
  });
  return fileNumber;
}

/** The snapshot of a received 0200, submitted by the receiving clerk. */
function snapshotOf0200(
  r: Received0200,
  documents: SnapshotDocument[],
  openItems: readonly Finding[],
  fileNumber: string,
): ApplicationSnapshot {
  const { who, antrag, receivedAt } = r;
  const { authority } = who;
  return {
    schemaVersion: 1,
    fileNumber,
    title: antrag.title,
    procedureType: antrag.procedureType,
    data: antrag.data as Prisma.JsonValue,
    authority: { id: authority.id, name: authority.name, landProfile: authority.landProfile },
    municipality: null,
    members: [],
    documents,
    openItems: openItems.map((f) => ({
      ruleId: f.ruleId,
      message: f.message,
      legalBasis: f.legalBasis,
      documentTypeCodes: [...(f.documentTypeCodes ?? [])],
    })),
    submittedAt: receivedAt.toISOString(),
    submittedBy: {
      userId: who.user.id,
      displayName: who.user.displayName,
      email: who.user.email,
      role: "CLERK",
    },
  };
}

/**
 * Receives one XBau message (0200 → a new case, 0202 → a change of an existing case) with its
 * attachments. Every refusal names the element and the reason; nothing is stored then.
 */
export async function receiveXbauMessage(
  receiver: IntakeReceiver,
  input: IntakeInput,
  options: IntakeOptions = {},
): Promise<IntakeResult> {
  const who = await resolveReceiver(receiver);
  if (!who) return { ok: false, code: "not-allowed", problems: [NOT_ALLOWED] };
  const { authority } = who;
  const storage = options.storage ?? getStorage();
  const written: string[] = [];
  try {
    const checked = await checkXbauMessage(input.message, authority.landProfile);
    if (checked.kind === ANTRAG_GEAENDERT_0202) {
      return await receiveChange(who, checked.change, input, storage, written);
    }
    const antrag = checked.antrag;
    checkReader(authority, antrag.reader);
    // The site must lie in this authority's district (by the Gemeinde's AGS), as on submission.
    const outside = outsideDistrictMessage(authority, { ags: antrag.data.plot?.municipalityAgs });
    if (outside) {
      throw new IntakeRefused("authority", [
        {
          element: "bauvorhaben/verortung/baugrundstueck/grundstueck/anschrift/gemeindeschluessel",
          message: outside,
        },
      ]);
    }
    const earlier = await earlierDelivery(authority.id, antrag.messageId);
    if (earlier) return earlier;

    const files = await checkAttachments(antrag.documents, input.attachments);

    // Objects first (under a fresh case id), rows last; `written` is cleaned up on any failure.
    const applicationId = randomUUID();
    const inboundId = randomUUID();
    const { messageKey, storedMessage } = await storeMessage(storage, written, {
      authorityId: authority.id,
      applicationId,
      inboundId,
      message: input.message,
    });
    const versions = new Map<
      ImportedDocument,
      { versionId: string; documentId: string; key: string; file: CheckedFile }
    >();
    for (const file of files) {
      const documentId = randomUUID();
      const versionId = randomUUID();
      const key = documentVersionKey({ authorityId: authority.id, applicationId, documentId, versionId });
      written.push(key); // before the put: a half-written object is removed too
      versions.set(file.doc, { versionId, documentId, key, file });
    }
    await putAttachments(storage, [...versions.values()]);

    const receivedAt = new Date();
    const answerMessageId = answerIdOf(authority.id, antrag.messageId);
    const received: Received0200 = {
      who,
      antrag,
      applicationId,
      inboundId,
      messageKey,
      storedMessage,
      versions,
      receivedAt,
      answerMessageId,
    };
    const fileNumber = await db().$transaction((tx) => recordReceived0200InTx(tx, received), {
      maxWait: 30_000,
      timeout: 30_000,
    });
    written.length = 0; // committed: the objects belong to the rows now
    logger.info({ applicationId, fileNumber, messageId: antrag.messageId }, "XBau 0200 imported");
    return {
      ok: true,
      messageType: ANTRAG_0200,
      applicationId,
      fileNumber,
      duplicate: false,
      answerMessageId,
    };
  } catch (error) {
    return intakeFailure(error, authority.id, input.message);
  } finally {
    for (const key of written) {
      await storage
        .remove(key)
        .catch((err: unknown) => logger.error({ err, key }, "XBau intake: cleanup failed"));
    }
  }
}

/** Statuses that take a 0202: an application made and not yet decided (XSD: "zu dem noch kein Bescheid erteilt wurde"). */
const ACCEPTS_CHANGES: readonly ApplicationStatus[] = WITHDRAWABLE_STATUSES;

/**
 * The case a 0202 refers to, in this authority only (the query is scoped by authorityId): by the
 * Aktenzeichen (bezug/vorgang), else by the application reference (bezug/referenz: our
 * application id, or the referenzAntragsservice of the 0200 it came with). A case of another
 * authority is as unknown as one that does not exist.
 */
async function findChangedCase(authority: IntakeAuthority, change: ImportedAenderung) {
  const { fileNumber, referenz } = change.reference;
  const select = { id: true, fileNumber: true, status: true } as const;
  const byReferenz = (r: string) => ({
    OR: [
      ...(UUID_RE.test(r) ? [{ id: r }] : []),
      { inboundMessages: { some: { authorityId: authority.id, senderReference: r } } },
    ],
  });
  const found = await db().application.findFirst({
    where: {
      authorityId: authority.id,
      status: { not: "DRAFT" },
      ...(fileNumber ? { fileNumber } : byReferenz(referenz ?? "")),
    },
    select,
  });
  if (!found?.fileNumber) {
    throw new IntakeRefused("case", [
      fileNumber
        ? {
            element: "xbau:bezug/vorgang",
            message: `Bei ${authority.name} gibt es keinen Vorgang mit dem Aktenzeichen „${fileNumber}“. Die Änderung wird nicht angenommen.`,
          }
        : {
            element: "xbau:bezug/referenz",
            message: `Bei ${authority.name} gibt es keinen Antrag mit der Referenz „${referenz}“. Die Änderung wird nicht angenommen.`,
          },
    ]);
  }
  if (fileNumber && referenz) {
    const matches = await db().application.count({
      where: { id: found.id, authorityId: authority.id, ...byReferenz(referenz) },
    });
    if (matches === 0) {
      throw new IntakeRefused("case", [
        {
          element: "xbau:bezug/referenz",
          message: `Die Referenz „${referenz}“ gehört nicht zum Vorgang ${fileNumber}. Aktenzeichen und Referenz müssen denselben Antrag bezeichnen.`,
        },
      ]);
    }
  }
  checkAcceptsChanges(found.fileNumber, found.status);
  return { id: found.id, fileNumber: found.fileNumber };
}

function checkAcceptsChanges(fileNumber: string, status: ApplicationStatus): void {
  if (ACCEPTS_CHANGES.includes(status)) return;
  throw new IntakeRefused("state", [
    {
      element: ANTRAG_GEAENDERT_0202,
      message: `Der Vorgang ${fileNumber} ist im Stand „${APPLICATION_STATUS_LABELS[status]}“. Änderungen des Antrags (XBau 0202) werden nur bis zum Bescheid angenommen.`,
    },
  ]);
}

const documentKey = (typeCode: string, title: string) =>
  `${typeCode}|${title.normalize("NFC").trim().toLowerCase()}`;

/** A 0202's changed Bauvorhaben data replace the case data (a gross data set). */
async function replaceCaseDataInTx(
  tx: Tx,
  target: { id: string; fileNumber: string },
  data: NonNullable<ImportedAenderung["data"]>,
  title: string,
) {
  await tx.application.update({
    where: { id: target.id },
    data: {
      data: data as Prisma.InputJsonValue,
      title,
      version: { increment: 1 },
      searchText: buildSearchText({ fileNumber: target.fileNumber, title, data: data as Prisma.JsonValue }),
    },
  });
}

/**
 * A 0202 for an existing case: changed Bauvorhaben data replace the case data (a gross data set),
 * each delivered file becomes a new version of the document with the same type and title (or a
 * new document), the history records it, the clerks are told (as for an answered Nachforderung)
 * and the sender gets the 1120. The status stays: the clerk judges what the change means.
 */
async function receiveChange(
  who: Receiving,
  change: ImportedAenderung,
  input: IntakeInput,
  storage: Storage,
  written: string[],
): Promise<IntakeResult> {
  const { authority } = who;
  checkReader(authority, change.reader);
  const earlier = await earlierDelivery(authority.id, change.messageId);
  if (earlier) return earlier;
  const target = await findChangedCase(authority, change);
  const files = await checkAttachments(change.documents, input.attachments);

  const existing = await db().document.findMany({
    where: { applicationId: target.id, application: { authorityId: authority.id } },
    select: { id: true, typeCode: true, title: true },
  });
  const existingByKey = new Map(existing.map((d) => [documentKey(d.typeCode, d.title), d.id]));
  const inboundId = randomUUID();
  const { messageKey, storedMessage } = await storeMessage(storage, written, {
    authorityId: authority.id,
    applicationId: target.id,
    inboundId,
    message: input.message,
  });
  const planned = files.map((file) => {
    const known = existingByKey.get(documentKey(file.doc.typeCode, file.doc.title));
    const documentId = known ?? randomUUID();
    const versionId = randomUUID();
    const key = documentVersionKey({
      authorityId: authority.id,
      applicationId: target.id,
      documentId,
      versionId,
    });
    written.push(key);
    return { file, documentId, versionId, key, isNew: !known };
  });
  await putAttachments(storage, planned);
  const answerMessageId = answerIdOf(authority.id, change.messageId);
  const laterOnly = change.documents.filter(
    (d) => !d.file && !existingByKey.has(documentKey(d.typeCode, d.title)),
  );

  await db().$transaction(
    async (tx) => {
      const locked = await lockCase(tx, authority.id, target.id, { status: true, title: true, data: true });
      if (!locked)
        throw new IntakeRefused("case", [
          { element: "xbau:bezug", message: "Der Vorgang ist nicht mehr vorhanden." },
        ]);
      checkAcceptsChanges(target.fileNumber, locked.status);
      const original = await tx.inboundMessage.findFirst({
        where: { authorityId: authority.id, applicationId: target.id, messageType: ANTRAG_0200 },
        select: { senderReference: true },
      });
      await createInboundInTx(tx, {
        id: inboundId,
        authorityId: authority.id,
        messageId: change.messageId,
        messageType: ANTRAG_GEAENDERT_0202,
        senderId: change.author.id,
        senderName: change.author.name,
        status: "IMPORTED",
        receivedById: who.receivedById,
        apiClientId: who.apiClientId,
        // The 1120 refers to the application's referenzAntragsservice (XSD documentation of its bezug).
        senderReference: original?.senderReference ?? change.reference.referenz,
        answerMessageId,
        sha256: storedMessage.sha256,
        sizeBytes: storedMessage.sizeBytes,
        storageKey: messageKey,
        applicationId: target.id,
      });
      await addChangedDocumentsInTx(tx, target.id, planned, laterOnly, who.user.id);
      if (change.data) await replaceCaseDataInTx(tx, target, change.data, change.title ?? locked.title);
      await appendEvent(tx, {
        applicationId: target.id,
        actorId: who.eventActorId,
        type: "xbau.received",
        payload: {
          message: ANTRAG_GEAENDERT_0202,
          messageId: change.messageId,
          sender: `${change.author.name} (${change.author.id})`,
          documents: planned.length,
          dataChanged: change.data !== null,
          answers: change.reference.answers,
          via: who.via,
          answerMessageId,
        },
      });
      // Clerks hear of it like of an answered Nachforderung: new data or Bauvorlagen to look at.
      await notifyInTx(tx, "request.answered", {
        applicationId: target.id,
        actorId: who.eventActorId,
        jobKey: `xbau-${inboundId}`,
      });
      await enqueueAnswer(tx, inboundId);
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
  written.length = 0;
  logger.info({ applicationId: target.id, messageId: change.messageId }, "XBau 0202 received");
  return {
    ok: true,
    messageType: ANTRAG_GEAENDERT_0202,
    applicationId: target.id,
    fileNumber: target.fileNumber,
    duplicate: false,
    answerMessageId,
  };
}

/** The message id of an already accepted message (parsed again only on the rare race path). */
function checkMessageId(message: Buffer): string | null {
  try {
    const { root } = parseHardened(message);
    const head = root.children.find((c) => c.name === "nachrichtenkopf.g2g");
    const ident = head?.children.find((c) => c.name === "identifikation.nachricht");
    return ident?.children.find((c) => c.name === "nachrichtenUUID")?.text.toLowerCase() ?? null;
  } catch {
    return null;
  }
}
