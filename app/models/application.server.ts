import type { Prisma } from "~/generated/prisma/client";
import { db, type Tx } from "~/utils/db.server";

/**
 * Application queries, always scoped by who asks: ownership (creator or accepted member) or tenant
 * (authorityId) is part of the `where`, so a record the caller may not see is never loaded.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** URL ids are untrusted; a malformed one is "not found", not a database error. */
export function isUuid(value: string | undefined | null): value is string {
  return typeof value === "string" && UUID_RE.test(value);
}

/** Applications a user may see on the applicant side: created by them or accepted membership. */
export function applicantScope(userId: string): Prisma.ApplicationWhereInput {
  return {
    OR: [{ createdById: userId }, { members: { some: { userId, invitationState: "ACCEPTED" } } }],
  };
}

/** Cases an authority works on: its own tenant, and only once submitted (drafts stay private). */
export function authorityScope(authorityId: string): Prisma.ApplicationWhereInput {
  return { authorityId, status: { not: "DRAFT" } };
}

const listSelect = {
  id: true,
  title: true,
  status: true,
  fileNumber: true,
  procedureType: true,
  submittedAt: true,
  updatedAt: true,
  authority: { select: { name: true } },
} satisfies Prisma.ApplicationSelect;

export async function listApplicationsForApplicant(userId: string, client: Tx = db()) {
  return client.application.findMany({
    where: applicantScope(userId),
    select: listSelect,
    orderBy: { updatedAt: "desc" },
  });
}

export async function getApplicationForMember(
  { applicationId, userId }: { applicationId: string; userId: string },
  client: Tx = db(),
) {
  if (!isUuid(applicationId)) return null;
  return client.application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(userId)] },
    select: {
      ...listSelect,
      createdAt: true,
      createdById: true,
      members: {
        where: { invitationState: { in: ["PENDING", "ACCEPTED"] } },
        select: {
          id: true,
          email: true,
          role: true,
          invitationState: true,
          user: { select: { displayName: true } },
        },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}

export async function listInboxForAuthority(authorityId: string, client: Tx = db()) {
  return client.application.findMany({
    where: authorityScope(authorityId),
    select: { ...listSelect, createdBy: { select: { displayName: true } } },
    orderBy: [{ submittedAt: "desc" }, { createdAt: "desc" }],
  });
}

/** A case of the clerk's own authority with its history, or null when it is another tenant's. */
export async function getCaseForAuthority(
  { applicationId, authorityId }: { applicationId: string; authorityId: string },
  client: Tx = db(),
) {
  if (!isUuid(applicationId)) return null;
  return client.application.findFirst({
    where: { AND: [{ id: applicationId }, authorityScope(authorityId)] },
    select: {
      ...listSelect,
      createdAt: true,
      createdBy: { select: { displayName: true, email: true } },
      events: {
        select: {
          id: true,
          type: true,
          payload: true,
          createdAt: true,
          actor: { select: { displayName: true } },
        },
        orderBy: { id: "asc" },
      },
    },
  });
}
