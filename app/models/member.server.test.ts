import { beforeAll, describe, expect, it } from "vitest";
import { getDraftForMember, saveDraftSection } from "~/models/draft.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import {
  acceptInvitation,
  EXPIRED_INVITATION_MESSAGE,
  getInvitation,
  hashInvitationToken,
  INVALID_INVITATION_MESSAGE,
  inviteMember,
  listMembers,
} from "./member.server";

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let other: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("invite");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  other = await sessionUser({ roles: ["APPLICANT"], displayName: "Olga Andere" });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

/** The invitation mails of a member row (outbox), newest last, and the token from the newest link. */
async function invitationMail(applicationId: string, email: string) {
  const member = await db().applicationMember.findUniqueOrThrow({
    where: { applicationId_email: { applicationId, email } },
    select: { id: true, invitationTokenHash: true, invitationExpiresAt: true, invitationState: true },
  });
  const rows = await db().outboxMessage.findMany({
    where: { jobName: "system.send-email", jobId: { contains: member.id } },
    select: { payload: true },
    orderBy: { id: "asc" },
  });
  const payload = rows.at(-1)?.payload as { to: string; subject: string; text: string } | undefined;
  const prefix = `${env().APP_URL.replace(/\/+$/, "")}/einladung/`;
  const token = payload?.text
    .split(/\s+/)
    .find((w) => w.startsWith(prefix))
    ?.slice(prefix.length);
  return { member, mails: rows.length, payload, token };
}

