import { beforeAll, describe, expect, it } from "vitest";
import { answerItem } from "~/models/request.server";
import { startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { postRoute } from "../../test/kit/route";
import { action as answerAction } from "./antraege.$id.nachforderung";
import { action as submitAction } from "./antraege.$id.pruefen";
import { action as caseAction } from "./behoerde.faelle.$id._index";
import { action as reviewAction } from "./behoerde.faelle.$id.pruefung";

// Irreversible actions act only on the confirmation page's post (issue 14 item 6): a bare post
// shows the consequences and changes nothing.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("confirm");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

const status = async (id: string) =>
  (await db().application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

function body(entries: [string, string][]): URLSearchParams {
  const b = new URLSearchParams();
  for (const [k, v] of entries) b.append(k, v);
  return b;
}

describe("confirmation pages", () => {
  it("Antrag einreichen: first post names the consequences, only the confirmation submits", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const path = `/antraege/${id}/pruefen`;
    const first = await postRoute(
      submitAction,
      architect,
      path,
      body([["expectedVersion", String(version)]]),
      {
        id,
      },
    );
    expect(first).toMatchObject({
      status: 200,
      data: { kind: "confirm", authority: district.authority.name },
    });
    expect(await status(id)).toBe("DRAFT");
    const fields = (first.data as { fields: [string, string][] }).fields;
    const back = await postRoute(submitAction, architect, path, body([...fields, ["bestaetigt", "nein"]]), {
      id,
    });
    expect(back.data).toMatchObject({ kind: "back" });
    expect(await status(id)).toBe("DRAFT");
    const confirmed = await postRoute(
      submitAction,
      architect,
      path,
      body([...fields, ["bestaetigt", "ja"]]),
      {
        id,
      },
    );
    expect(confirmed).toMatchObject({ status: 302, location: `/antraege/${id}?eingereicht=1` });
    expect(await status(id)).toBe("SUBMITTED");
  });

  it("Nachforderung senden, Nachreichung absenden, Vollständigkeit bestätigen", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error(JSON.stringify(s));
    await startReview(clerk, id);

    // Nachforderung: the deadline and at least one item are checked before the confirmation.
    const reviewPath = `/behoerde/faelle/${id}/pruefung`;
    const deadline = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const form: [string, string][] = [
      ["items[0].keep", "on"],
      ["items[0].category", "05"],
      ["items[0].message", "Bitte den Wärmeschutznachweis nachreichen."],
      ["message", "Bitte ergänzen."],
      ["deadline", deadline],
    ];
    const empty = await postRoute(reviewAction, clerk, reviewPath, body([["deadline", deadline]]), { id });
    expect(empty.data).toMatchObject({ message: expect.stringContaining("mindestens einen Punkt") });
    const first = await postRoute(reviewAction, clerk, reviewPath, body(form), { id });
    expect(first.data).toMatchObject({ confirm: { items: ["Bitte den Wärmeschutznachweis nachreichen."] } });
    expect(await status(id)).toBe("IN_REVIEW");
    const sent = await postRoute(reviewAction, clerk, reviewPath, body([...form, ["bestaetigt", "ja"]]), {
      id,
    });
    expect(sent).toMatchObject({ status: 302, location: `/behoerde/faelle/${id}?nachforderung=gesendet` });
    expect(await status(id)).toBe("INCOMPLETE");

    // Nachreichung absenden.
    const req = await db().request.findFirstOrThrow({
      where: { applicationId: id, status: "OPEN" },
      select: { id: true, items: { select: { id: true } } },
    });
    const answer = await answerItem(architect, id, req.items[0]?.id ?? "", {
      answerText: "Liegt bei (Anlage 7).",
    });
    expect(answer.ok).toBe(true);
    const answerPath = `/antraege/${id}/nachforderung`;
    const send: [string, string][] = [
      ["intent", "send"],
      ["requestId", req.id],
    ];
    const ask = await postRoute(answerAction, architect, answerPath, body(send), { id });
    expect(ask.data).toMatchObject({ kind: "confirm" });
    expect(await status(id)).toBe("INCOMPLETE");
    const answered = await postRoute(
      answerAction,
      architect,
      answerPath,
      body([...send, ["bestaetigt", "ja"]]),
      {
        id,
      },
    );
    expect(answered).toMatchObject({ status: 302, location: `/antraege/${id}?nachgereicht=1` });
    expect(await status(id)).toBe("IN_REVIEW");

    // Vollständigkeit: a bare post is sent to the confirmation page.
    const casePath = `/behoerde/faelle/${id}`;
    const bare = await postRoute(caseAction, clerk, casePath, body([["intent", "confirm-complete"]]), { id });
    expect(bare).toMatchObject({ status: 302, location: `${casePath}/pruefung?bestaetigen=vollstaendig` });
    expect(await status(id)).toBe("IN_REVIEW");
    const done = await postRoute(
      caseAction,
      clerk,
      casePath,
      body([
        ["intent", "confirm-complete"],
        ["bestaetigt", "ja"],
      ]),
      { id },
    );
    expect(done).toMatchObject({ status: 200, data: { ok: true } });
    expect(await status(id)).toBe("COMPLETE");
  });

  it("no confirmation page for a case of another authority or a stranger", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const stranger = await sessionUser({ roles: ["ARCHITECT"] });
    const r = await postRoute(
      submitAction,
      stranger,
      `/antraege/${id}/pruefen`,
      body([["expectedVersion", String(version)]]),
      { id },
    );
    expect(r.status).toBe(404);
  });
});
