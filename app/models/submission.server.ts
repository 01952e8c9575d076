import { type CompletenessResult, evaluateCompleteness, type Finding } from "~/domain/completeness";
import { outsideDistrictMessage } from "~/domain/districts";
import { documentTypeLabel, isKnownDocumentType } from "~/domain/document-types";
import type { Prisma } from "~/generated/prisma/client";
import { isUuid } from "~/models/application.server";
import { notifyInTx } from "~/models/case-event.server";
import { settlePendingChecks } from "~/models/document.server";
import { readApplicationData, SUBMITTING_ROLES } from "~/models/draft.server";
import { allocateFileNumber } from "~/models/file-number.server";
import { buildSearchText } from "~/models/inbox.server";
import { transitionApplication } from "~/models/lifecycle.server";
import { enqueueInTx } from "~/models/outbox.server";
import { type ConsentInfo, consentStatusInTx } from "~/models/submission-consent.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";

/**
 * Submitting a Bauantrag. Everything happens in ONE transaction: the server-side completeness
 * check (authoritative; the browser runs the same evaluator only as a preview), marking documents
 * "wird nachgereicht", the Aktenzeichen from the authority's counter, the immutable snapshot, the
 * status change, the history event and the outbox rows for the follow-up work (receipt PDF, XBau
 * export, notifications). If any step fails nothing is kept — no number used up, no job sent.
 */

export type SubmitResult =
  /** Neither the Bauherr's confirmation nor a declared Vollmacht (submission-consent.server.ts). */
  | { ok: false; reason: "consent-missing"; message: string }
  /** The site's Gemeinde (AGS) lies outside the authority's district (app/domain/districts.ts). */
  | { ok: false; reason: "outside-district"; message: string }
  | { ok: true; fileNumber: string }
  | { ok: false; reason: "incomplete"; findings: Finding[] }
  /** A document's newest file is still "wird geprüft" (documents.check-version): wait, then submit. */
  | { ok: false; reason: "checking"; files: string[] }
  | { ok: false; reason: "conflict" | "not-allowed" | "not-editable" };

export interface SubmitInput {
  /** The version the user reviewed on the summary page; a newer one means someone changed it since. */
  expectedVersion: number;
  /** Missing documents the applicant will hand in later ("wird nachgereicht"). */
  laterDocumentTypeCodes: string[];
  /** How long to wait for files still "wird geprüft" before refusing (default 8 s; settlePendingChecks). */
  waitForChecksMs?: number;
}

export interface SnapshotDocument {
  documentId: string;
  typeCode: string;
  title: string;
  /** The exact version submitted; null for documents that will be handed in later. */
  versionId: string | null;
  versionNumber: number | null;
  filename: string | null;
  sha256: string | null;
  sizeBytes: number | null;
  mimeType: string | null;
  pageCount: number | null;
  toBeSubmittedLater: boolean;
}

export interface SnapshotOpenItem {
  ruleId: string;
  message: string;
  legalBasis: string;
  documentTypeCodes: string[];
}

/** Application.snapshot: what exactly was submitted. Never changed afterwards. */
export interface ApplicationSnapshot {
  schemaVersion: 1;
  fileNumber: string;
  title: string;
  procedureType: string;
  data: Prisma.JsonValue;
  authority: { id: string; name: string; landProfile: string };
  municipality: { id: string; name: string } | null;
  members: { userId: string | null; displayName: string | null; email: string; role: string }[];
  documents: SnapshotDocument[];
  openItems: SnapshotOpenItem[];
  /** ISO 8601. */
  submittedAt: string;
  submittedBy: { userId: string; displayName: string; email: string; role: string };
  /** What the submission rests on: the Bauherr's confirmation, a declared Vollmacht, or the Bauherr submitting. */
  consent?: ConsentInfo | null;
}

/** Rolls the transaction back and carries the reason out of it. */
class Abort extends Error {
  constructor(readonly result: Exclude<SubmitResult, { ok: true }>) {
    super(`submission aborted: ${result.reason}`);
  }
}

