import { beforeAll, describe, expect, it } from "vitest";
import { isApplicantVisibleEvent } from "~/models/case-event.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute } from "../../test/kit/route";
import * as applicantPage from "./antraege.$id._index";
import * as clerkPage from "./behoerde.faelle.$id._index";

// The history is one append-only table, but the applicant side sees only its part of it: agencies
// opening or answering, extension requests, decision drafts and authority-to-authority XBau messages
// stay with the authority (need-to-know). Checked through the two case pages' loaders.

let architect: SessionUser;
let clerk: SessionUser;
let appId: string;

async function load(page: typeof applicantPage | typeof clerkPage, user: SessionUser, path: string) {
  const { data } = (await loadRoute(page.loader, user, path, { id: appId })) as {
    data: { events: { label?: string; type?: string }[] };
  };
  // The applicant page sends labels; the clerk page sends types (its timeline labels them).
  return data.events.map((e) => e.label ?? e.type ?? "");
}

beforeAll(async () => {
  const district = await createTestDistrict("applicant-history");
  architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Hanna Historie" });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
  const s = await submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
  if (!s.ok) throw new Error(JSON.stringify(s));
  appId = id;
  await db().$transaction(async (tx) => {
    for (const [type, payload] of [
      ["participation.started", {}],
      ["participation.opened", {}],
      ["participation.answered", {}],
      ["participation.extension-requested", {}],
      ["decision.draft-saved", {}],
      ["case.assigned", {}],
      ["xbau.exported", { message: "beteiligung.aufforderung.0300" }],
      ["xbau.exported", { message: "baugenehmigung.formellePruefung.0201" }],
      ["some.future-event", {}],
    ] as const) {
      // Written as rows (not appendEvent): some payloads are left empty and one type is an older,
      // uncatalogued one — the history must still hide what the applicant side may not see.
      await tx.caseEvent.create({ data: { applicationId: id, actorId: clerk.id, type, payload } });
    }
  });
});

describe("applicant-side history", () => {
  it("shows the procedure's steps but not the authority's internal ones", async () => {
    const labels = await load(applicantPage, architect, `/antraege/${appId}`);
    expect(labels).toContain("Antrag eingereicht");
    expect(labels).toContain("Beteiligung gestartet");
    expect(labels.filter((l) => l === "XBau-Nachricht erstellt")).toHaveLength(1);
    for (const hidden of [
      "Beteiligung von der Fachstelle geöffnet",
      "Stellungnahme abgegeben",
      "Fristverlängerung beantragt",
      "Bescheidentwurf gespeichert",
      "Zuständigkeit geändert",
      "some.future-event",
    ]) {
      expect(labels).not.toContain(hidden);
    }
  });

  it("the clerk sees the whole history", async () => {
    const labels = await load(clerkPage, clerk, `/behoerde/faelle/${appId}`);
    expect(labels).toContain("participation.answered");
    expect(labels).toContain("decision.draft-saved");
    expect(labels.filter((l) => l === "xbau.exported").length).toBeGreaterThanOrEqual(2);
  });

  it("decides XBau messages by their name", () => {
    expect(isApplicantVisibleEvent("xbau.exported", { message: "baugenehmigung.antrag.0200" })).toBe(true);
    expect(isApplicantVisibleEvent("xbau.exported", { message: "beteiligung.stellungnahme.0303" })).toBe(
      false,
    );
    expect(isApplicantVisibleEvent("xbau.exported", null)).toBe(false);
  });
});
