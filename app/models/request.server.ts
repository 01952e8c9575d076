import type { OpenRequestItem } from "~/domain/completeness/open-items";
import type { Prisma } from "~/generated/prisma/client";
import { applicantScope, authorityScope, isUuid } from "~/models/application.server";
import { transitionApplication } from "~/models/lifecycle.server";
import { FINDING_CATEGORIES, type RequestBaseline, reviewerAuthority } from "~/models/review.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";

/**
 * Requests (Nachforderungen) as the two sides see them. The applicant side reads through
 * `getOpenRequestForMember`, whose SELECT never names `internalNote` — the note cannot leak through
 * a view, a loader or a serialised object. Clerks read through `getRequestForClerk`, scoped to their
 * authority, with the changes since the request (field diff, new document versions).
 */

export interface RequestItemView {
  id: string;
  position: number;
  category: string;
  categoryLabel: string;
  message: string;
  ruleId: string | null;
  documentTypeCode: string | null;
  fieldPath: string | null;
  answerText: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
}

export interface RequestView {
  id: string;
  applicationId: string;
  status: string;
  message: string;
  bylawReference: string | null;
  deadline: Date;
  sentAt: Date;
  answeredAt: Date | null;
  expiredAt: Date | null;
  items: RequestItemView[];
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface DocumentChange {
  typeCode: string;
  title: string;
  newVersions: { versionId: string; versionNumber: number; filename: string }[];
}

export interface ChangeSet {
  fields: FieldChange[];
  documents: DocumentChange[];
}

export interface CurrentDocument {
  typeCode: string;
  title: string;
  versions: { id: string; versionNumber: number; filename: string }[];
}

/** Select for the applicant side: every column it may see, and nothing else. */
const memberRequestSelect = {
  id: true,
  applicationId: true,
  status: true,
  message: true,
  bylawReference: true,
  deadline: true,
  sentAt: true,
  answeredAt: true,
  expiredAt: true,
  items: {
    select: {
      id: true,
      position: true,
      category: true,
      message: true,
      ruleId: true,
      documentTypeCode: true,
      fieldPath: true,
      answerText: true,
      answeredAt: true,
      answeredBy: { select: { displayName: true } },
    },
    orderBy: { position: "asc" },
  },
} satisfies Prisma.RequestSelect;

type MemberRequestRow = Prisma.RequestGetPayload<{ select: typeof memberRequestSelect }>;

function toView(row: MemberRequestRow): RequestView {
  return {
    id: row.id,
    applicationId: row.applicationId,
    status: row.status,
    message: row.message,
    bylawReference: row.bylawReference,
    deadline: row.deadline,
    sentAt: row.sentAt,
    answeredAt: row.answeredAt,
    expiredAt: row.expiredAt,
    items: row.items.map((i) => ({
      id: i.id,
      position: i.position,
      category: i.category,
      categoryLabel: FINDING_CATEGORIES[i.category as keyof typeof FINDING_CATEGORIES] ?? i.category,
      message: i.message,
      ruleId: i.ruleId,
      documentTypeCode: i.documentTypeCode,
      fieldPath: i.fieldPath,
      answerText: i.answerText,
      answeredAt: i.answeredAt,
      answeredBy: i.answeredBy?.displayName ?? null,
    })),
  };
}

/** Applicant side: the open request of an application the user is a member of. Never the internal note. */
export async function getOpenRequestForMember(
  user: SessionUser,
  applicationId: string,
): Promise<RequestView | null> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return null;
  const row = await db().request.findFirst({
    where: { applicationId, status: "OPEN", application: applicantScope(user.id) },
    select: memberRequestSelect,
    orderBy: { sentAt: "desc" },
  });
  return row ? toView(row) : null;
}

/**
 * Applicant side: the items of the open request, each with whether it is fulfilled — answered in
 * writing, or (for a document item) an accepted new version of that document uploaded since the
 * request was sent. Input of openItemsOf (app/domain/completeness/open-items.ts). Null: no open request.
 */
