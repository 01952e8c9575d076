import { beforeAll, describe, expect, it } from "vitest";
import type { BoardActionData } from "~/components/participation/board-page.server";
import { initialRows } from "~/components/participation/start-form";
import { formatDate } from "~/domain/format";
import { submitStatement } from "~/models/statement.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { addDocumentVersion } from "../../test/kit/draft-fixtures";
import {
  createCompleteCase,
  createParticipationDistrict,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.faelle.$id.beteiligung";

// The clerk's participation page as a browser without JavaScript uses it: real sessions, plain
// form posts, the real database.

let d: ParticipationDistrict;
let other: ParticipationDistrict;

beforeAll(async () => {
  d = await createParticipationDistrict("pa-route-ui", [
    "DENKMALSCHUTZ",
    "BRANDSCHUTZ",
    "NATURSCHUTZ",
    "STRASSENBAU",
  ]);
  other = await createParticipationDistrict("pa-route-ui-other", ["BRANDSCHUTZ"]);
});

function get(user: SessionUser, id: string) {
  return loadRoute(loader, user, `/behoerde/faelle/${id}/beteiligung`, { id });
}

function post(user: SessionUser, id: string, fields: [string, string][]) {
  return postRoute(action, user, `/behoerde/faelle/${id}/beteiligung`, new URLSearchParams(fields), { id });
}

type LoaderData = Awaited<ReturnType<typeof loader>>;
type BoardAnswer = BoardActionData;

/** The form fields the page renders for its initial rows (every suggested agency, all documents). */
function formFields(data: LoaderData, rows = data.proposal.suggestions.filter((s) => s.agency)) {
  const fields: [string, string][] = [];
  rows.forEach((s, i) => {
    fields.push([`rows[${i}].agencyId`, s.agency!.id]);
    fields.push([`rows[${i}].keep`, "on"]);
    fields.push([`rows[${i}].deadline`, s.deadlineDate]);
    fields.push([`rows[${i}].question`, s.suggestion.question]);
    fields.push([`rows[${i}].reason`, s.suggestion.reason]);
    fields.push([`rows[${i}].kind`, s.suggestion.participationKind]);
    for (const doc of data.proposal.documents) fields.push([`rows[${i}].docs`, doc.versionId]);
  });
  return fields;
}

describe("/behoerde/faelle/:id/beteiligung", () => {
  it("shows the suggestions to the case's clerk and answers 404 to anyone else", async () => {
    const app = await createCompleteCase(d);
    const page = await get(d.clerk, app.id);
    expect(page.status).toBe(200);
    const data = page.data as LoaderData;
    expect(data.proposal.suggestions.map((s) => s.suggestion.key)).toEqual([
      "GEMEINDE",
      "DENKMALSCHUTZ",
      "BRANDSCHUTZ",
      "NATURSCHUTZ",
    ]);
    expect(data.board).toEqual([]);
    expect((await get(other.clerk, app.id)).status).toBe(404);
    expect([403, 404]).toContain((await get(d.agencies.BRANDSCHUTZ!.user, app.id)).status);
    expect([403, 404]).toContain((await get(d.architect, app.id)).status);
    expect((await get(d.clerk, "not-a-uuid")).status).toBe(404);
  });

  it("starts with plain form posts; a second submit keeps the input and explains; a foreign clerk starts nothing", async () => {
    const app = await createCompleteCase(d);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    const fields = formFields(data);

    expect(
      (await post(other.clerk, app.id, [["intent", "start"], ["bestaetigt", "ja"], ...fields])).status,
    ).toBe(404);
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);

    // Irreversible: the first post shows the confirmation page and starts nothing; "Zurück" returns
    // the filled rows; only the confirmed post starts (issue 14 item 6).
    const ask = await post(d.clerk, app.id, [["intent", "start"], ...fields]);
    const confirm = (
      ask.data as { confirmStart: { fields: [string, string][]; agencies: { agency: string }[] } }
    ).confirmStart;
    expect(confirm.agencies.map((a) => a.agency)).toHaveLength(4);
    expect(confirm.fields).toEqual(expect.arrayContaining([["intent", "start"], ...fields]));
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
    const back = await post(d.clerk, app.id, [...confirm.fields, ["bestaetigt", "nein"]]);
    expect((back.data as { rows: unknown[]; confirmStart?: unknown }).rows).toHaveLength(4);
    expect((back.data as { confirmStart?: unknown }).confirmStart).toBeUndefined();
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
    const started = await post(d.clerk, app.id, [...confirm.fields, ["bestaetigt", "ja"]]);
    expect(started.status).toBe(302);
    expect(started.response?.headers.get("Location")).toBe(
      `/behoerde/faelle/${app.id}/beteiligung?ok=gestartet`,
    );
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(4);

    const again = await post(d.clerk, app.id, [["intent", "start"], ["bestaetigt", "ja"], ...fields]);
    expect(again.status).toBe(200);
    const result = again.data as { message: string; rows: { agencyId: string; question: string }[] };
    expect(result.message).toMatch(/bereits beteiligt/);
    expect(result.rows).toHaveLength(4);
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(4);

    const board = ((await get(d.clerk, app.id)).data as LoaderData).board;
    expect(board.map((b) => b.stateLabel)).toEqual([
      "Wird versandt",
      "Wird versandt",
      "Wird versandt",
      "Wird versandt",
    ]);
  });

  it("adds an agency without JavaScript (round trip keeps what was typed) and reports bad input", async () => {
    const app = await createCompleteCase(d);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    const fields = formFields(data).map(([k, v]): [string, string] =>
      k === "rows[0].question" ? [k, "Eigene Frage der Sachbearbeitung"] : [k, v],
    );
    const strassenbau = d.agencies.STRASSENBAU!.id;
    const added = await post(d.clerk, app.id, [["intent", "add"], ["addAgencyId", strassenbau], ...fields]);
    const rows = (
      added.data as { rows: { agencyId: string; question: string; documentVersionIds: string[] }[] }
    ).rows;
    expect(rows.map((r) => r.agencyId)).toEqual([
      ...data.proposal.suggestions.map((s) => s.agency!.id),
      strassenbau,
    ]);
    expect(rows[0]?.question).toBe("Eigene Frage der Sachbearbeitung");
    // The added agency starts with what its kind needs (need-to-know), not with everything.
    const needed = new Set(data.proposal.documentDefaults.STRASSENBAU);
    expect(rows[4]?.documentVersionIds).toEqual(
      data.proposal.documents.filter((x) => needed.has(x.typeCode)).map((x) => x.versionId),
    );
    expect(rows[4]?.documentVersionIds.length).toBeLessThan(data.proposal.documents.length);

    const bad = fields.map(([k, v]): [string, string] =>
      k === "rows[1].deadline" ? [k, "2020-01-01"] : [k, v],
    );
    const refused = await post(d.clerk, app.id, [["intent", "start"], ["bestaetigt", "ja"], ...bad]);
    const r = refused.data as { message: string; rows: { deadline: string }[] };
    expect(r.message).toMatch(/Frist/);
    expect(r.rows[1]?.deadline).toBe("2020-01-01");
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
  });

  it("the shared zod schema: a kept row without a deadline gets a German message at its field; removing a row works without JavaScript", async () => {
    const app = await createCompleteCase(d);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    const fields = formFields(data).map(([k, v]): [string, string] =>
      k === "rows[1].deadline" ? [k, ""] : [k, v],
    );
    const refused = await post(d.clerk, app.id, [["intent", "start"], ...fields]);
    const r = refused.data as BoardAnswer;
    expect(r.confirmStart).toBeUndefined();
    expect(r.lastResult?.error).toMatchObject({ "rows[1].deadline": ["Bitte geben Sie eine Frist an."] });
    expect(r.rows).toHaveLength(4);
    expect(r.rows?.[1]?.deadline).toBe("");
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);

    // No agency kept: the form as a whole is refused, nothing asked.
    const none = await post(d.clerk, app.id, [
      ["intent", "start"],
      ...formFields(data).filter(([k]) => !k.endsWith(".keep")),
    ]);
    expect((none.data as BoardAnswer).message).toContain("mindestens eine Stelle");

    // Conform's list intent "remove" as a plain submit: the row is gone, the others kept as typed.
    const removed = await post(d.clerk, app.id, [
      ["__intent__", JSON.stringify({ type: "remove", payload: { name: "rows", index: 1 } })],
      ...fields,
    ]);
    const left = (removed.data as BoardAnswer).rows!;
    expect(left.map((x) => x.agencyId)).toEqual(
      data.proposal.suggestions
        .filter((x) => x.agency)
        .map((x) => x.agency!.id)
        .filter((_, i) => i !== 1),
    );
    expect(left[0]?.documentVersionIds).toHaveLength(data.proposal.documents.length);
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
  });

  it("grants an extension and closes the participation", async () => {
    const app = await createCompleteCase(d);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    const fields = formFields(
      data,
      data.proposal.suggestions.filter((s) => s.suggestion.key === "BRANDSCHUTZ"),
    );
    expect((await post(d.clerk, app.id, [["intent", "start"], ["bestaetigt", "ja"], ...fields])).status).toBe(
      302,
    );
    const p = await db().participation.findFirstOrThrow({
      where: { applicationId: app.id },
      select: { id: true, deadline: true },
    });
    await db().participation.update({ where: { id: p.id }, data: { status: "OPENED", sentAt: new Date() } });
    const ext = await db().participationExtension.create({
      data: {
        participationId: p.id,
        requestedById: d.agencies.BRANDSCHUTZ!.user.id,
        reason: "Ortstermin",
        requestedDeadline: new Date(p.deadline.getTime() + 20 * 86_400_000),
      },
    });
    // A foreign clerk cannot decide it.
    const foreign = await post(other.clerk, app.id, [
      ["intent", "grant"],
      ["extensionId", ext.id],
    ]);
    expect(foreign.status).toBe(404);
    // A refusal comes before the confirmation page, and what was typed comes back.
    const pastDeadline = await post(d.clerk, app.id, [
      ["intent", "grant"],
      ["extensionId", ext.id],
      ["deadline", "2020-01-01"],
      ["note", "Ortstermin abwarten"],
    ]);
    expect((pastDeadline.data as { boardMessage: string }).boardMessage).toMatch(/Frist/);
    expect((pastDeadline.data as BoardAnswer).confirm).toBeUndefined();
    expect((pastDeadline.data as BoardAnswer).draft).toMatchObject({
      id: ext.id,
      deadline: "2020-01-01",
      note: "Ortstermin abwarten",
    });
    // Irreversible: a bare post shows the confirmation page naming agency and new deadline.
    const ask = await post(d.clerk, app.id, [
      ["intent", "grant"],
      ["extensionId", ext.id],
      ["deadline", ""],
    ]);
    const confirm = (ask.data as BoardAnswer).confirm!;
    expect(confirm).toMatchObject({ kind: "grant" });
    expect(confirm.consequences.join(" ")).toContain(formatDate(ext.requestedDeadline));
    expect(confirm.consequences.join(" ")).toContain(d.agencies.BRANDSCHUTZ!.name);
    expect((await db().participationExtension.findUniqueOrThrow({ where: { id: ext.id } })).status).toBe(
      "PENDING",
    );
    const granted = await post(d.clerk, app.id, [...confirm.fields, ["bestaetigt", "ja"]]);
    expect(granted.response?.headers.get("Location")).toContain("ok=verlaengert");
    const after = await db().participation.findUniqueOrThrow({
      where: { id: p.id },
      select: { deadline: true },
    });
    expect(after.deadline.toISOString()).toBe(ext.requestedDeadline.toISOString());

    // A bare post only leads to the confirmation page; the page names who has not answered.
    const bare = await post(d.clerk, app.id, [["intent", "close"]]);
    expect(bare).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${app.id}/beteiligung?bestaetigen=abschliessen`,
    });
    const confirmPage = await loadRoute(
      loader,
      d.clerk,
      `/behoerde/faelle/${app.id}/beteiligung?bestaetigen=abschliessen`,
      { id: app.id },
    );
    expect((confirmPage.data as LoaderData).confirmClose).toBe(true);
    expect(
      await db().participation.count({ where: { applicationId: app.id, closedAt: { not: null } } }),
    ).toBe(0);
    const closed = await post(d.clerk, app.id, [
      ["intent", "close"],
      ["bestaetigt", "ja"],
    ]);
    expect(closed.response?.headers.get("Location")).toContain("ok=abgeschlossen");
    const board = ((await get(d.clerk, app.id)).data as LoaderData).board;
    expect(board.every((b) => b.closedAt !== null)).toBe(true);
    expect(((await get(d.clerk, app.id)).data as LoaderData).proposal.canStart).toBe(false);
  });

  it("need-to-know: per kind only what it needs, never the statistics form; 'Alle auswählen'/'Keine' without JavaScript", async () => {
    const app = await createCompleteCase(d);
    await addDocumentVersion(app.id, "2501", d.architect.id);
    await addDocumentVersion(app.id, "2701", d.architect.id);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    const types = data.proposal.documents.map((x) => x.typeCode);
    expect(types).toContain("2701");
    expect(types).not.toContain("2501");
    const rows = initialRows(data.proposal as never);
    const typesOf = (agencyId: string) => {
      const ids = new Set(rows.find((r) => r.agencyId === agencyId)?.documentVersionIds);
      return data.proposal.documents.filter((x) => ids.has(x.versionId)).map((x) => x.typeCode);
    };
    expect(typesOf(d.agencies.BRANDSCHUTZ!.id)).toContain("2701");
    expect(typesOf(d.agencies.NATURSCHUTZ!.id)).not.toContain("2701");
    expect(typesOf(d.agencies.NATURSCHUTZ!.id)).toContain("1803");

    // Without JavaScript: "Keine" and "Alle auswählen" of row 1 are round trips keeping the rest.
    const fields = formFields(data);
    const none = await post(d.clerk, app.id, [["intent", "docs-none-1"], ...fields]);
    const noneRows = (none.data as { rows: { documentVersionIds: string[]; question: string }[] }).rows;
    expect(noneRows[1]?.documentVersionIds).toEqual([]);
    expect(noneRows[0]?.documentVersionIds.length).toBe(data.proposal.documents.length);
    const all = await post(d.clerk, app.id, [
      ["intent", "docs-all-1"],
      ...fields.filter(([k]) => k !== "rows[1].docs"),
    ]);
    const allRows = (all.data as { rows: { documentVersionIds: string[] }[] }).rows;
    expect(allRows[1]?.documentVersionIds.length).toBe(data.proposal.documents.length);

    // The statistics form cannot be sent, even when posted on purpose.
    const stat = await db().documentVersion.findFirstOrThrow({
      where: { document: { applicationId: app.id, typeCode: "2501" } },
      select: { id: true },
    });
    const refused = await post(d.clerk, app.id, [
      ["intent", "start"],
      ["bestaetigt", "ja"],
      ...fields,
      ["rows[0].docs", stat.id],
    ]);
    expect((refused.data as { message: string }).message).toContain("Erhebungsbogen");
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
  });

  it("a refused Einvernehmen: 'Ablehnung vorschlagen' and 'Einvernehmen ersetzen' as plain posts, each confirmed", async () => {
    const app = await createCompleteCase(d);
    const data = (await get(d.clerk, app.id)).data as LoaderData;
    expect(
      (await post(d.clerk, app.id, [["intent", "start"], ["bestaetigt", "ja"], ...formFields(data)])).status,
    ).toBe(302);
    await db().participation.updateMany({ where: { applicationId: app.id }, data: { status: "SENT" } });
    const gemeinde = await db().participation.findFirstOrThrow({
      where: { applicationId: app.id, kind: "MUNICIPAL_CONSENT" },
      select: { id: true },
    });
    // Not refused yet: nothing to follow or replace (the refusal comes before any confirmation).
    const early = await post(d.clerk, app.id, [
      ["intent", "accept-refusal"],
      ["participationId", gemeinde.id],
    ]);
    expect((early.data as { boardMessage: string }).boardMessage).toContain("nicht versagt");
    expect((early.data as BoardAnswer).confirm).toBeUndefined();
    const answered = await submitStatement(d.gemeindeUser, gemeinde.id, {
      outcome: "REJECTION",
      reasons: "Öffentliche Belange (§ 35 Abs. 3 BauGB).",
      conditions: [],
      attachments: [],
    });
    expect(answered.ok).toBe(true);
    const board = ((await get(d.clerk, app.id)).data as LoaderData).board;
    expect(board.find((b) => b.id === gemeinde.id)).toMatchObject({ consentRefused: true });

    const events = (type: string) => db().caseEvent.count({ where: { applicationId: app.id, type } });
    // Each act first shows its confirmation page and records nothing.
    const askAccept = await post(d.clerk, app.id, [
      ["intent", "accept-refusal"],
      ["participationId", gemeinde.id],
    ]);
    const acceptPage = (askAccept.data as BoardAnswer).confirm!;
    expect(acceptPage).toMatchObject({ kind: "accept-refusal", confirmLabel: "Ja, Ablehnung vorschlagen" });
    expect(await events("participation.refusal-accepted")).toBe(0);
    const accepted = await post(d.clerk, app.id, [...acceptPage.fields, ["bestaetigt", "ja"]]);
    expect(accepted.status).toBe(302);
    expect(await events("participation.refusal-accepted")).toBe(1);
    const notHeard = await post(d.clerk, app.id, [
      ["intent", "replace-consent"],
      ["participationId", gemeinde.id],
      ["reasons", "Das Vorhaben ist nach § 35 Abs. 2 BauGB zulässig."],
    ]);
    expect((notHeard.data as { boardMessage: string }).boardMessage).toContain("angehört");
    expect((notHeard.data as BoardAnswer).draft).toMatchObject({
      reasons: "Das Vorhaben ist nach § 35 Abs. 2 BauGB zulässig.",
    });
    // Another authority's clerk: not found.
    expect(
      (
        await post(other.clerk, app.id, [
          ["intent", "replace-consent"],
          ["participationId", gemeinde.id],
        ])
      ).status,
    ).toBe(404);
    const askReplace = await post(d.clerk, app.id, [
      ["intent", "replace-consent"],
      ["participationId", gemeinde.id],
      ["reasons", "Das Vorhaben ist nach § 35 Abs. 2 BauGB zulässig."],
      ["heard", "on"],
    ]);
    const replacePage = (askReplace.data as BoardAnswer).confirm!;
    expect(replacePage).toMatchObject({ kind: "replace-consent" });
    expect(replacePage.details?.join(" ")).toContain("§ 35 Abs. 2 BauGB zulässig");
    expect(await events("participation.consent-replaced")).toBe(0);
    // "Zurück" keeps the typed reasons and replaces nothing.
    const back = await post(d.clerk, app.id, [...replacePage.fields, ["bestaetigt", "nein"]]);
    expect((back.data as BoardAnswer).draft).toMatchObject({ id: gemeinde.id, heard: true });
    expect(await events("participation.consent-replaced")).toBe(0);
    const replaced = await post(d.clerk, app.id, [...replacePage.fields, ["bestaetigt", "ja"]]);
    expect(replaced.status).toBe(302);
    const after = ((await get(d.clerk, app.id)).data as LoaderData).board.find((b) => b.id === gemeinde.id);
    expect(after).toMatchObject({ consentRefused: false, stateLabel: "Einvernehmen ersetzt" });
    expect(
      await db().caseEvent.count({
        where: {
          applicationId: app.id,
          type: { in: ["participation.consent-replaced", "participation.refusal-accepted"] },
        },
      }),
    ).toBe(2);
  });
});
