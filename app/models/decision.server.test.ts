import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { isApprovableDocumentType } from "~/domain/decision";
import { computeFee, MV_FEE_SCHEDULE } from "~/domain/fees";
import type { ConditionKind } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  sessionUser,
  submitCompleteDraft,
} from "../../test/kit/draft-fixtures";
import { confirmCaseComplete } from "../../test/kit/participation-fixtures";
import {
  ALREADY_DECIDED,
  approve,
  type DraftChanges,
  decide,
  getDecidedDecision,
  getDecisionForClerk,
  openDraft,
  submitForApproval,
  updateDraft,
} from "./decision.server";
import { confirmComplete, startReview } from "./review.server";
import { submitApplication } from "./submission.server";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;
let clerk2: SessionUser;
let foreignClerk: SessionUser;
let agencyAuthor: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("decision");
  other = await createTestDistrict("decision-other");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerk = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Sachb. Eins",
  });
  clerk2 = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Sachb. Zwei",
  });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  agencyAuthor = await sessionUser({ roles: ["AGENCY"] });
});

async function submittedCase() {
  return (await submitCompleteDraft(architect, district.gemeinde.id)).id;
}

async function completeCase() {
  const id = await submittedCase();
  await confirmCaseComplete(clerk, id);
  return id;
}

async function agency(name: string) {
  return db().authority.create({
    data: {
      slug: `agency-${randomUUID().slice(0, 8)}`,
      name,
      kind: "FACHSTELLE",
      agencyType: "DENKMALSCHUTZ",
      landProfile: "MV",
      parentId: district.authority.id,
    },
    select: { id: true, name: true },
  });
}

/** A participation as PA's code would leave it; with a statement when answered. */
async function participation(
  applicationId: string,
  agencyId: string,
  status: "SENT" | "ANSWERED" | "CANCELLED" | "DEEMED_CONSENT",
  options: {
    round?: number;
    submittedAt?: Date;
    conditions?: { kind: ConditionKind; text: string; legalBasis?: string }[];
  } = {},
) {
  return db().participation.create({
    data: {
      applicationId,
      agencyId,
      round: options.round ?? 1,
      kind: "AGENCY_STATEMENT",
      status,
      question: "Stellungnahme zum Denkmalschutz",
      legalBasis: "§ 7 DSchG M-V",
      deadline: new Date(Date.now() + 30 * 86_400_000),
      silenceIsConsent: true,
      silenceConsequence: "Zustimmung gilt als erteilt",
      startedById: clerk.id,
      sentAt: new Date(),
      answeredAt: status === "ANSWERED" ? new Date() : null,
      statement:
        status === "ANSWERED"
          ? {
              create: {
                outcome: options.conditions?.length ? "CONSENT_WITH_CONDITIONS" : "CONSENT",
                reasons: "Keine Bedenken.",
                authorId: agencyAuthor.id,
                submittedAt: options.submittedAt ?? new Date("2026-03-02T10:00:00Z"),
                conditions: {
                  create: (options.conditions ?? []).map((c, i) => ({ position: i + 1, ...c })),
                },
              },
            }
          : undefined,
    },
    select: { id: true },
  });
}

async function draftOf(id: string) {
  const view = await getDecisionForClerk(clerk, id);
  if (!view.decision) throw new Error("no draft");
  return view;
}

/** The draft as the editor would post it back, with overrides. */
function changesFrom(
  view: Awaited<ReturnType<typeof draftOf>>,
  patch: Partial<DraftChanges> = {},
): DraftChanges {
  const d = view.decision as NonNullable<typeof view.decision>;
  return {
    kind: d.kind,
    // The clerk's texts per section; a patched `reasons` is an older form's single field.
    ...(patch.reasons === undefined ? { reasonSections: d.reasonSections } : {}),
    legalRemedy: d.legalRemedy,
    deviations: d.deviations,
    constructionCostCents: d.constructionCostCents,
    conditions: d.conditions.map((c) => ({ id: c.id, kind: c.kind, text: c.text, legalBasis: c.legalBasis })),
    documents: d.documents.map((x) => ({ documentVersionId: x.documentVersionId, stamp: x.stamp })),
    ...patch,
  };
}

async function openOrThrow(user: SessionUser, id: string) {
  const r = await openDraft(user, id);
  if (!r.ok) throw new Error(r.message);
  return r.decisionId;
}

