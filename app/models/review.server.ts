import { evaluateCompleteness, type Finding } from "~/domain/completeness";
import { decisionDeadline } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { checkApplicationTransition } from "~/domain/lifecycle";
import type { Prisma } from "~/generated/prisma/client";
import { authorityScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import { lockCase } from "~/models/case-lock.server";
import { decisionCircumstances } from "~/models/decision-fiction.server";
import { readApplicationData } from "~/models/draft.server";
import { transitionApplication } from "~/models/lifecycle.server";
import { refreshNextDeadline } from "~/models/next-deadline.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { notFound } from "~/utils/permissions.server";
import { buildJobId } from "~/utils/queue.server";

/**
 * Formal review (Vollständigkeitsprüfung) by the clerks of the responsible authority. Every query
 * is scoped to the clerk's authority in its WHERE: a case of another tenant is "not found".
 *
 *   SUBMITTED --startReview--> IN_REVIEW --sendRequest--> INCOMPLETE --sendAnswer--> IN_REVIEW
 *   IN_REVIEW --confirmComplete--> COMPLETE (decision clock starts, Land profile)
 */

/** XBau code list formellebefundeart 2.0. */
export const FINDING_CATEGORIES = {
  "01": "Beteiligte",
  "02": "Bauvorhaben",
  "03": "Lokalisierung",
  "04": "Bauvorlage mangelhaft",
  "05": "Bauvorlage fehlt",
  "06": "Abweichungsantrag fehlt",
} as const;
export type FindingCategory = keyof typeof FINDING_CATEGORIES;

export function isFindingCategory(value: unknown): value is FindingCategory {
  return typeof value === "string" && Object.hasOwn(FINDING_CATEGORIES, value);
}

export interface ProposedItem {
  category: FindingCategory;
  message: string;
  ruleId: string;
  documentTypeCode?: string;
  fieldPath?: string;
  legalBasis: string;
  /** Why it is proposed: a missing field, a missing document, or a document marked "wird nachgereicht". */
  source: "missing-field" | "missing-document" | "to-be-submitted-later";
}

export interface RequestItemInput {
  category: string;
  message: string;
  ruleId?: string | null;
  documentTypeCode?: string | null;
  fieldPath?: string | null;
}

export interface SendRequestInput {
  items: RequestItemInput[];
  message: string;
  internalNote: string;
  bylawReference?: string | null;
  deadline: Date;
}

const NOT_FOUND = "Diesen Fall gibt es nicht oder er gehört nicht zu Ihrer Behörde.";

/** The clerk's authority, or null for users who may not review. */
export function reviewerAuthority(clerk: SessionUser): string | null {
  if (!can(clerk, "review:application:authority") || !clerk.authorityId) return null;
  return clerk.authorityId;
}

function caseWhere(authorityId: string, applicationId: string): Prisma.ApplicationWhereInput {
  return { AND: [{ id: applicationId }, authorityScope(authorityId)] };
}

/** What review commands read from the case under its lock (lockCase). */
const reviewCaseSelect = {
  id: true,
  status: true,
  procedureType: true,
  decisionDueAt: true,
  data: true,
  authority: { select: { landProfile: true } },
} satisfies Prisma.ApplicationSelect;

function lockReviewCase(tx: Tx, authorityId: string, applicationId: string) {
  return lockCase(tx, authorityId, applicationId, reviewCaseSelect);
}

/**
 * Who issues a review command: a clerk of the authority, or an API client of it (issue 16, status
 * commands of /api/v1). An API client has no user: the event's actor is empty and its payload
 * names the client, so the case history shows who it was.
 */
export interface ReviewIssuer {
  authorityId: string;
  userId: string | null;
  apiClient?: { id: string; name: string };
}

function issuerPayload(issuer: ReviewIssuer) {
  return issuer.apiClient ? { apiClient: issuer.apiClient } : {};
}

/** SUBMITTED -> IN_REVIEW (idempotent for a case already in review). Throws 404 outside the clerk's authority. */
export async function startReview(clerk: SessionUser, applicationId: string): Promise<void> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) notFound(NOT_FOUND);
  const result = await startReviewAs({ authorityId, userId: clerk.id }, applicationId);
  if (result === "not-found") notFound(NOT_FOUND);
}

/**
 * startReview for any issuer: "started", "unchanged" (the case was not SUBMITTED; nothing
 * written) or "not-found" (not a case of the issuer's authority).
 */
export async function startReviewAs(
  issuer: ReviewIssuer,
  applicationId: string,
): Promise<"started" | "unchanged" | "not-found"> {
  if (!isUuid(applicationId)) return "not-found";
  return db().$transaction(async (tx) => {
    const app = await lockReviewCase(tx, issuer.authorityId, applicationId);
    if (!app) return "not-found" as const;
    if (app.status !== "SUBMITTED") return "unchanged" as const;
    await transitionApplication(tx, {
      applicationId: app.id,
      command: "startReview",
      from: app.status,
      actor: { kind: "authority", id: issuer.userId },
      payload: issuerPayload(issuer),
    });
    return "started" as const;
  });
}

