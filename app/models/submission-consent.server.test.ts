import { beforeAll, describe, expect, it } from "vitest";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { getApplicationForMember } from "~/models/application.server";
import { saveDraftSection } from "~/models/draft.server";
import {
  acceptInvitationById,
  getInvitation,
  inviteMember,
  listPendingInvitationsForUser,
  revokeInvitation,
} from "~/models/member.server";
import { type ApplicationSnapshot, submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  sessionUser,
} from "../../test/kit/draft-fixtures";
import { confirmAsOwner, declareMandate, getConsentStatus } from "./submission-consent.server";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("consent");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  stranger = await sessionUser({ roles: ["APPLICANT"], displayName: "Sina Fremd" });
});

async function version(id: string) {
  return (await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } })).version;
}

/** The token of the newest invitation mail to `email` (the link is the only place it exists). */
async function invitationToken(applicationId: string, email: string) {
  const m = await db().applicationMember.findUniqueOrThrow({
    where: { applicationId_email: { applicationId, email } },
    select: { id: true },
  });
  const row = await db().outboxMessage.findFirstOrThrow({
    where: { jobName: "system.send-email", jobId: { contains: m.id } },
    select: { payload: true },
    orderBy: { id: "desc" },
  });
  const prefix = `${env().APP_URL.replace(/\/+$/, "")}/einladung/`;
  const text = (row.payload as { text: string }).text;
  return {
    memberId: m.id,
    token:
      text
        .split(/\s+/)
        .find((w) => w.startsWith(prefix))
        ?.slice(prefix.length) ?? "",
  };
}

