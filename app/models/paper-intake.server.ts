import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { fileTypeFromBuffer } from "file-type";
import {
  INTAKE_CHANNEL_LABELS,
  type IntakeChannel,
  isIntakeChannel,
  receivedPhrase,
} from "~/components/paper-intake/intake-channel";
import {
  type ApplicationData,
  applicationDataSchema,
  bauherrDisplayName,
  PROCEDURE_TYPES,
  type ProcedureType,
} from "~/domain/application-data";
import { addDays, isIsoDate } from "~/domain/bekanntgabe";
import { evaluateCompleteness } from "~/domain/completeness";
import { berlinDate, endOfBerlinDay } from "~/domain/deadlines";
import { outsideDistrictMessage } from "~/domain/districts";
import { documentTypeLabel, getDocumentType } from "~/domain/document-types";
import { formatDateLong } from "~/domain/format";
import { resolveProfile } from "~/domain/land-profiles";
import type { MemberRole, Prisma } from "~/generated/prisma/client";
import { isUuid } from "~/models/application.server";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { uploadMessages } from "~/models/document.server";
import { resolveResponsibleAuthority, validateGerman } from "~/models/draft.server";
import { allocateFileNumber } from "~/models/file-number.server";
import { buildSearchText } from "~/models/inbox.server";
import { initialApplicationStatus, transitionApplication } from "~/models/lifecycle.server";
import {
  hashInvitationToken,
  INVITATION_DAYS,
  invitationNotificationKey,
  invitationUrl,
  MEMBER_ROLE_LABELS,
  writeInvitationInTx,
} from "~/models/member.server";
import { createNotificationsInTx } from "~/models/notification.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { ApplicationSnapshot, SnapshotDocument, SnapshotOpenItem } from "~/models/submission.server";
import { normalizeEmail, type SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { checkUploadedFile } from "~/utils/file-checks.server";
import { hashFile, readHead } from "~/utils/file-digest.server";
import { logger } from "~/utils/logger.server";
import { PdfInspectorUnavailableError } from "~/utils/pdf-inspect.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";
import { documentVersionKey, getStorage, type Storage, sanitizeFilename } from "../../storage/index";

/**
 * Paper and e-mail intake (issue 16 item 2): a clerk registers an application that reached the
 * authority on paper or by e-mail. It becomes a case exactly like an online submission or an XBau
 * import — Aktenzeichen from the authority's counter, immutable snapshot, status SUBMITTED through
 * the lifecycle (`receiveOffline`), history events, the same completeness evaluation and the same
 * follow-up jobs (Eingangsbestätigung PDF for the paper file, XBau 0200 for the Fachverfahren).
 *
 * What differs: the Eingangsdatum is the day the paper arrived (submittedAt = the start of that
 * Berlin day), so the completeness-check target and every deadline run from it, not from the
 * moment the clerk typed it in; nobody is a member yet, so no e-mail goes out until the clerk
 * invites the Bauherr:in or the Entwurfsverfasser:in (`inviteFromIntake`), whose invitation mail
 * carries the Eingangsbestätigung's facts (Eingangsdatum, Aktenzeichen).
 *
 * Scanned files get the checks of the XBau intake and the Unterlagen upload (size, magic bytes
 * against the document type, `checkUploadedFile` with qpdf's deep check) before anything is
 * written; objects are written under a fresh case id, then one transaction creates every row.
 * Any failure removes the objects again: nothing is half-stored.
 */

/** How far back an Eingangsdatum may lie: older paper is a typing error, not a late registration. */
export const MAX_BACKDATE_DAYS = 180;
/** Scanned files per registration (each may be a multi-page PDF). */
export const MAX_INTAKE_FILES = 20;

export interface PaperIntakeFile {
  /** The form field the file came from (errors are shown there). */
  field: string;
  /** File name as delivered. */
  filename: string;
  /** Temp file holding the bytes (the caller removes it). */
  path: string;
  /** XBau anlagen code chosen by the clerk. */
  typeCode: string;
}

export interface PaperIntakeInput {
  channel: string;
  /** Eingangsdatum, ISO "YYYY-MM-DD" (Berlin calendar day). */
  receivedOn: string;
  procedureType: string;
  title: string;
  /** The Gemeinde the plot lies in (an Authority row of kind GEMEINDE, or the Bauaufsicht itself). */
  municipalityId: string;
  data: ApplicationData;
  files: PaperIntakeFile[];
}

export type PaperIntakeResult =
  | { ok: true; applicationId: string; fileNumber: string }
  | {
      ok: false;
      reason: "not-allowed" | "invalid" | "failed";
      /** Per form field (Conform notation: `bauherr.address.city`, `scan-0`); "" = the whole form. */
      fieldErrors: Record<string, string[]>;
    };

export interface PaperIntakeOptions {
  storage?: Storage;
  /** "Today" for the date checks (tests). */
  now?: Date;
}

const NOT_ALLOWED = "Nur Sachbearbeiter:innen einer Bauaufsichtsbehörde können Anträge erfassen.";

/** Rolls the work back and carries the field errors out. */
class Invalid extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super("paper intake refused");
  }
}

