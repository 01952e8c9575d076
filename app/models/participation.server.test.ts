import { beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/deadlines";
import { db } from "~/utils/db.server";
import { buildJobId } from "~/utils/queue.server";
import { sessionUser } from "../../test/kit/draft-fixtures";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import {
  closeParticipation,
  getParticipationBoard,
  getParticipationProposal,
  grantExtension,
  type ParticipationSelection,
  refuseExtension,
  startParticipation,
} from "./participation.server";

let d: ParticipationDistrict;
let other: ParticipationDistrict;

beforeAll(async () => {
  d = await createParticipationDistrict("pa-model");
  other = await createParticipationDistrict("pa-model-other", ["BRANDSCHUTZ"]);
});

const inDays = (n: number) => berlinDate(new Date(Date.now() + n * 86_400_000));

async function selectionsFor(applicationId: string, agencyIds: string[]): Promise<ParticipationSelection[]> {
  const versions = await currentVersionIds(applicationId);
  return agencyIds.map((agencyId) => ({
    agencyId,
    documentVersionIds: versions,
    deadline: inDays(30),
    question: "Bitte um Stellungnahme.",
    silenceIsConsent: true,
  }));
}

describe("getParticipationProposal", () => {
  it("matches the suggestions to the agencies registered under the Bauaufsicht", async () => {
    const app = await createCompleteCase(d);
    const p = await getParticipationProposal(d.clerk, app.id, { now: new Date("2026-03-10T10:00:00Z") });
    expect(p?.canStart).toBe(true);
    const rows = Object.fromEntries(p?.suggestions.map((s) => [s.suggestion.key, s]) ?? []);
    expect(Object.keys(rows)).toEqual(["GEMEINDE", "DENKMALSCHUTZ", "BRANDSCHUTZ", "NATURSCHUTZ"]);
    expect(rows.GEMEINDE?.agency?.id).toBe(d.gemeinde.id);
    expect(rows.DENKMALSCHUTZ?.agency?.id).toBe(d.agencies.DENKMALSCHUTZ?.id);
    expect(rows.BRANDSCHUTZ?.agency?.id).toBe(d.agencies.BRANDSCHUTZ?.id);
    expect(rows.GEMEINDE?.deadlineDate).toBe("2026-05-10");
    expect(rows.BRANDSCHUTZ?.deadlineDate).toBe("2026-04-10");
    // The dropdown offers every registered agency, also those no rule suggested.
    expect(p?.agencies.map((a) => a.id).sort()).toEqual(
      [d.gemeinde.id, ...Object.values(d.agencies).map((a) => a.id)].sort(),
    );
    expect(p?.agencies.some((a) => a.id === other.agencies.BRANDSCHUTZ?.id)).toBe(false);
    expect(p?.documents.length).toBeGreaterThan(3);
  });

  it("is not found for a clerk of another authority or an agency user", async () => {
    const app = await createCompleteCase(d, undefined, { complete: false });
    expect(await getParticipationProposal(other.clerk, app.id)).toBeNull();
    expect(await getParticipationProposal(d.agencies.BRANDSCHUTZ!.user, app.id)).toBeNull();
    // Own case, not yet complete: visible but cannot start.
    expect((await getParticipationProposal(d.clerk, app.id))?.canStart).toBe(false);
  });
});

/** A newer version of the case's first two documents: one still being checked, one refused. */
async function addUncheckedVersions(applicationId: string) {
  const docs = await db().document.findMany({
    where: { applicationId, versions: { some: {} } },
    orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
    take: 2,
    select: { id: true, versions: { orderBy: { versionNumber: "desc" }, take: 1 } },
  });
  const [pending, refused] = await Promise.all(
    docs.map((doc, k) => {
      const last = doc.versions[0]!;
      return db().documentVersion.create({
        data: {
          documentId: doc.id,
          versionNumber: last.versionNumber + 1,
          filename: k === 0 ? "Lageplan neu.pdf" : "Grundriss kaputt.pdf",
          mimeType: "application/pdf",
          sizeBytes: 1000n,
          sha256: `${k}`.repeat(64),
          storageKey: `${last.storageKey}-unchecked-${k}`,
          uploadedById: last.uploadedById,
          checkStatus: k === 0 ? "PENDING" : "REFUSED",
          checkMessage:
            k === 0 ? null : "„Grundriss kaputt.pdf“ ist beschädigt und kann nicht gelesen werden.",
        },
      });
    }),
  );
  return { pending: pending!, refused: refused!, previous: docs.map((doc) => doc.versions[0]!) };
}

describe("documents still being checked or refused at upload", () => {
  it("offers only accepted versions, shows one being checked as not selectable, and refuses both when posted", async () => {
    const app = await createCompleteCase(d);
    const { pending, refused, previous } = await addUncheckedVersions(app.id);
    const p = await getParticipationProposal(d.clerk, app.id);
    const offered = new Map(p!.documents.map((doc) => [doc.versionId, doc]));
    // The newest version being checked is shown, not selectable.
    expect(offered.get(pending.id)).toMatchObject({ selectable: false, filename: "Lageplan neu.pdf" });
    // A refused version is not offered; the accepted one before it is.
    expect(offered.has(refused.id)).toBe(false);
    expect(offered.get(previous[1]!.id)).toMatchObject({ selectable: true });
    expect([...offered.values()].filter((doc) => !doc.selectable)).toHaveLength(1);

    const [selection] = await selectionsFor(app.id, [d.agencies.BRANDSCHUTZ!.id]);
    const name = d.agencies.BRANDSCHUTZ!.name;
    for (const [version, message] of [
      [
        pending,
        `${name}: „Lageplan neu.pdf“ wird noch geprüft und kann erst nach der Prüfung weitergegeben werden. Bitte versuchen Sie es in einigen Sekunden erneut.`,
      ],
      [
        refused,
        `${name}: „Grundriss kaputt.pdf“ wurde bei der Prüfung abgelehnt und kann nicht weitergegeben werden.`,
      ],
    ] as const) {
      const r = await startParticipation(d.clerk, app.id, [
        { ...selection!, documentVersionIds: [previous[1]!.id, version.id] },
      ]);
      expect(r).toMatchObject({ ok: false, message });
    }
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);

    // Once the check accepts it, it can be shared.
    await db().documentVersion.update({
      where: { id: pending.id },
      data: { checkStatus: "ACCEPTED", checkedAt: new Date() },
    });
    const after = await getParticipationProposal(d.clerk, app.id);
    expect(after!.documents.find((doc) => doc.versionId === pending.id)).toMatchObject({ selectable: true });
    const ok = await startParticipation(d.clerk, app.id, [
      { ...selection!, documentVersionIds: [previous[1]!.id, pending.id] },
    ]);
    expect(ok.ok).toBe(true);
  });
});