describe("openDraft", () => {
  it("prefills kind, latest versions (plans stamped), conditions of answered statements with source, fee, texts", async () => {
    const id = await completeCase();
    const lageplanV2 = await addDocumentVersion(id, "1803", architect.id);
    const denkmal = await agency("Untere Denkmalschutzbehörde Testkreis");
    const natur = await agency("Untere Naturschutzbehörde Testkreis");
    const gemeinde = await agency("Gemeinde Testdorf");
    const strasse = await agency("Straßenbauamt (storniert)");
    // Round 1 of Denkmal superseded by round 2.
    await participation(id, denkmal.id, "ANSWERED", {
      conditions: [{ kind: "AUFLAGE", text: "Alte Auflage aus Runde 1" }],
    });
    await participation(id, denkmal.id, "ANSWERED", {
      round: 2,
      submittedAt: new Date("2026-03-02T10:00:00Z"),
      conditions: [
        {
          kind: "AUFLAGE",
          text: "Die Fenster der Straßenseite sind als Holzfenster auszuführen.",
          legalBasis: "§ 7 DSchG M-V",
        },
        { kind: "HINWEIS", text: "Funde sind unverzüglich anzuzeigen." },
      ],
    });
    await participation(id, natur.id, "SENT");
    await participation(id, gemeinde.id, "DEEMED_CONSENT");
    await participation(id, strasse.id, "CANCELLED", {});

    const first = await openDraft(clerk, id);
    expect(first).toMatchObject({ ok: true, created: true });
    const view = await draftOf(id);
    const d = view.decision as NonNullable<typeof view.decision>;
    expect(d.kind).toBe("BAUGENEHMIGUNG");
    expect(d.status).toBe("DRAFT");
    expect(d.draftedBy.id).toBe(clerk.id);

    expect(d.conditions.map((c) => [c.position, c.kind, c.text, c.legalBasis, c.sourceLabel])).toEqual([
      [
        1,
        "AUFLAGE",
        "Die Fenster der Straßenseite sind als Holzfenster auszuführen.",
        "§ 7 DSchG M-V",
        "Untere Denkmalschutzbehörde Testkreis, Stellungnahme vom 02.03.2026",
      ],
      [
        2,
        "HINWEIS",
        "Funde sind unverzüglich anzuzeigen.",
        null,
        "Untere Denkmalschutzbehörde Testkreis, Stellungnahme vom 02.03.2026",
      ],
    ]);
    expect(d.conditions.every((c) => c.sourceStatementConditionId !== null)).toBe(true);

    // Every document once, at its latest version; plans stamped, others not.
    // Only approvable Bauvorlagen (no statistics form, no Bauvorlageberechtigung), each file (sha256) once.
    const chosen = new Map(d.documents.map((x) => [x.documentVersionId, x.stamp]));
    const approvable = view.documents.filter((doc) => isApprovableDocumentType(doc.typeCode));
    const files = new Set(approvable.map((doc) => (doc.versions[0] as { sha256: string }).sha256));
    expect(chosen.size).toBe(files.size);
    for (const doc of view.documents) {
      const latest = doc.versions[0] as { id: string };
      if (!isApprovableDocumentType(doc.typeCode)) expect(chosen.has(latest.id)).toBe(false);
      else if (chosen.has(latest.id) && !doc.isPlan) expect(chosen.get(latest.id)).toBe(false);
    }
    expect(chosen.get(lageplanV2.id)).toBe(true);
    expect(view.documents.some((doc) => !doc.isPlan)).toBe(true);

    // Baukosten 350,000 € from the form; 3 agencies asked (Denkmal, Natur, Gemeinde; not the cancelled one).
    expect(d.constructionCostCents).toBe(35_000_000);
    const expected = computeFee(MV_FEE_SCHEDULE, {
      kind: "BAUGENEHMIGUNG",
      procedureType: "VEREINFACHT",
      constructionCostCents: 35_000_000,
      participations: 3,
    });
    expect(d.feeLines).toEqual(expected.lines);
    expect(d.feeTotalCents).toBe(280_000 + 15_000);

    expect(d.legalRemedy).toContain(
      `Bauaufsichtsbehörde (${district.authority.name}, (Anschrift der Behörde))`,
    );
    expect(d.reasons).toContain(
      "Untere Denkmalschutzbehörde Testkreis hat unter Nebenbestimmungen zugestimmt.",
    );
    // Asked for a plain statement here (not the Einvernehmen): silence within the deadline.
    expect(d.reasons).toMatch(
      /Gemeinde Testdorf (hat sich nicht innerhalb der Frist geäußert; ihre Zustimmung gilt als erteilt|hat ihr Einvernehmen nicht innerhalb von zwei Monaten verweigert)/,
    );
    expect(view.openParticipations.map((p) => p.agencyName)).toEqual(["Untere Naturschutzbehörde Testkreis"]);

    // Opening again loads the same draft.
    expect(await openDraft(clerk2, id)).toEqual({
      ok: true,
      decisionId: first.ok && first.decisionId,
      created: false,
    });
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "decision.drafted" } })).toBe(1);
  });

  it("proposes an Ablehnung when the Gemeinde refused its Einvernehmen", async () => {
    const id = await completeCase();
    const gemeinde = await agency("Gemeinde Versagt");
    await db().participation.create({
      data: {
        applicationId: id,
        agencyId: gemeinde.id,
        kind: "MUNICIPAL_CONSENT",
        status: "ANSWERED",
        question: "Einvernehmen nach § 36 BauGB",
        legalBasis: "§ 36 BauGB",
        deadline: new Date(Date.now() + 60 * 86_400_000),
        silenceIsConsent: true,
        silenceConsequence: "Einvernehmen gilt als erteilt",
        startedById: clerk.id,
        statement: {
          create: { outcome: "REJECTION", reasons: "Widerspricht dem B-Plan.", authorId: agencyAuthor.id },
        },
      },
    });
    await openOrThrow(clerk, id);
    const d = (await draftOf(id)).decision;
    expect(d?.kind).toBe("ABLEHNUNG");
    expect(d?.reasons).toContain("Gemeinde Versagt hat ihr Einvernehmen nach § 36 Abs. 1 BauGB versagt.");
    // Ablehnung: half of the permit fee (8 ‰ of 350,000 € = 2,800 €) plus one participation.
    expect(d?.feeLines.map((l) => l.amountCents)).toEqual([140_000, 5_000]);
  });

  it("creates one draft when two clerks open it at the same time", async () => {
    const id = await completeCase();
    const results = await Promise.all([openDraft(clerk, id), openDraft(clerk2, id), openDraft(clerk, id)]);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.ok && r.decisionId)).size).toBe(1);
  });

  it("is refused for an incomplete case and is not found for another authority", async () => {
    const id = await submittedCase();
    expect(await openDraft(clerk, id)).toEqual({
      ok: false,
      message: expect.stringContaining("noch nicht vollständig"),
    });
    const complete = await completeCase();
    await expect(openDraft(foreignClerk, complete)).rejects.toMatchObject({ init: { status: 404 } });
    await expect(openDraft(architect, complete)).rejects.toMatchObject({ init: { status: 404 } });
    await expect(getDecisionForClerk(foreignClerk, complete)).rejects.toMatchObject({
      init: { status: 404 },
    });
    expect(await db().decision.count({ where: { applicationId: { in: [id, complete] } } })).toBe(0);
  });
});