function addError(errors: Record<string, string[]>, field: string, message: string) {
  const list = errors[field] ?? [];
  if (!list.includes(message)) list.push(message);
  errors[field] = list;
}

/** The start of a Berlin calendar day (the instant after the previous day's last). */
export function startOfBerlinDay(isoDate: string): Date {
  return new Date(endOfBerlinDay(addDays(isoDate, -1)).getTime() + 1);
}

/** Checks the Eingangsdatum: a real date, not in the future, not older than MAX_BACKDATE_DAYS. */
export function receivedOnError(value: string, now: Date = new Date()): string | null {
  const raw = String(value ?? "").trim();
  if (raw === "") return "Bitte geben Sie das Eingangsdatum an (Datum des Eingangsstempels).";
  if (!isIsoDate(raw)) return "Bitte geben Sie das Eingangsdatum als Datum an, z. B. 01.12.2026.";
  const today = berlinDate(now);
  if (raw > today) return "Das Eingangsdatum darf nicht in der Zukunft liegen.";
  if (raw < addDays(today, -MAX_BACKDATE_DAYS)) {
    return `Das Eingangsdatum liegt mehr als ${MAX_BACKDATE_DAYS} Tage zurück. Bitte prüfen Sie das Datum des Eingangsstempels.`;
  }
  return null;
}

/** The fields a clerk must fill in beyond the shape checks (the rest is the completeness check's). */
function requiredDataErrors(data: ApplicationData, errors: Record<string, string[]>) {
  const b = data.bauherr;
  if (!b?.kind) addError(errors, "bauherr.kind", "Bitte wählen Sie Person oder Unternehmen.");
  if (b?.kind === "COMPANY") {
    if (!b.companyName) addError(errors, "bauherr.companyName", "Bitte geben Sie die Firma an.");
  } else {
    if (!b?.firstName) addError(errors, "bauherr.firstName", "Bitte geben Sie den Vornamen an.");
    if (!b?.lastName) addError(errors, "bauherr.lastName", "Bitte geben Sie den Nachnamen an.");
  }
  if (!b?.address?.street) addError(errors, "bauherr.address.street", "Bitte geben Sie die Straße an.");
  if (!b?.address?.postalCode)
    addError(errors, "bauherr.address.postalCode", "Bitte geben Sie die Postleitzahl an.");
  if (!b?.address?.city) addError(errors, "bauherr.address.city", "Bitte geben Sie den Ort an.");
  // The Flurstück and the Art der Maßnahme are what the XBau 0200 of the case cannot do without.
  const parcels = data.plot?.parcels ?? [];
  parcels.forEach((p, i) => {
    if (!p.gemarkung) addError(errors, `plot.parcels[${i}].gemarkung`, "Bitte geben Sie die Gemarkung an.");
    if (!p.flur) addError(errors, `plot.parcels[${i}].flur`, "Bitte geben Sie die Flur an.");
    if (!p.zaehler) addError(errors, `plot.parcels[${i}].zaehler`, "Bitte geben Sie den Zähler an.");
  });
  if (parcels.length === 0) {
    addError(
      errors,
      "plot.parcels",
      "Bitte geben Sie mindestens ein Flurstück an (Gemarkung, Flur und Zähler, wie im Antrag angegeben).",
    );
  }
  if (!data.project?.measureType) {
    addError(errors, "project.measureType", "Bitte wählen Sie die Art der Maßnahme.");
  }
}

