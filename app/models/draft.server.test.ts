import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateCompleteness } from "~/domain/completeness";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { addDocumentVersion, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import {
  changedPaths,
  completenessInputFor,
  createDraft,
  DraftInputError,
  dropBlanks,
  getDraftForMember,
  listMunicipalities,
  saveDraftSection,
} from "./draft.server";

let districtA: Awaited<ReturnType<typeof createTestDistrict>>;
let districtB: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;
let clerkA: SessionUser;
let fachstelleId: string;

beforeAll(async () => {
  districtA = await createTestDistrict("draft-a");
  districtB = await createTestDistrict("draft-b");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  stranger = await sessionUser({ roles: ["APPLICANT"] });
  clerkA = await sessionUser({ roles: ["CLERK"], authorityId: districtA.authority.id });
  const fachstelle = await db().authority.create({
    data: {
      slug: `fachstelle-${randomUUID().slice(0, 8)}`,
      name: "Denkmalschutz Test",
      kind: "FACHSTELLE",
      agencyType: "DENKMALSCHUTZ",
      landProfile: "MV",
      parentId: districtA.authority.id,
    },
    select: { id: true },
  });
  fachstelleId = fachstelle.id;
});

/** Adds the Bauherr as accepted member (what accepting an invitation does). */
async function addMember(applicationId: string, user: SessionUser, role: "BAUHERR" | "ENTWURFSVERFASSER") {
  await db().applicationMember.create({
    data: {
      applicationId,
      userId: user.id,
      email: user.email,
      role,
      invitationState: "ACCEPTED",
      acceptedAt: new Date(),
    },
  });
}

async function newDraft(user = architect, municipalityId = districtA.gemeinde.id) {
  return createDraft(user, {
    municipalityId,
    procedureType: "VEREINFACHT",
    title: "Neubau Einfamilienhaus",
    memberRole: "ENTWURFSVERFASSER",
  });
}

describe("createDraft", () => {
  it("files the draft at the Bauaufsicht responsible for the Gemeinde, with the creator as accepted member", async () => {
    const { id } = await newDraft();
    const row = await db().application.findUniqueOrThrow({
      where: { id },
      select: {
        authorityId: true,
        municipalityId: true,
        status: true,
        version: true,
        createdById: true,
        members: { select: { userId: true, role: true, invitationState: true, email: true } },
        events: { select: { type: true, actorId: true } },
      },
    });
    expect(row).toMatchObject({
      authorityId: districtA.authority.id,
      municipalityId: districtA.gemeinde.id,
      status: "DRAFT",
      version: 1,
      createdById: architect.id,
    });
    expect(row.members).toEqual([
      {
        userId: architect.id,
        role: "ENTWURFSVERFASSER",
        invitationState: "ACCEPTED",
        email: architect.email,
      },
    ]);
    expect(row.events).toEqual([{ type: "application.created", actorId: architect.id }]);

    const inB = await newDraft(architect, districtB.gemeinde.id);
    const rowB = await db().application.findUniqueOrThrow({
      where: { id: inB.id },
      select: { authorityId: true },
    });
    expect(rowB.authorityId).toBe(districtB.authority.id);
  });

  it("accepts a Bauaufsicht itself (kreisfreie Stadt) and refuses Fachstellen, unknown ids and bad input", async () => {
    const { id } = await newDraft(architect, districtB.authority.id);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { authorityId: true } });
    expect(row.authorityId).toBe(districtB.authority.id);

    await expect(newDraft(architect, fachstelleId)).rejects.toBeInstanceOf(DraftInputError);
    await expect(newDraft(architect, randomUUID())).rejects.toMatchObject({ field: "municipalityId" });
    await expect(newDraft(architect, "kein-uuid")).rejects.toMatchObject({ field: "municipalityId" });
    await expect(
      createDraft(architect, {
        municipalityId: districtA.gemeinde.id,
        procedureType: "VEREINFACHT",
        title: "   ",
        memberRole: "BAUHERR",
      }),
    ).rejects.toMatchObject({
      field: "title",
      message: "Bitte geben Sie eine Bezeichnung des Vorhabens ein.",
    });
    await expect(
      createDraft(architect, {
        municipalityId: districtA.gemeinde.id,
        procedureType: "ERFUNDEN" as "VEREINFACHT",
        title: "x",
        memberRole: "BAUHERR",
      }),
    ).rejects.toMatchObject({ field: "procedureType" });
  });

  it("refuses users without the applicant-side permission", async () => {
    await expect(newDraft(clerkA)).rejects.toMatchObject({ init: { status: 403 } });
  });

  it("lists Gemeinden with their Bauaufsicht and Land profile, not Fachstellen", async () => {
    const list = await listMunicipalities();
    expect(list).toContainEqual({
      id: districtA.gemeinde.id,
      name: districtA.gemeinde.name,
      authorityName: districtA.authority.name,
      landProfile: "MV",
    });
    expect(list.some((m) => m.id === fachstelleId)).toBe(false);
  });
});