describe("documents still being checked or refused at upload", () => {
  it("the draft takes and offers only accepted versions; one being checked is listed, refused ones are not; saving either is refused", async () => {
    const id = await completeCase();
    const docs = (
      await db().document.findMany({
        where: { applicationId: id, versions: { some: {} } },
        orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
        select: { id: true, typeCode: true, versions: { orderBy: { versionNumber: "desc" }, take: 1 } },
      })
    ).filter((doc) => isApprovableDocumentType(doc.typeCode));
    const newer = async (k: number, checkStatus: "PENDING" | "REFUSED", filename: string) => {
      const last = docs[k]!.versions[0]!;
      const v = await db().documentVersion.create({
        data: {
          documentId: docs[k]!.id,
          versionNumber: last.versionNumber + 1,
          filename,
          mimeType: "application/pdf",
          sizeBytes: 1000n,
          sha256: `${k}${checkStatus}`.padEnd(64, "0"),
          storageKey: `${last.storageKey}-${checkStatus}`,
          uploadedById: last.uploadedById,
          checkStatus,
        },
      });
      return { v, previous: last };
    };
    const pending = await newer(0, "PENDING", "Grundriss neu.pdf");
    const refused = await newer(1, "REFUSED", "Schnitt kaputt.pdf");

    const decisionId = await openOrThrow(clerk, id);
    const view = await draftOf(id);
    const d = view.decision as NonNullable<typeof view.decision>;
    const chosen = d.documents.map((x) => x.documentVersionId);
    expect(chosen).toContain(pending.previous.id);
    expect(chosen).toContain(refused.previous.id);
    expect(chosen).not.toContain(pending.v.id);
    expect(chosen).not.toContain(refused.v.id);
    const listed = view.documents.flatMap((doc) => doc.versions);
    expect(listed.find((v) => v.id === pending.v.id)).toMatchObject({ checkStatus: "PENDING" });
    expect(listed.some((v) => v.id === refused.v.id)).toBe(false);

    for (const [v, message] of [
      [
        pending.v,
        "„Grundriss neu.pdf“ wird noch geprüft und kann erst nach der Prüfung ausgewählt werden. Bitte versuchen Sie es in einigen Sekunden erneut.",
      ],
      [refused.v, "„Schnitt kaputt.pdf“ wurde bei der Prüfung abgelehnt und kann nicht ausgewählt werden."],
    ] as const) {
      const r = await updateDraft(
        clerk,
        decisionId,
        d.version,
        changesFrom(view, {
          documents: [...d.documents, { documentVersionId: v.id, stamp: true }].map((x) => ({
            documentVersionId: x.documentVersionId,
            stamp: x.stamp,
          })),
        }),
      );
      expect(r).toMatchObject({ ok: false, reason: "invalid", message });
    }
    expect((await draftOf(id)).decision?.version).toBe(d.version);
  });
});

