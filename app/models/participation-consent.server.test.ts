import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { db } from "~/utils/db.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import {
  acceptConsentRefusal,
  getParticipationBoard,
  replaceRefusedConsent,
  startParticipation,
} from "./participation.server";
import { consentFacts, consentRefusal } from "./participation-consent.server";
import { submitStatement } from "./statement.server";

/**
 * Einvernehmen and Zustimmung against the real database: kinds and silence rules from the Land
 * profile (MV), the guard the decision uses, a refused Einvernehmen replaced (Ersetzung) or
 * followed (Ablehnung proposed), each recorded as a case event.
 */

let d: ParticipationDistrict;
beforeAll(async () => {
  d = await createParticipationDistrict("pa-consent", ["DENKMALSCHUTZ", "BRANDSCHUTZ"]);
});

const day = 86_400_000;

async function start(applicationId: string) {
  const versions = await currentVersionIds(applicationId);
  const sel = (agencyId: string, days: number, kind?: "AGENCY_STATEMENT" | "AGENCY_CONSENT") => ({
    agencyId,
    documentVersionIds: versions,
    deadline: berlinDate(new Date(Date.now() + days * day)),
    question: "Bitte entscheiden Sie.",
    ...(kind ? { kind } : {}),
  });
  const r = await startParticipation(d.clerk, applicationId, [
    sel(d.gemeinde.id, 60),
    sel(d.agencies.BRANDSCHUTZ!.id, 30, "AGENCY_CONSENT"),
    sel(d.agencies.DENKMALSCHUTZ!.id, 30),
  ]);
  if (!r.ok) throw new Error(r.message);
  // Routed (the worker's part is tested in route-participation.test.ts).
  await db().participation.updateMany({
    where: { applicationId },
    data: { status: "SENT", sentAt: new Date() },
  });
  return db().participation.findMany({
    where: { applicationId },
    select: {
      id: true,
      agencyId: true,
      kind: true,
      silenceIsConsent: true,
      deadline: true,
      silenceConsequence: true,
    },
  });
}

describe("kinds and silence rules", () => {
  it("Gemeinde: Einvernehmen with fiction; Zustimmung with fiction; Stellungnahme without", async () => {
    const app = await createCompleteCase(d);
    const rows = await start(app.id);
    const by = Object.fromEntries(rows.map((r) => [r.agencyId, r]));
    expect(by[d.gemeinde.id]).toMatchObject({ kind: "MUNICIPAL_CONSENT", silenceIsConsent: true });
    expect(by[d.gemeinde.id]?.silenceConsequence).toContain("Einvernehmen gilt als erteilt");
    expect(by[d.agencies.BRANDSCHUTZ!.id]).toMatchObject({ kind: "AGENCY_CONSENT", silenceIsConsent: true });
    expect(by[d.agencies.DENKMALSCHUTZ!.id]).toMatchObject({
      kind: "AGENCY_STATEMENT",
      silenceIsConsent: false,
    });
    expect(by[d.agencies.DENKMALSCHUTZ!.id]?.silenceConsequence).toContain("nicht fristgerecht");
  });

  it("nobody but the case's Gemeinde is asked for the Einvernehmen", async () => {
    const app = await createCompleteCase(d);
    const versions = await currentVersionIds(app.id);
    const r = await startParticipation(d.clerk, app.id, [
      {
        agencyId: d.agencies.BRANDSCHUTZ!.id,
        documentVersionIds: versions,
        deadline: berlinDate(new Date(Date.now() + 30 * day)),
        question: "?",
        kind: "MUNICIPAL_CONSENT",
      },
    ]);
    expect(r).toMatchObject({ ok: false });
    expect(r.ok ? "" : r.message).toContain("nur die Gemeinde des Baugrundstücks");
  });
});

describe("the decision's guard", () => {
  it("outstanding consents block a permit, not an Ablehnung; the fiction applies after the deadline", async () => {
    const app = await createCompleteCase(d);
    const rows = await start(app.id);
    const facts = await consentFacts(db(), app.id);
    expect(facts.map((f) => [f.noun, f.state]).sort()).toEqual([
      ["Einvernehmen", "AUSSTEHEND"],
      ["Zustimmung", "AUSSTEHEND"],
    ]);
    const message = consentRefusal(facts, "BAUGENEHMIGUNG");
    expect(message).toContain("Einvernehmen");
    expect(message).toContain("§ 36 Abs. 2 Satz 2 BauGB");
    expect(consentRefusal(facts, "ABLEHNUNG")).toBeNull();

    // 40 days on: the Zustimmung's month is over (fiction), the Einvernehmen's two months are not.
    const in40 = new Date(Date.now() + 40 * day);
    const later = await db().$transaction((tx) =>
      consentFacts(tx, app.id, { now: in40, applyDueFictions: true }),
    );
    expect(Object.fromEntries(later.map((f) => [f.noun, f.state]))).toEqual({
      Einvernehmen: "AUSSTEHEND",
      Zustimmung: "FIKTION",
    });
    expect(consentRefusal(later, "BAUGENEHMIGUNG")).toContain("Einvernehmen");
    // The Stellungnahme is not deemed anything.
    const denkmal = rows.find((r) => r.agencyId === d.agencies.DENKMALSCHUTZ!.id)!;
    expect((await db().participation.findUniqueOrThrow({ where: { id: denkmal.id } })).status).toBe("SENT");
    const in70 = new Date(Date.now() + 70 * day);
    const all = await db().$transaction((tx) =>
      consentFacts(tx, app.id, { now: in70, applyDueFictions: true }),
    );
    expect(all.every((f) => f.state === "FIKTION")).toBe(true);
    expect(consentRefusal(all, "BAUGENEHMIGUNG")).toBeNull();
    const events = await db().caseEvent.findMany({
      where: { applicationId: app.id, type: "participation.deemed-consent" },
      select: { payload: true },
    });
    expect(events.map((e) => (e.payload as { label: string }).label).sort()).toEqual([
      "Einvernehmen gilt als erteilt",
      "Zustimmung gilt als erteilt",
    ]);
    const board = await getParticipationBoard(d.clerk, app.id, { now: in70 });
    const denkmalRow = board?.find((b) => b.agencyId === d.agencies.DENKMALSCHUTZ!.id);
    expect(denkmalRow?.stateLabel).toBe("Nicht fristgerecht");
    expect(board?.find((b) => b.agencyId === d.gemeinde.id)?.stateLabel).toBe(
      "Einvernehmen gilt als erteilt",
    );
  });
});

