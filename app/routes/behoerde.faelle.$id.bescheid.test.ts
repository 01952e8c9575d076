import { beforeAll, describe, expect, it } from "vitest";
import { confirmComplete, startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import {
  createCompleteDraft,
  createTestDistrict,
  sessionUser,
  submitCompleteDraft,
} from "../../test/kit/draft-fixtures";
import { confirmCaseComplete } from "../../test/kit/participation-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.faelle.$id.bescheid";

// The Bescheid editor as a browser without JavaScript uses it: plain form posts, the action's
// answer rendered as the next page. Real sessions, real database.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;
let clerk2: SessionUser;
let foreignClerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("bescheid-route");
  const other = await createTestDistrict("bescheid-route-other");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id, displayName: "Erste" });
  clerk2 = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id, displayName: "Zweite" });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
});

async function completeCase() {
  const { id } = await submitCompleteDraft(architect, district.gemeinde.id);
  await confirmCaseComplete(clerk, id);
  return id;
}

function getPage(user: SessionUser, id: string) {
  return loadRoute(loader, user, `/behoerde/faelle/${id}/bescheid`, { id });
}

function post(user: SessionUser, id: string, form: FormData) {
  return postRoute(action, user, `/behoerde/faelle/${id}/bescheid`, form, { id });
}

type Page = Awaited<ReturnType<typeof loader>>;

/** What a Conform list button posts as its name and value (`form.insert`/`form.remove`). */
function listIntent(type: "insert" | "remove", name: string, extra: Record<string, unknown> = {}) {
  return (f: FormData) => {
    f.delete("intent");
    f.set("__intent__", JSON.stringify({ type, payload: { name, ...extra } }));
  };
}

/** The editor's form as the browser posts it, from what the page shows. */
function editorForm(page: Page, intent: string, patch: (f: FormData) => void = () => {}) {
  const d = page.decision;
  if (!d) throw new Error("no draft");
  const f = new FormData();
  f.set("intent", intent);
  f.set("version", String(d.version));
  f.set("kind", d.kind);
  f.set("constructionCost", d.constructionCostCents === null ? "" : String(d.constructionCostCents / 100));
  d.conditions.forEach((c, i) => {
    f.set(`conditions[${i}].id`, c.id);
    f.set(`conditions[${i}].kind`, c.kind);
    f.set(`conditions[${i}].text`, c.text);
    f.set(`conditions[${i}].legalBasis`, c.legalBasis ?? "");
    f.set(`conditions[${i}].sourceLabel`, c.sourceLabel ?? "");
  });
  for (const x of d.documents) {
    f.append("document", x.documentVersionId);
    if (x.stamp) f.append("stamp", x.documentVersionId);
  }
  // The clerk's texts per section of the Begründung; a test's `reasons` is an older form's single field.
  for (const [k, v] of Object.entries(
    (d as { reasonSections?: Record<string, string> }).reasonSections ?? {},
  )) {
    f.set(`reasonTexts.${k}`, v);
  }
  f.set("legalRemedy", d.legalRemedy);
  patch(f);
  return f;
}