describe("updateDraft", () => {
  it("edits conditions (source kept, removed, added), documents, Baukosten -> fee; stale versions are refused", async () => {
    const id = await completeCase();
    const denkmal = await agency("Denkmalamt Update");
    await participation(id, denkmal.id, "ANSWERED", {
      conditions: [
        { kind: "AUFLAGE", text: "Auflage A" },
        { kind: "BEDINGUNG", text: "Bedingung B" },
      ],
    });
    const decisionId = await openOrThrow(clerk, id);
    const view = await draftOf(id);
    const d = view.decision as NonNullable<typeof view.decision>;
    const [a] = d.conditions;
    const nonPlan = d.documents.filter((x) => !x.stamp).map((x) => x.documentVersionId);

    const changes = changesFrom(view, {
      kind: "TEILBAUGENEHMIGUNG",
      constructionCostCents: 10_000_000,
      conditions: [
        { id: a?.id, kind: "AUFLAGE", text: "Auflage A, präzisiert", legalBasis: "§ 36 VwVfG" },
        { kind: "HINWEIS", text: "Eigener Hinweis der Behörde" },
      ],
      documents: d.documents
        .filter((x) => !nonPlan.includes(x.documentVersionId) || x === d.documents.find((y) => !y.stamp))
        .map((x) => ({ documentVersionId: x.documentVersionId, stamp: x.stamp })),
      deviations: [{ text: "Abstandsfläche Nord 2,80 m statt 3,00 m", legalBasis: "§ 67 LBauO M-V" }],
    });
    const saved = await updateDraft(clerk2, decisionId, d.version, changes);
    expect(saved).toMatchObject({ ok: true, version: d.version + 1 });

    const after = (await draftOf(id)).decision as NonNullable<typeof view.decision>;
    expect(after.kind).toBe("TEILBAUGENEHMIGUNG");
    expect(after.draftedBy.id).toBe(clerk2.id);
    expect(after.conditions.map((c) => [c.text, c.sourceLabel !== null, c.legalBasis])).toEqual([
      ["Auflage A, präzisiert", true, "§ 36 VwVfG"],
      ["Eigener Hinweis der Behörde", false, null],
    ]);
    expect(after.documents).toHaveLength(changes.documents.length);
    expect(after.deviations).toEqual([
      { text: "Abstandsfläche Nord 2,80 m statt 3,00 m", legalBasis: "§ 67 LBauO M-V" },
    ]);
    // 20 % of (8 ‰ of 100,000 € = 800 €) = 160 €, plus 1 participation (50 €).
    expect(after.feeLines.map((l) => l.amountCents)).toEqual([16_000, 5_000]);
    expect(after.feeTotalCents).toBe(21_000);

    // The same (now stale) version again: refused, nothing overwritten.
    const stale = await updateDraft(
      clerk,
      decisionId,
      d.version,
      changesFrom(view, { reasons: "überschrieben?" }),
    );
    expect(stale).toMatchObject({ ok: false, reason: "conflict", currentVersion: d.version + 1 });
    if (!stale.ok) expect(stale.message).toMatch(/inzwischen von Sachb\. Zwei .* geändert/);
    expect((await draftOf(id)).decision?.reasons).not.toBe("überschrieben?");
  });

  it("refuses invalid input with German messages and versions of another case", async () => {
    const id = await completeCase();
    const otherCase = await completeCase();
    const foreignVersion = await addDocumentVersion(otherCase, "1803", architect.id);
    const decisionId = await openOrThrow(clerk, id);
    const view = await draftOf(id);
    const v = view.decision?.version as number;
    const cases: [Partial<DraftChanges>, RegExp][] = [
      [{ kind: "GENEHMIGUNG" }, /Art der Entscheidung/],
      [{ legalRemedy: "  " }, /Rechtsbehelfsbelehrung/],
      [{ conditions: [{ kind: "AUFLAGE", text: " " }] }, /Nebenbestimmung 1: Bitte geben Sie den Text ein/],
      [{ conditions: [{ kind: "WUNSCH", text: "x" }] }, /Nebenbestimmung 1: Bitte wählen Sie die Art/],
      [{ constructionCostCents: -5 }, /Baukosten/],
      [{ documents: [{ documentVersionId: foreignVersion.id, stamp: true }] }, /Bauvorlagen ist ungültig/],
    ];
    for (const [patch, message] of cases) {
      const r = await updateDraft(clerk, decisionId, v, changesFrom(view, patch));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
    await expect(updateDraft(foreignClerk, decisionId, v, changesFrom(view))).rejects.toMatchObject({
      init: { status: 404 },
    });
    expect((await draftOf(id)).decision?.version).toBe(v);
  });
});

describe("decide", () => {
  it("decides once: decision, case, participations closed, event, render job, validity; a second decide is refused", async () => {
    const id = await completeCase();
    const denkmal = await agency("Denkmalamt Entscheid");
    const p = await participation(id, denkmal.id, "ANSWERED", {
      conditions: [{ kind: "AUFLAGE", text: "A" }],
    });
    const decisionId = await openOrThrow(clerk, id);
    const now = new Date("2026-03-10T09:00:00Z");

    await expect(decide(foreignClerk, decisionId)).rejects.toMatchObject({ init: { status: 404 } });
    const r = await decide(clerk, decisionId, { now });
    expect(r).toEqual({ ok: true, decidedAt: now, validUntil: new Date("2029-03-10T22:59:59.999Z") });

    const row = await db().decision.findUniqueOrThrow({ where: { id: decisionId } });
    expect(row).toMatchObject({ status: "DECIDED", decidedById: clerk.id, decidedAt: now });
    expect(row.feeTotalCents).toBe(285_000);
    expect(row.feeLines).toEqual(
      computeFee(MV_FEE_SCHEDULE, {
        kind: "BAUGENEHMIGUNG",
        procedureType: "VEREINFACHT",
        constructionCostCents: 35_000_000,
        participations: 1,
      }).lines,
    );
    const app = await db().application.findUniqueOrThrow({
      where: { id },
      select: { status: true, nextDeadlineAt: true },
    });
    expect(app).toEqual({ status: "DECIDED", nextDeadlineAt: null });
    expect((await db().participation.findUniqueOrThrow({ where: { id: p.id } })).closedAt).toEqual(now);
    const events = await db().caseEvent.findMany({ where: { applicationId: id, type: "decision.decided" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ decisionId, kind: "BAUGENEHMIGUNG", participationsClosed: 1 });
    const jobs = await db().outboxMessage.findMany({
      where: { jobName: "documents.render-decision", payload: { equals: { decisionId } } },
    });
    expect(jobs).toHaveLength(1);

    // The fee notice: a Kassenzeichen in the authority's format and the due date (30 days, Berlin).
    expect(row.paymentReference).toMatch(/^KZ-2026-\d{6}$/);
    expect(row.paymentDueAt).toEqual(new Date("2026-04-09T21:59:59.999Z"));

    expect(await decide(clerk, decisionId)).toEqual({ ok: false, message: ALREADY_DECIDED });
    expect(await openDraft(clerk, id)).toMatchObject({ ok: true, created: false });
    const view = await draftOf(id);
    expect(
      await updateDraft(
        clerk,
        decisionId,
        view.decision?.version as number,
        changesFrom(view, { reasons: "neu" }),
      ),
    ).toMatchObject({ ok: false, reason: "not-editable", message: ALREADY_DECIDED });
  });

  it("Kassenzeichen: unique per authority (counter per year), in the authority's configured format", async () => {
    const own = await createTestDistrict("decision-kz");
    await db().authority.update({
      where: { id: own.authority.id },
      data: { paymentReferenceFormat: "5.0100.{YY}.{NNNN}", paymentDueDays: 14 },
    });
    const kzClerk = await sessionUser({ roles: ["CLERK"], authorityId: own.authority.id });
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const { id, version } = await createCompleteDraft(architect, own.gemeinde.id);
        const r = await submitApplication(architect, id, {
          expectedVersion: version,
          laterDocumentTypeCodes: [],
        });
        if (!r.ok) throw new Error(JSON.stringify(r));
        await startReview(kzClerk, id);
        const c = await confirmComplete(kzClerk, id);
        if (!c.ok) throw new Error(c.message);
        return openOrThrow(kzClerk, id);
      }),
    );
    const now = new Date("2026-11-20T10:00:00Z");
    const results = await Promise.all(ids.map((id) => decide(kzClerk, id, { now })));
    expect(results.every((r) => r.ok)).toBe(true);
    const rows = await db().decision.findMany({
      where: { id: { in: ids } },
      select: { paymentReference: true, paymentDueAt: true },
    });
    expect(rows.map((r) => r.paymentReference).sort()).toEqual([
      "5.0100.26.0001",
      "5.0100.26.0002",
      "5.0100.26.0003",
    ]);
    // 14 days after 20.11.2026: 04.12.2026, end of the day in Berlin (CET).
    for (const r of rows) expect(r.paymentDueAt).toEqual(new Date("2026-12-04T22:59:59.999Z"));
  });

  it("a clerk's free text fills a section of the Begründung and cannot remove one", async () => {
    const id = await completeCase();
    const decisionId = await openOrThrow(clerk, id);
    const view = await draftOf(id);
    const before = (view.decision as NonNullable<typeof view.decision>).reasons;
    for (const h of ["1. Sachverhalt", "2. Rechtliche Würdigung", "3. Nebenbestimmungen", "4. Kosten"]) {
      expect(before).toContain(h);
    }
    // An older form posts one field for the whole Begründung.
    const legacy = await updateDraft(
      clerk,
      decisionId,
      (view.decision as { version: number }).version,
      changesFrom(view, { reasons: "Nur dieser Satz." }),
    );
    expect(legacy.ok).toBe(true);
    const after = await draftOf(id);
    const d = after.decision as NonNullable<typeof after.decision>;
    expect(d.reasonSections).toEqual({ wuerdigung: "Nur dieser Satz." });
    for (const h of ["1. Sachverhalt", "2. Rechtliche Würdigung", "3. Nebenbestimmungen", "4. Kosten"]) {
      expect(d.reasons).toContain(h);
    }
    expect(d.reasons).toContain("Die Kostenentscheidung beruht auf der Baugebührenverordnung (BauGebVO M-V)");
    expect(d.reasons.indexOf("Nur dieser Satz.")).toBeGreaterThan(
      d.reasons.indexOf("2. Rechtliche Würdigung"),
    );
    expect(d.reasons.indexOf("Nur dieser Satz.")).toBeLessThan(d.reasons.indexOf("3. Nebenbestimmungen"));
    // Per section, with a condition's own reason.
    const cond = {
      kind: "AUFLAGE",
      text: "Stellplätze sind wasserdurchlässig zu befestigen.",
      legalBasis: "§ 8 LBauO M-V",
      reason: "Sichert die Versickerung auf dem Grundstück.",
    };
    const saved = await updateDraft(
      clerk,
      decisionId,
      d.version,
      changesFrom(after, { reasonSections: { kosten: "Eigener Kostensatz." }, conditions: [cond] }),
    );
    expect(saved.ok).toBe(true);
    const last = (await draftOf(id)).decision as NonNullable<typeof after.decision>;
    expect(last.reasons).toContain(
      "Zu Nr. 1 (Auflage, § 8 LBauO M-V): Sichert die Versickerung auf dem Grundstück.",
    );
    expect(last.reasons).toContain("Eigener Kostensatz.");
    expect(last.reasons).not.toContain("Nur dieser Satz.");
    expect(last.conditions[0]?.reason).toBe(cond.reason);
  });

  it("two concurrent decides: exactly one wins", async () => {
    const id = await completeCase();
    const decisionId = await openOrThrow(clerk, id);
    const results = await Promise.all([
      decide(clerk, decisionId),
      decide(clerk2, decisionId),
      decide(clerk, decisionId),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, message: ALREADY_DECIDED },
      { ok: false, message: ALREADY_DECIDED },
    ]);
    expect(await db().caseEvent.count({ where: { applicationId: id, type: "decision.decided" } })).toBe(1);
    expect(
      await db().outboxMessage.count({
        where: { jobName: "documents.render-decision", payload: { equals: { decisionId } } },
      }),
    ).toBe(1);
  });

  it("is refused on an incomplete or withdrawn case", async () => {
    const id = await submittedCase();
    // A draft that exists although the case is not complete (e.g. reopened): decide still refuses.
    const d = await db().decision.create({
      data: { applicationId: id, kind: "BAUGENEHMIGUNG", draftedById: clerk.id, legalRemedy: "x" },
      select: { id: true },
    });
    expect(await decide(clerk, d.id)).toEqual({
      ok: false,
      message: expect.stringContaining("noch nicht vollständig"),
    });
    await db().application.update({ where: { id }, data: { status: "WITHDRAWN", completeAt: new Date() } });
    expect(await decide(clerk, d.id)).toEqual({
      ok: false,
      message: expect.stringContaining("zurückgenommen"),
    });
    expect((await db().application.findUniqueOrThrow({ where: { id } })).status).toBe("WITHDRAWN");
  });

  it("open participations need an explicit confirmation; they are closed then", async () => {
    const id = await completeCase();
    const natur = await agency("Naturschutz offen");
    const p = await participation(id, natur.id, "SENT");
    const decisionId = await openOrThrow(clerk, id);
    const refused = await decide(clerk, decisionId);
    expect(refused).toEqual({
      ok: false,
      message: expect.stringContaining("Es stehen noch Stellungnahmen aus (Naturschutz offen)"),
    });
    expect(await decide(clerk, decisionId, { confirmOpenParticipations: true })).toMatchObject({ ok: true });
    expect((await db().participation.findUniqueOrThrow({ where: { id: p.id } })).closedAt).not.toBeNull();
    const ev = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "decision.decided" },
    });
    expect(ev.payload).toMatchObject({ withoutStatements: ["Naturschutz offen"] });
  });

  it("an Ablehnung has no validity period", async () => {
    const id = await completeCase();
    const decisionId = await openOrThrow(clerk, id);
    const view = await draftOf(id);
    await updateDraft(
      clerk,
      decisionId,
      view.decision?.version as number,
      changesFrom(view, { kind: "ABLEHNUNG" }),
    );
    expect(await decide(clerk, decisionId)).toMatchObject({ ok: true, validUntil: null });
    expect((await db().decision.findUniqueOrThrow({ where: { id: decisionId } })).validUntil).toBeNull();
  });
});

