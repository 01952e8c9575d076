import { randomUUID } from "node:crypto";
import type { AgencyType, ParticipationStatus } from "~/generated/prisma/client";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { testXbauKennung } from "~/utils/test-tenant.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "./draft-fixtures";

/**
 * Test helpers for the agency side of participations: a submitted case of a fresh district, an
 * agency (Fachstelle) of that district with a user, and a participation row as the routing worker
 * leaves it (status SENT, shared versions). Real rows in the test database, nothing mocked.
 */

export async function createAgency(
  parentId: string,
  { label = "agency", agencyType = "BRANDSCHUTZ" as AgencyType } = {},
) {
  const suffix = randomUUID().slice(0, 8);
  const agency = await db().authority.create({
    data: {
      slug: `${label}-${suffix}`,
      name: `Fachstelle ${label} ${suffix}`,
      kind: "FACHSTELLE",
      agencyType,
      landProfile: "MV",
      parentId,
      addressLine: "Rostocker Straße 76, 23970 Wismar",
      email: `${label}-${suffix}@test.bauantrag.invalid`,
      xbauKennung: testXbauKennung(),
    },
    select: { id: true, name: true },
  });
  const user = await sessionUser({
    roles: ["AGENCY"],
    authorityId: agency.id,
    displayName: `Sachkundige ${label}`,
  });
  return { agency, user };
}

/** A submitted case (architect as creator) of a fresh district with a clerk. */
export async function createSubmittedCase(label: string) {
  const district = await createTestDistrict(label);
  const architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  const clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
  const r = await submitApplication(architect, id, { expectedVersion: version, laterDocumentTypeCodes: [] });
  if (!r.ok) throw new Error(`submission failed: ${JSON.stringify(r)}`);
  const app = await db().application.findUniqueOrThrow({
    where: { id },
    select: { id: true, fileNumber: true, title: true },
  });
  return { district, architect, clerk, application: app as typeof app & { fileNumber: string } };
}

/** The case's document versions (latest per document), in document order. */
export async function latestVersions(applicationId: string) {
  const docs = await db().document.findMany({
    where: { applicationId },
    orderBy: { createdAt: "asc" },
    select: {
      typeCode: true,
      versions: { orderBy: { versionNumber: "desc" }, take: 1, select: { id: true } },
    },
  });
  return docs.flatMap((d) => d.versions.map((v) => ({ typeCode: d.typeCode, versionId: v.id })));
}

/** A participation as routing leaves it: SENT with `versionIds` shared. */
export async function createParticipation(input: {
  applicationId: string;
  agencyId: string;
  startedById: string;
  versionIds: string[];
  status?: ParticipationStatus;
  deadline?: Date;
  round?: number;
  closedAt?: Date | null;
  silenceIsConsent?: boolean;
}) {
  const status = input.status ?? "SENT";
  return db().participation.create({
    data: {
      applicationId: input.applicationId,
      agencyId: input.agencyId,
      startedById: input.startedById,
      round: input.round ?? 1,
      kind: "AGENCY_STATEMENT",
      status,
      question: "Bitte nehmen Sie aus Sicht des Brandschutzes Stellung.",
      reason: "Gebäudeklasse 4",
      legalBasis: "§ 70 Abs. 1 LBauO M-V",
      deadline: input.deadline ?? new Date(Date.now() + 20 * 86_400_000),
      silenceIsConsent: input.silenceIsConsent ?? false,
      silenceConsequence: input.silenceIsConsent
        ? "Nach Ablauf der Frist gilt die Zustimmung als erteilt."
        : "Nach Ablauf der Frist kann ohne Ihre Stellungnahme entschieden werden.",
      sentAt: status === "PENDING" ? null : new Date(),
      closedAt: input.closedAt ?? null,
      documents: {
        create: input.versionIds.map((documentVersionId, position) => ({ documentVersionId, position })),
      },
    },
    select: { id: true, applicationId: true, deadline: true },
  });
}

export type { SessionUser };