export async function submitApplication(
  user: SessionUser,
  applicationId: string,
  input: SubmitInput,
): Promise<SubmitResult> {
  if (!isUuid(applicationId) || !can(user, "submit:application:own"))
    return { ok: false, reason: "not-allowed" };
  // A file uploaded a moment ago is usually checked within a second: wait for it (bounded).
  await settlePendingChecks(user, applicationId, { timeoutMs: input.waitForChecksMs });
  const laterCodes = [...new Set((input.laterDocumentTypeCodes ?? []).map((c) => String(c).trim()))].filter(
    (c) => c !== "",
  );
  if (laterCodes.some((c) => !isKnownDocumentType(c))) {
    // The form only offers known codes; anything else is a forged request.
    return { ok: false, reason: "not-allowed" };
  }

  try {
    return await db().$transaction(
      async (tx) => {
        // Serialises submissions (and section saves) of this application for the rest of the transaction.
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT "id" FROM "Application" WHERE "id" = ${applicationId}::uuid FOR UPDATE`;
        if (locked.length === 0) throw new Abort({ ok: false, reason: "not-allowed" });

        const app = await loadForSubmission(tx, applicationId);
        const { me, consent } = await checkSubmittable(tx, app, user, input.expectedVersion);

        const marked = await markLater(tx, app.id, laterCodes);

        const documents = await latestDocuments(tx, app.id);

        const checking = documents.flatMap((d) =>
          d.versions[0]?.checkStatus === "PENDING" ? [d.versions[0].filename] : [],
        );
        if (checking.length > 0) throw new Abort({ ok: false, reason: "checking", files: checking });

        const completeness: CompletenessResult = evaluateCompleteness({
          profile: app.authority.landProfile,
          procedureType: app.procedureType,
          data: readApplicationData(app.data),
          documents: documents.map((d) => ({
            typeCode: d.typeCode,
            hasFile: d.versions.length > 0,
            toBeSubmittedLater: d.toBeSubmittedLater,
          })),
        });
        if (!completeness.canSubmit) {
          throw new Abort({ ok: false, reason: "incomplete", findings: [...completeness.findings] });
        }

        const submittedAt = new Date();

        const openItems: SnapshotOpenItem[] = completeness.openItems.map((f) => ({
          ruleId: f.ruleId,
          message: f.message,
          legalBasis: f.legalBasis,
          documentTypeCodes: [...(f.documentTypeCodes ?? [])],
        }));
        const snapshotWithout = snapshotOf(app, documents, openItems, {
          user,
          role: me.role,
          consent: consent.basis,
          submittedAt,
        });

        // Follow-up work first: everything from the counter on holds the authority's counter row lock,
        // which every other submission to this authority waits for, so that part is kept to three
        // statements (counter, application, event) plus the commit.
        await enqueueFollowUps(tx, app.id, user.id);

        const { fileNumber } = await allocateFileNumber(tx, app.authority, submittedAt);
        const snapshot: ApplicationSnapshot = { ...snapshotWithout, fileNumber };

        const moved = await transitionApplication(tx, {
          applicationId: app.id,
          command: "submit",
          from: app.status,
          actor: { kind: "applicant", id: user.id },
          where: { version: input.expectedVersion },
          set: {
            fileNumber,
            submittedAt,
            snapshot: snapshot as unknown as Prisma.InputJsonValue,
            searchText: buildSearchText({ fileNumber, title: app.title, data: app.data }),
            version: { increment: 1 },
          },
          payload: {
            fileNumber,
            role: me.role,
            documents: snapshot.documents.filter((d) => d.versionId).length,
            openItems: openItems.map((o) => ({ message: o.message, documentTypeCodes: o.documentTypeCodes })),
            markedLater: marked,
          },
          // Enqueued above, before the counter lock.
          notify: false,
        });
        if (!moved) throw new Abort({ ok: false, reason: "conflict" });

        return { ok: true, fileNumber } as const;
      },
      // Many submissions at once wait for a pool connection and for the authority's counter row.
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (err) {
    if (err instanceof Abort) return err.result;
    throw err;
  }
}

/** Who may submit, in which state, at which version, with whose consent, in whose district. */
async function checkSubmittable(
  tx: Tx,
  app: SubmittedApplication,
  user: SessionUser,
  expectedVersion: number,
) {
  const me = app.members.find((m) => m.userId === user.id);
  if (!me || !SUBMITTING_ROLES.includes(me.role)) throw new Abort({ ok: false, reason: "not-allowed" });
  if (app.status !== "DRAFT") throw new Abort({ ok: false, reason: "not-editable" });
  if (app.version !== expectedVersion) throw new Abort({ ok: false, reason: "conflict" });
  const consent = await consentStatusInTx(tx, app.id, app.version, { userId: user.id, role: me.role });
  if (!consent.satisfied) {
    throw new Abort({ ok: false, reason: "consent-missing", message: consent.missing ?? "" });
  }
  const outside = outsideDistrictMessage(app.authority, {
    ags:
      (app.data as { plot?: { municipalityAgs?: string } } | null)?.plot?.municipalityAgs ??
      app.municipality?.ags,
    municipalityName: app.municipality?.name,
  });
  if (outside) throw new Abort({ ok: false, reason: "outside-district", message: outside });
  return { me, consent };
}

/** Receipt, XBau 0200 and the notification, written before the counter lock is taken. */
async function enqueueFollowUps(tx: Tx, applicationId: string, userId: string) {
  await enqueueInTx(tx, {
    jobName: "documents.render-receipt",
    jobId: buildJobId("documents.render-receipt", applicationId),
    payload: { applicationId },
  });
  await enqueueInTx(tx, {
    jobName: "xbau.export-application",
    jobId: buildJobId("xbau.export-application", applicationId),
    payload: { applicationId },
  });
  await notifyInTx(tx, "application.submitted", { applicationId, actorId: userId });
}

/** The application as the submission reads it (under the row lock). */
function loadForSubmission(tx: Tx, applicationId: string) {
  return tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: {
      id: true,
      status: true,
      version: true,
      title: true,
      procedureType: true,
      data: true,
      authority: {
        select: {
          id: true,
          name: true,
          slug: true,
          landProfile: true,
          fileNumberFormat: true,
          ags: true,
        },
      },
      municipality: { select: { id: true, name: true, ags: true } },
      members: {
        where: { invitationState: "ACCEPTED" },
        select: { userId: true, email: true, role: true, user: { select: { displayName: true } } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      },
    },
  });
}

/** Each document with its latest version that was not refused (a refused one counts as missing). */
function latestDocuments(tx: Tx, applicationId: string) {
  return tx.document.findMany({
    where: { applicationId },
    select: {
      id: true,
      typeCode: true,
      title: true,
      toBeSubmittedLater: true,
      versions: {
        // A refused version ("abgelehnt") is as if it had not been uploaded.
        where: { checkStatus: { not: "REFUSED" } },
        select: {
          id: true,
          versionNumber: true,
          filename: true,
          sha256: true,
          sizeBytes: true,
          mimeType: true,
          pageCount: true,
          checkStatus: true,
        },
        orderBy: { versionNumber: "desc" },
        take: 1,
      },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

type SubmittedApplication = Awaited<ReturnType<typeof loadForSubmission>>;
type SubmittedDocument = Awaited<ReturnType<typeof latestDocuments>>[number];

/** The snapshot of what was submitted (all but the Aktenzeichen, which is drawn last). */
function snapshotOf(
  app: SubmittedApplication,
  documents: SubmittedDocument[],
  openItems: SnapshotOpenItem[],
  by: {
    user: SessionUser;
    role: ApplicationSnapshot["submittedBy"]["role"];
    consent: ConsentInfo | null;
    submittedAt: Date;
  },
): Omit<ApplicationSnapshot, "fileNumber"> {
  const { user, role, consent, submittedAt } = by;
  return {
    schemaVersion: 1,
    title: app.title,
    procedureType: app.procedureType,
    data: app.data,
    authority: {
      id: app.authority.id,
      name: app.authority.name,
      landProfile: app.authority.landProfile,
    },
    municipality: app.municipality ? { id: app.municipality.id, name: app.municipality.name } : null,
    members: app.members.map((m) => ({
      userId: m.userId,
      displayName: m.user?.displayName ?? null,
      email: m.email,
      role: m.role,
    })),
    documents: documents
      .filter((d) => d.versions.length > 0 || d.toBeSubmittedLater)
      .map((d): SnapshotDocument => {
        const v = d.versions[0];
        return {
          documentId: d.id,
          typeCode: d.typeCode,
          title: d.title,
          versionId: v?.id ?? null,
          versionNumber: v?.versionNumber ?? null,
          filename: v?.filename ?? null,
          sha256: v?.sha256 ?? null,
          sizeBytes: v ? Number(v.sizeBytes) : null,
          mimeType: v?.mimeType ?? null,
          pageCount: v?.pageCount ?? null,
          // A file uploaded after marking wins: the document is there, not an open item.
          toBeSubmittedLater: !v && d.toBeSubmittedLater,
        };
      }),
    openItems,
    submittedAt: submittedAt.toISOString(),
    submittedBy: { userId: user.id, displayName: user.displayName, email: user.email, role },
    consent,
  };
}

/**
 * Marks missing documents "wird nachgereicht": an existing document without a file gets the flag,
 * a type without a document gets a document row without versions. Types that already have a file
 * are left alone. Returns the codes that were newly marked.
 */
async function markLater(tx: Tx, applicationId: string, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const existing = await tx.document.findMany({
    where: { applicationId, typeCode: { in: codes } },
    // A refused version ("abgelehnt") is no file: such a document may be marked too.
    select: {
      id: true,
      typeCode: true,
      toBeSubmittedLater: true,
      _count: { select: { versions: { where: { checkStatus: { not: "REFUSED" } } } } },
    },
  });
  const marked: string[] = [];
  for (const code of codes) {
    const docs = existing.filter((d) => d.typeCode === code);
    if (docs.some((d) => d._count.versions > 0)) continue;
    if (docs.length === 0) {
      await tx.document.create({
        data: { applicationId, typeCode: code, title: documentTypeLabel(code), toBeSubmittedLater: true },
      });
      marked.push(code);
    } else if (docs.some((d) => !d.toBeSubmittedLater)) {
      await tx.document.updateMany({
        where: { id: { in: docs.map((d) => d.id) } },
        data: { toBeSubmittedLater: true },
      });
      marked.push(code);
    }
  }
  return marked;
}

/** The stored snapshot of a submitted application (for workers and the case page). */
export function readSnapshot(raw: unknown): ApplicationSnapshot | null {
  if (!raw || typeof raw !== "object") return null;
  const s = raw as Partial<ApplicationSnapshot>;
  if (s.schemaVersion !== 1 || typeof s.fileNumber !== "string" || !Array.isArray(s.documents)) return null;
  return s as ApplicationSnapshot;
}