describe("four-eyes", () => {
  it("needs the approval of a different clerk of the same authority; an edit clears the approval", async () => {
    const fourEyes = await createTestDistrict("decision-4eyes");
    await db().authority.update({ where: { id: fourEyes.authority.id }, data: { fourEyesDecision: true } });
    const a = await sessionUser({
      roles: ["CLERK"],
      authorityId: fourEyes.authority.id,
      displayName: "Erste",
    });
    const b = await sessionUser({
      roles: ["CLERK"],
      authorityId: fourEyes.authority.id,
      displayName: "Zweite",
    });
    const { id, version } = await createCompleteDraft(architect, fourEyes.gemeinde.id);
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error("submit failed");
    await startReview(a, id);
    await confirmComplete(a, id);
    const decisionId = await openOrThrow(a, id);
    const v1 = (await getDecisionForClerk(a, id)).decision?.version as number;

    expect(await decide(a, decisionId)).toEqual({
      ok: false,
      message: expect.stringContaining("Vier-Augen-Prinzip"),
    });
    expect(await approve(b, decisionId, v1)).toEqual({
      ok: false,
      message: "Der Entwurf liegt nicht zur Freigabe vor.",
    });
    const submitted = await submitForApproval(a, decisionId, v1);
    expect(submitted).toEqual({ ok: true, version: v1 + 1 });
    expect(await decide(a, decisionId)).toEqual({
      ok: false,
      message: expect.stringContaining("Vier-Augen-Prinzip"),
    });
    expect(await approve(a, decisionId, v1 + 1)).toEqual({
      ok: false,
      message: expect.stringContaining("andere Person"),
    });
    await expect(approve(clerk, decisionId, v1 + 1)).rejects.toMatchObject({ init: { status: 404 } });
    expect(await approve(b, decisionId, v1 + 1)).toEqual({ ok: true, version: v1 + 2 });

    // An edit after the approval sends it back to DRAFT without approval.
    const view = await getDecisionForClerk(a, id);
    const saved = await updateDraft(a, decisionId, v1 + 2, changesFrom(view, { reasons: "geändert" }));
    expect(saved.ok).toBe(true);
    const reset = await db().decision.findUniqueOrThrow({ where: { id: decisionId } });
    expect(reset).toMatchObject({ status: "DRAFT", approvedAt: null, approvedById: null });
    expect(await decide(b, decisionId)).toEqual({
      ok: false,
      message: expect.stringContaining("Vier-Augen-Prinzip"),
    });

    // Submitted by b this time: a approves, b decides.
    expect(await submitForApproval(b, decisionId, v1 + 3)).toMatchObject({ ok: true });
    expect(await approve(b, decisionId, v1 + 4)).toEqual({
      ok: false,
      message: expect.stringContaining("andere Person"),
    });
    expect(await approve(a, decisionId, v1 + 4)).toMatchObject({ ok: true });
    expect(await decide(b, decisionId)).toMatchObject({ ok: true });
    expect(await db().decision.findUniqueOrThrow({ where: { id: decisionId } })).toMatchObject({
      status: "DECIDED",
      approvedById: a.id,
      decidedById: b.id,
    });
    // Every submission and every approval notifies the other clerks (once each, through the outbox).
    const notified = async (event: string) =>
      db().outboxMessage.findMany({
        where: { jobName: "system.notify", jobId: { contains: `${id}__${event}` } },
        select: { payload: true },
      });
    const requested = await notified("decision.approval-requested");
    expect(requested.map((r) => (r.payload as { actorId: string }).actorId).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    const approvedJobs = await notified("decision.approved");
    expect(
      approvedJobs
        .map((r) => (r.payload as { details: { approverName: string } }).details.approverName)
        .sort(),
    ).toEqual(["Erste", "Zweite"]);
  });

  it("submitting for approval is refused where the authority decides without four-eyes", async () => {
    const id = await completeCase();
    const decisionId = await openOrThrow(clerk, id);
    const v = (await draftOf(id)).decision?.version as number;
    expect(await submitForApproval(clerk, decisionId, v)).toEqual({
      ok: false,
      message: expect.stringContaining("ohne Vier-Augen-Freigabe"),
    });
  });
});

describe("applicant side", () => {
  it("members see the decided decision and its CASE files; strangers and AUTHORITY files not", async () => {
    const id = await completeCase();
    const decisionId = await openOrThrow(clerk, id);
    expect(await getDecidedDecision(architect, id)).toBeNull();
    await decide(clerk, decisionId, { now: new Date("2026-05-04T08:00:00Z") });
    const mk = (kind: string, audience: "CASE" | "AUTHORITY") =>
      db().generatedDocument.create({
        data: {
          applicationId: id,
          decisionId,
          audience,
          kind,
          title: kind,
          filename: `${kind}.pdf`,
          mimeType: "application/pdf",
          sizeBytes: 10n,
          sha256: "0".repeat(64),
          storageKey: `test/${randomUUID()}`,
          sourceKey: `test-${randomUUID()}`,
        },
      });
    await mk("DECISION", "CASE");
    await mk("INTERNAL", "AUTHORITY");
    const seen = await getDecidedDecision(architect, id);
    expect(seen).toMatchObject({
      kind: "BAUGENEHMIGUNG",
      kindLabel: "Baugenehmigung",
      decidedAt: new Date("2026-05-04T08:00:00Z"),
      validUntil: new Date("2029-05-04T21:59:59.999Z"),
    });
    expect(seen?.files.map((f) => f.kind)).toEqual(["DECISION"]);
    expect((await getDecidedDecision(clerk, id))?.files.map((f) => f.kind)).toEqual(["DECISION", "INTERNAL"]);
    expect(await getDecidedDecision(stranger, id)).toBeNull();
    expect(await getDecidedDecision(foreignClerk, id)).toBeNull();
  });
});

describe("fee schedule of the authority", () => {
  it("an authority's own schedule overrides the Land profile's in the draft", async () => {
    const own = await createTestDistrict("decision-fees");
    await db().authority.update({
      where: { id: own.authority.id },
      data: {
        feeSchedule: {
          ...MV_FEE_SCHEDULE,
          permit: {
            ...MV_FEE_SCHEDULE.permit,
            byProcedureType: {
              VEREINFACHT: { perMille: 20, minimumCents: 0, maximumCents: null, legalBasis: "Satzung Nr. 7" },
            },
          },
        },
      },
    });
    const k = await sessionUser({ roles: ["CLERK"], authorityId: own.authority.id });
    const { id, version } = await createCompleteDraft(architect, own.gemeinde.id);
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error("submit failed");
    await startReview(k, id);
    await confirmComplete(k, id);
    await openOrThrow(k, id);
    const d = (await getDecisionForClerk(k, id)).decision;
    expect(d?.feeLines).toEqual([
      expect.objectContaining({ amountCents: 700_000, tariff: expect.stringContaining("Satzung Nr. 7") }),
    ]);
  });
});
