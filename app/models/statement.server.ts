import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer } from "file-type";
import {
  type ConditionInput,
  MAX_EXTENSION_REASON,
  type StatementErrors,
  type StatementFields,
  statementFieldMessages,
  type ValidStatement,
  validateStatement,
} from "~/components/agency/statement-schema";
import { berlinDate, requestDeadlineFromDate } from "~/domain/deadlines";
import { MIME_JPEG, MIME_PDF, MIME_PNG } from "~/domain/document-types";
import { formatDate } from "~/domain/format";
import { PARTICIPATION_STATES } from "~/domain/lifecycle";
import { MAX_ATTACHMENTS, outcomeLabel } from "~/domain/statements";
import type { ParticipationStatus, Prisma } from "~/generated/prisma/client";
import { agencyOf, agencyParticipationWhere, PARTICIPATION_NOT_FOUND } from "~/models/agency-portal.server";
import { authorityScope, isUuid } from "~/models/application.server";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import {
  discard,
  formatLimit,
  Measure,
  mimeLabel,
  SizeLimitExceeded,
  toReadable,
} from "~/models/document.server";
import { transitionParticipation } from "~/models/lifecycle.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { checkUploadedFile } from "~/utils/file-checks.server";
import { logger } from "~/utils/logger.server";
import { parseMultipart } from "~/utils/multipart.server";
import { PdfInspectorUnavailableError, quoteFilename } from "~/utils/pdf-inspect.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import type { LimitViolation } from "~/utils/request-limits.server";
import { getStorage, type Storage, sanitizeFilename, statementAttachmentKey } from "../../storage/index";

/**
 * The agency answers a participation: a statement (Stellungnahme) with its outcome, typed
 * Nebenbestimmungen, reasons and attachments — given once, never changed (a trigger refuses
 * updates) — or a request for more time (Fristverlängerung) the clerk decides on.
 *
 * Attachments go through the pieces of the upload pipeline (document.server.ts): streamed to a temp
 * file while hashed and size-limited, the bytes' real type checked (PDF, JPEG, PNG), PDFs inspected
 * by qpdf, stored under the case's prefix, and only then ONE transaction writes Statement +
 * conditions + attachments, marks the participation ANSWERED, appends the case event and the outbox
 * jobs (statement PDF/XBau 0303, notification of the clerks).
 */

const ATTACHMENT_TYPES = [MIME_PDF, MIME_JPEG, MIME_PNG];
const SNIFF_BYTES = 4100;

export const statementMessages = {
  ...statementFieldMessages,
  alreadyAnswered: "Die Stellungnahme wurde bereits abgegeben; sie kann nicht mehr geändert werden.",
  deemedConsent: "Die Frist ist abgelaufen; die Zustimmung bzw. das Einvernehmen gilt bereits als erteilt.",
  closed: "Die Beteiligung ist abgeschlossen; eine Stellungnahme ist nicht mehr möglich.",
  tooManyAttachments: `Höchstens ${MAX_ATTACHMENTS} Anlagen je Stellungnahme.`,
  attachmentType: (f: string, detected: string | undefined) =>
    `${quoteFilename(f)} hat ein nicht zulässiges Format (erkannt: ${mimeLabel(detected)}). Zulässig sind PDF, JPEG und PNG.`,
  attachmentEmpty: (f: string) => `${quoteFilename(f)} ist leer.`,
  attachmentTooLarge: (f: string, max: number) =>
    `${quoteFilename(f)} ist zu groß. Erlaubt sind höchstens ${formatLimit(max)} je Datei.`,
  storeFailed:
    "Die Stellungnahme konnte nicht gespeichert werden. Bitte versuchen Sie es erneut; Ihre Angaben bleiben erhalten.",
  extensionAfter: (deadline: Date) =>
    `Das gewünschte Fristende muss nach der aktuellen Frist (${formatDate(deadline)}) liegen.`,
  extensionPending: "Sie haben bereits eine Fristverlängerung beantragt; darüber ist noch nicht entschieden.",
  extensionAnswered: "Die Stellungnahme ist bereits abgegeben; eine Fristverlängerung ist nicht mehr nötig.",
} as const;

// ---- validation ---------------------------------------------------------------------------------
// The field rules are shared with the browser (app/components/agency/statement-schema.ts, Conform
// + zod); submitStatement checks them again as the model's invariant.

