import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant } from "~/utils/test-tenant.server";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute } from "../../test/kit/route";
import { loader } from "./behoerde.statistik";

let tenant: { id: string };
let other: { id: string };
let clerk: SessionUser;
let admin: SessionUser;
let applicant: SessionUser;
let agencyUser: SessionUser;
let clerkWithoutAuthority: SessionUser;

async function call(user: SessionUser | null, query = "") {
  const { data, status } = await loadRoute(loader, user, `/behoerde/statistik${query}`);
  return { data: (data ?? null) as Awaited<ReturnType<typeof loader>> | null, status };
}

async function submitted(authorityId: string, createdById: string) {
  await db().application.create({
    data: {
      id: randomUUID(),
      authorityId,
      createdById,
      status: "SUBMITTED",
      procedureType: "VEREINFACHT",
      fileNumber: `63-${randomUUID().slice(0, 8)}`,
      submittedAt: new Date(Date.now() - 3 * 86_400_000),
    },
  });
}

beforeAll(async () => {
  tenant = await createTestTenant("stat-route");
  other = await createTestTenant("stat-route-other");
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: tenant.id });
  admin = await sessionUser({ roles: ["ADMIN"], authorityId: tenant.id });
  applicant = await sessionUser({ roles: ["APPLICANT"] });
  agencyUser = await sessionUser({ roles: ["AGENCY"], authorityId: other.id });
  clerkWithoutAuthority = await sessionUser({ roles: ["CLERK"], authorityId: null });
  await submitted(tenant.id, clerk.id);
  await submitted(tenant.id, clerk.id);
  await submitted(other.id, clerk.id);
});

describe("/behoerde/statistik", () => {
  it("shows a clerk the figures of the own authority only", async () => {
    const { data, status } = await call(clerk);
    expect(status).toBe(200);
    expect(data?.months).toBe(12);
    expect(data?.stats.months).toHaveLength(12);
    expect(data?.stats.totals.received).toBe(2);
    expect(data?.canOpenCases).toBe(true);
  });

  it("shows an admin of the authority the figures, without links into cases", async () => {
    const { data, status } = await call(admin, "?zeitraum=6");
    expect(status).toBe(200);
    expect(data?.months).toBe(6);
    expect(data?.stats.months).toHaveLength(6);
    expect(data?.stats.totals.received).toBe(2);
    expect(data?.canOpenCases).toBe(false);
  });

  it("falls back to 12 months for an unknown period", async () => {
    expect((await call(clerk, "?zeitraum=1000")).data?.months).toBe(12);
  });

  it("refuses applicants, agencies and clerks without authority; sends anonymous users to the login", async () => {
    expect((await call(applicant)).status).toBe(403);
    expect((await call(agencyUser)).status).toBe(403);
    expect((await call(clerkWithoutAuthority)).status).toBe(403);
    expect((await call(null)).status).toBe(302);
  });
});
