import { documentTypeLabel } from "~/domain/document-types";
import type { CommentVisibility, Prisma } from "~/generated/prisma/client";
import { applicantScope, authorityScope, isUuid } from "~/models/application.server";
import { notifyInTx } from "~/models/case-event.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * Comments on a case: threads (a reply belongs to its thread's first comment), optionally pinned to
 * a page and position of a document version. Visibility is enforced in every WHERE:
 * - the authority side (clerks of the case's authority) sees SHARED and INTERNAL comments;
 * - the applicant side (creator and accepted members) sees and writes SHARED comments only — an
 *   INTERNAL comment is never loaded for them, not even as the parent of a reply.
 * Every comment notifies those involved (outbox `system.notify`, event "comment.created"): a SHARED
 * one the applicant side (but its author) and, from the applicant side, the clerks; an INTERNAL one
 * the clerks only, so nothing about it reaches the applicant side.
 */

export const COMMENT_MAX_LENGTH = 5000;

export type CommentSide = "applicant" | "authority";

export interface CommentView {
  id: string;
  parentId: string | null;
  visibility: CommentVisibility;
  body: string;
  author: { id: string; displayName: string; side: CommentSide };
  documentVersionId: string | null;
  page: number | null;
  posX: number | null;
  posY: number | null;
  resolvedAt: Date | null;
  resolvedBy: { id: string; displayName: string } | null;
  createdAt: Date;
}

export interface CommentThread extends CommentView {
  replies: CommentView[];
}

export type CommentResult = { ok: true; id: string } | { ok: false; message: string };

export const commentMessages = {
  notFound: "Diesen Vorgang gibt es nicht oder Sie sind an ihm nicht beteiligt.",
  notSubmitted: "Kommentare sind erst möglich, wenn der Antrag eingereicht ist.",
  empty: "Bitte schreiben Sie einen Kommentar.",
  tooLong: `Ein Kommentar hat höchstens ${COMMENT_MAX_LENGTH} Zeichen.`,
  internalNotAllowed: "Interne Kommentare sind nur der Behörde vorbehalten.",
  badVisibility: "Bitte wählen Sie, wer den Kommentar sehen darf.",
  parentNotFound: "Auf diesen Kommentar kann nicht geantwortet werden.",
  internalThread: "Antworten in einer internen Diskussion bleiben intern.",
  versionNotFound: "Diese Dokumentversion gehört nicht zu diesem Vorgang.",
  badPosition: "Die Position auf der Seite ist ungültig.",
  badPage: "Diese Seite gibt es in dem Dokument nicht.",
  commentNotFound: "Diesen Kommentar gibt es nicht.",
  notAThread: "Nur eine ganze Diskussion kann erledigt oder wieder geöffnet werden.",
} as const;

/** Which side the user is on, and the case scope that goes into every WHERE. */
function sideOf(user: SessionUser): { side: CommentSide; scope: Prisma.ApplicationWhereInput } {
  if (user.authorityId && can(user, "read:application:authority")) {
    return { side: "authority", scope: authorityScope(user.authorityId) };
  }
  return { side: "applicant", scope: { AND: [applicantScope(user.id), { status: { not: "DRAFT" } }] } };
}

/** The comments a user may see: case scope plus, for the applicant side, SHARED only. */
function visibleComments(user: SessionUser, extra: Prisma.CommentWhereInput = {}): Prisma.CommentWhereInput {
  const { side, scope } = sideOf(user);
  return {
    ...extra,
    application: scope,
    ...(side === "applicant" ? { visibility: "SHARED" as const } : {}),
  };
}

const commentSelect = {
  id: true,
  parentId: true,
  visibility: true,
  body: true,
  documentVersionId: true,
  page: true,
  posX: true,
  posY: true,
  resolvedAt: true,
  createdAt: true,
  author: { select: { id: true, displayName: true, authorityId: true } },
  resolvedBy: { select: { id: true, displayName: true } },
  application: { select: { authorityId: true } },
} satisfies Prisma.CommentSelect;

type CommentRow = Prisma.CommentGetPayload<{ select: typeof commentSelect }>;

function toView(row: CommentRow): CommentView {
  const { author, application, ...rest } = row;
  return {
    ...rest,
    author: {
      id: author.id,
      displayName: author.displayName,
      side: author.authorityId === application.authorityId ? "authority" : "applicant",
    },
  };
}

/**
 * Threads of a case (oldest first, replies oldest first). With `documentVersionId`, only the
 * threads pinned to that version. An unknown or foreign case gives an empty list.
 */
export async function listComments(
  user: SessionUser,
  applicationId: string,
  options: { documentVersionId?: string } = {},
  client: Tx = db(),
): Promise<CommentThread[]> {
  if (!isUuid(applicationId)) return [];
  if (options.documentVersionId !== undefined && !isUuid(options.documentVersionId)) return [];
  const rows = await client.comment.findMany({
    where: visibleComments(user, { applicationId }),
    select: commentSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const threads = new Map<string, CommentThread>();
  for (const row of rows) {
    if (row.parentId === null) threads.set(row.id, { ...toView(row), replies: [] });
  }
  for (const row of rows) {
    if (row.parentId !== null) threads.get(row.parentId)?.replies.push(toView(row));
  }
  const all = [...threads.values()];
  return options.documentVersionId === undefined
    ? all
    : all.filter((t) => t.documentVersionId === options.documentVersionId);
}

export interface AddCommentInput {
  body: string;
  visibility: string;
  parentId?: string | null;
  documentVersionId?: string | null;
  page?: number | null;
  posX?: number | null;
  posY?: number | null;
}

function validPosition(value: number | null | undefined): boolean {
  return value === null || value === undefined || (Number.isFinite(value) && value >= 0 && value <= 1);
}

/**
 * Adds a comment (or a reply). The applicant side can only write SHARED comments; replies go to
 * the thread's first comment and keep an INTERNAL thread internal. Pins (page, posX/posY relative
 * 0..1 from the top left) need a document version of this case.
 */
export async function addComment(
  user: SessionUser,
  applicationId: string,
  input: AddCommentInput,
): Promise<CommentResult> {
  const { side, scope } = sideOf(user);
  if (!isUuid(applicationId)) return { ok: false, message: commentMessages.notFound };
  const body = String(input.body ?? "").trim();
  if (body === "") return { ok: false, message: commentMessages.empty };
  if (body.length > COMMENT_MAX_LENGTH) return { ok: false, message: commentMessages.tooLong };
  if (input.visibility !== "SHARED" && input.visibility !== "INTERNAL") {
    return { ok: false, message: commentMessages.badVisibility };
  }
  let visibility: CommentVisibility = input.visibility;
  if (side === "applicant" && visibility !== "SHARED") {
    return { ok: false, message: commentMessages.internalNotAllowed };
  }

  const app = await db().application.findFirst({
    where: { AND: [{ id: applicationId }, scope] },
    select: { id: true },
  });
  if (!app) {
    // Tell an applicant-side member of a draft why, everyone else gets "not found".
    if (side === "applicant") {
      const draft = await db().application.findFirst({
        where: { AND: [{ id: applicationId, status: "DRAFT" }, applicantScope(user.id)] },
        select: { id: true },
      });
      if (draft) return { ok: false, message: commentMessages.notSubmitted };
    }
    return { ok: false, message: commentMessages.notFound };
  }

  let parentId: string | null = null;
  let pin: {
    documentVersionId: string | null;
    page: number | null;
    posX: number | null;
    posY: number | null;
  } = {
    documentVersionId: null,
    page: null,
    posX: null,
    posY: null,
  };
  if (input.parentId) {
    if (!isUuid(input.parentId)) return { ok: false, message: commentMessages.parentNotFound };
    const parent = await db().comment.findFirst({
      where: visibleComments(user, { id: input.parentId, applicationId }),
      select: { id: true, parentId: true, visibility: true },
    });
    if (!parent) return { ok: false, message: commentMessages.parentNotFound };
    const root = parent.parentId
      ? await db().comment.findFirst({
          where: visibleComments(user, { id: parent.parentId, applicationId }),
          select: { id: true, visibility: true },
        })
      : parent;
    if (!root) return { ok: false, message: commentMessages.parentNotFound };
    if (root.visibility === "INTERNAL" && visibility !== "INTERNAL") {
      if (input.visibility === "SHARED") return { ok: false, message: commentMessages.internalThread };
      visibility = "INTERNAL";
    }
    parentId = root.id;
  } else if (input.documentVersionId) {
    if (!isUuid(input.documentVersionId)) return { ok: false, message: commentMessages.versionNotFound };
    const version = await db().documentVersion.findFirst({
      where: { id: input.documentVersionId, document: { applicationId: app.id } },
      select: { id: true, pageCount: true },
    });
    if (!version) return { ok: false, message: commentMessages.versionNotFound };
    const page = input.page ?? null;
    if (
      page !== null &&
      (!Number.isInteger(page) || page < 1 || (version.pageCount !== null && page > version.pageCount))
    ) {
      return { ok: false, message: commentMessages.badPage };
    }
    if (!validPosition(input.posX) || !validPosition(input.posY)) {
      return { ok: false, message: commentMessages.badPosition };
    }
    if ((input.posX ?? null) !== null && page === null)
      return { ok: false, message: commentMessages.badPage };
    pin = { documentVersionId: version.id, page, posX: input.posX ?? null, posY: input.posY ?? null };
  }

  const id = await db().$transaction(async (tx) => {
    const created = await tx.comment.create({
      data: { applicationId: app.id, authorId: user.id, parentId, visibility, body, ...pin },
      select: { id: true },
    });
    // The notify table (NOTIFY_EVENTS "comment.created") sends INTERNAL ones to clerks only.
    await notifyInTx(tx, "comment.created", {
      applicationId: app.id,
      actorId: user.id,
      scope: created.id,
      details: { side, visibility, commentId: created.id },
    });
    return created.id;
  });
  return { ok: true, id };
}

/** Marks a thread done (resolved) or reopens it. Either side may do so for threads it can see. */
export async function setCommentResolved(
  user: SessionUser,
  commentId: string,
  resolved: boolean,
): Promise<CommentResult> {
  if (!isUuid(commentId)) return { ok: false, message: commentMessages.commentNotFound };
  const where = visibleComments(user, { id: commentId });
  const comment = await db().comment.findFirst({ where, select: { id: true, parentId: true } });
  if (!comment) return { ok: false, message: commentMessages.commentNotFound };
  if (comment.parentId !== null) return { ok: false, message: commentMessages.notAThread };
  await db().comment.updateMany({
    where: { ...where, resolvedAt: resolved ? null : { not: null } },
    data: resolved
      ? { resolvedAt: new Date(), resolvedById: user.id }
      : { resolvedAt: null, resolvedById: null },
  });
  return { ok: true, id: comment.id };
}

/** A PDF version of the case a comment can be pinned to (for the pin picker and pin labels). */
export interface PinnableVersion {
  id: string;
  label: string;
  pageCount: number | null;
}

export interface CaseComments {
  /** Whether the user may write INTERNAL comments (the authority side). */
  canInternal: boolean;
  threads: CommentThread[];
  versions: PinnableVersion[];
}

/**
 * Everything the comments section of a case page needs, loaded with the same visibility rules as
 * listComments (the PDF versions are read through the same case scope).
 */
export async function loadCaseComments(user: SessionUser, applicationId: string): Promise<CaseComments> {
  const { side, scope } = sideOf(user);
  if (!isUuid(applicationId)) return { canInternal: side === "authority", threads: [], versions: [] };
  const [threads, versions] = await Promise.all([
    listComments(user, applicationId),
    db().documentVersion.findMany({
      where: { mimeType: "application/pdf", document: { applicationId, application: scope } },
      select: {
        id: true,
        versionNumber: true,
        pageCount: true,
        document: { select: { typeCode: true, title: true } },
      },
      orderBy: [{ document: { typeCode: "asc" } }, { versionNumber: "asc" }],
    }),
  ]);
  return {
    canInternal: side === "authority",
    threads,
    versions: versions.map((v) => ({
      id: v.id,
      label: `${v.document.title || documentTypeLabel(v.document.typeCode)}, Version ${v.versionNumber}`,
      pageCount: v.pageCount,
    })),
  };
}

export const COMMENT_INTENTS = {
  add: "comment-add",
  resolve: "comment-resolve",
  reopen: "comment-reopen",
} as const;

/** Which form on the page a result belongs to: the new-comment form, a reply form or a thread. */
export type CommentFormResult =
  | { ok: true; form: string; id: string; message: string }
  | { ok: false; form: string; message: string; values: { body: string; visibility: string } };

function optionalNumber(value: FormDataEntryValue | null): number | null {
  const s = typeof value === "string" ? value.trim() : "";
  return s === "" ? null : Number(s);
}

/**
 * The comment intents of a case page's action (plain form posts, so comments work without
 * JavaScript). Returns null when the form is not about comments; the page's action goes on then.
 */
export async function commentAction(
  user: SessionUser,
  applicationId: string,
  form: FormData,
): Promise<{ comment: CommentFormResult } | null> {
  const intent = String(form.get("intent") ?? "");
  if (intent === COMMENT_INTENTS.add) {
    const parentId = String(form.get("parentId") ?? "") || null;
    const body = String(form.get("body") ?? "");
    // The applicant side has no choice to make: its comments are always shared.
    const visibility = String(form.get("visibility") ?? (sideOf(user).side === "applicant" ? "SHARED" : ""));
    const formKey = parentId ? `reply:${parentId}` : "new";
    const result = await addComment(user, applicationId, {
      body,
      visibility,
      parentId,
      documentVersionId: parentId ? null : String(form.get("documentVersionId") ?? "") || null,
      page: optionalNumber(form.get("page")),
      posX: optionalNumber(form.get("posX")),
      posY: optionalNumber(form.get("posY")),
    });
    return {
      comment: result.ok
        ? {
            ok: true,
            form: formKey,
            id: result.id,
            message: parentId ? "Ihre Antwort ist gespeichert." : "Ihr Kommentar ist gespeichert.",
          }
        : { ok: false, form: formKey, message: result.message, values: { body, visibility } },
    };
  }
  if (intent === COMMENT_INTENTS.resolve || intent === COMMENT_INTENTS.reopen) {
    const commentId = String(form.get("commentId") ?? "");
    const resolved = intent === COMMENT_INTENTS.resolve;
    const result = await setCommentResolved(user, commentId, resolved);
    return {
      comment: result.ok
        ? {
            ok: true,
            form: `thread:${commentId}`,
            id: result.id,
            message: resolved ? "Die Diskussion ist erledigt." : "Die Diskussion ist wieder offen.",
          }
        : {
            ok: false,
            form: `thread:${commentId}`,
            message: result.message,
            values: { body: "", visibility: "" },
          },
    };
  }
  return null;
}