describe("invitations", () => {
  it("invites by e-mail with a hashed 14-day token and a German mail through the outbox", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
    const before = Date.now();
    expect(
      await inviteMember(architect, id, { email: `  ${bauherr.email.toUpperCase()} `, role: "BAUHERR" }),
    ).toEqual({
      ok: true,
    });
    const { member, payload, token } = await invitationMail(id, bauherr.email);
    expect(member.invitationState).toBe("PENDING");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(member.invitationTokenHash).toBe(hashInvitationToken(token as string));
    const days = ((member.invitationExpiresAt?.getTime() ?? 0) - before) / 86_400_000;
    expect(days).toBeGreaterThan(13.99);
    expect(days).toBeLessThan(14.01);
    expect(payload?.to).toBe(bauherr.email);
    expect(payload?.subject).toMatch(/^Einladung zum Bauantrag/);
    expect(payload?.text).toContain("Anna Architektin lädt Sie ein");
    expect(payload?.text).toContain("als Bauherr:in");
    const events = await db().caseEvent.findMany({
      where: { applicationId: id, type: "member.invited" },
      select: { actorId: true, payload: true },
    });
    expect(events).toEqual([
      { actorId: architect.id, payload: { email: bauherr.email, role: "BAUHERR", renewed: false } },
    ]);

    const info = await getInvitation(token as string);
    expect(info).toMatchObject({
      applicationId: id,
      authorityName: district.authority.name,
      invitedBy: "Anna Architektin",
      email: bauherr.email,
      role: "BAUHERR",
      roleLabel: "Bauherr:in",
      expired: false,
    });
    // Pending invitees see nothing yet.
    expect(await getDraftForMember(bauherr, id)).toBeNull();
    const members = await listMembers(architect, id);
    expect(members?.map((m) => [m.email, m.invitationState])).toEqual([
      [architect.email, "ACCEPTED"],
      [bauherr.email, "PENDING"],
    ]);
    expect(await listMembers(other, id)).toBeNull();
  });

  it("is accepted only by the user with the invited e-mail address, once", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id, {
      withoutDocuments: true,
    });
    await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" });
    const { token } = await invitationMail(id, bauherr.email);
    if (!token) throw new Error("no token in the mail");

    const wrong = await acceptInvitation(other, token);
    expect(wrong).toEqual({
      ok: false,
      message: `Diese Einladung ging an ${bauherr.email}. Bitte melden Sie sich mit dieser E-Mail-Adresse an, um sie anzunehmen.`,
    });
    expect(await getDraftForMember(other, id)).toBeNull();
    expect((await acceptInvitation(clerk, token)).ok).toBe(false);

    expect(await acceptInvitation(bauherr, token)).toEqual({ ok: true, applicationId: id });
    const view = await getDraftForMember(bauherr, id);
    expect(view?.myRole).toBe("BAUHERR");
    // Invited members edit the draft too.
    expect(
      await saveDraftSection(bauherr, id, {
        section: "project",
        value: { buildingClass: 2 },
        expectedVersion: version,
      }),
    ).toEqual({ ok: true, version: version + 1 });
    const accepted = await db().applicationMember.findUniqueOrThrow({
      where: { applicationId_email: { applicationId: id, email: bauherr.email } },
      select: { userId: true, invitationState: true, invitationTokenHash: true, acceptedAt: true },
    });
    expect(accepted).toMatchObject({
      userId: bauherr.id,
      invitationState: "ACCEPTED",
      invitationTokenHash: null,
    });
    expect(
      await db().caseEvent.count({
        where: { applicationId: id, type: "member.accepted", actorId: bauherr.id },
      }),
    ).toBe(1);

    // The link is used up.
    expect(await acceptInvitation(bauherr, token)).toEqual({
      ok: false,
      message: INVALID_INVITATION_MESSAGE,
    });
    expect(await getInvitation(token)).toBeNull();
  });

  it("refuses inviting an existing member, and lets only accepted members invite", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
    const self = await inviteMember(architect, id, { email: architect.email, role: "BAUHERR" });
    expect(self).toEqual({
      ok: false,
      message: `${architect.email} ist bereits an diesem Antrag beteiligt.`,
    });

    await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" });
    // Pending invitee and strangers cannot invite.
    for (const user of [bauherr, other, clerk]) {
      const r = await inviteMember(user, id, { email: "neu@example.org", role: "BEVOLLMAECHTIGTER" });
      expect(r.ok).toBe(false);
    }
    expect(
      await db().applicationMember.count({ where: { applicationId: id, email: "neu@example.org" } }),
    ).toBe(0);

    const { token } = await invitationMail(id, bauherr.email);
    await acceptInvitation(bauherr, token as string);
    expect(await inviteMember(architect, id, { email: bauherr.email, role: "BEVOLLMAECHTIGTER" })).toEqual({
      ok: false,
      message: `${bauherr.email} ist bereits an diesem Antrag beteiligt.`,
    });
    // Once accepted, the Bauherr may invite.
    expect(await inviteMember(bauherr, id, { email: other.email, role: "BEVOLLMAECHTIGTER" })).toEqual({
      ok: true,
    });

    expect(await inviteMember(architect, id, { email: "kaputt", role: "BAUHERR" })).toEqual({
      ok: false,
      message: "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.",
    });
    expect((await inviteMember(architect, id, { email: "x@example.org", role: "CHEF" })).ok).toBe(false);
  });

  it("renews a pending invitation (the old link stops working) and refuses expired links", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
    await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" });
    const first = await invitationMail(id, bauherr.email);
    await inviteMember(architect, id, { email: bauherr.email, role: "ENTWURFSVERFASSER" });
    const second = await invitationMail(id, bauherr.email);
    expect(second.mails).toBe(2);
    expect(second.token).not.toBe(first.token);
    expect(await acceptInvitation(bauherr, first.token as string)).toEqual({
      ok: false,
      message: INVALID_INVITATION_MESSAGE,
    });

    await db().applicationMember.update({
      where: { id: second.member.id },
      data: { invitationExpiresAt: new Date(Date.now() - 1000) },
    });
    expect((await getInvitation(second.token as string))?.expired).toBe(true);
    expect(await acceptInvitation(bauherr, second.token as string)).toEqual({
      ok: false,
      message: EXPIRED_INVITATION_MESSAGE,
    });
    expect(await getDraftForMember(bauherr, id)).toBeNull();
    expect(await acceptInvitation(bauherr, "zu-kurz")).toEqual({
      ok: false,
      message: INVALID_INVITATION_MESSAGE,
    });
  });
});
