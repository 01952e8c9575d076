import { beforeAll, describe, expect, it } from "vitest";
import { commentMessages } from "~/models/comment.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute, type RouteOutcome } from "../../test/kit/route";
import * as applicantPage from "./antraege.$id._index";
import * as clerkPage from "./behoerde.faelle.$id._index";

// Comments through the two case pages' loaders and actions (plain form posts, as without JavaScript):
// the applicant side never receives internal comments and cannot write them; foreign clerks get nothing.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;
let foreignClerk: SessionUser;
let appId: string;

type Page = typeof applicantPage | typeof clerkPage;

function pathOf(page: Page, id: string) {
  return page === clerkPage ? `/behoerde/faelle/${id}` : `/antraege/${id}`;
}

/** What the loader/action returned; a thrown Response / Remix data() becomes its status. */
function settled({ status, data, response }: RouteOutcome): unknown {
  return status === 200 && !response ? data : { status };
}

async function load(page: Page, user: SessionUser, id: string) {
  return settled(await loadRoute(page.loader, user, pathOf(page, id), { id }));
}

async function post(page: Page, user: SessionUser, id: string, fields: Record<string, string>) {
  const body = new URLSearchParams(fields);
  return settled(await postRoute(page.action, user, pathOf(page, id), body, { id }));
}

function commentResult(r: unknown) {
  return (r as { comment: { ok: boolean; id?: string; message: string; values?: unknown } }).comment;
}

function threadsOf(r: unknown) {
  return (
    r as {
      comments: {
        canInternal: boolean;
        threads: { id: string; body: string; replies: { body: string }[] }[];
      };
    }
  ).comments;
}

beforeAll(async () => {
  district = await createTestDistrict("comment-routes");
  other = await createTestDistrict("comment-routes-other");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
  const s = await submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
  if (!s.ok) throw new Error(JSON.stringify(s));
  appId = id;
});

describe("comments on the case pages", () => {
  it("the clerk writes internal and shared comments; the applicant page carries only the shared ones", async () => {
    const internal = commentResult(
      await post(clerkPage, clerk, appId, {
        intent: "comment-add",
        body: "Intern: Statiker fragen",
        visibility: "INTERNAL",
      }),
    );
    expect(internal).toMatchObject({ ok: true });
    const shared = commentResult(
      await post(clerkPage, clerk, appId, {
        intent: "comment-add",
        body: "Bitte Lageplan vermaßen",
        visibility: "SHARED",
      }),
    );
    expect(shared).toMatchObject({ ok: true });
    expect(
      commentResult(
        await post(clerkPage, clerk, appId, {
          intent: "comment-add",
          parentId: shared.id as string,
          body: "Intern: Nachbar hat angerufen",
          visibility: "INTERNAL",
        }),
      ),
    ).toMatchObject({ ok: true });

    const clerkView = threadsOf(await load(clerkPage, clerk, appId));
    expect(clerkView.canInternal).toBe(true);
    expect(clerkView.threads.map((t) => t.body)).toEqual([
      "Intern: Statiker fragen",
      "Bitte Lageplan vermaßen",
    ]);

    const applicantData = await load(applicantPage, architect, appId);
    const applicantView = threadsOf(applicantData);
    expect(applicantView.canInternal).toBe(false);
    expect(applicantView.threads.map((t) => t.body)).toEqual(["Bitte Lageplan vermaßen"]);
    expect(applicantView.threads[0]?.replies).toEqual([]);
    // Nothing internal anywhere in what the applicant page sends to the browser.
    expect(JSON.stringify(applicantData)).not.toContain("Intern:");

    // A form post without a visibility is shared on the applicant side; a reply goes into the thread.
    const reply = commentResult(
      await post(applicantPage, architect, appId, {
        intent: "comment-add",
        parentId: shared.id as string,
        body: "Ist ergänzt.",
      }),
    );
    expect(reply).toMatchObject({ ok: true, message: "Ihre Antwort ist gespeichert." });
    const after = threadsOf(await load(clerkPage, clerk, appId));
    expect(after.threads[1]?.replies.map((r) => r.body)).toEqual([
      "Intern: Nachbar hat angerufen",
      "Ist ergänzt.",
    ]);
  });

  it("refuses internal comments from the applicant side and keeps what was typed", async () => {
    const refused = commentResult(
      await post(applicantPage, architect, appId, {
        intent: "comment-add",
        body: "Darf das intern sein?",
        visibility: "INTERNAL",
      }),
    );
    expect(refused).toEqual({
      ok: false,
      form: "new",
      message: commentMessages.internalNotAllowed,
      values: { body: "Darf das intern sein?", visibility: "INTERNAL" },
    });
    const internalThread = await db().comment.findFirstOrThrow({
      where: { applicationId: appId, visibility: "INTERNAL", parentId: null },
      select: { id: true },
    });
    expect(
      commentResult(
        await post(applicantPage, architect, appId, {
          intent: "comment-add",
          parentId: internalThread.id,
          body: "Antwort",
        }),
      ),
    ).toMatchObject({ ok: false, message: commentMessages.parentNotFound });
    expect(
      commentResult(
        await post(applicantPage, architect, appId, {
          intent: "comment-resolve",
          commentId: internalThread.id,
        }),
      ),
    ).toMatchObject({ ok: false, message: commentMessages.commentNotFound });
    const stored = await db().comment.count({
      where: { applicationId: appId, body: "Darf das intern sein?" },
    });
    expect(stored).toBe(0);
  });

  it("resolves and reopens a thread by form post", async () => {
    const thread = await db().comment.findFirstOrThrow({
      where: { applicationId: appId, visibility: "SHARED", parentId: null },
      select: { id: true },
    });
    expect(
      commentResult(await post(clerkPage, clerk, appId, { intent: "comment-resolve", commentId: thread.id })),
    ).toMatchObject({ ok: true, message: "Die Diskussion ist erledigt." });
    const seen = threadsOf(await load(applicantPage, architect, appId));
    expect(seen.threads[0]).toMatchObject({ id: thread.id, resolvedBy: { id: clerk.id } });
    expect(
      commentResult(
        await post(applicantPage, architect, appId, { intent: "comment-reopen", commentId: thread.id }),
      ),
    ).toMatchObject({ ok: true, message: "Die Diskussion ist wieder offen." });
  });

  it("clerks of another authority and applicant-side users on the clerk page get 404 / nothing", async () => {
    expect(await load(clerkPage, foreignClerk, appId)).toEqual({ status: 404 });
    expect(
      commentResult(
        await post(clerkPage, foreignClerk, appId, {
          intent: "comment-add",
          body: "fremd",
          visibility: "SHARED",
        }),
      ),
    ).toMatchObject({ ok: false, message: commentMessages.notFound });
    const asApplicant = await post(clerkPage, architect, appId, {
      intent: "comment-add",
      body: "über die Behördenseite",
      visibility: "INTERNAL",
    });
    expect(asApplicant).toHaveProperty("status");
    expect([403, 404]).toContain((asApplicant as { status: number }).status);
    expect(await db().comment.count({ where: { body: { in: ["fremd", "über die Behördenseite"] } } })).toBe(
      0,
    );
  });
});
