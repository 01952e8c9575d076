import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
import { evaluateCompleteness } from "~/domain/completeness";
import { outsideDistrictMessage } from "~/domain/districts";
import { type DocumentType, getDocumentType } from "~/domain/document-types";
import { Prisma } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { allocateFileNumber } from "~/models/file-number.server";
import { buildSearchText } from "~/models/inbox.server";
import { initialApplicationStatus, transitionApplication } from "~/models/lifecycle.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { ApplicationSnapshot, SnapshotDocument } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { checkUploadedFile } from "~/utils/file-checks.server";
import { logger } from "~/utils/logger.server";
import { PdfInspectorUnavailableError } from "~/utils/pdf-inspect.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import {
  assertAntrag0200Root,
  type ImportedAntrag,
  type ImportedDocument,
  mapAntrag0200,
} from "~/xbau/import/antrag-0200.server";
import { type IntakeProblem, IntakeRefused } from "~/xbau/import/problems";
import { parseHardened, tooLarge, XML_LIMITS } from "~/xbau/import/safe-xml.server";
import { validateSchematron } from "~/xbau/schematron.server";
import { validateXml } from "~/xbau/validate.server";
import {
  documentVersionKey,
  generatedKey,
  getStorage,
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

export type IntakeResult =
  | { ok: true; applicationId: string; fileNumber: string; duplicate: boolean }
  | { ok: false; code: IntakeRefused["code"] | "not-allowed" | "failed"; problems: IntakeProblem[] };

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

/** Parses and checks a message without touching the database (used by the import and tests). */
export function checkAntrag0200(message: Buffer, landProfile: string): ImportedAntrag {
  if (message.length > XML_LIMITS.maxBytes) throw tooLarge(XML_LIMITS.maxBytes);
  const { text, root } = parseHardened(message);
  assertAntrag0200Root(root);
  const xsd = validateXml(text, SCHEMA);
  if (!xsd.valid) throw new IntakeRefused("xsd", xsd.errors.slice(0, 20).map(xsdProblem));
  const sch = validateSchematron(text);
  if (!sch.valid) {
    throw new IntakeRefused(
      "schematron",
      sch.violations.slice(0, 20).map((v) => ({
        element: svrlPath(v.location),
        message: `${v.text} (XBau-Regel ${v.id})`,
      })),
    );
  }
  return mapAntrag0200(root, landProfile);
}

interface CheckedFile {
  doc: ImportedDocument;
  attachment: IntakeAttachment;
  mimeType: string;
  sha256: string;
  sizeBytes: number;
  pageCount: number | null;
}

async function headOf(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(4100);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), sizeBytes };
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
  const detected = (await fileTypeFromBuffer(await headOf(attachment.path)))?.mime;
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
  antrag: ImportedAntrag,
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
  for (const doc of antrag.documents) {
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

async function existingCase(authorityId: string, messageId: string) {
  const row = await db().inboundMessage.findUnique({
    where: { authorityId_messageId: { authorityId, messageId } },
    select: { applicationId: true, application: { select: { fileNumber: true } } },
  });
  return row?.applicationId && row.application?.fileNumber
    ? { applicationId: row.applicationId, fileNumber: row.application.fileNumber }
    : null;
}

export async function importXbauAntrag(
  user: SessionUser,
  input: IntakeInput,
  options: IntakeOptions = {},
): Promise<IntakeResult> {
  if (!can(user, "review:application:authority") || !user.authorityId) {
    return { ok: false, code: "not-allowed", problems: [NOT_ALLOWED] };
  }
  const authority = await db().authority.findFirst({
    where: { id: user.authorityId, kind: "BAUAUFSICHT" },
    select: {
      id: true,
      name: true,
      slug: true,
      landProfile: true,
      fileNumberFormat: true,
      ags: true,
      xbauKennung: true,
    },
  });
  if (!authority) return { ok: false, code: "not-allowed", problems: [NOT_ALLOWED] };

  const storage = options.storage ?? getStorage();
  const written: string[] = [];
  try {
    const antrag = checkAntrag0200(input.message, authority.landProfile);
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
    if (antrag.reader.id !== ownId) {
      throw new IntakeRefused("authority", [
        {
          element: "nachrichtenkopf.g2g/leser/kennung",
          message: `Die Nachricht ist an „${antrag.reader.name}“ (${antrag.reader.id}) gerichtet, nicht an ${authority.name} (${ownId}). Sie wird nicht angenommen.`,
        },
      ]);
    }
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
    const earlier = await existingCase(authority.id, antrag.messageId);
    if (earlier) return { ok: true, ...earlier, duplicate: true };

    const files = await checkAttachments(antrag, input.attachments);

    // Objects first (under a fresh case id), rows last; `written` is cleaned up on any failure.
    const applicationId = randomUUID();
    const inboundId = randomUUID();
    const messageKey = generatedKey({
      authorityId: authority.id,
      applicationId,
      kind: "xbau-inbound",
      id: inboundId,
      ext: "xml",
    });
    written.push(messageKey);
    const storedMessage = await storage.putStream(messageKey, Readable.from([input.message]), {
      contentType: "application/xml",
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
    await mapLimited([...versions.values()], CHECK_CONCURRENCY, async (v) => {
      const put = await storage.putStream(v.key, createReadStream(v.file.attachment.path), {
        contentType: v.file.mimeType,
      });
      if (put.sha256 !== v.file.sha256) throw new Error("attachment changed while it was stored");
    });

    const receivedAt = new Date();
    const fileNumber = await db().$transaction(
      async (tx) => {
        try {
          await tx.inboundMessage.create({
            data: {
              id: inboundId,
              authorityId: authority.id,
              messageId: antrag.messageId,
              messageType: "baugenehmigung.antrag.0200",
              senderId: antrag.author.id,
              senderName: antrag.author.name,
              status: "IMPORTED",
              receivedById: user.id,
              sha256: storedMessage.sha256,
              sizeBytes: storedMessage.sizeBytes,
              storageKey: messageKey,
            },
          });
        } catch (error) {
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
            throw new Duplicate();
          throw error;
        }
        await tx.application.create({
          data: {
            id: applicationId,
            authorityId: authority.id,
            createdById: user.id,
            status: initialApplicationStatus("authority"),
            procedureType: antrag.procedureType,
            title: antrag.title,
            data: antrag.data as Prisma.InputJsonValue,
          },
        });
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
                    uploadedById: user.id,
                  },
                ]
              : [],
          ),
        });
        const snapshotDocs: SnapshotDocument[] = rows.map(({ doc, v, id }) => ({
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
        // What is missing is noted as open items (as for an online submission); the formal
        // review decides on a Nachforderung — a received application cannot be sent back unread.
        const completeness = evaluateCompleteness({
          profile: authority.landProfile,
          procedureType: antrag.procedureType,
          data: antrag.data,
          documents: antrag.documents.map((d) => ({
            typeCode: d.typeCode,
            hasFile: versions.has(d),
            toBeSubmittedLater: !versions.has(d),
          })),
        });
        for (const jobName of ["documents.render-receipt", "xbau.export-application"] as const) {
          await enqueueInTx(tx, {
            jobName,
            jobId: buildJobId(jobName, applicationId),
            payload: { applicationId },
          });
        }
        await notifyInTx(tx, "application.submitted", { applicationId, actorId: user.id });
        const { fileNumber } = await allocateFileNumber(tx, authority, receivedAt);
        const snapshot: ApplicationSnapshot = {
          schemaVersion: 1,
          fileNumber,
          title: antrag.title,
          procedureType: antrag.procedureType,
          data: antrag.data as Prisma.JsonValue,
          authority: { id: authority.id, name: authority.name, landProfile: authority.landProfile },
          municipality: null,
          members: [],
          documents: snapshotDocs,
          openItems: completeness.openItems.map((f) => ({
            ruleId: f.ruleId,
            message: f.message,
            legalBasis: f.legalBasis,
            documentTypeCodes: [...(f.documentTypeCodes ?? [])],
          })),
          submittedAt: receivedAt.toISOString(),
          submittedBy: { userId: user.id, displayName: user.displayName, email: user.email, role: "CLERK" },
        };
        await tx.inboundMessage.update({ where: { id: inboundId }, data: { applicationId } });
        await appendEvent(tx, {
          applicationId,
          actorId: user.id,
          type: "xbau.received",
          payload: {
            message: "baugenehmigung.antrag.0200",
            messageId: antrag.messageId,
            sender: `${antrag.author.name} (${antrag.author.id})`,
            documents: versions.size,
          },
        });
        // Created as a draft above so the rows exist; it is received (submitted) in the same transaction.
        await transitionApplication(tx, {
          applicationId,
          command: "receiveXbau",
          from: "DRAFT",
          actor: { kind: "authority", id: user.id },
          set: {
            fileNumber,
            submittedAt: receivedAt,
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
            channel: "xbau",
            documents: versions.size,
            openItems: snapshot.openItems.map((o) => ({
              message: o.message,
              documentTypeCodes: o.documentTypeCodes,
            })),
          },
        });
        return fileNumber;
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
    written.length = 0; // committed: the objects belong to the rows now
    logger.info({ applicationId, fileNumber, messageId: antrag.messageId }, "XBau 0200 imported");
    return { ok: true, applicationId, fileNumber, duplicate: false };
  } catch (error) {
    if (!(error instanceof IntakeRefused)) {
      // Another upload of the same message won the race (the unique constraint refused this one,
      // whichever form the driver's error takes): answer with its case.
      if (!(error instanceof Duplicate))
        logger.warn({ err: error }, "XBau intake: failed, checking for a concurrent import");
      const messageId = checkMessageId(input.message);
      const earlier = messageId ? await existingCase(authority.id, messageId) : null;
      if (earlier) return { ok: true, ...earlier, duplicate: true };
    }
    if (error instanceof IntakeRefused) {
      logger.info({ code: error.code, problems: error.problems.length }, "XBau intake refused");
      return { ok: false, code: error.code, problems: error.problems };
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
  } finally {
    for (const key of written) {
      await storage
        .remove(key)
        .catch((err: unknown) => logger.error({ err, key }, "XBau intake: cleanup failed"));
    }
  }
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