describe("getDraftForMember", () => {
  it("returns the draft to members only", async () => {
    const { id } = await newDraft();
    const view = await getDraftForMember(architect, id);
    expect(view).toMatchObject({
      id,
      status: "DRAFT",
      version: 1,
      procedureType: "VEREINFACHT",
      authority: { id: districtA.authority.id, landProfile: "MV" },
      municipality: { id: districtA.gemeinde.id },
      myRole: "ENTWURFSVERFASSER",
      editable: true,
      maySubmit: true,
      data: {},
    });
    expect(await getDraftForMember(stranger, id)).toBeNull();
    expect(await getDraftForMember(bauherr, id)).toBeNull();
    expect(await getDraftForMember(clerkA, id)).toBeNull();
    expect(await getDraftForMember(architect, "nicht-da")).toBeNull();

    await addMember(id, bauherr, "BAUHERR");
    expect((await getDraftForMember(bauherr, id))?.myRole).toBe("BAUHERR");
  });

  it("lists documents with their versions (newest first) and builds the completeness input", async () => {
    const { id } = await newDraft();
    await addDocumentVersion(id, "1803", architect.id);
    const v2 = await addDocumentVersion(id, "1803", architect.id);
    await db().document.create({
      data: { applicationId: id, typeCode: "1802", title: "Liegenschaftskarte", toBeSubmittedLater: true },
    });
    const view = await getDraftForMember(architect, id);
    if (!view) throw new Error("no view");
    const lageplan = view.documents.find((d) => d.typeCode === "1803");
    expect(lageplan?.versions.map((v) => v.versionNumber)).toEqual([2, 1]);
    expect(lageplan?.versions[0]).toMatchObject({
      id: v2.id,
      sha256: v2.sha256,
      uploadedBy: "Anna Architektin",
    });
    expect(typeof lageplan?.versions[0]?.sizeBytes).toBe("number");
    expect(view.toBeSubmittedLater).toEqual(["1802"]);

    const input = completenessInputFor(view);
    expect(input).toMatchObject({ profile: "MV", procedureType: "VEREINFACHT" });
    expect(input.documents).toEqual(
      expect.arrayContaining([
        { typeCode: "1803", hasFile: true, toBeSubmittedLater: false },
        { typeCode: "1802", hasFile: false, toBeSubmittedLater: true },
      ]),
    );
    const result = evaluateCompleteness(input);
    expect(result.missingDocuments.some((f) => f.documentTypeCodes?.includes("1803"))).toBe(false);
    expect(result.openItems.some((f) => f.documentTypeCodes?.includes("1802"))).toBe(true);
  });
});