describe("the Bauherr as a party", () => {
  it("an invited account sees the invitation in the app, accepts it there and confirms; only then may the architect submit", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withMandate: false });
    let v = await version(id);
    expect(
      await submitApplication(architect, id, { expectedVersion: v, laterDocumentTypeCodes: [] }),
    ).toMatchObject({
      ok: false,
      reason: "consent-missing",
    });

    expect(await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" })).toEqual({
      ok: true,
    });
    // In-app notice (whether or not e-mail is configured) and the list of open invitations.
    const notice = await db().notification.findFirst({
      where: { userId: bauherr.id, type: "member.invited", readAt: null },
      select: { title: true, link: true },
      orderBy: { createdAt: "desc" },
    });
    expect(notice?.link).toBe("/antraege");
    const pending = await listPendingInvitationsForUser(bauherr);
    const mine = pending.find((p) => p.applicationTitle.startsWith("Einfamilienhaus"));
    expect(mine).toMatchObject({ roleLabel: "Bauherr:in", invitedBy: "Anna Architektin" });
    expect(await getApplicationForMember({ applicationId: id, userId: bauherr.id })).toBeNull();

    // Someone else cannot take it over by id.
    expect((await acceptInvitationById(stranger, mine?.memberId ?? "")).ok).toBe(false);
    expect(await acceptInvitationById(bauherr, mine?.memberId ?? "")).toEqual({
      ok: true,
      applicationId: id,
    });
    expect(await getApplicationForMember({ applicationId: id, userId: bauherr.id })).not.toBeNull();
    expect(
      await db().notification.count({ where: { userId: bauherr.id, type: "member.invited", readAt: null } }),
    ).toBe(0);

    // Only the Bauherr confirms, only with the box ticked, only the version shown.
    expect((await confirmAsOwner(architect, id, { declared: true, expectedVersion: v })).ok).toBe(false);
    expect(await confirmAsOwner(bauherr, id, { declared: false, expectedVersion: v })).toMatchObject({
      ok: false,
    });
    expect(await confirmAsOwner(bauherr, id, { declared: true, expectedVersion: v - 1 })).toMatchObject({
      ok: false,
      message: expect.stringContaining("geändert"),
    });
    expect(await confirmAsOwner(bauherr, id, { declared: true, expectedVersion: v })).toEqual({ ok: true });
    expect((await getConsentStatus(architect, id))?.basis?.kind).toBe("OWNER_CONFIRMATION");

    // A change after the confirmation needs a new one.
    const changed = await saveDraftSection(architect, id, {
      section: "project",
      value: {
        ...einfamilienhaus().project,
        description: "Neubau eines Einfamilienhauses mit Doppelcarport",
      },
      expectedVersion: v,
    });
    if (!changed.ok) throw new Error(JSON.stringify(changed));
    v = changed.version;
    const stale = await submitApplication(architect, id, { expectedVersion: v, laterDocumentTypeCodes: [] });
    expect(stale).toMatchObject({
      ok: false,
      reason: "consent-missing",
      message: expect.stringContaining("erneut"),
    });

    expect(await confirmAsOwner(bauherr, id, { declared: true, expectedVersion: v })).toEqual({ ok: true });
    const r = await submitApplication(architect, id, { expectedVersion: v, laterDocumentTypeCodes: [] });
    expect(r.ok).toBe(true);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { snapshot: true } });
    const snapshot = row.snapshot as unknown as ApplicationSnapshot;
    expect(snapshot.consent).toMatchObject({
      kind: "OWNER_CONFIRMATION",
      byUserId: bauherr.id,
      byName: "Bernd Bauherr",
      applicationVersion: v,
    });
    const events = await db().caseEvent.findMany({
      where: { applicationId: id, type: "consent.owner-confirmed" },
      select: { actorId: true },
    });
    expect(events.map((e) => e.actorId)).toEqual([bauherr.id, bauherr.id]);
  });

  it("a Vollmacht counts once it is uploaded and declared by the one who submits", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withMandate: false });
    const v = await version(id);
    expect(await declareMandate(architect, id, { declared: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining("Vollmacht der Bauherrschaft als Unterlage hoch"),
    });
    await addDocumentVersion(id, "0603", architect.id);
    expect((await declareMandate(architect, id, { declared: false })).ok).toBe(false);
    expect((await declareMandate(stranger, id, { declared: true })).ok).toBe(false);
    expect(await declareMandate(architect, id, { declared: true })).toEqual({ ok: true });
    // A newer Vollmacht file needs a new declaration.
    await addDocumentVersion(id, "0603", architect.id);
    expect((await getConsentStatus(architect, id))?.satisfied).toBe(false);
    expect(await declareMandate(architect, id, { declared: true })).toEqual({ ok: true });
    const r = await submitApplication(architect, id, { expectedVersion: v, laterDocumentTypeCodes: [] });
    expect(r.ok).toBe(true);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { snapshot: true } });
    expect((row.snapshot as unknown as ApplicationSnapshot).consent).toMatchObject({
      kind: "MANDATE",
      byUserId: architect.id,
      filename: "0603-v2.pdf",
    });
  });

  it("a Bauherr who submits needs no further confirmation", async () => {
    const { id, version: v } = await createCompleteDraft(bauherr, district.gemeinde.id, {
      memberRole: "BAUHERR",
    });
    const r = await submitApplication(bauherr, id, { expectedVersion: v, laterDocumentTypeCodes: [] });
    expect(r.ok).toBe(true);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { snapshot: true } });
    expect((row.snapshot as unknown as ApplicationSnapshot).consent?.kind).toBe("OWNER_SUBMITTED");
  });
});

describe("withdrawing an invitation", () => {
  it("closes the link at once and removes the notice; only members may withdraw", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
    await inviteMember(architect, id, { email: stranger.email, role: "BAUHERR" });
    const { memberId, token } = await invitationToken(id, stranger.email);
    expect(await getInvitation(token)).not.toBeNull();

    expect((await revokeInvitation(bauherr, id, memberId)).ok).toBe(false);
    expect(await revokeInvitation(architect, id, memberId)).toEqual({ ok: true, email: stranger.email });
    expect(await getInvitation(token)).toBeNull();
    expect(await db().notification.count({ where: { userId: stranger.id, type: "member.invited" } })).toBe(0);
    expect((await listPendingInvitationsForUser(stranger)).some((p) => p.memberId === memberId)).toBe(false);
    expect((await acceptInvitationById(stranger, memberId)).ok).toBe(false);
    // Twice is refused with a clear message.
    expect(await revokeInvitation(architect, id, memberId)).toMatchObject({
      ok: false,
      message: expect.stringContaining("nicht mehr offen"),
    });
    const ev = await db().caseEvent.findFirst({ where: { applicationId: id, type: "member.revoked" } });
    expect(ev?.actorId).toBe(architect.id);
  });
});
