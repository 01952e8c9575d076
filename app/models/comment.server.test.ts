import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  sessionUser,
  submitCompleteDraft,
} from "../../test/kit/draft-fixtures";
import { notifyProcessor } from "../../workers/processors/notify";
import { addComment, commentMessages, listComments, setCommentResolved } from "./comment.server";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;
let foreignClerk: SessionUser;
let appId: string;
let otherAppId: string;
let draftId: string;

async function submitted(user: SessionUser, municipalityId: string) {
  return (await submitCompleteDraft(user, municipalityId)).id;
}

async function ok(p: Promise<{ ok: true; id: string } | { ok: false; message: string }>): Promise<string> {
  const r = await p;
  if (!r.ok) throw new Error(r.message);
  return r.id;
}

async function commentOutbox(applicationId: string) {
  return db().outboxMessage.findMany({
    where: { jobId: { contains: applicationId }, jobName: "system.notify" },
    select: { jobId: true, payload: true },
    orderBy: { id: "asc" },
  });
}

beforeAll(async () => {
  district = await createTestDistrict("comments");
  other = await createTestDistrict("comments-other");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Carl Clerk",
  });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  appId = await submitted(architect, district.gemeinde.id);
  otherAppId = await submitted(architect, district.gemeinde.id);
  draftId = (await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true })).id;
});

describe("comment visibility", () => {
  it("the applicant side never sees internal comments; the clerk sees both", async () => {
    const internal = await ok(
      addComment(clerk, appId, { body: "Statik prüfen lassen", visibility: "INTERNAL" }),
    );
    const shared = await ok(
      addComment(clerk, appId, { body: "Bitte Lageplan ergänzen", visibility: "SHARED" }),
    );
    const internalReply = await ok(
      addComment(clerk, appId, {
        body: "intern: Nachbar hat angerufen",
        visibility: "INTERNAL",
        parentId: shared,
      }),
    );

    const seenByApplicant = await listComments(architect, appId);
    expect(seenByApplicant.map((t) => t.id)).toEqual([shared]);
    expect(seenByApplicant[0]?.replies).toEqual([]);
    expect(JSON.stringify(seenByApplicant)).not.toContain("Statik");
    expect(JSON.stringify(seenByApplicant)).not.toContain("Nachbar");

    const seenByClerk = await listComments(clerk, appId);
    expect(seenByClerk.map((t) => t.id)).toEqual([internal, shared]);
    expect(seenByClerk[1]?.replies.map((r) => r.id)).toEqual([internalReply]);
    expect(seenByClerk[1]).toMatchObject({ author: { displayName: "Carl Clerk", side: "authority" } });
  });

  it("refuses internal comments from the applicant side, and replies or resolving on internal threads", async () => {
    expect(await addComment(architect, appId, { body: "geheim", visibility: "INTERNAL" })).toEqual({
      ok: false,
      message: commentMessages.internalNotAllowed,
    });
    const internal = await ok(addComment(clerk, appId, { body: "nur Behörde", visibility: "INTERNAL" }));
    expect(
      await addComment(architect, appId, { body: "Antwort", visibility: "SHARED", parentId: internal }),
    ).toEqual({
      ok: false,
      message: commentMessages.parentNotFound,
    });
    expect(await setCommentResolved(architect, internal, true)).toEqual({
      ok: false,
      message: commentMessages.commentNotFound,
    });
    const listed = await listComments(architect, appId);
    expect(listed.some((t) => t.id === internal)).toBe(false);
    // A shared reply in an internal thread would show the applicant side part of it.
    expect(await addComment(clerk, appId, { body: "x", visibility: "SHARED", parentId: internal })).toEqual({
      ok: false,
      message: commentMessages.internalThread,
    });
  });

  it("other authorities' clerks and uninvolved users get nothing and cannot write", async () => {
    expect(await listComments(foreignClerk, appId)).toEqual([]);
    expect(await listComments(stranger, appId)).toEqual([]);
    expect(await addComment(foreignClerk, appId, { body: "hallo", visibility: "INTERNAL" })).toEqual({
      ok: false,
      message: commentMessages.notFound,
    });
    expect(await addComment(stranger, appId, { body: "hallo", visibility: "SHARED" })).toEqual({
      ok: false,
      message: commentMessages.notFound,
    });
    const shared = await ok(addComment(clerk, appId, { body: "sichtbar", visibility: "SHARED" }));
    expect(await setCommentResolved(foreignClerk, shared, true)).toMatchObject({ ok: false });
    expect(await addComment(architect, draftId, { body: "Entwurf", visibility: "SHARED" })).toEqual({
      ok: false,
      message: commentMessages.notSubmitted,
    });
    expect(await addComment(clerk, draftId, { body: "Entwurf", visibility: "SHARED" })).toEqual({
      ok: false,
      message: commentMessages.notFound,
    });
    expect(await addComment(architect, appId, { body: "   ", visibility: "SHARED" })).toEqual({
      ok: false,
      message: commentMessages.empty,
    });
  });
});