/** Maps a completeness finding on a field to its befund category by the field's section. */
export function categoryForPath(path: string | undefined): FindingCategory {
  const head = (path ?? "").split(".")[0];
  if (head === "bauherr" || head === "entwurfsverfasser") return "01";
  if (head === "plot") return "03";
  return "02";
}

/** The automatic findings as proposed request items; the clerk adds, edits or removes before sending. */
export function proposeItems(findings: readonly Finding[], laterCodes: readonly string[]): ProposedItem[] {
  const items: ProposedItem[] = [];
  for (const f of findings) {
    if ((f.kind === "field" || f.kind === "plausibility") && f.severity === "error") {
      items.push({
        category: categoryForPath(f.path),
        message: f.message,
        ruleId: f.ruleId,
        fieldPath: f.path,
        legalBasis: f.legalBasis,
        source: "missing-field",
      });
    } else if (f.kind === "document" && f.severity === "missing-document") {
      const later = f.status === "to-be-submitted-later";
      items.push({
        category: "05",
        message: later ? `${f.message} (bei Antragstellung als „wird nachgereicht“ angegeben)` : f.message,
        ruleId: f.ruleId,
        documentTypeCode: f.documentTypeCodes?.[0],
        legalBasis: f.legalBasis,
        source: later ? "to-be-submitted-later" : "missing-document",
      });
    }
  }
  // Documents marked "wird nachgereicht" that no rule asked for are open items too.
  for (const code of laterCodes) {
    if (items.some((i) => i.documentTypeCode === code)) continue;
    items.push({
      category: "05",
      message: `${documentTypeLabel(code)} (bei Antragstellung als „wird nachgereicht“ angegeben)`,
      ruleId: `later.${code}`,
      documentTypeCode: code,
      legalBasis: "",
      source: "to-be-submitted-later",
    });
  }
  return items;
}

export async function getReviewProposal(
  clerk: SessionUser,
  applicationId: string,
): Promise<{ items: ProposedItem[] } | null> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return null;
  const app = await db().application.findFirst({
    where: caseWhere(authorityId, applicationId),
    select: {
      procedureType: true,
      data: true,
      authority: { select: { landProfile: true } },
      documents: {
        // Only accepted files count (a version "wird geprüft" or "abgelehnt" is not there yet).
        select: {
          typeCode: true,
          toBeSubmittedLater: true,
          _count: { select: { versions: { where: { checkStatus: "ACCEPTED" } } } },
        },
      },
    },
  });
  if (!app) return null;
  const result = evaluateCompleteness({
    profile: app.authority.landProfile,
    procedureType: app.procedureType,
    data: readApplicationData(app.data),
    documents: app.documents.map((d) => ({
      typeCode: d.typeCode,
      hasFile: d._count.versions > 0,
      toBeSubmittedLater: d.toBeSubmittedLater,
    })),
  });
  const laterCodes = app.documents
    .filter((d) => d.toBeSubmittedLater && d._count.versions === 0)
    .map((d) => d.typeCode);
  return { items: proposeItems(result.findings, laterCodes) };
}

/** What the case looked like when a request was sent: the answer is compared against it. */
export interface RequestBaseline {
  data: Prisma.JsonValue;
  documents: { documentId: string; typeCode: string; title: string; versionIds: string[] }[];
}