export async function openRequestItemsForMember(
  user: SessionUser,
  applicationId: string,
): Promise<{ sentAt: Date; items: OpenRequestItem[] } | null> {
  const req = await getOpenRequestForMember(user, applicationId);
  if (!req) return null;
  const codes = [...new Set(req.items.flatMap((i) => (i.documentTypeCode ? [i.documentTypeCode] : [])))];
  const fresh =
    codes.length === 0
      ? []
      : await db().documentVersion.findMany({
          where: {
            createdAt: { gt: req.sentAt },
            checkStatus: "ACCEPTED",
            document: { applicationId: req.applicationId, typeCode: { in: codes } },
          },
          select: { document: { select: { typeCode: true } } },
        });
  const renewed = new Set(fresh.map((v) => v.document.typeCode));
  return {
    sentAt: req.sentAt,
    items: req.items.map((i) => ({
      id: i.id,
      position: i.position,
      message: i.message,
      categoryLabel: i.categoryLabel,
      documentTypeCode: i.documentTypeCode,
      fulfilled: i.answeredAt !== null || (i.documentTypeCode !== null && renewed.has(i.documentTypeCode)),
    })),
  };
}

/** Applicant side: every request of the application (answered ones too), newest first. Never the internal note. */
export async function listRequestsForMember(
  user: SessionUser,
  applicationId: string,
): Promise<RequestView[]> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return [];
  const rows = await db().request.findMany({
    where: { applicationId, application: applicantScope(user.id) },
    select: memberRequestSelect,
    orderBy: { sentAt: "desc" },
  });
  return rows.map(toView);
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (Array.isArray(value)) {
    if (value.length === 0 && prefix) out.set(prefix, []);
    value.forEach((v, i) => {
      flatten(v, prefix ? `${prefix}.${i}` : String(i), out);
    });
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (value === undefined || value === null || value === "") return;
  out.set(prefix, value);
}

function isEmptyValue(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && Object.keys(v).length === 0)
  );
}

/**
 * What changed since the request: leaf fields of the form data (dotted paths, blank = not set) and
 * the document versions that did not exist at request time, per document type.
 */
export function computeChanges(
  baseline: unknown,
  currentData: unknown,
  currentDocuments: readonly CurrentDocument[],
): ChangeSet {
  const base = (baseline && typeof baseline === "object" ? baseline : {}) as Partial<RequestBaseline>;
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  flatten(base.data ?? {}, "", before);
  flatten(currentData ?? {}, "", after);
  const fields: FieldChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(path);
    const a = after.get(path);
    if (isEmptyValue(b) && isEmptyValue(a)) continue;
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    fields.push({ path, before: b ?? null, after: a ?? null });
  }
  const known = new Set((base.documents ?? []).flatMap((d) => d.versionIds ?? []));
  const documents: DocumentChange[] = [];
  for (const d of currentDocuments) {
    const fresh = d.versions
      .filter((v) => !known.has(v.id))
      .sort((x, y) => x.versionNumber - y.versionNumber)
      .map((v) => ({ versionId: v.id, versionNumber: v.versionNumber, filename: v.filename }));
    if (fresh.length > 0) documents.push({ typeCode: d.typeCode, title: d.title, newVersions: fresh });
  }
  return { fields, documents };
}

async function currentState(
  applicationId: string,
  client: Prisma.TransactionClient | ReturnType<typeof db> = db(),
) {
  const app = await client.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: {
      data: true,
      documents: {
        select: {
          typeCode: true,
          title: true,
          versions: {
            select: { id: true, versionNumber: true, filename: true },
            orderBy: { versionNumber: "asc" },
          },
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      },
    },
  });
  return app;
}

/** Clerk side: one request of a case of the clerk's authority, with the internal note and what changed since. */
export async function getRequestForClerk(
  clerk: SessionUser,
  applicationId: string,
  requestId: string,
): Promise<(RequestView & { internalNote: string; changes: ChangeSet }) | null> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId) || !isUuid(requestId)) return null;
  const row = await db().request.findFirst({
    where: { id: requestId, applicationId, application: authorityScope(authorityId) },
    select: { ...memberRequestSelect, internalNote: true, baseline: true },
  });
  if (!row) return null;
  const current = await currentState(applicationId);
  return {
    ...toView(row),
    internalNote: row.internalNote,
    changes: computeChanges(row.baseline, current.data, current.documents),
  };
}

/** Clerk side: the requests of a case (newest first) with internal notes; null outside the clerk's authority. */
export async function listRequestsForClerk(clerk: SessionUser, applicationId: string) {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return null;
  const rows = await db().request.findMany({
    where: { applicationId, application: authorityScope(authorityId) },
    select: { ...memberRequestSelect, internalNote: true },
    orderBy: { sentAt: "desc" },
  });
  return rows.map((r) => ({ ...toView(r), internalNote: r.internalNote }));
}

const NOT_FOUND = "Diese Nachforderung gibt es nicht oder Sie sind am Antrag nicht beteiligt.";
const NOT_OPEN = "Diese Nachforderung ist nicht mehr offen und kann nicht mehr beantwortet werden.";

