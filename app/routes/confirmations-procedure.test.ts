import { describe, expect, it } from "vitest";
import type { BoardActionData } from "~/components/participation/board-page.server";
import { berlinDate } from "~/domain/deadlines";
import { formatDate } from "~/domain/format";
import { inviteMember } from "~/models/member.server";
import { requestExtension } from "~/models/statement.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { buildCase } from "../../test/kit/case";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action as applicationAction, loader as applicationLoader } from "./antraege.$id._index";
import { action as partiesAction } from "./antraege.$id.beteiligte";
import { action as withdrawAction, loader as withdrawLoader } from "./antraege.$id.zuruecknehmen";
import { action as postDeliveryAction } from "./behoerde.faelle.$id.bekanntgabe";
import { action as boardAction, loader as boardLoader } from "./behoerde.faelle.$id.beteiligung";

// The remaining irreversible actions of the procedure (issue 14 item 6) act only on their
// confirmation page's post: a bare post shows what will happen and changes nothing; "Zurück"
// keeps what was typed; the confirmed post acts and leads to a success notice.

function body(entries: [string, string][]): URLSearchParams {
  const b = new URLSearchParams();
  for (const [k, v] of entries) b.append(k, v);
  return b;
}

type Confirm = { confirm: { fields: [string, string][] } };