export async function baselineOf(
  tx: Tx,
  applicationId: string,
  data: Prisma.JsonValue,
): Promise<RequestBaseline> {
  const docs = await tx.document.findMany({
    where: { applicationId },
    select: { id: true, typeCode: true, title: true, versions: { select: { id: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return {
    data,
    documents: docs.map((d) => ({
      documentId: d.id,
      typeCode: d.typeCode,
      title: d.title,
      versionIds: d.versions.map((v) => v.id),
    })),
  };
}

class Refused extends Error {
  constructor(
    readonly userMessage: string,
    readonly notFound = false,
  ) {
    super(userMessage);
  }
}

function validateRequest(input: SendRequestInput, now: Date): string | null {
  if (!Array.isArray(input.items) || input.items.length === 0) {
    return "Bitte nennen Sie mindestens einen Punkt, der nachgefordert wird.";
  }
  if (input.items.length > 100) return "Eine Nachforderung kann höchstens 100 Punkte enthalten.";
  for (const [i, item] of input.items.entries()) {
    if (!isFindingCategory(item.category)) return `Punkt ${i + 1}: Bitte wählen Sie eine gültige Befundart.`;
    const msg = String(item.message ?? "").trim();
    if (!msg) return `Punkt ${i + 1}: Bitte beschreiben Sie, was fehlt.`;
    if (msg.length > 2000) return `Punkt ${i + 1}: Die Beschreibung ist zu lang (höchstens 2000 Zeichen).`;
  }
  if (String(input.message ?? "").length > 5000)
    return "Das Anschreiben ist zu lang (höchstens 5000 Zeichen).";
  if (String(input.internalNote ?? "").length > 5000)
    return "Der interne Vermerk ist zu lang (höchstens 5000 Zeichen).";
  if (String(input.bylawReference ?? "").length > 300)
    return "Die Satzungsangabe ist zu lang (höchstens 300 Zeichen).";
  const deadline = input.deadline;
  if (!(deadline instanceof Date) || Number.isNaN(deadline.getTime()))
    return "Bitte geben Sie eine gültige Frist an.";
  if (deadline.getTime() <= now.getTime()) return "Die Frist muss in der Zukunft liegen.";
  if (deadline.getTime() > now.getTime() + 366 * 86_400_000)
    return "Die Frist darf höchstens ein Jahr betragen.";
  return null;
}

/**
 * Sends a Nachforderung: the request with its items and the baseline (data and document versions
 * now), status INCOMPLETE, the request deadline as the case's next deadline, a history event
 * (without the internal note) and a notification job — one transaction.
 */
export async function sendRequest(
  clerk: SessionUser,
  applicationId: string,
  input: SendRequestInput,
): Promise<{ ok: true; requestId: string } | { ok: false; message: string }> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  const now = new Date();
  const invalid = validateRequest(input, now);
  if (invalid) return { ok: false, message: invalid };
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockReviewCase(tx, authorityId, applicationId);
      if (!app) throw new Refused(NOT_FOUND);
      if (!checkApplicationTransition("sendRequest", app.status, "authority").ok) {
        throw new Refused(
          app.status === "INCOMPLETE"
            ? "Zu diesem Fall ist bereits eine Nachforderung offen."
            : "In diesem Stand des Verfahrens kann keine Nachforderung gesendet werden.",
        );
      }
      const baseline = await baselineOf(tx, app.id, app.data);
      const request = await tx.request.create({
        data: {
          applicationId: app.id,
          createdById: clerk.id,
          status: "OPEN",
          message: String(input.message ?? "").trim(),
          internalNote: String(input.internalNote ?? "").trim(),
          bylawReference: String(input.bylawReference ?? "").trim() || null,
          deadline: input.deadline,
          baseline: baseline as unknown as Prisma.InputJsonValue,
          sentAt: now,
          items: {
            create: input.items.map((item, i) => ({
              position: i + 1,
              category: item.category,
              message: String(item.message).trim(),
              ruleId: item.ruleId?.trim() || null,
              documentTypeCode: item.documentTypeCode?.trim() || null,
              fieldPath: item.fieldPath?.trim() || null,
            })),
          },
        },
        select: { id: true },
      });
      await transitionApplication(tx, {
        applicationId: app.id,
        command: "sendRequest",
        from: app.status,
        actor: { kind: "authority", id: clerk.id },
        payload: {
          requestId: request.id,
          deadline: input.deadline.toISOString(),
          bylawReference: String(input.bylawReference ?? "").trim() || null,
          items: input.items.map((i) => ({ category: i.category, message: String(i.message).trim() })),
        },
        notify: {
          scope: request.id,
          details: { deadline: input.deadline.toISOString(), requestId: request.id },
        },
        jobs: [
          {
            jobName: "xbau.export-review",
            jobId: buildJobId("xbau.export-review", app.id, "0201-request", request.id),
            payload: { message: "0201-request", applicationId: app.id, requestId: request.id },
          },
          {
            jobName: "documents.render-request-letter",
            jobId: buildJobId("documents.render-request-letter", request.id),
            payload: { requestId: request.id },
          },
        ],
      });
      return { ok: true as const, requestId: request.id };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * Confirms the file complete: COMPLETE, completeAt now, the decision deadline from the Land profile
 * (null where the profile sets none), which also becomes the case's next deadline.
 */
export async function confirmComplete(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<ConfirmCompleteResult> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId) return { ok: false, message: NOT_FOUND, notFound: true };
  return confirmCompleteAs({ authorityId, userId: clerk.id }, applicationId, { now });
}

export type ConfirmCompleteResult =
  | { ok: true; decisionDueAt: Date | null }
  | { ok: false; message: string; notFound?: boolean };

/** confirmComplete for any issuer (clerk or API client of the authority). */
export async function confirmCompleteAs(
  issuer: ReviewIssuer,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<ConfirmCompleteResult> {
  const authorityId = issuer.authorityId;
  if (!isUuid(applicationId)) return { ok: false, message: NOT_FOUND, notFound: true };
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockReviewCase(tx, authorityId, applicationId);
      if (!app) throw new Refused(NOT_FOUND, true);
      if (app.status === "INCOMPLETE") {
        throw new Refused(
          "Es ist noch eine Nachforderung offen. Warten Sie die Antwort ab oder schließen Sie sie.",
        );
      }
      if (!checkApplicationTransition("confirmComplete", app.status, "authority").ok) {
        throw new Refused("Dieser Fall ist nicht in der Vollständigkeitsprüfung.");
      }
      // A Verbandsbeteiligung recorded before (§ 63 Abs. 2 Satz 4 LBauO M-V) starts no deadline.
      const circumstances = await decisionCircumstances(tx, app.id);
      const deadline = decisionDeadline(app.authority.landProfile, app.procedureType, now, circumstances);
      const decisionDueAt = deadline?.dueAt ?? null;
      await transitionApplication(tx, {
        applicationId: app.id,
        command: "confirmComplete",
        from: app.status,
        actor: { kind: "authority", id: issuer.userId },
        set: { completeAt: now, decisionDueAt },
        payload: {
          completeAt: now.toISOString(),
          decisionDueAt: decisionDueAt?.toISOString() ?? null,
          legalBasis: deadline?.legalBasis ?? null,
          fiction: deadline?.fiction ?? false,
          ...issuerPayload(issuer),
        },
        notify: { details: { decisionDueAt: decisionDueAt?.toISOString() ?? null } },
        jobs: [
          {
            jobName: "xbau.export-review",
            jobId: buildJobId("xbau.export-review", app.id, "0201-complete"),
            payload: { message: "0201-complete", applicationId: app.id },
          },
        ],
      });
      return { ok: true as const, decisionDueAt };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage, notFound: err.notFound };
    throw err;
  }
}

/**
 * What confirming completeness would start now, for the confirmation page (issue 14 item 6): the
 * decision deadline of the Land profile for this procedure (null: none), read-only. Null when the
 * case is not the clerk's.
 */
export async function previewConfirmComplete(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ status: string; deadline: ReturnType<typeof decisionDeadline> } | null> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return null;
  const app = await db().application.findFirst({
    where: caseWhere(authorityId, applicationId),
    select: { status: true, procedureType: true, authority: { select: { landProfile: true } } },
  });
  if (!app) return null;
  return {
    status: app.status,
    deadline: decisionDeadline(
      app.authority.landProfile,
      app.procedureType,
      now,
      await decisionCircumstances(db(), applicationId),
    ),
  };
}

/** Assigns the case to a clerk of the same authority (null: unassigned). */
export async function assignCase(
  clerk: SessionUser,
  applicationId: string,
  clerkUserId: string | null,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  if (clerkUserId !== null) {
    const target = isUuid(clerkUserId)
      ? await db().user.findFirst({
          where: { id: clerkUserId, authorityId, roles: { has: "CLERK" }, disabledAt: null },
          select: { id: true },
        })
      : null;
    if (!target) return { ok: false, message: "Diese Person ist keine Sachbearbeiter:in Ihrer Behörde." };
  }
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockReviewCase(tx, authorityId, applicationId);
      if (!app) throw new Refused(NOT_FOUND);
      const before = await tx.application.findUniqueOrThrow({
        where: { id: app.id },
        select: { assignedClerkId: true },
      });
      if (before.assignedClerkId === clerkUserId) return { ok: true as const };
      await tx.application.update({ where: { id: app.id }, data: { assignedClerkId: clerkUserId } });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "case.assigned",
        payload: { from: before.assignedClerkId, to: clerkUserId },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * Closes an open request without an answer (e.g. the clerk obtained the missing item otherwise):
 * CLOSED, the case back to IN_REVIEW, the applicant side can no longer change it.
 */
export async function closeRequest(
  clerk: SessionUser,
  applicationId: string,
  requestId: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId) || !isUuid(requestId)) return { ok: false, message: NOT_FOUND };
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockReviewCase(tx, authorityId, applicationId);
      if (!app) throw new Refused(NOT_FOUND);
      const { count } = await tx.request.updateMany({
        where: { id: requestId, applicationId, status: "OPEN" },
        data: { status: "CLOSED", closedAt: new Date() },
      });
      if (count !== 1) throw new Refused("Diese Nachforderung ist nicht offen.");
      if (app.status === "INCOMPLETE") {
        await transitionApplication(tx, {
          applicationId: app.id,
          command: "closeRequest",
          from: app.status,
          actor: { kind: "authority", id: clerk.id },
        });
      } else {
        await refreshNextDeadline(tx, app.id);
      }
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "request.closed",
        payload: { requestId },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}