/** Applicant side: answers one item in text (empty text clears the answer). Only while the request is OPEN. */
export async function answerItem(
  user: SessionUser,
  applicationId: string,
  itemId: string,
  { answerText }: { answerText: string },
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!isUuid(applicationId) || !isUuid(itemId) || !can(user, "update:application:own")) {
    return { ok: false, message: NOT_FOUND };
  }
  const text = String(answerText ?? "").trim();
  if (text.length > 5000) return { ok: false, message: "Die Antwort ist zu lang (höchstens 5000 Zeichen)." };
  return db().$transaction(async (tx) => {
    const item = await tx.requestItem.findFirst({
      where: { id: itemId, request: { applicationId, application: applicantScope(user.id) } },
      select: { id: true, requestId: true },
    });
    if (!item) return { ok: false as const, message: NOT_FOUND };
    // Holds off sendAnswer (FOR UPDATE) until this answer is in; refuses once it is no longer open.
    const locked = await tx.$queryRaw<{ status: string }[]>`
      SELECT "status"::text AS "status" FROM "Request" WHERE "id" = ${item.requestId}::uuid FOR SHARE`;
    if (locked[0]?.status !== "OPEN") return { ok: false as const, message: NOT_OPEN };
    await tx.requestItem.update({
      where: { id: item.id },
      data: text
        ? { answerText: text, answeredAt: new Date(), answeredById: user.id }
        : { answerText: null, answeredAt: null, answeredById: null },
    });
    return { ok: true as const };
  });
}

class Refused extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

/**
 * Applicant side: sends the answer (Nachreichung). The request becomes ANSWERED, the case goes back
 * to IN_REVIEW (no further changes by the applicant side), the event carries the ChangeSet, and the
 * clerks are notified. Refused when the request is not OPEN.
 */
export async function sendAnswer(
  user: SessionUser,
  applicationId: string,
  requestId: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!isUuid(applicationId) || !isUuid(requestId) || !can(user, "update:application:own")) {
    return { ok: false, message: NOT_FOUND };
  }
  try {
    return await db().$transaction(async (tx) => {
      const visible = await tx.application.findFirst({
        where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
        select: { id: true },
      });
      if (!visible) throw new Refused(NOT_FOUND);
      // Waits for uploads and saves in flight (they hold the row FOR SHARE), blocks new ones.
      await tx.$queryRaw`SELECT "id" FROM "Application" WHERE "id" = ${applicationId}::uuid FOR UPDATE`;
      const request = await tx.request.findFirst({
        where: { id: requestId, applicationId },
        select: {
          id: true,
          status: true,
          baseline: true,
          items: { select: { id: true, answerText: true } },
        },
      });
      if (!request) throw new Refused(NOT_FOUND);
      if (request.status !== "OPEN") throw new Refused(NOT_OPEN);
      const app = await tx.application.findUniqueOrThrow({
        where: { id: applicationId },
        select: { status: true },
      });
      if (app.status !== "INCOMPLETE") throw new Refused(NOT_OPEN);

      const current = await currentState(applicationId, tx);
      const changes = computeChanges(request.baseline, current.data, current.documents);
      const answered = request.items.filter((i) => i.answerText).length;
      if (answered === 0 && changes.fields.length === 0 && changes.documents.length === 0) {
        throw new Refused(
          "Bitte beantworten Sie die Nachforderung: laden Sie Unterlagen hoch, ändern Sie Angaben oder antworten Sie auf einzelne Punkte.",
        );
      }
      const now = new Date();
      const { count } = await tx.request.updateMany({
        where: { id: request.id, status: "OPEN" },
        data: { status: "ANSWERED", answeredAt: now },
      });
      if (count !== 1) throw new Refused(NOT_OPEN);
      await transitionApplication(tx, {
        applicationId,
        command: "answerRequest",
        from: app.status,
        actor: { kind: "applicant", id: user.id },
        payload: {
          requestId: request.id,
          answeredItems: answered,
          changes: changes as unknown as Prisma.InputJsonValue,
        },
        notify: { scope: request.id, details: { requestId: request.id } },
        // XBau 0202 carries changed data and new versions; an answer in text only has none.
        jobs:
          changes.fields.length > 0 || changes.documents.length > 0
            ? [
                {
                  jobName: "xbau.export-review",
                  jobId: buildJobId("xbau.export-review", applicationId, "0202", request.id),
                  payload: { message: "0202", applicationId, requestId: request.id },
                },
              ]
            : [],
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}