describe("confirmation pages (procedure)", () => {
  it("Einladung zurückziehen: names the invited person, withdraws only when confirmed", async () => {
    const c = await buildCase({ until: "submitted", label: "confirm-revoke" });
    const { architect } = c.district;
    const id = c.application.id;
    await inviteMember(architect, id, { email: "confirm-revoke-bauherr@example.test", role: "BAUHERR" });
    const member = await db().applicationMember.findUniqueOrThrow({
      where: { applicationId_email: { applicationId: id, email: "confirm-revoke-bauherr@example.test" } },
      select: { id: true },
    });
    const path = `/antraege/${id}/beteiligte`;
    const form: [string, string][] = [
      ["intent", "revoke-invitation"],
      ["memberId", member.id],
    ];
    const ask = await postRoute(partiesAction, architect, path, body(form), { id });
    expect(ask.data).toMatchObject({
      confirm: { email: "confirm-revoke-bauherr@example.test", roleLabel: "Bauherr:in" },
    });
    const state = async () =>
      (await db().applicationMember.findUniqueOrThrow({ where: { id: member.id } })).invitationState;
    expect(await state()).toBe("PENDING");

    // A clerk (not a member) gets no confirmation page for it.
    const foreign = await postRoute(partiesAction, c.district.clerk, path, body(form), { id });
    expect(foreign.data).toMatchObject({ message: expect.stringContaining("nicht zurückziehen") });

    const fields = (ask.data as Confirm).confirm.fields;
    const done = await postRoute(partiesAction, architect, path, body([...fields, ["bestaetigt", "ja"]]), {
      id,
    });
    expect(done).toMatchObject({ status: 302, location: `/antraege/${id}?beteiligte=zurueckgezogen` });
    expect(await state()).toBe("REVOKED");
    const page = await loadRoute(applicationLoader, architect, `/antraege/${id}?beteiligte=zurueckgezogen`, {
      id,
    });
    expect(page.data).toMatchObject({ partiesMessage: expect.stringContaining("zurückgezogen") });

    // Asked again after it was withdrawn: the refusal, not a second confirmation page.
    const again = await postRoute(partiesAction, architect, path, body(form), { id });
    expect(again.data).toMatchObject({ message: expect.stringContaining("nicht mehr offen") });
  });

  it("Zustellung per Post erfassen: refusals come before the confirmation, only the confirmed post records", async () => {
    const c = await buildCase({ until: "decided", label: "confirm-post" });
    const { clerk } = c.district;
    const id = c.application.id;
    const path = `/behoerde/faelle/${id}/bekanntgabe`;
    // Decided today: the Zustellung cannot lie before that.
    const today = berlinDate(new Date());
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const recorded = () => db().decisionPostDelivery.count({ where: { decisionId: c.decisionId as string } });

    const future = await postRoute(
      postDeliveryAction,
      clerk,
      path,
      body([
        ["method", "ZUSTELLUNGSURKUNDE"],
        ["deliveredOn", tomorrow],
      ]),
      { id },
    );
    expect(future.data).toMatchObject({ message: expect.stringContaining("Zukunft") });

    const form: [string, string][] = [
      ["method", "EINSCHREIBEN_RUECKSCHEIN"],
      ["deliveredOn", today],
      ["note", "Rückschein liegt in der Papierakte."],
    ];
    const ask = await postRoute(postDeliveryAction, clerk, path, body(form), { id });
    expect(ask.data).toMatchObject({
      confirm: { methodLabel: "Einschreiben mit Rückschein", deliveredOn: today },
    });
    expect(await recorded()).toBe(0);

    // Another authority's clerk: no confirmation page (the case is not theirs).
    const other = await buildCase({ until: "submitted", label: "confirm-post-other" });
    const foreign = await postRoute(postDeliveryAction, other.district.clerk, path, body(form), { id });
    expect(foreign.data).toMatchObject({ message: expect.stringContaining("keinen erlassenen Bescheid") });

    const fields = (ask.data as Confirm).confirm.fields;
    const done = await postRoute(postDeliveryAction, clerk, path, body([...fields, ["bestaetigt", "ja"]]), {
      id,
    });
    expect(done).toMatchObject({
      status: 302,
      location: `/behoerde/faelle/${id}?bekanntgabe=erfasst#bekanntgabe-heading`,
    });
    expect(await recorded()).toBe(1);
    const second = await postRoute(postDeliveryAction, clerk, path, body(form), { id });
    expect(second.data).toMatchObject({ message: expect.stringContaining("bereits eine Zustellung") });
  });

  it("Antrag zurücknehmen: its own page, the reason survives 'Zurück', only the confirmation withdraws", async () => {
    const c = await buildCase({ until: "submitted", label: "confirm-withdraw" });
    const { architect } = c.district;
    const id = c.application.id;
    const path = `/antraege/${id}/zuruecknehmen`;
    const status = async () =>
      (await db().application.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

    const page = await loadRoute(withdrawLoader, architect, path, { id });
    expect(page.data).toMatchObject({ application: { id, withdrawable: true } });
    const stranger: SessionUser = c.district.clerk;
    expect((await loadRoute(withdrawLoader, stranger, path, { id })).status).toBe(404);

    // The old one-click post of the application page now leads to this page.
    const bare = await postRoute(
      applicationAction,
      architect,
      `/antraege/${id}`,
      body([["intent", "withdraw"]]),
      {
        id,
      },
    );
    expect(bare).toMatchObject({ status: 302, location: path });
    expect(await status()).toBe("SUBMITTED");

    const reason = "Das Grundstück wird doch nicht gekauft.";
    const ask = await postRoute(withdrawAction, architect, path, body([["reason", reason]]), { id });
    expect(ask.data).toMatchObject({ kind: "confirm", reason });
    expect(await status()).toBe("SUBMITTED");
    const fields = (ask.data as { fields: [string, string][] }).fields;
    const back = await postRoute(withdrawAction, architect, path, body([...fields, ["bestaetigt", "nein"]]), {
      id,
    });
    expect(back.data).toEqual({ kind: "back", reason });
    expect(await status()).toBe("SUBMITTED");

    const done = await postRoute(withdrawAction, architect, path, body([...fields, ["bestaetigt", "ja"]]), {
      id,
    });
    expect(done).toMatchObject({ status: 302, location: `/antraege/${id}?zurueckgenommen=1` });
    expect(await status()).toBe("WITHDRAWN");
    const event = await db().caseEvent.findFirstOrThrow({
      where: { applicationId: id, type: "application.withdrawn" },
      select: { payload: true },
    });
    expect(event.payload).toMatchObject({ reason });
    const after = await loadRoute(applicationLoader, architect, `/antraege/${id}?zurueckgenommen=1`, { id });
    expect(after.data).toMatchObject({ justWithdrawn: true });

    // Once withdrawn there is nothing left to confirm.
    const again = await postRoute(withdrawAction, architect, path, body([["reason", ""]]), { id });
    expect(again.data).toMatchObject({ kind: "error", message: expect.stringContaining("nicht (mehr)") });
  });

  it("Fristverlängerung ablehnen: names the agency and the deadline that stays, only the confirmed post decides", async () => {
    const c = await buildCase({ until: "participation", label: "confirm-extension" });
    const { clerk } = c.district;
    const id = c.application.id;
    const agency = Object.values(c.district.agencies)[0]!;
    const p = await db().participation.findFirstOrThrow({
      where: { applicationId: id, agencyId: agency.id },
      select: { id: true, deadline: true },
    });
    await db().participation.update({ where: { id: p.id }, data: { status: "OPENED", sentAt: new Date() } });
    const until = new Date(p.deadline.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    const requested = await requestExtension(agency.user, p.id, { until, reason: "Ortstermin erst später." });
    expect(requested.ok).toBe(true);
    const ext = await db().participationExtension.findFirstOrThrow({ where: { participationId: p.id } });
    const path = `/behoerde/faelle/${id}/beteiligung`;
    const form: [string, string][] = [
      ["intent", "refuse"],
      ["extensionId", ext.id],
      ["deadline", until],
      ["note", "Die Frist reicht für die Prüfung aus."],
    ];
    const state = async () =>
      (await db().participationExtension.findUniqueOrThrow({ where: { id: ext.id } })).status;

    const ask = await postRoute(boardAction, clerk, path, body(form), { id });
    const confirm = (ask.data as BoardActionData).confirm!;
    expect(confirm).toMatchObject({ kind: "refuse", confirmLabel: "Ja, Fristverlängerung ablehnen" });
    expect(confirm.consequences.join(" ")).toContain(`${agency.name} bleibt der ${formatDate(p.deadline)}`);
    expect(confirm.details).toEqual(["Vermerk an die Stelle: Die Frist reicht für die Prüfung aus."]);
    expect(await state()).toBe("PENDING");

    // Another authority's clerk: no confirmation page (the case is not theirs).
    const other = await buildCase({ until: "submitted", label: "confirm-extension-other" });
    expect((await postRoute(boardAction, other.district.clerk, path, body(form), { id })).status).toBe(404);

    // "Zurück" returns the typed note and decides nothing.
    const back = await postRoute(
      boardAction,
      clerk,
      path,
      body([...confirm.fields, ["bestaetigt", "nein"]]),
      {
        id,
      },
    );
    expect((back.data as BoardActionData).draft).toMatchObject({
      id: ext.id,
      note: "Die Frist reicht für die Prüfung aus.",
    });
    expect(await state()).toBe("PENDING");

    const done = await postRoute(boardAction, clerk, path, body([...confirm.fields, ["bestaetigt", "ja"]]), {
      id,
    });
    expect(done).toMatchObject({ status: 302, location: `${path}?ok=abgelehnt` });
    expect(await state()).toBe("REFUSED");
    const after = await db().participation.findUniqueOrThrow({
      where: { id: p.id },
      select: { deadline: true },
    });
    expect(after.deadline.toISOString()).toBe(p.deadline.toISOString());
    const page = await loadRoute(boardLoader, clerk, `${path}?ok=abgelehnt`, { id });
    expect(page.data).toMatchObject({ notice: "abgelehnt" });

    // Decided already: the refusal, not a second confirmation page.
    const again = await postRoute(boardAction, clerk, path, body(form), { id });
    expect(again.data).toMatchObject({ boardMessage: expect.stringContaining("bereits entschieden") });
    expect((again.data as BoardActionData).confirm).toBeUndefined();
  });
});