interface CheckedFile {
  file: PaperIntakeFile;
  mimeType: string;
  sha256: string;
  sizeBytes: number;
  pageCount: number | null;
}

/** The Unterlagen upload's checks for one scan: size, type by magic bytes, content (qpdf, pixels). */
async function checkFile(
  file: PaperIntakeFile,
  maxBytes: number,
): Promise<CheckedFile | { message: string }> {
  const type = getDocumentType(file.typeCode);
  if (!type) return { message: `Bitte wählen Sie die Art der Unterlage für "${file.filename}".` };
  const { sha256, sizeBytes } = await hashFile(file.path);
  if (sizeBytes === 0) return { message: uploadMessages.empty(file.filename) };
  if (sizeBytes > maxBytes) return { message: uploadMessages.tooLarge(file.filename, maxBytes) };
  const detected = (await fileTypeFromBuffer(await readHead(file.path)))?.mime;
  if (!detected || !type.mimeTypes.includes(detected)) {
    return { message: uploadMessages.wrongType(file.filename, detected, type.code) };
  }
  const inspected = await checkUploadedFile(file.path, file.filename, detected);
  if (!inspected.ok) return { message: inspected.message };
  return { file, mimeType: detected, sha256, sizeBytes, pageCount: inspected.pageCount };
}

/** The case data parsed with the domain schema (German messages keyed by the form's field names). */
function parseData(data: unknown, errors: Record<string, string[]>): ApplicationData | null {
  const parsed = validateGerman(applicationDataSchema, data ?? {});
  if (parsed.success) return parsed.data;
  for (const [field, messages] of Object.entries(parsed.fieldErrors)) {
    for (const m of messages) addError(errors, field, m);
  }
  return null;
}

type IntakeAuthority = { id: string; name: string; ags: string | null; landProfile: string };

/**
 * The form, all at once (every field's message in one answer), then the scans (qpdf and the
 * hostile-content checks); throws Invalid with the German messages keyed by field.
 */
