import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { applicantScope, authorityScope, isUuid } from "./application.server";
import { listEvents, listEventsForApplicantSide } from "./case-event.server";

/**
 * Read queries the case pages need, so routes reach the database only through models. Every query
 * carries the tenant (clerk side: the authority) or the membership (applicant side) in its `where`:
 * a case of another authority, or one the person is not a member of, is simply not found (null).
 */

/** The case page of the authority (Akte): the file, its documents with versions, the latest request. */
export async function getCaseFileForClerk(authorityId: string, id: string) {
  if (!isUuid(id)) return null;
  return db().application.findFirst({
    where: { AND: [{ id }, authorityScope(authorityId)] },
    select: {
      id: true,
      title: true,
      status: true,
      fileNumber: true,
      procedureType: true,
      data: true,
      snapshot: true,
      submittedAt: true,
      intakeChannel: true,
      completeAt: true,
      decisionDueAt: true,
      nextDeadlineAt: true,
      withdrawnAt: true,
      assignedClerkId: true,
      municipality: { select: { name: true } },
      createdBy: { select: { displayName: true, email: true } },
      members: {
        where: { invitationState: "ACCEPTED" },
        select: { role: true, user: { select: { displayName: true, email: true } } },
      },
      documents: {
        select: {
          id: true,
          typeCode: true,
          title: true,
          toBeSubmittedLater: true,
          versions: {
            select: {
              id: true,
              versionNumber: true,
              filename: true,
              mimeType: true,
              sizeBytes: true,
              pageCount: true,
              createdAt: true,
              uploadedBy: { select: { displayName: true } },
              checkStatus: true,
              checkMessage: true,
              archiveWarnings: true,
            },
            orderBy: { versionNumber: "asc" },
          },
        },
        orderBy: { typeCode: "asc" },
      },
      requests: {
        select: { id: true, status: true, deadline: true, sentAt: true, answeredAt: true },
        orderBy: { sentAt: "desc" },
        take: 1,
      },
    },
  });
}

/** Title, Aktenzeichen and status of a case of the authority (page headers, existence checks). */
export async function getCaseHeaderForClerk(authorityId: string, id: string) {
  if (!isUuid(id)) return null;
  return db().application.findFirst({
    where: { AND: [{ id }, authorityScope(authorityId)] },
    select: { id: true, title: true, fileNumber: true, status: true },
  });
}

/** The full history of a case of the authority (null when it is not the authority's). */
export async function listCaseHistoryForClerk(authorityId: string, id: string) {
  const own = await getCaseHeaderForClerk(authorityId, id);
  return own ? listEvents(db(), own.id) : null;
}

/** The history the applicant side sees, for a member of the application (null otherwise). */
export async function listCaseHistoryForMember(user: SessionUser, id: string) {
  if (!isUuid(id)) return null;
  const own = await db().application.findFirst({
    where: { AND: [{ id }, applicantScope(user.id)] },
    select: { id: true },
  });
  return own ? listEventsForApplicantSide(db(), own.id) : null;
}

/** The snapshot taken at submission, as stored, for a member of the application. */
export async function getSubmittedSnapshotForMember(user: SessionUser, id: string): Promise<unknown> {
  if (!isUuid(id)) return null;
  const row = await db().application.findFirst({
    where: { AND: [{ id }, applicantScope(user.id)] },
    select: { snapshot: true },
  });
  return row?.snapshot ?? null;
}

/** "Meine Anträge": every application the person is a member of, newest change first. */
export async function listApplicationOverviewForMember(user: SessionUser) {
  return db().application.findMany({
    where: applicantScope(user.id),
    select: {
      id: true,
      title: true,
      status: true,
      fileNumber: true,
      procedureType: true,
      updatedAt: true,
      data: true,
      authority: { select: { name: true, landProfile: true } },
      municipality: { select: { name: true } },
      documents: {
        // Only accepted files count (a version "wird geprüft" or "abgelehnt" is not there yet).
        select: {
          typeCode: true,
          toBeSubmittedLater: true,
          _count: { select: { versions: { where: { checkStatus: "ACCEPTED" } } } },
        },
      },
    },
    orderBy: { updatedAt: "desc" },
  });
}

/** Active clerks of the authority (assignment choices). */
export async function listClerks(authorityId: string) {
  return db().user.findMany({
    where: { authorityId, roles: { has: "CLERK" }, disabledAt: null },
    select: { id: true, displayName: true },
    orderBy: { displayName: "asc" },
  });
}

/** Display name of a clerk of the authority; null for anyone else. */
export async function clerkDisplayName(authorityId: string, userId: string): Promise<string | null> {
  if (!isUuid(userId)) return null;
  const row = await db().user.findFirst({
    where: { id: userId, authorityId },
    select: { displayName: true },
  });
  return row?.displayName ?? null;
}

/** The authority itself and its Gemeinden (inbox filter). */
export async function listAuthorityAndMunicipalities(authorityId: string) {
  return db().authority.findMany({
    where: { OR: [{ parentId: authorityId, kind: "GEMEINDE" }, { id: authorityId }] },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}