describe("threads, pins and resolving", () => {
  it("replies join the thread's first comment; either side resolves and reopens a shared thread", async () => {
    const root = await ok(
      addComment(architect, otherAppId, { body: "Frage zur Abstandsfläche", visibility: "SHARED" }),
    );
    const reply = await ok(
      addComment(clerk, otherAppId, { body: "Antwort", visibility: "SHARED", parentId: root }),
    );
    const replyToReply = await ok(
      addComment(architect, otherAppId, { body: "Danke", visibility: "SHARED", parentId: reply }),
    );
    const threads = await listComments(architect, otherAppId);
    const thread = threads.find((t) => t.id === root);
    expect(thread?.replies.map((r) => [r.id, r.parentId])).toEqual([
      [reply, root],
      [replyToReply, root],
    ]);
    expect(thread?.author.side).toBe("applicant");

    expect(await setCommentResolved(architect, reply, true)).toEqual({
      ok: false,
      message: commentMessages.notAThread,
    });
    await ok(setCommentResolved(architect, root, true));
    const resolved = await db().comment.findUniqueOrThrow({
      where: { id: root },
      select: { resolvedAt: true, resolvedById: true },
    });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.resolvedById).toBe(architect.id);
    await ok(setCommentResolved(clerk, root, false));
    const reopened = await listComments(clerk, otherAppId);
    expect(reopened.find((t) => t.id === root)).toMatchObject({ resolvedAt: null, resolvedBy: null });
  });

  it("pins to a page and position of a version of the same case only", async () => {
    const version = await addDocumentVersion(appId, "1803", architect.id);
    const foreignVersion = await addDocumentVersion(otherAppId, "1803", architect.id);
    const pinned = await ok(
      addComment(clerk, appId, {
        body: "Maßkette fehlt",
        visibility: "SHARED",
        documentVersionId: version.id,
        page: 1,
        posX: 0.25,
        posY: 0.75,
      }),
    );
    const bad = [
      [{ documentVersionId: foreignVersion.id, page: 1 }, commentMessages.versionNotFound],
      [{ documentVersionId: version.id, page: 2 }, commentMessages.badPage],
      [{ documentVersionId: version.id, page: 0 }, commentMessages.badPage],
      [{ documentVersionId: version.id, page: 1, posX: 1.5, posY: 0.1 }, commentMessages.badPosition],
      [{ documentVersionId: "not-a-uuid" }, commentMessages.versionNotFound],
    ] as const;
    for (const [pin, message] of bad) {
      expect(await addComment(clerk, appId, { body: "x", visibility: "SHARED", ...pin })).toEqual({
        ok: false,
        message,
      });
    }
    const onVersion = await listComments(architect, appId, { documentVersionId: version.id });
    expect(onVersion.map((t) => t.id)).toEqual([pinned]);
    expect(onVersion[0]).toMatchObject({ documentVersionId: version.id, page: 1, posX: 0.25, posY: 0.75 });
  });
});

describe("notifications", () => {
  it("shared comments reach the applicant side (not the author), internal ones the clerks only", async () => {
    const appNo3 = await submitted(architect, district.gemeinde.id);
    // A second accepted member on the applicant side (the Bauherr).
    const bauherr = await sessionUser({ roles: ["APPLICANT"] });
    await db().applicationMember.create({
      data: {
        applicationId: appNo3,
        userId: bauherr.id,
        email: bauherr.email,
        role: "BAUHERR",
        invitationState: "ACCEPTED",
      },
    });
    const clerk2 = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
    const internal = await ok(addComment(clerk, appNo3, { body: "intern", visibility: "INTERNAL" }));
    const fromClerk = await ok(
      addComment(clerk, appNo3, { body: "Bitte unterschreiben", visibility: "SHARED" }),
    );
    const fromArchitect = await ok(addComment(architect, appNo3, { body: "Erledigt", visibility: "SHARED" }));
    const rows = (await commentOutbox(appNo3)).filter((r) => r.jobId.includes("comment.created"));
    expect(rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        event: "comment.created",
        scope: internal,
        details: { side: "authority", visibility: "INTERNAL", commentId: internal },
      }),
      expect.objectContaining({
        event: "comment.created",
        scope: fromClerk,
        details: { side: "authority", visibility: "SHARED", commentId: fromClerk },
      }),
      expect.objectContaining({
        event: "comment.created",
        scope: fromArchitect,
        details: { side: "applicant", visibility: "SHARED", commentId: fromArchitect },
      }),
    ]);

    const ctx = { db: db(), mailer: null, log: logger } as unknown as Parameters<typeof notifyProcessor>[2];
    for (const r of rows) {
      // biome-ignore lint/suspicious/noExplicitAny: the stored payload is the validated job payload
      await notifyProcessor(r.payload as any, {} as never, ctx);
    }
    const notes = await db().notification.findMany({
      where: { applicationId: appNo3, type: "comment.created" },
      select: { userId: true, link: true, title: true, dedupeKey: true },
    });
    const to = (commentId: string) =>
      notes
        .filter((n) => n.dedupeKey.includes(commentId))
        .map((n) => n.userId)
        .sort();
    // Internal: the other clerks, nobody on the applicant side.
    expect(to(internal)).toEqual([clerk2.id]);
    expect(notes.find((n) => n.dedupeKey.includes(internal))?.title).toContain("interner Kommentar");
    // The clerk's shared comment: the applicant side.
    expect(to(fromClerk)).toEqual([architect.id, bauherr.id].sort());
    // The architect's: the Bauherr and the clerks, not the architect.
    expect(to(fromArchitect)).toEqual([bauherr.id, clerk.id, clerk2.id].sort());
    expect(notes.find((n) => n.userId === bauherr.id && n.dedupeKey.includes(fromClerk))?.link).toBe(
      `/antraege/${appNo3}#kommentare`,
    );
    expect(notes.find((n) => n.userId === clerk.id)?.link).toBe(`/behoerde/faelle/${appNo3}#kommentare`);
  });
});
