import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ApplicationData } from "~/domain/application-data";
import { isNeverShared } from "~/domain/need-to-know";
import type { AgencyType } from "~/generated/prisma/client";
import { confirmComplete, startReview } from "~/models/review.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { testXbauKennung } from "~/utils/test-tenant.server";
import type { Storage } from "../../storage/index";
import {
  type CompleteDraftOptions,
  createTestDistrict,
  sessionUser,
  submitCompleteDraft,
} from "./draft-fixtures";

/**
 * Test and bench helpers for participations (real rows, nothing mocked): a district (Bauaufsicht +
 * Gemeinde) with Fachstellen registered under it, each with an AGENCY user; a case confirmed
 * complete whose data calls for participation; real PDF bytes behind its document versions.
 */

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
export const FIXTURE_PDF = (name = "lageplan.pdf") => readFileSync(path.join(FIXTURES, name));

export const AGENCY_TYPES_FOR_TESTS: AgencyType[] = [
  "DENKMALSCHUTZ",
  "BRANDSCHUTZ",
  "NATURSCHUTZ",
  "STRASSENBAU",
];

export async function createParticipationDistrict(label: string, agencyTypes = AGENCY_TYPES_FOR_TESTS) {
  const district = await createTestDistrict(label);
  await db().authority.update({
    where: { id: district.authority.id },
    data: { addressLine: "Rostocker Straße 76, 23970 Wismar" },
  });
  await db().authority.update({
    where: { id: district.gemeinde.id },
    data: { addressLine: "Rathausplatz 1, 23936 Grevesmühlen" },
  });
  const agencies: Record<string, { id: string; name: string; user: SessionUser }> = {};
  for (const agencyType of agencyTypes) {
    const suffix = randomUUID().slice(0, 8);
    const a = await db().authority.create({
      data: {
        slug: `${label}-${agencyType.toLowerCase()}-${suffix}`,
        name: `Fachstelle ${agencyType} ${suffix}`,
        kind: "FACHSTELLE",
        agencyType,
        landProfile: "MV",
        parentId: district.authority.id,
        addressLine: "Rostocker Straße 76, 23970 Wismar",
        xbauKennung: testXbauKennung(),
      },
      select: { id: true, name: true },
    });
    agencies[agencyType] = { ...a, user: await sessionUser({ roles: ["AGENCY"], authorityId: a.id }) };
  }
  const gemeindeUser = await sessionUser({ roles: ["AGENCY"], authorityId: district.gemeinde.id });
  const architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  const clerk = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Thomas Sachbearbeiter",
  });
  return { ...district, agencies, gemeindeUser, architect, clerk };
}

export type ParticipationDistrict = Awaited<ReturnType<typeof createParticipationDistrict>>;

/** Außenbereich, Gebäudeklasse 4, Baudenkmal: suggests Gemeinde, Denkmalschutz, Brandschutz, Naturschutz. */
export const PARTICIPATION_DATA_PATCH = {
  plot: { planningArea: "AUSSENBEREICH" },
  project: { buildingClass: 4, monument: true },
} as const;

/** Data merged into a submitted case (as a Nachreichung during the review would have set it). */
export interface CaseDataPatch {
  plot?: object;
  project?: object;
}

/**
 * A submitted case of the district with `patch` merged into its data, confirmed complete (unless
 * `complete: false`). The draft is the architect's as Entwurfsverfasser unless `applicant` and
 * `draft.memberRole` say otherwise; documents the draft leaves out are declared to follow later.
 */
export async function createCompleteCase(
  d: { gemeinde: { id: string }; architect: SessionUser; clerk: SessionUser },
  patch: CaseDataPatch = PARTICIPATION_DATA_PATCH,
  {
    complete = true,
    applicant = d.architect,
    draft = {},
  }: { complete?: boolean; applicant?: SessionUser; draft?: CompleteDraftOptions } = {},
) {
  const { id } = await submitCompleteDraft(applicant, d.gemeinde.id, draft);
  if (patch.plot || patch.project) {
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { data: true } });
    const data = row.data as ApplicationData;
    const merged = {
      ...data,
      plot: { ...data.plot, ...patch.plot },
      project: { ...data.project, ...patch.project },
    };
    await db().application.update({ where: { id }, data: { data: merged } });
  }
  if (complete) await confirmCaseComplete(d.clerk, id);
  return db().application.findUniqueOrThrow({
    where: { id },
    select: { id: true, fileNumber: true, title: true, status: true },
  });
}

/** The clerk starts the review of a submitted case and confirms it complete (decision deadline runs). */
export async function confirmCaseComplete(clerk: SessionUser, applicationId: string) {
  await startReview(clerk, applicationId);
  const c = await confirmComplete(clerk, applicationId);
  if (!c.ok) throw new Error(c.message);
}

/** Latest version ids of the case's documents that may be shared (never the statistics forms). */
export async function currentVersionIds(applicationId: string): Promise<string[]> {
  const docs = await db().document.findMany({
    where: { applicationId },
    orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
    select: {
      typeCode: true,
      versions: { orderBy: { versionNumber: "desc" }, take: 1, select: { id: true } },
    },
  });
  return docs.filter((d) => !isNeverShared(d.typeCode)).flatMap((d) => d.versions.map((v) => v.id));
}

/**
 * Stores real PDF bytes under every document version's storage key of the case (the draft
 * fixtures create version rows only), so the routing worker can merge them.
 */
export async function storeFixturePdfs(
  storage: Storage,
  applicationId: string,
  bytes: Uint8Array = FIXTURE_PDF(),
) {
  const versions = await db().documentVersion.findMany({
    where: { document: { applicationId } },
    select: { storageKey: true },
  });
  for (const v of versions) {
    await storage.putStream(v.storageKey, Readable.from([Buffer.from(bytes)]), {
      contentType: "application/pdf",
    });
  }
  return versions.length;
}
