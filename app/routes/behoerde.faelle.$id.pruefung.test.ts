import { beforeAll, describe, expect, it } from "vitest";
import { startReview } from "~/models/review.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser, submitCompleteDraft } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.faelle.$id.pruefung";

// The formal review's Nachforderung as a browser without JavaScript uses it: plain form posts
// (Conform's list buttons included), the action's answer rendered as the next page.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;
let foreignClerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("pruefung-route");
  const other = await createTestDistrict("pruefung-route-other");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
});

async function caseInReview() {
  const { id } = await submitCompleteDraft(architect, district.gemeinde.id);
  await startReview(clerk, id);
  return id;
}

/** A deadline the model accepts (in the future, within a year). */
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

type Row = { keep: boolean; category: string; message: string; documentTypeCode: string };
type Answer = {
  message: string;
  values: { items: Row[]; internalNote: string; deadline: string };
  confirm?: { fields: [string, string][]; items: string[] };
};

/** The form as the browser posts it: ticked rows carry keep=on, unticked ones nothing. */
function requestForm(rows: Partial<Row>[], extra: [string, string][] = []): FormData {
  const f = new FormData();
  rows.forEach((r, i) => {
    if (r.keep ?? true) f.set(`items[${i}].keep`, "on");
    f.set(`items[${i}].category`, r.category ?? "05");
    f.set(`items[${i}].message`, r.message ?? "");
    f.set(`items[${i}].documentTypeCode`, r.documentTypeCode ?? "");
    f.set(`items[${i}].ruleId`, "");
    f.set(`items[${i}].fieldPath`, "");
  });
  f.set("message", "Bitte nachreichen.");
  f.set("internalNote", "Vermerk");
  f.set("bylawReference", "");
  f.set("deadline", IN_A_MONTH);
  for (const [k, v] of extra) f.append(k, v);
  return f;
}

function post(user: SessionUser, id: string, form: FormData) {
  return postRoute(action, user, `/behoerde/faelle/${id}/pruefung`, form, { id });
}

describe("Formelle Prüfung route", () => {
  it("adds and removes a finding without JavaScript (Conform list intents), then sends after confirmation", async () => {
    const id = await caseInReview();
    expect((await loadRoute(loader, foreignClerk, `/behoerde/faelle/${id}/pruefung`, { id })).status).toBe(
      404,
    );
    expect((await loadRoute(loader, clerk, `/behoerde/faelle/${id}/pruefung`, { id })).status).toBe(200);

    // "Weiteren Punkt hinzufügen": the typed row stays, a new requested "Unterlage fehlt" row follows.
    const insert = JSON.stringify({ type: "insert", payload: { name: "items" } });
    const added = (
      await post(
        clerk,
        id,
        requestForm(
          [{ message: "Brandschutznachweis fehlt", documentTypeCode: "2701" }],
          [["__intent__", insert]],
        ),
      )
    ).data as Answer;
    expect(added.message).toBe("");
    expect(added.values.items.map((r) => [r.keep, r.category, r.message, r.documentTypeCode])).toEqual([
      [true, "05", "Brandschutznachweis fehlt", "2701"],
      [true, "05", "", ""],
    ]);
    expect(added.values.internalNote).toBe("Vermerk");

    // "Punkt 1 entfernen": the unticked second row moves up, still unticked.
    const remove = JSON.stringify({ type: "remove", payload: { name: "items", index: 0 } });
    const removed = (
      await post(
        clerk,
        id,
        requestForm(
          [{ message: "weg damit" }, { keep: false, category: "04", message: "Lageplan unleserlich" }],
          [["__intent__", remove]],
        ),
      )
    ).data as Answer;
    expect(removed.values.items.map((r) => [r.keep, r.category, r.message])).toEqual([
      [false, "04", "Lageplan unleserlich"],
    ]);
    expect(await db().request.count({ where: { applicationId: id } })).toBe(0);

    // Sending: the first post asks for confirmation (only ticked, written rows), the second sends.
    const rows = [
      { message: "Brandschutznachweis fehlt", documentTypeCode: "2701" },
      { keep: false, message: "nicht nachfordern" },
      { message: "   " },
    ];
    const asked = (await post(clerk, id, requestForm(rows))).data as Answer;
    expect(asked.confirm?.items).toEqual(["Brandschutznachweis fehlt"]);
    const confirmed = new FormData();
    for (const [k, v] of asked.confirm?.fields ?? []) confirmed.append(k, v);
    confirmed.set("bestaetigt", "ja");
    expect(await post(foreignClerk, id, confirmed)).toMatchObject({ status: 200 });
    expect(await db().request.count({ where: { applicationId: id } })).toBe(0);
    expect(await post(clerk, id, confirmed)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}?nachforderung=gesendet`,
    });
    const sent = await db().request.findFirstOrThrow({
      where: { applicationId: id },
      include: { items: { orderBy: { position: "asc" } } },
    });
    expect(sent.internalNote).toBe("Vermerk");
    expect(sent.items.map((i) => [i.category, i.message, i.documentTypeCode])).toEqual([
      ["05", "Brandschutznachweis fehlt", "2701"],
    ]);
  });
});