describe("saveDraftSection", () => {
  it("saves a section, increments the version and records who changed which fields", async () => {
    const { id } = await newDraft();
    const r = await saveDraftSection(architect, id, {
      section: "bauherr",
      value: { kind: "PERSON", firstName: "Erika", lastName: "Mustermann", phone: "" },
      expectedVersion: 1,
    });
    expect(r).toEqual({ ok: true, version: 2 });
    const view = await getDraftForMember(architect, id);
    expect(view?.version).toBe(2);
    expect(view?.data.bauherr).toEqual({ kind: "PERSON", firstName: "Erika", lastName: "Mustermann" });
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "application.section-saved" },
      select: { actorId: true, payload: true },
    });
    expect(event.actorId).toBe(architect.id);
    expect(event.payload).toEqual({
      section: "bauherr",
      fields: ["bauherr.firstName", "bauherr.kind", "bauherr.lastName"],
      version: 2,
    });

    const g = await saveDraftSection(architect, id, {
      section: "general",
      value: { title: "Umbau Scheune", procedureType: "BAUGENEHMIGUNG" },
      expectedVersion: 2,
    });
    expect(g).toEqual({ ok: true, version: 3 });
    const after = await getDraftForMember(architect, id);
    expect(after).toMatchObject({ title: "Umbau Scheune", procedureType: "BAUGENEHMIGUNG", version: 3 });
  });

  it("gives the second of two saves with the same version a conflict naming who changed it, and loses nothing", async () => {
    const { id } = await newDraft();
    await addMember(id, bauherr, "BAUHERR");
    const [first, second] = await Promise.all([
      saveDraftSection(bauherr, id, {
        section: "plot",
        value: { planningArea: "BEBAUUNGSPLAN", parcels: [{ gemarkung: "1234", flur: "5", zaehler: "12" }] },
        expectedVersion: 1,
      }),
      saveDraftSection(architect, id, {
        section: "project",
        value: { measureType: "ERRICHTUNG", buildingClass: 1 },
        expectedVersion: 1,
      }),
    ]);
    const results = [first, second];
    const ok = results.filter((r) => r.ok);
    const conflicts = results.filter((r) => !r.ok);
    expect(ok).toEqual([{ ok: true, version: 2 }]);
    expect(conflicts).toHaveLength(1);
    const conflict = conflicts[0];
    if (!conflict || conflict.ok || conflict.reason !== "conflict") throw new Error("expected a conflict");
    const winner = first.ok ? bauherr : architect;
    expect(conflict.currentVersion).toBe(2);
    expect(conflict.changedBy).toBe(winner.displayName);
    expect(conflict.changedAt).toBeInstanceOf(Date);

    // The loser retries with the current version: both sections are kept.
    const loserIsArchitect = first.ok;
    const retry = loserIsArchitect
      ? await saveDraftSection(architect, id, {
          section: "project",
          value: { measureType: "ERRICHTUNG", buildingClass: 1 },
          expectedVersion: conflict.currentVersion,
        })
      : await saveDraftSection(bauherr, id, {
          section: "plot",
          value: {
            planningArea: "BEBAUUNGSPLAN",
            parcels: [{ gemarkung: "1234", flur: "5", zaehler: "12" }],
          },
          expectedVersion: conflict.currentVersion,
        });
    expect(retry).toEqual({ ok: true, version: 3 });
    const view = await getDraftForMember(architect, id);
    expect(view?.data.plot?.parcels).toEqual([{ gemarkung: "1234", flur: "5", zaehler: "12" }]);
    expect(view?.data.project).toEqual({ measureType: "ERRICHTUNG", buildingClass: 1 });
  });

  it("refuses a stale version even when saves are sequential", async () => {
    const { id } = await newDraft();
    expect(
      await saveDraftSection(architect, id, {
        section: "project",
        value: { buildingClass: 2 },
        expectedVersion: 1,
      }),
    ).toEqual({
      ok: true,
      version: 2,
    });
    const stale = await saveDraftSection(architect, id, {
      section: "project",
      value: { buildingClass: 3 },
      expectedVersion: 1,
    });
    expect(stale).toMatchObject({
      ok: false,
      reason: "conflict",
      currentVersion: 2,
      changedBy: "Anna Architektin",
    });
    expect((await getDraftForMember(architect, id))?.data.project).toEqual({ buildingClass: 2 });
  });

  it("reports invalid values as German field errors and keeps the draft unchanged", async () => {
    const { id } = await newDraft();
    const r = await saveDraftSection(architect, id, {
      section: "bauherr",
      value: { email: "keine-mail", address: { postalCode: "123" }, kind: "ROBOTER" },
      expectedVersion: 1,
    });
    expect(r).toEqual({
      ok: false,
      reason: "invalid",
      fieldErrors: {
        kind: ["Bitte wählen Sie einen der angebotenen Werte."],
        email: ["Keine gültige E-Mail-Adresse"],
        "address.postalCode": ["Postleitzahl hat fünf Ziffern"],
      },
    });
    const p = await saveDraftSection(architect, id, {
      section: "project",
      value: { buildingClass: 7, estimatedCosts: 1.5, description: "x".repeat(4001) },
      expectedVersion: 1,
    });
    expect(p).toMatchObject({
      ok: false,
      reason: "invalid",
      fieldErrors: {
        buildingClass: ["Der Wert darf höchstens 5 sein."],
        estimatedCosts: ["Bitte geben Sie eine ganze Zahl ein."],
        description: ["Bitte geben Sie höchstens 4000 Zeichen ein."],
      },
    });
    const parcels = await saveDraftSection(architect, id, {
      section: "plot",
      value: { parcels: [{ gemarkung: "1" }, { flur: "x".repeat(21) }] },
      expectedVersion: 1,
    });
    expect(parcels).toMatchObject({
      reason: "invalid",
      fieldErrors: { "parcels[1].flur": ["Bitte geben Sie höchstens 20 Zeichen ein."] },
    });
    const general = await saveDraftSection(architect, id, {
      section: "general",
      value: { title: "" },
      expectedVersion: 1,
    });
    expect(general).toMatchObject({
      reason: "invalid",
      fieldErrors: {
        title: ["Bitte geben Sie eine Bezeichnung des Vorhabens ein."],
        procedureType: ["Bitte wählen Sie eine Verfahrensart."],
      },
    });
    const view = await getDraftForMember(architect, id);
    expect(view).toMatchObject({ version: 1, data: {} });
  });

  it("does not let non-members read or write, and gives them nothing to go on", async () => {
    const { id } = await newDraft();
    for (const user of [stranger, clerkA]) {
      await expect(
        saveDraftSection(user, id, { section: "project", value: { buildingClass: 1 }, expectedVersion: 1 }),
      ).rejects.toMatchObject({ init: { status: 404 } });
    }
    await expect(
      saveDraftSection(stranger, randomUUID(), { section: "project", value: {}, expectedVersion: 1 }),
    ).rejects.toMatchObject({ init: { status: 404 } });
    expect((await getDraftForMember(architect, id))?.version).toBe(1);
  });

  it("refuses changes once the application is no longer a draft", async () => {
    const { id } = await newDraft();
    await db().application.update({ where: { id }, data: { status: "SUBMITTED" } });
    expect(
      await saveDraftSection(architect, id, {
        section: "project",
        value: { buildingClass: 1 },
        expectedVersion: 1,
      }),
    ).toEqual({ ok: false, reason: "not-editable" });
    expect((await getDraftForMember(architect, id))?.editable).toBe(false);
  });
});

describe("helpers", () => {
  it("drops blank form values and reports changed leaf paths", () => {
    expect(dropBlanks({ a: " ", b: { c: "" }, d: ["", "x"], e: 0, f: false })).toEqual({
      d: ["x"],
      e: 0,
      f: false,
    });
    expect(changedPaths({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: [1] }, "s")).toEqual(["s.b.c", "s.d"]);
    expect(changedPaths(undefined, undefined)).toEqual([]);
  });
});
