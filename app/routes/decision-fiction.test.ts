import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { startParticipation } from "~/models/participation.server";
import { submitStatement } from "~/models/statement.server";
import { db } from "~/utils/db.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.faelle.$id._index";

/**
 * The clerk's case page without JavaScript (ordinary posts): the Vermerk "Verbandsbeteiligung
 * erforderlich" and the Mitteilung of § 63 Abs. 2 Satz 3 LBauO M-V (through its confirmation page),
 * and what the deadline display says afterwards.
 */

let d: ParticipationDistrict;
beforeAll(async () => {
  d = await createParticipationDistrict("mvfiction-route", []);
});

function body(entries: [string, string][]): URLSearchParams {
  const b = new URLSearchParams();
  for (const [k, v] of entries) b.append(k, v);
  return b;
}

type Fiction = {
  note: string | null;
  association: { required: boolean } | null;
  notice: { sentAt: Date | null; possible: boolean } | null;
};

async function fictionOf(id: string): Promise<Fiction> {
  const r = await loadRoute(loader, d.clerk, `/behoerde/faelle/${id}`, { id });
  expect(r.status).toBe(200);
  return (r.data as { deadlines: { fiction: Fiction } }).deadlines.fiction;
}

describe("case page: decision deadline exceptions (§ 63 Abs. 2 Sätze 3, 4 LBauO M-V)", () => {
  it("records the Verbandsbeteiligung and lifts it again", async () => {
    const app = await createCompleteCase(d);
    const path = `/behoerde/faelle/${app.id}`;
    expect((await fictionOf(app.id)).note).toContain("Die Genehmigung gilt als erteilt");
    const set = await postRoute(
      action,
      d.clerk,
      path,
      body([
        ["intent", "association-participation"],
        ["required", "ja"],
      ]),
      { id: app.id },
    );
    expect(set).toMatchObject({ status: 200, data: { ok: true } });
    const f = await fictionOf(app.id);
    expect(f.association).toMatchObject({ required: true });
    expect(f.note).toContain("Keine Entscheidungsfrist und keine Genehmigungsfiktion");
    const lifted = await postRoute(
      action,
      d.clerk,
      path,
      body([
        ["intent", "association-participation"],
        ["required", "nein"],
      ]),
      { id: app.id },
    );
    expect(lifted).toMatchObject({ status: 200, data: { ok: true } });
    expect((await fictionOf(app.id)).association).toMatchObject({ required: false });
  });

  it("sends the Mitteilung only after the confirmation page, once the Gemeinde refused", async () => {
    const app = await createCompleteCase(d);
    const path = `/behoerde/faelle/${app.id}`;
    const started = await startParticipation(d.clerk, app.id, [
      {
        agencyId: d.gemeinde.id,
        documentVersionIds: await currentVersionIds(app.id),
        deadline: berlinDate(new Date(Date.now() + 60 * 86_400_000)),
        question: "Einvernehmen?",
      },
    ]);
    if (!started.ok) throw new Error(started.message);
    await db().participation.updateMany({ where: { applicationId: app.id }, data: { status: "SENT" } });
    expect((await fictionOf(app.id)).notice).toMatchObject({ possible: false, sentAt: null });

    const p = await db().participation.findFirstOrThrow({
      where: { applicationId: app.id },
      select: { id: true },
    });
    const refused = await submitStatement(d.gemeindeUser, p.id, {
      outcome: "REJECTION",
      reasons: "Nicht zulässig nach § 35 Abs. 2 BauGB.",
      conditions: [],
      attachments: [],
    });
    expect(refused.ok).toBe(true);
    expect((await fictionOf(app.id)).notice).toMatchObject({ possible: true, sentAt: null });

    const bare = await postRoute(action, d.clerk, path, body([["intent", "replacement-notice"]]), {
      id: app.id,
    });
    expect(bare).toMatchObject({ status: 302, location: `${path}?bestaetigen=mitteilung-ersetzung#fristen` });
    expect(
      await db().caseEvent.count({
        where: { applicationId: app.id, type: "decision.replacement-notice-sent" },
      }),
    ).toBe(0);

    const done = await postRoute(
      action,
      d.clerk,
      path,
      body([
        ["intent", "replacement-notice"],
        ["bestaetigt", "ja"],
      ]),
      { id: app.id },
    );
    expect(done).toMatchObject({ status: 200, data: { ok: true } });
    const f = await fictionOf(app.id);
    expect(f.notice?.possible).toBe(false);
    expect(f.notice?.sentAt).not.toBeNull();
    expect(f.note).toContain("Keine Genehmigungsfiktion");
  });
});