export type { ConditionInput, StatementErrors, StatementFields, ValidStatement };
export { validateStatement };

// ---- attachments --------------------------------------------------------------------------------

export interface StagedAttachment {
  tmpFile: string;
  filename: string;
  mimeType: string;
  sha256: string;
  sizeBytes: number;
  pageCount: number | null;
}

class AttachmentRejected extends Error {}

/**
 * Streams one attachment to `tmpFile` (hash, size limit, first bytes kept), checks what the bytes
 * are and lets qpdf inspect a PDF. Nothing is stored yet; the caller removes the temp directory.
 */
export async function stageAttachment(
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  rawFilename: string,
  tmpFile: string,
  maxBytes: number,
): Promise<{ ok: true; file: StagedAttachment } | { ok: false; message: string }> {
  const filename = sanitizeFilename(rawFilename);
  const measure = new Measure(maxBytes);
  try {
    try {
      await pipeline(toReadable(body), measure, createWriteStream(tmpFile, { mode: 0o600 }));
    } catch (error) {
      if (error instanceof SizeLimitExceeded) {
        await discard(body, maxBytes);
        throw new AttachmentRejected(statementMessages.attachmentTooLarge(filename, maxBytes));
      }
      throw error;
    }
    if (measure.size === 0) throw new AttachmentRejected(statementMessages.attachmentEmpty(filename));
    const detected = (await fileTypeFromBuffer(measure.head.subarray(0, SNIFF_BYTES)))?.mime;
    if (!detected || !ATTACHMENT_TYPES.includes(detected))
      throw new AttachmentRejected(statementMessages.attachmentType(filename, detected));
    // The same content checks as every upload (app/utils/file-checks.server.ts).
    const inspected = await checkUploadedFile(tmpFile, filename, detected);
    if (!inspected.ok) throw new AttachmentRejected(inspected.message);
    const pageCount = inspected.pageCount;
    return {
      ok: true,
      file: {
        tmpFile,
        filename,
        mimeType: detected,
        sha256: measure.hash.digest("hex"),
        sizeBytes: measure.size,
        pageCount,
      },
    };
  } catch (error) {
    if (error instanceof AttachmentRejected) return { ok: false, message: error.message };
    if (error instanceof PdfInspectorUnavailableError) {
      logger.error({ err: error }, "statement attachment: PDF inspection unavailable");
      return {
        ok: false,
        message: "Die PDF-Prüfung ist gerade nicht verfügbar. Bitte versuchen Sie es später erneut.",
      };
    }
    logger.warn({ err: error }, "statement attachment could not be received");
    return { ok: false, message: statementMessages.storeFailed };
  }
}

// ---- state --------------------------------------------------------------------------------------

type Refusal = { ok: false; status: 404 | 409; message: string };

function notFoundResult(): Refusal {
  return { ok: false, status: 404, message: PARTICIPATION_NOT_FOUND };
}

/** Why nothing more can be given, or null while the participation awaits the statement. */
export function answerRefusal(p: {
  status: ParticipationStatus;
  closedAt: Date | null;
  hasStatement: boolean;
}): string | null {
  if (p.hasStatement || p.status === "ANSWERED") return statementMessages.alreadyAnswered;
  if (p.status === "DEEMED_CONSENT") return statementMessages.deemedConsent;
  if (p.closedAt) return statementMessages.closed;
  if (!PARTICIPATION_STATES[p.status].awaitingStatement) return statementMessages.closed;
  return null;
}

/** The participation row locked for this transaction, scoped to the agency; null when not its own. */
async function lockParticipation(tx: Tx, participationId: string, agencyId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM "Participation" WHERE id = ${participationId}::uuid AND "agencyId" = ${agencyId}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.participation.findFirst({
    where: { AND: [{ id: participationId }, agencyParticipationWhere(agencyId)] },
    select: {
      id: true,
      applicationId: true,
      status: true,
      closedAt: true,
      deadline: true,
      agency: { select: { name: true } },
      statement: { select: { id: true } },
      extensions: { where: { status: "PENDING" }, select: { id: true } },
    },
  });
}

class Refused extends Error {
  constructor(readonly result: Refusal) {
    super(result.message);
  }
}

// ---- submit -------------------------------------------------------------------------------------

export type SubmitStatementResult =
  | { ok: true; statementId: string }
  | Refusal
  | { ok: false; status: 400; errors: StatementErrors; message?: string };