describe("Bescheid route", () => {
  it("is only for clerks of the case's authority", async () => {
    const id = await completeCase();
    expect((await getPage(foreignClerk, id)).status).toBe(404);
    expect((await getPage(architect, id)).status).toBe(403);
    const page = await getPage(clerk, id);
    expect(page.status).toBe(200);
    expect((page.data as Page).decision).toBeNull();
    const open = new FormData();
    open.set("intent", "open");
    expect((await post(foreignClerk, id, open)).status).toBe(404);
    expect(await db().decision.count({ where: { applicationId: id } })).toBe(0);
  });

  it("works without JavaScript: add and remove rows without saving, save, stale save keeps the input, decide", async () => {
    const id = await completeCase();
    const open = new FormData();
    open.set("intent", "open");
    expect(await post(clerk, id, open)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}/bescheid`,
    });
    const page = (await getPage(clerk, id)).data as Page;
    const v = page.decision?.version as number;

    // Adding a row answers with the form's values plus an empty row; nothing is saved.
    const added = await post(
      clerk,
      id,
      editorForm(page, "", (f) => {
        listIntent("insert", "conditions")(f);
        f.set("reasons", "Getippt, nicht gespeichert");
      }),
    );
    const addedValues = (added.data as { values: { conditions: unknown[]; reasons: string } }).values;
    expect(addedValues.conditions).toEqual([
      { id: "", kind: "AUFLAGE", text: "", legalBasis: "", reason: "", sourceLabel: "" },
    ]);
    expect(addedValues.reasons).toBe("Getippt, nicht gespeichert");
    expect((await db().decision.findFirstOrThrow({ where: { applicationId: id } })).version).toBe(v);

    // The next post carries that row: fill one, leave one blank (dropped), then remove nothing and save.
    const saved = await post(
      clerk,
      id,
      editorForm(page, "save", (f) => {
        f.set("conditions[0].id", "");
        f.set("conditions[0].kind", "HINWEIS");
        f.set("conditions[0].text", "Baubeginn ist anzuzeigen.");
        f.set("conditions[0].legalBasis", "§ 72 Abs. 6 LBauO M-V");
        f.set("conditions[0].sourceLabel", "gefälscht");
        f.set("conditions[1].id", "");
        f.set("conditions[1].kind", "AUFLAGE");
        f.set("conditions[1].text", "  ");
        f.set("constructionCost", "100.000,00");
      }),
    );
    expect(saved).toMatchObject({ status: 302, location: `/behoerde/faelle/${id}/bescheid?gespeichert=1` });
    const row = await db().decision.findFirstOrThrow({
      where: { applicationId: id },
      include: { conditions: true },
    });
    expect(row.version).toBe(v + 1);
    expect(row.constructionCostCents).toBe(10_000_000n);
    expect(row.feeTotalCents).toBe(80_000);
    // A source label cannot be posted: own conditions have none.
    expect(row.conditions.map((c) => [c.kind, c.text, c.sourceLabel])).toEqual([
      ["HINWEIS", "Baubeginn ist anzuzeigen.", null],
    ]);

    // Removing answers without the row and saves nothing.
    const page2 = (await getPage(clerk, id)).data as Page;
    const removed = await post(
      clerk,
      id,
      editorForm(page2, "", listIntent("remove", "conditions", { index: 0 })),
    );
    expect((removed.data as { values: { conditions: unknown[] } }).values.conditions).toEqual([]);
    expect(await db().decisionCondition.count({ where: { decisionId: row.id } })).toBe(1);

    // A stale save (another clerk saved meanwhile) keeps the input and moves to the current version.
    await post(
      clerk2,
      id,
      editorForm(page2, "save", (f) => f.set("reasons", "Fassung der Zweiten")),
    );
    const stale = await post(
      clerk,
      id,
      editorForm(page2, "save", (f) => f.set("reasons", "Meine Fassung")),
    );
    const staleData = stale.data as { message: string; values: { reasons: string; version: number } };
    expect(staleData.message).toMatch(/inzwischen von Zweite .* geändert/);
    expect(staleData.values).toMatchObject({ reasons: "Meine Fassung", version: v + 2 });
    // The Zweite's text fills the Würdigung; the sections from the file stay.
    const storedReasons = (await db().decision.findUniqueOrThrow({ where: { id: row.id } })).reasons;
    expect(storedReasons).toContain("Fassung der Zweiten");
    expect(storedReasons).toContain("1. Sachverhalt");
    expect(storedReasons).not.toContain("Meine Fassung");

    // Invalid Baukosten: message, input kept, nothing saved.
    const bad = await post(
      clerk,
      id,
      editorForm(page2, "save", (f) => f.set("constructionCost", "viel")),
    );
    expect(
      (bad.data as { message: string; values: { constructionCost: string } }).values.constructionCost,
    ).toBe("viel");
    expect((bad.data as { message: string }).message).toContain("Baukosten");

    const decide = new FormData();
    decide.set("intent", "decide");
    expect((await post(foreignClerk, id, decide)).status).toBe(404);
    // Irreversible: a bare post only leads to the confirmation page (issue 14 item 6).
    expect(await post(clerk, id, decide)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}/bescheid?erlassen=bestaetigen`,
    });
    expect((await db().application.findUniqueOrThrow({ where: { id } })).status).not.toBe("DECIDED");
    decide.set("bestaetigt", "ja");
    expect(await post(clerk, id, decide)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}/bescheid?erlassen=ok`,
    });
    expect((await db().application.findUniqueOrThrow({ where: { id } })).status).toBe("DECIDED");
    const again = await post(clerk, id, decide);
    expect((again.data as { message: string }).message).toBe("Für diesen Antrag wurde bereits entschieden.");
  });
});

describe("Bescheid editor lists without JavaScript (Conform's list intents)", () => {
  it("adds and removes an Abweichung through the server action, keeps the typed rows, saves nothing", async () => {
    const id = await completeCase();
    const open = new FormData();
    open.set("intent", "open");
    await post(clerk, id, open);
    const page = (await getPage(clerk, id)).data as Page;
    const before = await db().decision.findFirstOrThrow({ where: { applicationId: id } });
    type Answer = {
      message: string;
      tone: string;
      values: { deviations: unknown[]; constructionCost: string };
    };

    // "Abweichung hinzufügen" as a plain submit: the typed row stays, an empty one follows.
    const added = (
      await post(
        clerk,
        id,
        editorForm(page, "", (f) => {
          listIntent("insert", "deviations")(f);
          f.set("deviations[0].text", "Abstandsfläche Nord 2,50 m statt 3,00 m");
          f.set("deviations[0].legalBasis", "§ 67 LBauO M-V");
          f.set("constructionCost", "12,5 Mio");
        }),
      )
    ).data as Answer;
    expect(added.tone).toBe("info");
    expect(added.message).toBe("Neue Abweichung eingefügt (noch nicht gespeichert).");
    expect(added.values.deviations).toEqual([
      { text: "Abstandsfläche Nord 2,50 m statt 3,00 m", legalBasis: "§ 67 LBauO M-V" },
      { text: "", legalBasis: "" },
    ]);
    // Even unreadable input survives the round trip (it is only checked on saving).
    expect(added.values.constructionCost).toBe("12,5 Mio");

    // "Abweichung 1 entfernen": the second row moves up.
    const removed = (
      await post(
        clerk,
        id,
        editorForm(page, "", (f) => {
          listIntent("remove", "deviations", { index: 0 })(f);
          f.set("deviations[0].text", "erste");
          f.set("deviations[0].legalBasis", "");
          f.set("deviations[1].text", "zweite");
          f.set("deviations[1].legalBasis", "§ 67");
        }),
      )
    ).data as Answer;
    expect(removed.message).toBe("Abweichung entfernt (noch nicht gespeichert).");
    expect(removed.values.deviations).toEqual([{ text: "zweite", legalBasis: "§ 67" }]);

    // An intent the editor does not offer (another field, broken JSON) changes nothing and is refused.
    for (const bad of [
      JSON.stringify({ type: "remove", payload: { name: "kind", index: 0 } }),
      JSON.stringify({ type: "reorder", payload: { name: "conditions", from: 0, to: 1 } }),
      "{kein json",
    ]) {
      const answer = await post(
        clerk,
        id,
        editorForm(page, "", (f) => {
          f.delete("intent");
          f.set("__intent__", bad);
        }),
      );
      expect(answer.status).toBe(200);
      expect((answer.data as { message: string; values: { kind: string } }).message).toBe(
        "Unbekannte Aktion.",
      );
      expect((answer.data as { values: { kind: string } }).values.kind).toBe(page.decision?.kind);
    }
    expect((await db().decision.findFirstOrThrow({ where: { applicationId: id } })).version).toBe(
      before.version,
    );
  });
});

describe("Bescheid route with four-eyes", () => {
  it("submit for approval saves first, the second clerk approves, then the approved draft is decided unchanged", async () => {
    const fourEyes = await createTestDistrict("bescheid-route-4eyes");
    await db().authority.update({ where: { id: fourEyes.authority.id }, data: { fourEyesDecision: true } });
    const a = await sessionUser({ roles: ["CLERK"], authorityId: fourEyes.authority.id, displayName: "A" });
    const b = await sessionUser({ roles: ["CLERK"], authorityId: fourEyes.authority.id, displayName: "B" });
    const { id, version } = await createCompleteDraft(architect, fourEyes.gemeinde.id);
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error("submit failed");
    await startReview(a, id);
    await confirmComplete(a, id);
    const open = new FormData();
    open.set("intent", "open");
    await post(a, id, open);
    const page = (await getPage(a, id)).data as Page;

    const decide = new FormData();
    decide.set("intent", "decide");
    decide.set("bestaetigt", "ja");
    expect(((await post(a, id, decide)).data as { message: string }).message).toContain("Vier-Augen-Prinzip");

    const submitted = await post(
      a,
      id,
      editorForm(page, "submit-approval", (f) => f.set("reasons", "Zur Freigabe")),
    );
    expect(submitted).toMatchObject({ status: 302, location: `/behoerde/faelle/${id}/bescheid?vorgelegt=1` });
    const row = await db().decision.findFirstOrThrow({ where: { applicationId: id } });
    expect(row).toMatchObject({
      status: "AWAITING_APPROVAL",
      reasons: expect.stringContaining("Zur Freigabe"),
      draftedById: a.id,
    });

    const approve = new FormData();
    approve.set("intent", "approve");
    approve.set("version", String(row.version));
    expect(((await post(a, id, approve)).data as { message: string }).message).toContain("andere Person");
    expect(await post(b, id, approve)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}/bescheid?freigegeben=1`,
    });
    expect(await post(a, id, decide)).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}/bescheid?erlassen=ok`,
    });
    expect(await db().decision.findFirstOrThrow({ where: { applicationId: id } })).toMatchObject({
      status: "DECIDED",
      reasons: expect.stringContaining("Zur Freigabe"),
      approvedById: b.id,
      decidedById: a.id,
    });
  });
});
