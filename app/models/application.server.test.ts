import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import {
  getApplicationForMember,
  getCaseForAuthority,
  listApplicationsForApplicant,
  listInboxForAuthority,
} from "./application.server";
import { getAuthoritySettings } from "./authority.server";
import { listUsersOfAuthority } from "./user.server";

type Id = { id: string };
let tenantA: Id;
let tenantB: Id;
let applicant: Id;
let architect: Id;
let stranger: Id;
let invitee: Id;
let clerkA: Id & { authorityId: string | null };
let clerkB: Id & { authorityId: string | null };
let submittedA: Id;
let draftA: Id;
let submittedB: Id;

async function createApplication(authorityId: string, createdById: string, status: "DRAFT" | "SUBMITTED") {
  return db().application.create({
    data: {
      authorityId,
      createdById,
      status,
      procedureType: "VEREINFACHT",
      title: `Test ${status} ${randomUUID().slice(0, 6)}`,
      fileNumber: status === "SUBMITTED" ? `T-${randomUUID().slice(0, 8)}` : null,
      submittedAt: status === "SUBMITTED" ? new Date() : null,
    },
    select: { id: true },
  });
}

beforeAll(async () => {
  tenantA = await createTestTenant("scope-a");
  tenantB = await createTestTenant("scope-b");
  applicant = await createTestUser({ roles: ["APPLICANT"] });
  architect = await createTestUser({ roles: ["ARCHITECT"] });
  stranger = await createTestUser({ roles: ["APPLICANT"] });
  invitee = await createTestUser({ roles: ["ARCHITECT"] });
  clerkA = await createTestUser({ roles: ["CLERK"], authorityId: tenantA.id });
  clerkB = await createTestUser({ roles: ["CLERK"], authorityId: tenantB.id });

  submittedA = await createApplication(tenantA.id, applicant.id, "SUBMITTED");
  draftA = await createApplication(tenantA.id, applicant.id, "DRAFT");
  submittedB = await createApplication(tenantB.id, applicant.id, "SUBMITTED");
  await db().applicationMember.createMany({
    data: [
      {
        applicationId: submittedA.id,
        userId: architect.id,
        email: "arch@x.invalid",
        role: "ENTWURFSVERFASSER",
        invitationState: "ACCEPTED",
      },
      // A pending invitation does not give access yet.
      {
        applicationId: submittedA.id,
        userId: invitee.id,
        email: "inv@x.invalid",
        role: "ENTWURFSVERFASSER",
        invitationState: "PENDING",
      },
    ],
  });
  await db().caseEvent.create({
    data: { applicationId: submittedA.id, actorId: applicant.id, type: "application.submitted" },
  });
});

afterAll(async () => {
  await db().$disconnect();
});

describe("authority (tenant) scoping", () => {
  it("a clerk loads a submitted case of their own authority, with its history", async () => {
    const c = await getCaseForAuthority({ applicationId: submittedA.id, authorityId: clerkA.authorityId! });
    expect(c?.id).toBe(submittedA.id);
    expect(c?.events.map((e) => e.type)).toEqual(["application.submitted"]);
  });

  it("a clerk of tenant B cannot load tenant A's case (null, never fetched)", async () => {
    expect(
      await getCaseForAuthority({ applicationId: submittedA.id, authorityId: clerkB.authorityId! }),
    ).toBeNull();
    expect(
      await getCaseForAuthority({ applicationId: submittedB.id, authorityId: clerkA.authorityId! }),
    ).toBeNull();
  });

  it("drafts stay private to the applicant, even within the right authority", async () => {
    expect(
      await getCaseForAuthority({ applicationId: draftA.id, authorityId: clerkA.authorityId! }),
    ).toBeNull();
  });

  it("the inbox lists only the authority's submitted applications", async () => {
    const inboxA = await listInboxForAuthority(tenantA.id);
    expect(inboxA.map((a) => a.id)).toEqual([submittedA.id]);
    const inboxB = await listInboxForAuthority(tenantB.id);
    expect(inboxB.map((a) => a.id)).toEqual([submittedB.id]);
  });

  it("malformed ids are simply not found", async () => {
    expect(await getCaseForAuthority({ applicationId: "not-a-uuid", authorityId: tenantA.id })).toBeNull();
    expect(await getApplicationForMember({ applicationId: "1 OR 1=1", userId: applicant.id })).toBeNull();
  });

  it("authority settings and user lists are per tenant", async () => {
    expect((await getAuthoritySettings(tenantA.id))?.id).toBe(tenantA.id);
    expect((await listUsersOfAuthority(tenantA.id)).map((u) => u.id)).toEqual([clerkA.id]);
    expect((await listUsersOfAuthority(tenantB.id)).map((u) => u.id)).toEqual([clerkB.id]);
  });
});

describe("applicant-side scoping", () => {
  it("the creator sees all own applications, drafts included", async () => {
    const ids = (await listApplicationsForApplicant(applicant.id)).map((a) => a.id).sort();
    expect(ids).toEqual([submittedA.id, draftA.id, submittedB.id].sort());
  });

  it("an accepted member sees the application; a pending invitee and a stranger do not", async () => {
    expect((await listApplicationsForApplicant(architect.id)).map((a) => a.id)).toEqual([submittedA.id]);
    expect((await getApplicationForMember({ applicationId: submittedA.id, userId: architect.id }))?.id).toBe(
      submittedA.id,
    );
    expect(await listApplicationsForApplicant(invitee.id)).toEqual([]);
    expect(await getApplicationForMember({ applicationId: submittedA.id, userId: invitee.id })).toBeNull();
    expect(await listApplicationsForApplicant(stranger.id)).toEqual([]);
    expect(await getApplicationForMember({ applicationId: submittedA.id, userId: stranger.id })).toBeNull();
  });

  it("a clerk is not an applicant-side member of cases of their authority", async () => {
    expect(await getApplicationForMember({ applicationId: submittedA.id, userId: clerkA.id })).toBeNull();
  });
});