async function checkIntakeForm(
  input: PaperIntakeInput,
  authority: IntakeAuthority,
  options: PaperIntakeOptions,
) {
  // ---- the form, all at once (every field's message in one answer) ----
  const errors: Record<string, string[]> = {};
  const channel = isIntakeChannel(input.channel) ? input.channel : null;
  if (!channel) addError(errors, "channel", "Bitte wählen Sie die Eingangsart (Papier oder E-Mail).");
  const dateError = receivedOnError(input.receivedOn, options.now);
  if (dateError) addError(errors, "receivedOn", dateError);
  const procedureType = (PROCEDURE_TYPES as readonly string[]).includes(input.procedureType)
    ? (input.procedureType as ProcedureType)
    : null;
  if (!procedureType) addError(errors, "procedureType", "Bitte wählen Sie eine Verfahrensart.");
  const title = String(input.title ?? "").trim();
  if (title === "") addError(errors, "title", "Bitte geben Sie eine Bezeichnung des Vorhabens ein.");
  if (title.length > 200) addError(errors, "title", "Die Bezeichnung darf höchstens 200 Zeichen lang sein.");
  const data = parseData(input.data, errors);
  if (data) requiredDataErrors(data, errors);

  // The Gemeinde must belong to this authority (tenant), and the site's AGS to its district.
  const resolved = await resolveResponsibleAuthority(String(input.municipalityId ?? ""));
  const municipality =
    resolved && resolved.authority.id === authority.id
      ? await db().authority.findFirst({
          where: { id: resolved.municipality.id },
          select: { id: true, name: true, ags: true },
        })
      : null;
  if (!municipality) {
    addError(errors, "municipalityId", "Bitte wählen Sie die Gemeinde, in der das Grundstück liegt.");
  } else if (data) {
    const outside = outsideDistrictMessage(authority, {
      ags: data.plot?.municipalityAgs ?? municipality.ags,
      municipalityName: data.plot?.municipalityAgs ? null : municipality.name,
    });
    if (outside) addError(errors, "plot.municipalityAgs", outside);
  }

  if (input.files.length === 0) {
    addError(
      errors,
      "files",
      "Bitte fügen Sie mindestens eine eingescannte Unterlage bei (PDF, JPEG oder PNG).",
    );
  }
  if (input.files.length > MAX_INTAKE_FILES) {
    addError(errors, "files", `Höchstens ${MAX_INTAKE_FILES} Dateien je Erfassung.`);
  }
  // Cheap checks first: a form with field errors is not worth qpdf's time.
  if (Object.keys(errors).length > 0) throw new Invalid(errors);

  const maxBytes = env().UPLOAD_MAX_BYTES;
  const checked: CheckedFile[] = [];
  for (const file of input.files) {
    const result = await checkFile(file, maxBytes);
    if ("message" in result) addError(errors, file.field, result.message);
    else checked.push(result);
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  // Narrowed by the checks above.
  if (!channel || !procedureType || !data || !municipality) throw new Invalid({ "": ["Ungültige Eingabe."] });
  return { channel, procedureType, title, data, municipality, checked };
}

type CheckedScan = Awaited<ReturnType<typeof checkIntakeForm>>["checked"][number];

/** The scans into storage under the new case; each key is in `written` before its put (cleanup). */
async function storeScans(
  storage: Storage,
  written: string[],
  ids: { authorityId: string; applicationId: string },
  checked: CheckedScan[],
) {
  const stored = checked.map((c) => {
    const documentId = randomUUID();
    const versionId = randomUUID();
    const key = documentVersionKey({
      authorityId: ids.authorityId,
      applicationId: ids.applicationId,
      documentId,
      versionId,
    });
    return { ...c, documentId, versionId, key };
  });
  for (const s of stored) {
    written.push(s.key); // before the put: a half-written object is removed too
    const put = await storage.putStream(s.key, createReadStream(s.file.path), { contentType: s.mimeType });
    if (put.sha256 !== s.sha256) throw new Error("scan changed while it was stored");
  }
  return stored;
}

/** Several scans of one kind (e.g. two sheets of Grundrisse) are separate Bauvorlagen: "(Teil n)". */
function titledDocuments(stored: Awaited<ReturnType<typeof storeScans>>) {
  const perType = new Map<string, number>();
  const titled = stored.map((s) => {
    const n = (perType.get(s.file.typeCode) ?? 0) + 1;
    perType.set(s.file.typeCode, n);
    return { ...s, title: documentTypeLabel(s.file.typeCode), n };
  });
  return titled.map((s) => ({
    ...s,
    title: (perType.get(s.file.typeCode) ?? 1) > 1 ? `${s.title} (Teil ${s.n})` : s.title,
    filename: sanitizeFilename(s.file.filename),
  }));
}

/** The case (a draft until received below), its documents and first versions; the snapshot's documents. */
async function createPaperCaseRowsInTx(
  tx: Tx,
  r: {
    applicationId: string;
    authorityId: string;
    municipalityId: string;
    userId: string;
    procedureType: ProcedureType;
    title: string;
    data: ApplicationData;
    channel: IntakeChannel;
    documents: ReturnType<typeof titledDocuments>;
  },
): Promise<SnapshotDocument[]> {
  const { applicationId, procedureType, title, data, channel, documents } = r;
  await tx.application.create({
    data: {
      id: applicationId,
      authorityId: r.authorityId,
      municipalityId: r.municipalityId,
      createdById: r.userId,
      status: initialApplicationStatus("authority"),
      procedureType,
      title,
      data: data as Prisma.InputJsonValue,
      intakeChannel: channel,
    },
  });
  await tx.document.createMany({
    data: documents.map((d) => ({
      id: d.documentId,
      applicationId,
      typeCode: d.file.typeCode,
      title: d.title,
    })),
  });
  await tx.documentVersion.createMany({
    data: documents.map((d) => ({
      id: d.versionId,
      documentId: d.documentId,
      versionNumber: 1,
      filename: d.filename,
      mimeType: d.mimeType,
      sizeBytes: BigInt(d.sizeBytes),
      sha256: d.sha256,
      storageKey: d.key,
      pageCount: d.pageCount,
      uploadedById: r.userId,
      // Checked in full above (qpdf's deep check), not left to documents.check-version.
      checkStatus: "ACCEPTED",
    })),
  });
  return documents.map(
    (d): SnapshotDocument => ({
      documentId: d.documentId,
      typeCode: d.file.typeCode,
      title: d.title,
      versionId: d.versionId,
      versionNumber: 1,
      filename: d.filename,
      sha256: d.sha256,
      sizeBytes: d.sizeBytes,
      mimeType: d.mimeType,
      pageCount: d.pageCount,
      toBeSubmittedLater: false,
    }),
  );
}

/**
 * Everything still missing is noted (the receipt lists it); the formal review decides on a
 * Nachforderung — an application that arrived cannot be sent back unread.
 */
function openItemsOf(
  profile: string,
  procedureType: ProcedureType,
  data: ApplicationData,
  documents: { file: { typeCode: string } }[],
): SnapshotOpenItem[] {
  const completeness = evaluateCompleteness({
    profile,
    procedureType,
    data,
    documents: documents.map((d) => ({ typeCode: d.file.typeCode, hasFile: true })),
  });
  return completeness.findings
    .filter((f) => f.blocking)
    .map((f) => ({
      ruleId: f.ruleId,
      message: f.message,
      legalBasis: f.legalBasis,
      documentTypeCodes: [...(f.documentTypeCodes ?? [])],
    }));
}

/** A failed registration as the clerk reads it (nothing was kept). */
function intakeFailure(error: unknown): PaperIntakeResult {
  if (error instanceof Invalid) return { ok: false, reason: "invalid", fieldErrors: error.fieldErrors };
  if (error instanceof PdfInspectorUnavailableError) {
    return {
      ok: false,
      reason: "failed",
      fieldErrors: { "": ["Die PDF-Prüfung ist gerade nicht verfügbar. Bitte später erneut versuchen."] },
    };
  }
  logger.error({ err: error }, "paper intake failed");
  return {
    ok: false,
    reason: "failed",
    fieldErrors: {
      "": [
        "Der Antrag konnte nicht gespeichert werden. Es wurde nichts gespeichert; bitte erneut versuchen.",
      ],
    },
  };
}

export async function registerPaperApplication(
  user: SessionUser,
  input: PaperIntakeInput,
  options: PaperIntakeOptions = {},
): Promise<PaperIntakeResult> {
  if (!can(user, "review:application:authority") || !user.authorityId) {
    return { ok: false, reason: "not-allowed", fieldErrors: { "": [NOT_ALLOWED] } };
  }
  const authority = await db().authority.findFirst({
    where: { id: user.authorityId, kind: "BAUAUFSICHT" },
    select: { id: true, name: true, slug: true, landProfile: true, fileNumberFormat: true, ags: true },
  });
  if (!authority) return { ok: false, reason: "not-allowed", fieldErrors: { "": [NOT_ALLOWED] } };

  const storage = options.storage ?? getStorage();
  const written: string[] = [];
  try {
    const { channel, procedureType, title, data, municipality, checked } = await checkIntakeForm(
      input,
      authority,
      options,
    );

    // ---- objects first (under a fresh case id), rows last ----
    const applicationId = randomUUID();
    const stored = await storeScans(storage, written, { authorityId: authority.id, applicationId }, checked);

    const receivedOn = String(input.receivedOn).trim();
    const receivedAt = startOfBerlinDay(receivedOn);
    const documents = titledDocuments(stored);

    const openItems = openItemsOf(authority.landProfile, procedureType, data, documents);

    const fileNumber = await db().$transaction(
      async (tx) => {
        const snapshotDocs = await createPaperCaseRowsInTx(tx, {
          applicationId,
          authorityId: authority.id,
          municipalityId: municipality.id,
          userId: user.id,
          procedureType,
          title,
          data,
          channel,
          documents,
        });
        // Follow-up work before the counter lock, as for a submission.
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
          title,
          procedureType,
          data: data as Prisma.JsonValue,
          authority: { id: authority.id, name: authority.name, landProfile: authority.landProfile },
          municipality: { id: municipality.id, name: municipality.name },
          members: [],
          documents: snapshotDocs,
          openItems,
          submittedAt: receivedAt.toISOString(),
          submittedBy: { userId: user.id, displayName: user.displayName, email: user.email, role: "CLERK" },
        };
        await appendEvent(tx, {
          applicationId,
          actorId: user.id,
          type: "intake.offline-registered",
          payload: { channel, receivedOn, documents: documents.length },
        });
        await transitionApplication(tx, {
          applicationId,
          command: "receiveOffline",
          from: "DRAFT",
          actor: { kind: "authority", id: user.id },
          set: {
            fileNumber,
            submittedAt: receivedAt,
            snapshot: snapshot as unknown as Prisma.InputJsonValue,
            searchText: buildSearchText({ fileNumber, title, data: data as Prisma.JsonValue }),
          },
          // Enqueued above, before the counter lock.
          notify: false,
          payload: {
            fileNumber,
            role: "CLERK",
            channel: channel === "PAPER" ? "paper" : "email",
            receivedOn,
            documents: documents.length,
            openItems: openItems.map((o) => ({ message: o.message, documentTypeCodes: o.documentTypeCodes })),
          },
        });
        return fileNumber;
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
    written.length = 0; // committed: the objects belong to the rows now
    logger.info({ applicationId, fileNumber, channel }, "paper intake registered");
    return { ok: true, applicationId, fileNumber };
  } catch (error) {
    return intakeFailure(error);
  } finally {
    for (const key of written) {
      await storage
        .remove(key)
        .catch((err: unknown) => logger.error({ err, key }, "paper intake: cleanup failed"));
    }
  }
}

// ---- the registered case (confirmation page) and the invitation to continue online ----------------

export const INVITABLE_ROLES = ["BAUHERR", "ENTWURFSVERFASSER"] as const satisfies readonly MemberRole[];
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export interface IntakeParty {
  role: InvitableRole;
  roleLabel: string;
  name: string;
  email: string | null;
  /** The member row for that address, if invited: PENDING or ACCEPTED. */
  invitation: { state: string; expiresAt: Date | null } | null;
}

export interface OfflineIntakeView {
  id: string;
  fileNumber: string;
  title: string;
  channel: IntakeChannel;
  channelLabel: string;
  receivedAt: Date;
  status: string;
  documents: number;
  openItems: SnapshotOpenItem[];
  parties: IntakeParty[];
}

/** A case this clerk's authority registered from paper or e-mail; null for anything else (404). */
export async function getOfflineIntake(
  user: SessionUser,
  applicationId: string,
): Promise<OfflineIntakeView | null> {
  if (!isUuid(applicationId) || !can(user, "review:application:authority") || !user.authorityId) return null;
  const app = await db().application.findFirst({
    where: {
      id: applicationId,
      authorityId: user.authorityId,
      intakeChannel: { not: null },
      status: { not: "DRAFT" },
    },
    select: {
      id: true,
      fileNumber: true,
      title: true,
      status: true,
      intakeChannel: true,
      submittedAt: true,
      data: true,
      snapshot: true,
      members: {
        where: { invitationState: { in: ["PENDING", "ACCEPTED"] } },
        select: { email: true, role: true, invitationState: true, invitationExpiresAt: true },
      },
      _count: { select: { documents: true } },
    },
  });
  if (!app?.intakeChannel || !app.fileNumber || !app.submittedAt) return null;
  const data = (app.data ?? {}) as ApplicationData;
  const snapshot = app.snapshot as Partial<ApplicationSnapshot> | null;
  const party = (role: InvitableRole, name: string, email: string | undefined): IntakeParty => {
    const address = email ? normalizeEmail(email) : null;
    const m = address ? app.members.find((x) => x.email === address) : undefined;
    return {
      role,
      roleLabel: MEMBER_ROLE_LABELS[role],
      name,
      email: address,
      invitation: m ? { state: m.invitationState, expiresAt: m.invitationExpiresAt } : null,
    };
  };
  const parties = [party("BAUHERR", bauherrDisplayName(data.bauherr), data.bauherr?.email)];
  if (data.entwurfsverfasser?.name || data.entwurfsverfasser?.email) {
    parties.push(party("ENTWURFSVERFASSER", data.entwurfsverfasser.name ?? "", data.entwurfsverfasser.email));
  }
  return {
    id: app.id,
    fileNumber: app.fileNumber,
    title: app.title,
    channel: app.intakeChannel,
    channelLabel: INTAKE_CHANNEL_LABELS[app.intakeChannel],
    receivedAt: app.submittedAt,
    status: app.status,
    documents: app._count.documents,
    openItems: Array.isArray(snapshot?.openItems) ? snapshot.openItems : [],
    parties,
  };
}

export type InviteFromIntakeResult = { ok: true; email: string } | { ok: false; message: string };

/**
 * "Zur Online-Bearbeitung einladen": the clerk invites the Bauherr:in or the Entwurfsverfasser:in
 * of a case registered from paper or e-mail, at the address written on the application, through
 * the invitation mechanism of member.server.ts (hashed token, 14 days, accepted by an account with
 * that address). After accepting they see the case, answer Nachforderungen and upload new
 * versions like any member. The mail names the Eingangsdatum and the Aktenzeichen, so it is the
 * Eingangsbestätigung by e-mail as well. A pending invitation is renewed (old link stops working).
 */
export async function inviteFromIntake(
  user: SessionUser,
  applicationId: string,
  role: string,
): Promise<InviteFromIntakeResult> {
  if (!isUuid(applicationId) || !can(user, "review:application:authority") || !user.authorityId) {
    return { ok: false, message: "Sie dürfen zu diesem Vorgang niemanden einladen." };
  }
  if (!(INVITABLE_ROLES as readonly string[]).includes(role)) {
    return { ok: false, message: "Bitte wählen Sie, wen Sie einladen möchten." };
  }
  const invitedRole = role as InvitableRole;
  const authorityId = user.authorityId;
  const token = randomBytes(32).toString("base64url");
  const tokenHash = hashInvitationToken(token);
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);

  return db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Application"
      WHERE "id" = ${applicationId}::uuid AND "authorityId" = ${authorityId}::uuid
        AND "intakeChannel" IS NOT NULL
      FOR UPDATE`;
    if (locked.length === 0) return { ok: false, message: "Diesen Vorgang gibt es nicht." };
    const app = await tx.application.findUniqueOrThrow({
      where: { id: applicationId },
      select: {
        id: true,
        title: true,
        status: true,
        fileNumber: true,
        submittedAt: true,
        intakeChannel: true,
        data: true,
        authority: { select: { name: true } },
        members: { select: { id: true, email: true, invitationState: true } },
      },
    });
    if (app.status === "WITHDRAWN" || app.status === "DEEMED_WITHDRAWN" || app.status === "DECIDED") {
      return {
        ok: false,
        message: "Das Verfahren ist beendet; es können keine Personen mehr eingeladen werden.",
      };
    }
    const data = (app.data ?? {}) as ApplicationData;
    const raw = invitedRole === "BAUHERR" ? data.bauherr?.email : data.entwurfsverfasser?.email;
    if (!raw) {
      return {
        ok: false,
        message: `Für die ${MEMBER_ROLE_LABELS[invitedRole]} ist keine E-Mail-Adresse erfasst; eine Einladung ist nicht möglich.`,
      };
    }
    const email = normalizeEmail(raw);
    const existing = app.members.find((m) => m.email === email);
    if (existing?.invitationState === "ACCEPTED") {
      return { ok: false, message: `${email} ist bereits an diesem Antrag beteiligt.` };
    }
    const member = await writeInvitationInTx(tx, {
      applicationId: app.id,
      existingMemberId: existing?.id ?? null,
      email,
      role: invitedRole,
      invitedById: user.id,
      tokenHash,
      expiresAt,
    });
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: user.id,
      type: "member.invited",
      payload: { email, role: invitedRole, renewed: !!existing, by: "authority" },
    });
    const title = app.title || "Bauantrag";
    const received = app.submittedAt ? formatDateLong(app.submittedAt) : "";
    const how = receivedPhrase(app.intakeChannel ?? "PAPER");
    const invitedUser = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (invitedUser) {
      await createNotificationsInTx(tx, [
        {
          userId: invitedUser.id,
          applicationId: null,
          type: "member.invited",
          title: `Einladung zum Bauantrag „${title}“`.slice(0, 300),
          body: `${app.authority.name} lädt Sie ein, den Bauantrag (Az. ${app.fileNumber}) als ${MEMBER_ROLE_LABELS[invitedRole]} online weiterzubearbeiten. Sie können die Einladung unter „Meine Anträge“ annehmen.`,
          link: "/antraege",
          dedupeKey: invitationNotificationKey(member.id, tokenHash),
        },
      ]);
    }
    await enqueueInTx(tx, {
      jobName: "system.send-email",
      jobId: buildJobId("system.send-email", "invitation", member.id, tokenHash.slice(0, 16)),
      payload: {
        to: email,
        subject: `Eingangsbestätigung und Einladung – Bauantrag „${title}“, Az. ${app.fileNumber}`.slice(
          0,
          300,
        ),
        text: [
          "Guten Tag,",
          "",
          `Ihr Bauantrag „${title}“ ist am ${received} ${how.replace(" eingegangen", "")} bei ${app.authority.name} eingegangen und hat das Aktenzeichen ${app.fileNumber}.`,
          "",
          `Sie können den Antrag als ${MEMBER_ROLE_LABELS[invitedRole]} online weiterbearbeiten: den Stand verfolgen, Nachforderungen beantworten und Unterlagen nachreichen. Über diesen Link nehmen Sie die Einladung an:`,
          invitationUrl(token),
          "",
          `Der Link ist bis zum ${formatDateLong(expiresAt)} gültig. Melden Sie sich dazu mit dieser E-Mail-Adresse (${email}) an oder legen Sie ein Konto an.`,
          "",
          "Wenn Sie keinen Bauantrag gestellt haben, können Sie diese E-Mail ignorieren.",
          "",
          "Mit freundlichen Grüßen",
          app.authority.name,
        ].join("\n"),
      },
    });
    return { ok: true, email } as const;
  });
}

/**
 * What the clerk's intake form needs of the own authority: the building code it names (from the
 * Land profile) and the AGS that narrows the Gemeinde suggestions to the district.
 */
export async function intakeAuthority(
  user: SessionUser,
  client: Tx = db(),
): Promise<{ buildingCode: string; ags: string | null }> {
  const authority = user.authorityId
    ? await client.authority.findUnique({
        where: { id: user.authorityId },
        select: { landProfile: true, ags: true },
      })
    : null;
  return {
    buildingCode: resolveProfile(authority?.landProfile ?? "MBO").buildingCode,
    ags: authority?.ags ?? null,
  };
}

/** Gemeinden a clerk can choose for a registration: the authority's own (and itself as a city). */
export async function listIntakeMunicipalities(
  user: SessionUser,
  client: Tx = db(),
): Promise<{ id: string; name: string }[]> {
  if (!can(user, "review:application:authority") || !user.authorityId) return [];
  const rows = await client.authority.findMany({
    where: {
      OR: [
        { kind: "GEMEINDE", parentId: user.authorityId },
        { id: user.authorityId, kind: "BAUAUFSICHT" },
      ],
    },
    select: { id: true, name: true, kind: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  // A Landkreis as Bauaufsicht is no Gemeinde; a city that is its own Bauaufsicht is (the only one then).
  const gemeinden = rows.filter((r) => r.kind === "GEMEINDE");
  return (gemeinden.length > 0 ? gemeinden : rows).map((r) => ({ id: r.id, name: r.name }));
}
