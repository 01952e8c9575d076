import { beforeAll, describe, expect, it } from "vitest";
import { inviteMember } from "~/models/member.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action as listAction, loader as listLoader } from "./antraege._index";
import { loader as applicationLoader } from "./antraege.$id._index";
import { action as partiesAction } from "./antraege.$id.beteiligte";
import { action as postDeliveryAction } from "./behoerde.faelle.$id.bekanntgabe";

// The routes of issue 14 items 1 and 4 with real sessions: each checks who asks on the server.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let bauherr: SessionUser;
let stranger: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("parties-routes");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  stranger = await sessionUser({ roles: ["APPLICANT"], displayName: "Sina Fremd" });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe("parties routes", () => {
  it("invitation: case link redirects to the list, accepted there; withdrawal and confirmation need membership", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withMandate: false });
    await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" });
    const member = await db().applicationMember.findUniqueOrThrow({
      where: { applicationId_email: { applicationId: id, email: bauherr.email } },
      select: { id: true },
    });

    // Before accepting, the case link leads to the invitation instead of "not found".
    expect(await loadRoute(applicationLoader, bauherr, `/antraege/${id}`, { id })).toMatchObject({
      status: 302,
      location: "/antraege?einladung=offen",
    });
    expect((await loadRoute(applicationLoader, stranger, `/antraege/${id}`, { id })).status).toBe(404);
    const list = await loadRoute(listLoader, bauherr, "/antraege?einladung=offen");
    expect((list.data as { invitedHint: boolean; invitations: { memberId: string }[] }).invitedHint).toBe(
      true,
    );

    // A stranger cannot withdraw it or accept it by id.
    const revoke = form({ intent: "revoke-invitation", memberId: member.id });
    expect(
      await postRoute(partiesAction, stranger, `/antraege/${id}/beteiligte`, revoke, { id }),
    ).toMatchObject({
      status: 200,
      data: { message: expect.stringContaining("nicht zurückziehen") },
    });
    const accept = form({ intent: "accept-invitation", memberId: member.id });
    expect((await postRoute(listAction, stranger, "/antraege", accept)).status).toBe(200);
    expect(await postRoute(listAction, bauherr, "/antraege", accept)).toMatchObject({
      status: 302,
      location: `/antraege/${id}`,
    });

    // The confirmation needs the ticked box; then it goes back to the case with a notice.
    const { version } = await db().application.findUniqueOrThrow({
      where: { id },
      select: { version: true },
    });
    const unticked = form({ intent: "confirm-owner", expectedVersion: String(version) });
    expect(
      await postRoute(partiesAction, bauherr, `/antraege/${id}/beteiligte`, unticked, { id }),
    ).toMatchObject({
      status: 200,
      data: { message: expect.stringContaining("Kästchen") },
    });
    const ticked = form({ intent: "confirm-owner", expectedVersion: String(version), declared: "on" });
    expect(
      await postRoute(partiesAction, stranger, `/antraege/${id}/beteiligte`, ticked, { id }),
    ).toMatchObject({
      status: 200,
    });
    expect(
      await postRoute(partiesAction, bauherr, `/antraege/${id}/beteiligte`, ticked, { id }),
    ).toMatchObject({
      status: 302,
      location: `/antraege/${id}?beteiligte=bestaetigt`,
    });
    const page = await loadRoute(applicationLoader, architect, `/antraege/${id}?beteiligte=bestaetigt`, {
      id,
    });
    expect(page.data).toMatchObject({
      consent: { satisfied: true, ownerConfirmation: { byName: "Bernd Bauherr" } },
      partiesMessage: expect.stringContaining("bestätigt"),
    });
  });

  it("Zustellung by post: only clerks with the right to decide, only with a Bescheid", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id);
    const body = form({ method: "ZUSTELLUNGSURKUNDE", deliveredOn: "2026-01-05" });
    expect(
      (await postRoute(postDeliveryAction, architect, `/behoerde/faelle/${id}/bekanntgabe`, body, { id }))
        .status,
    ).toBe(403);
    expect(
      await postRoute(postDeliveryAction, clerk, `/behoerde/faelle/${id}/bekanntgabe`, body, { id }),
    ).toMatchObject({
      status: 200,
      data: {
        message: expect.stringContaining("keinen erlassenen Bescheid"),
        values: { deliveredOn: "2026-01-05" },
      },
    });
  });
});