type StoredAttachment = StagedAttachment & { id: string; key: string };

/**
 * The statement row with its conditions and attachment rows, written inside the caller's
 * transaction (after the participation is locked and checked) so row and transition commit together.
 */
async function createStatement(
  tx: Tx,
  {
    statementId,
    participationId,
    value,
    attachments,
    authorId,
    now,
  }: {
    statementId: string;
    participationId: string;
    value: ValidStatement;
    attachments: StoredAttachment[];
    authorId: string;
    now: Date;
  },
): Promise<void> {
  await tx.statement.create({
    data: {
      id: statementId,
      participationId,
      outcome: value.outcome,
      reasons: value.reasons,
      authorId,
      submittedAt: now,
      conditions: {
        create: value.conditions.map((c, i) => ({
          position: i + 1,
          kind: c.kind,
          text: c.text,
          legalBasis: c.legalBasis,
        })),
      },
      attachments: {
        create: attachments.map((a) => ({
          id: a.id,
          filename: a.filename,
          mimeType: a.mimeType,
          sizeBytes: BigInt(a.sizeBytes),
          sha256: a.sha256,
          storageKey: a.key,
          pageCount: a.pageCount,
          uploadedById: authorId,
        })),
      },
    },
  });
}

export async function submitStatement(
  user: SessionUser,
  participationId: string,
  input: StatementFields & { attachments: StagedAttachment[] },
  options: { storage?: Storage; now?: Date } = {},
): Promise<SubmitStatementResult> {
  const agencyId = agencyOf(user);
  if (!agencyId || !can(user, "write:statement:assigned") || !isUuid(participationId))
    return notFoundResult();
  const current = await db().participation.findFirst({
    where: { AND: [{ id: participationId }, agencyParticipationWhere(agencyId)] },
    select: {
      status: true,
      kind: true,
      closedAt: true,
      applicationId: true,
      application: { select: { authorityId: true } },
      statement: { select: { id: true } },
    },
  });
  if (!current) return notFoundResult();
  const refusal = answerRefusal({ ...current, hasStatement: current.statement !== null });
  if (refusal) return { ok: false, status: 409, message: refusal };

  const checked = validateStatement(input, current.kind);
  const errors: StatementErrors = checked.ok ? {} : { ...checked.errors };
  if (input.attachments.length > MAX_ATTACHMENTS) errors.attachments = statementMessages.tooManyAttachments;
  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, status: 400, errors };
  const value = checked.value;

  const storage = options.storage ?? getStorage();
  const now = options.now ?? new Date();
  const statementId = randomUUID();
  const stored: string[] = [];
  try {
    const attachments: StoredAttachment[] = [];
    for (const a of input.attachments) {
      const id = randomUUID();
      const key = statementAttachmentKey({
        authorityId: current.application.authorityId,
        applicationId: current.applicationId,
        participationId,
        attachmentId: id,
      });
      stored.push(key);
      const put = await storage.putStream(key, createReadStream(a.tmpFile), {
        contentType: a.mimeType,
        maxBytes: a.sizeBytes,
      });
      if (put.sha256 !== a.sha256 || put.sizeBytes !== a.sizeBytes)
        throw new Error(`stored attachment differs from the upload (${put.sha256} vs ${a.sha256})`);
      attachments.push({ id, key, ...a });
    }

    await db().$transaction(async (tx) => {
      const p = await lockParticipation(tx, participationId, agencyId);
      if (!p) throw new Refused(notFoundResult());
      const again = answerRefusal({ ...p, hasStatement: p.statement !== null });
      if (again) throw new Refused({ ok: false, status: 409, message: again });
      await createStatement(tx, { statementId, participationId, value, attachments, authorId: user.id, now });
      const answered = await transitionParticipation(tx, {
        participationId,
        applicationId: p.applicationId,
        command: "answer",
        from: p.status,
        actor: { kind: "agency", id: user.id },
        set: { answeredAt: now },
        payload: {
          participationId,
          statementId,
          agencyId,
          agency: p.agency.name,
          outcome: value.outcome,
          conditions: value.conditions.length,
          attachments: attachments.length,
          // A Stellungnahme after the deadline is "nicht fristgerecht" (no fiction; the clerk weighs it).
          ...(now.getTime() > p.deadline.getTime() ? { late: true } : {}),
        },
        notify: {
          scope: participationId,
          details: {
            participationId,
            agencyId,
            agencyName: p.agency.name,
            outcome: outcomeLabel(current.kind, value.outcome),
          },
        },
        jobs: [
          {
            jobName: "documents.render-statement",
            jobId: buildJobId("documents.render-statement", statementId),
            payload: { statementId },
          },
        ],
      });
      // The row is locked and was checked above; a miss here is a bug, not a race.
      if (!answered) throw new Error(`participation ${participationId} not awaiting a statement`);
    });
    stored.length = 0; // committed: the objects belong to the rows now
    return { ok: true, statementId };
  } catch (error) {
    if (error instanceof Refused) return error.result;
    logger.warn({ err: error, participationId }, "statement could not be stored");
    return { ok: false, status: 400, errors: {}, message: statementMessages.storeFailed };
  } finally {
    for (const key of stored) {
      await storage.remove(key).catch((err: unknown) => {
        logger.error({ err, key }, "statement: removing a stored attachment after a failure failed");
      });
    }
  }
}