describe("startParticipation", () => {
  it("creates PENDING participations with their versions, moves the case and writes one routing job each", async () => {
    const app = await createCompleteCase(d);
    const ids = [d.gemeinde.id, d.agencies.DENKMALSCHUTZ!.id, d.agencies.BRANDSCHUTZ!.id];
    const selections = await selectionsFor(app.id, ids);
    selections[1]!.documentVersionIds = selections[1]!.documentVersionIds.slice(0, 2);
    const r = await startParticipation(d.clerk, app.id, selections);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rows = await db().participation.findMany({
      where: { applicationId: app.id },
      select: {
        id: true,
        agencyId: true,
        kind: true,
        status: true,
        legalBasis: true,
        silenceConsequence: true,
        _count: { select: { documents: true } },
      },
    });
    expect(rows).toHaveLength(3);
    const byAgency = Object.fromEntries(rows.map((x) => [x.agencyId, x]));
    expect(byAgency[d.gemeinde.id]).toMatchObject({ kind: "MUNICIPAL_CONSENT", status: "PENDING" });
    expect(byAgency[d.gemeinde.id]?.legalBasis).toContain("§ 36");
    expect(byAgency[d.agencies.DENKMALSCHUTZ!.id]?._count.documents).toBe(2);
    // A plain Stellungnahme: no fiction (§ 69 Abs. 1 LBauO M-V), whatever the form sent.
    expect(byAgency[d.agencies.BRANDSCHUTZ!.id]?.silenceConsequence).toContain("nicht fristgerecht");
    expect(byAgency[d.gemeinde.id]?.silenceConsequence).toContain("Einvernehmen gilt als erteilt");
    const status = await db().application.findUniqueOrThrow({
      where: { id: app.id },
      select: { status: true },
    });
    expect(status.status).toBe("PARTICIPATION");
    const jobs = await db().outboxMessage.findMany({
      where: { jobId: { in: r.participationIds.map((id) => buildJobId("participation.route-package", id)) } },
    });
    expect(jobs).toHaveLength(3);
    const events = await db().caseEvent.count({
      where: { applicationId: app.id, type: "participation.started" },
    });
    expect(events).toBe(3);
  });

  it("a second submit (double click) creates nothing and says why", async () => {
    const app = await createCompleteCase(d);
    const selections = await selectionsFor(app.id, [d.agencies.NATURSCHUTZ!.id]);
    const [a, b] = await Promise.all([
      startParticipation(d.clerk, app.id, selections),
      startParticipation(d.clerk, app.id, selections),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = a.ok ? b : a;
    expect(refused.ok === false && refused.message).toMatch(/bereits beteiligt/);
    expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(1);
    const [only] = await db().participation.findMany({
      where: { applicationId: app.id },
      select: { id: true },
    });
    expect(
      await db().outboxMessage.count({
        where: { jobId: buildJobId("participation.route-package", only!.id) },
      }),
    ).toBe(1);
    // Adding another agency while the participation runs is fine.
    const more = await startParticipation(
      d.clerk,
      app.id,
      await selectionsFor(app.id, [d.agencies.STRASSENBAU!.id]),
    );
    expect(more.ok).toBe(true);
  });

  const guards: [
    string,
    (app: { id: string }) => Promise<{ user?: "other" | "agency"; selections: ParticipationSelection[] }>,
    RegExp,
  ][] = [
    [
      "foreign clerk",
      async (app) => ({ user: "other", selections: await selectionsFor(app.id, [d.gemeinde.id]) }),
      /gehört nicht zu Ihrer Behörde/,
    ],
    [
      "agency user",
      async (app) => ({ user: "agency", selections: await selectionsFor(app.id, [d.gemeinde.id]) }),
      /gehört nicht zu Ihrer Behörde/,
    ],
    [
      "agency of another district",
      async (app) => ({ selections: await selectionsFor(app.id, [other.agencies.BRANDSCHUTZ!.id]) }),
      /nicht registriert/,
    ],
    [
      "version of another case",
      async (app) => {
        const foreign = await createCompleteCase(d, undefined, { complete: false });
        const s = await selectionsFor(app.id, [d.gemeinde.id]);
        s[0]!.documentVersionIds = [...(await currentVersionIds(foreign.id)).slice(0, 1)];
        return { selections: s };
      },
      /gehört nicht zu diesem Fall/,
    ],
    [
      "deadline in the past",
      async (app) => {
        const s = await selectionsFor(app.id, [d.gemeinde.id]);
        s[0]!.deadline = inDays(-1);
        return { selections: s };
      },
      /Frist/,
    ],
    [
      "no documents",
      async (app) => {
        const s = await selectionsFor(app.id, [d.gemeinde.id]);
        s[0]!.documentVersionIds = [];
        return { selections: s };
      },
      /mindestens eine Unterlage/,
    ],
    [
      "empty question",
      async (app) => {
        const s = await selectionsFor(app.id, [d.gemeinde.id]);
        s[0]!.question = "  ";
        return { selections: s };
      },
      /Frage/,
    ],
    ["nothing selected", async () => ({ selections: [] }), /mindestens eine Stelle/],
  ];
  for (const [name, setup, message] of guards) {
    it(`refuses: ${name}, and writes nothing`, async () => {
      const app = await createCompleteCase(d);
      const { user, selections } = await setup(app);
      const actor =
        user === "other" ? other.clerk : user === "agency" ? d.agencies.DENKMALSCHUTZ!.user : d.clerk;
      const r = await startParticipation(actor, app.id, selections);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(message);
      expect(await db().participation.count({ where: { applicationId: app.id } })).toBe(0);
      const s = await db().application.findUniqueOrThrow({ where: { id: app.id }, select: { status: true } });
      expect(s.status).toBe("COMPLETE");
    });
  }

  it("only the case's own Gemeinde gives the Einvernehmen; a neighbouring Gemeinde is asked for a statement", async () => {
    const neighbour = await db().authority.create({
      data: {
        slug: `pa-neighbour-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`,
        name: "Gemeinde Nachbarort",
        kind: "GEMEINDE",
        landProfile: "MV",
        parentId: d.authority.id,
      },
      select: { id: true },
    });
    const app = await createCompleteCase(d);
    const proposal = await getParticipationProposal(d.clerk, app.id);
    const option = proposal?.agencies.find((a) => a.id === neighbour.id);
    expect(option?.defaults).toMatchObject({ participationKind: "AGENCY_STATEMENT", deadlineMonths: 1 });
    const r = await startParticipation(
      d.clerk,
      app.id,
      await selectionsFor(app.id, [d.gemeinde.id, neighbour.id]),
    );
    if (!r.ok) throw new Error(r.message);
    const kinds = await db().participation.findMany({
      where: { applicationId: app.id },
      select: { agencyId: true, kind: true },
    });
    expect(Object.fromEntries(kinds.map((k) => [k.agencyId, k.kind]))).toEqual({
      [d.gemeinde.id]: "MUNICIPAL_CONSENT",
      [neighbour.id]: "AGENCY_STATEMENT",
    });
  });

  it("refuses a case that is not complete yet", async () => {
    const app = await createCompleteCase(d, undefined, { complete: false });
    const r = await startParticipation(d.clerk, app.id, await selectionsFor(app.id, [d.gemeinde.id]));
    expect(!r.ok && r.message).toMatch(/Vollständigkeit/);
  });
});

describe("board, extensions, closing", () => {
  it("shows state, deadline, days left, statement and pending extension; grant and refuse notify the agency", async () => {
    const app = await createCompleteCase(d);
    const r = await startParticipation(
      d.clerk,
      app.id,
      await selectionsFor(app.id, [
        d.agencies.DENKMALSCHUTZ!.id,
        d.agencies.BRANDSCHUTZ!.id,
        d.agencies.NATURSCHUTZ!.id,
      ]),
    );
    if (!r.ok) throw new Error(r.message);
    const [pDenkmal, pBrand, pNatur] = r.participationIds as [string, string, string];
    // What the agency side (PB) writes: a statement with a condition, an extension request.
    await db().participation.update({
      where: { id: pDenkmal },
      data: { status: "ANSWERED", sentAt: new Date(), answeredAt: new Date() },
    });
    await db().statement.create({
      data: {
        participationId: pDenkmal,
        outcome: "CONSENT_WITH_CONDITIONS",
        reasons: "Denkmalverträglich mit Auflage.",
        authorId: d.agencies.DENKMALSCHUTZ!.user.id,
        conditions: { create: [{ position: 1, kind: "AUFLAGE", text: "Fenster in Holz ausführen." }] },
      },
    });
    await db().participation.update({
      where: { id: pBrand },
      data: { status: "OPENED", sentAt: new Date(), openedAt: new Date() },
    });
    const ext = await db().participationExtension.create({
      data: {
        participationId: pBrand,
        requestedById: d.agencies.BRANDSCHUTZ!.user.id,
        reason: "Ortstermin erst nächsten Monat.",
        requestedDeadline: new Date(Date.now() + 60 * 86_400_000),
      },
    });
    const ext2 = await db().participationExtension.create({
      data: {
        participationId: pNatur,
        requestedById: d.agencies.NATURSCHUTZ!.user.id,
        reason: "Kartierung.",
        requestedDeadline: new Date(Date.now() + 90 * 86_400_000),
      },
    });

    const board = await getParticipationBoard(d.clerk, app.id);
    const byId = Object.fromEntries((board ?? []).map((b) => [b.id, b]));
    expect(byId[pDenkmal]).toMatchObject({ stateLabel: "Beantwortet", daysLeft: null });
    expect(byId[pDenkmal]?.statement).toMatchObject({
      outcomeLabel: "Zustimmung mit Nebenbestimmungen",
      conditions: [{ kind: "AUFLAGE", text: "Fenster in Holz ausführen." }],
    });
    expect(byId[pBrand]).toMatchObject({ stateLabel: "Fristverlängerung beantragt" });
    expect(byId[pBrand]?.daysLeft).toBeGreaterThanOrEqual(29);
    expect(byId[pBrand]?.pendingExtensions.map((e) => e.id)).toEqual([ext.id]);
    expect(byId[pNatur]?.stateLabel).toBe("Fristverlängerung beantragt");
    expect(await getParticipationBoard(other.clerk, app.id)).toBeNull();

    // Foreign clerk cannot decide.
    expect((await grantExtension(other.clerk, ext.id)).ok).toBe(false);
    const g = await grantExtension(d.clerk, ext.id);
    expect(g.ok).toBe(true);
    const after = await db().participation.findUniqueOrThrow({
      where: { id: pBrand },
      select: { deadline: true },
    });
    expect(after.deadline.toISOString()).toBe(ext.requestedDeadline.toISOString());
    expect((await grantExtension(d.clerk, ext.id)).ok).toBe(false); // decided already
    const rf = await refuseExtension(d.clerk, ext2.id, { note: "Frist reicht aus." });
    expect(rf.ok).toBe(true);
    const notes = await db().outboxMessage.findMany({
      where: {
        jobId: {
          in: [
            buildJobId("system.notify", app.id, "participation.extension-decided", ext.id),
            buildJobId("system.notify", app.id, "participation.extension-decided", ext2.id),
          ],
        },
      },
      select: { payload: true },
    });
    expect(
      notes.map((n) => (n.payload as { details: { granted: boolean; agencyId: string } }).details),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ granted: true, agencyId: d.agencies.BRANDSCHUTZ!.id }),
        expect.objectContaining({ granted: false, agencyId: d.agencies.NATURSCHUTZ!.id }),
      ]),
    );
    const types = (
      await db().caseEvent.findMany({ where: { applicationId: app.id }, select: { type: true } })
    ).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["participation.extension-granted", "participation.extension-refused"]),
    );

    // Closing ends access for all, once; no new participation afterwards.
    expect((await closeParticipation(other.clerk, app.id)).ok).toBe(false);
    const c1 = await closeParticipation(d.clerk, app.id);
    expect(c1).toEqual({ ok: true, closed: 3 });
    expect(await closeParticipation(d.clerk, app.id)).toEqual({ ok: true, closed: 0 });
    expect(await db().participation.count({ where: { applicationId: app.id, closedAt: null } })).toBe(0);
    expect(
      await db().caseEvent.count({ where: { applicationId: app.id, type: "participation.closed" } }),
    ).toBe(1);
    const again = await startParticipation(d.clerk, app.id, await selectionsFor(app.id, [d.gemeinde.id]));
    expect(!again.ok && again.message).toMatch(/abgeschlossen/);
  });

  it("an agency user is not a clerk", async () => {
    const agencyClerk = await sessionUser({ roles: ["AGENCY"], authorityId: d.authority.id });
    const app = await createCompleteCase(d);
    expect(await getParticipationBoard(agencyClerk, app.id)).toBeNull();
  });
});