describe("a refused Einvernehmen", () => {
  it("blocks the permit until it is replaced (reasons, Gemeinde heard); both are recorded", async () => {
    const app = await createCompleteCase(d);
    const rows = await start(app.id);
    const gemeinde = rows.find((r) => r.agencyId === d.gemeinde.id)!;
    const answered = await submitStatement(d.gemeindeUser, gemeinde.id, {
      outcome: "REJECTION",
      reasons: "Das Vorhaben beeinträchtigt öffentliche Belange (§ 35 Abs. 3 BauGB).",
      conditions: [],
      attachments: [],
    });
    expect(answered.ok).toBe(true);
    let facts = await consentFacts(db(), app.id);
    expect(facts.find((f) => f.noun === "Einvernehmen")?.state).toBe("VERSAGT");
    expect(consentRefusal(facts, "BAUGENEHMIGUNG")).toContain("versagt");

    // Following it: Ablehnung proposed, once.
    expect(await acceptConsentRefusal(d.clerk, gemeinde.id)).toEqual({ ok: true });
    expect(await acceptConsentRefusal(d.clerk, gemeinde.id)).toEqual({ ok: true });
    expect(
      await db().caseEvent.count({
        where: { applicationId: app.id, type: "participation.refusal-accepted" },
      }),
    ).toBe(1);

    // Replacing it needs reasons and the hearing; another authority's clerk finds nothing.
    const noReasons = await replaceRefusedConsent(d.clerk, gemeinde.id, { reasons: " ", heard: true });
    expect(noReasons.ok ? "" : noReasons.message).toContain("begründen");
    const notHeard = await replaceRefusedConsent(d.clerk, gemeinde.id, {
      reasons: "Zulässig nach § 35 Abs. 2 BauGB.",
      heard: false,
    });
    expect(notHeard.ok ? "" : notHeard.message).toContain("angehört");
    const foreign = await createParticipationDistrict("pa-consent-other", []);
    expect((await replaceRefusedConsent(foreign.clerk, gemeinde.id, { reasons: "x", heard: true })).ok).toBe(
      false,
    );
    expect(
      await replaceRefusedConsent(d.clerk, gemeinde.id, {
        reasons: "Zulässig nach § 35 Abs. 2 BauGB.",
        heard: true,
      }),
    ).toEqual({ ok: true });
    facts = await consentFacts(db(), app.id);
    const ein = facts.find((f) => f.noun === "Einvernehmen");
    expect(ein).toMatchObject({ state: "ERSETZT", replacementReasons: "Zulässig nach § 35 Abs. 2 BauGB." });
    expect(ein?.refusalReasons).toContain("§ 35 Abs. 3 BauGB");
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: app.id, type: "participation.consent-replaced" },
      select: { payload: true, actorId: true },
    });
    expect(event.actorId).toBe(d.clerk.id);
    expect((event.payload as { legalBasis: string }).legalBasis).toBe(
      "§ 36 Abs. 2 Satz 3 BauGB i. V. m. § 71 LBauO M-V",
    );
    // Still the Zustimmung outstanding; once replaced twice is refused.
    expect(consentRefusal(facts, "BAUGENEHMIGUNG")).toContain("Zustimmung");
    expect((await replaceRefusedConsent(d.clerk, gemeinde.id, { reasons: "x", heard: true })).ok).toBe(false);
  });

  it("a refused Zustimmung of another authority cannot be replaced", async () => {
    const app = await createCompleteCase(d);
    const rows = await start(app.id);
    const brand = rows.find((r) => r.agencyId === d.agencies.BRANDSCHUTZ!.id)!;
    const answered = await submitStatement(d.agencies.BRANDSCHUTZ!.user, brand.id, {
      outcome: "REJECTION",
      reasons: "Zweiter Rettungsweg fehlt.",
      conditions: [],
      attachments: [],
    });
    expect(answered.ok).toBe(true);
    const r = await replaceRefusedConsent(d.clerk, brand.id, { reasons: "x", heard: true });
    expect(r.ok ? "" : r.message).toContain("nicht ersetzen");
  });
});