// ---- extension ----------------------------------------------------------------------------------

export type RequestExtensionResult =
  | { ok: true; extensionId: string }
  | Refusal
  | { ok: false; status: 400; errors: Record<string, string> };

/**
 * The agency asks for more time: one PENDING request at a time, only while the statement is
 * awaited, and only for a date after the current deadline (end of that Berlin day).
 */
export async function requestExtension(
  user: SessionUser,
  participationId: string,
  input: { until: string; reason: string },
): Promise<RequestExtensionResult> {
  const agencyId = agencyOf(user);
  if (!agencyId || !can(user, "write:statement:assigned") || !isUuid(participationId))
    return notFoundResult();
  try {
    return await db().$transaction(async (tx) => {
      const p = await lockParticipation(tx, participationId, agencyId);
      if (!p) throw new Refused(notFoundResult());
      const refusal = answerRefusal({ ...p, hasStatement: p.statement !== null });
      if (refusal) {
        const message =
          refusal === statementMessages.alreadyAnswered ? statementMessages.extensionAnswered : refusal;
        throw new Refused({ ok: false, status: 409, message });
      }
      if (p.extensions.length > 0)
        throw new Refused({ ok: false, status: 409, message: statementMessages.extensionPending });

      const errors: Record<string, string> = {};
      const until = requestDeadlineFromDate(String(input.until ?? "").trim());
      if (!until) errors.until = statementMessages.extensionDate;
      else if (berlinDate(until) <= berlinDate(p.deadline))
        errors.until = statementMessages.extensionAfter(p.deadline);
      const reason = String(input.reason ?? "").trim();
      if (reason === "") errors.reason = statementMessages.extensionReason;
      else if (reason.length > MAX_EXTENSION_REASON) errors.reason = statementMessages.extensionReasonTooLong;
      if (!until || Object.keys(errors).length > 0)
        return { ok: false as const, status: 400 as const, errors };

      const ext = await tx.participationExtension.create({
        data: { participationId, requestedById: user.id, reason, requestedDeadline: until },
        select: { id: true },
      });
      await appendEvent(tx, {
        applicationId: p.applicationId,
        actorId: user.id,
        type: "participation.extension-requested",
        payload: {
          participationId,
          extensionId: ext.id,
          agencyId,
          agency: p.agency.name,
          deadline: p.deadline.toISOString(),
          until: until.toISOString(),
          reason,
        },
      });
      await notifyInTx(tx, "participation.extension-requested", {
        applicationId: p.applicationId,
        actorId: user.id,
        scope: ext.id,
        details: {
          participationId,
          agencyId,
          agencyName: p.agency.name,
          until: until.toISOString(),
          deadline: p.deadline.toISOString(),
        },
      });
      return { ok: true as const, extensionId: ext.id };
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
}

// ---- HTTP: the statement form (multipart) -------------------------------------------------------

const MULTIPART_OVERHEAD = 256 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;

export interface StatementForm {
  /** Text fields by name (first value wins). */
  fields: Record<string, string>;
  outcome: string;
  reasons: string;
  conditions: ConditionInput[];
  attachments: StagedAttachment[];
  /** Messages about refused attachments (wrong type, too large, damaged PDF, too many). */
  attachmentErrors: string[];
  /** Whether the body was refused before reading (too large). */
  tooLarge: boolean;
  /** Set when the request itself was refused (malformed, too many fields, bad field names). */
  refused?: LimitViolation;
  /** Removes the staged temp files; call in `finally`. */
  cleanup: () => Promise<void>;
}

/** Conditions from form names `conditions.<i>.kind|text|legalBasis`, in index order. */
export function conditionsFromFields(fields: Record<string, string>): ConditionInput[] {
  const rows = new Map<number, ConditionInput>();
  for (const [name, value] of Object.entries(fields)) {
    const m = /^conditions\.(\d{1,3})\.(kind|text|legalBasis)$/.exec(name);
    if (!m) continue;
    const i = Number(m[1]);
    const row = rows.get(i) ?? { kind: "", text: "", legalBasis: "" };
    row[m[2] as "kind" | "text" | "legalBasis"] = value;
    rows.set(i, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

/**
 * Reads the statement form: text fields into memory (bounded), every file of `attachments` through
 * stageAttachment into a temp directory. The body is never buffered as a whole.
 */
export async function readStatementForm(
  request: Request,
  options: { maxBytes?: number; tmpDir?: string } = {},
): Promise<StatementForm> {
  const maxBytes = options.maxBytes ?? env().UPLOAD_MAX_BYTES;
  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), "bauantrag-statement-"));
  const form: StatementForm = {
    fields: {},
    outcome: "",
    reasons: "",
    conditions: [],
    attachments: [],
    attachmentErrors: [],
    tooLarge: false,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_ATTACHMENTS * maxBytes + MULTIPART_OVERHEAD) {
    form.tooLarge = true;
    form.attachmentErrors.push(
      `Die Anlagen sind zusammen zu groß. Erlaubt sind höchstens ${formatLimit(maxBytes)} je Datei und ${MAX_ATTACHMENTS} Dateien.`,
    );
    return form;
  }
  let files = 0;
  const parsed = await parseMultipart(request, {
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFileBytes: maxBytes,
    onFile: async (part) => {
      // Other file fields and an empty file input (no file chosen) are drained by the parser.
      if (part.name !== "attachments" || part.filename === "") return;
      files += 1;
      if (files > MAX_ATTACHMENTS) {
        if (files === MAX_ATTACHMENTS + 1) form.attachmentErrors.push(statementMessages.tooManyAttachments);
        return;
      }
      const staged = await stageAttachment(
        part.stream,
        part.filename,
        path.join(dir, String(files)),
        maxBytes,
      );
      if (staged.ok) form.attachments.push(staged.file);
      else form.attachmentErrors.push(staged.message);
    },
  });
  form.fields = parsed.fields;
  if (!parsed.ok) {
    // Broken framing, too many parts or a field name bomb: nothing of it is used.
    form.fields = {};
    form.attachmentErrors.push(parsed.violation.message);
    form.refused = parsed.violation;
  }
  form.outcome = form.fields.outcome ?? "";
  form.reasons = form.fields.reasons ?? "";
  form.conditions = conditionsFromFields(form.fields);
  return form;
}

// ---- attachment downloads -----------------------------------------------------------------------

/**
 * A statement attachment for download: the agency that gave the statement (also after the
 * participation was closed: it is its own statement) and the clerks of the case's authority.
 * null otherwise, so "forbidden" and "does not exist" look the same.
 */
export async function openStatementAttachmentForDownload(
  user: SessionUser,
  attachmentId: string,
  options: { storage?: Storage } = {},
) {
  if (!isUuid(attachmentId)) return null;
  const scopes: Prisma.StatementAttachmentWhereInput[] = [];
  const agencyId = agencyOf(user);
  if (agencyId) scopes.push({ statement: { participation: agencyParticipationWhere(agencyId) } });
  if (can(user, "read:application:authority") && user.authorityId)
    scopes.push({ statement: { participation: { application: authorityScope(user.authorityId) } } });
  if (scopes.length === 0) return null;
  const row = await db().statementAttachment.findFirst({
    where: { id: attachmentId, OR: scopes },
    select: { filename: true, mimeType: true, sizeBytes: true, storageKey: true },
  });
  if (!row) return null;
  const stream = await (options.storage ?? getStorage()).getStream(row.storageKey);
  return { stream, filename: row.filename, mimeType: row.mimeType, sizeBytes: Number(row.sizeBytes) };
}
