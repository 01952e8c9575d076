import { beforeAll, describe, expect, it } from "vitest";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { cookieFor, postRoute } from "../../test/kit/route";
import { action, loader } from "./behoerde.posteingang";

// The inbox's per-row assignment (plain form post) and the sort parameter, through the route.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let clerk: SessionUser;
let colleague: SessionUser;
let foreignClerk: SessionUser;
let caseId: string;

async function assign(user: SessionUser, fields: Record<string, string>) {
  const body = new URLSearchParams({ intent: "assign", ...fields });
  const { data } = await postRoute(action, user, "/behoerde/posteingang?sortierung=newest", body);
  return data as Awaited<ReturnType<typeof action>>;
}

async function assignee() {
  return (
    await db().application.findUniqueOrThrow({ where: { id: caseId }, select: { assignedClerkId: true } })
  ).assignedClerkId;
}

beforeAll(async () => {
  district = await createTestDistrict("inbox-route");
  other = await createTestDistrict("inbox-route-other");
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id, displayName: "Clara" });
  colleague = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id, displayName: "Kai" });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  const architect = await sessionUser({ roles: ["ARCHITECT"] });
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
  const r = await submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
  if (!r.ok) throw new Error(JSON.stringify(r));
  caseId = id;
});

describe("/behoerde/posteingang", () => {
  it("assigns a case to oneself or to a colleague of the same authority, and unassigns", async () => {
    expect(await assign(clerk, { caseId, clerkId: "me" })).toMatchObject({ ok: true, caseId });
    expect(await assignee()).toBe(clerk.id);
    const toColleague = await assign(clerk, { caseId, clerkId: colleague.id });
    expect(toColleague).toMatchObject({ ok: true });
    expect(toColleague.message).toContain("Kai");
    expect(await assignee()).toBe(colleague.id);
    expect(await assign(clerk, { caseId, clerkId: "" })).toMatchObject({ ok: true });
    expect(await assignee()).toBeNull();
  });

  it("refuses clerks of another authority, as assignee and as actor", async () => {
    expect(await assign(clerk, { caseId, clerkId: foreignClerk.id })).toMatchObject({
      ok: false,
      message: "Diese Person ist keine Sachbearbeiter:in Ihrer Behörde.",
    });
    expect(await assign(foreignClerk, { caseId, clerkId: "me" })).toMatchObject({ ok: false });
    expect(await assignee()).toBeNull();
  });

  it("reads the sort from the query; the loader lists the case", async () => {
    const request = new Request("http://localhost/behoerde/posteingang?sortierung=fileNumber", {
      headers: { Cookie: await cookieFor(clerk) },
    });
    const data = await loader({ request, params: {}, context: {} });
    expect(data.filters.sort).toBe("fileNumber");
    expect(data.rows.map((r) => r.id)).toContain(caseId);
    const bogus = await loader({
      request: new Request("http://localhost/behoerde/posteingang?sortierung=drop", {
        headers: { Cookie: await cookieFor(clerk) },
      }),
      params: {},
      context: {},
    });
    expect(bogus.filters.sort).toBe("deadline");
  });
});
