import { createHash, randomInt, randomUUID } from "node:crypto";
import type { ApplicationData } from "~/domain/application-data";
import { evaluateCompleteness } from "~/domain/completeness";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { NORDWESTMECKLENBURG } from "~/domain/districts";
import { documentTypeLabel } from "~/domain/document-types";
import { createDraft, DRAFT_SECTIONS, saveDraftSection } from "~/models/draft.server";
import { submitApplication } from "~/models/submission.server";
import { declareMandate } from "~/models/submission-consent.server";
import { getSessionUserById, type SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestTenant, createTestUser, testXbauKennung } from "~/utils/test-tenant.server";

/** The Gemeinde of the fixture's site (einfamilienhaus(): Lindenweg 7, 23936 Grevesmühlen). */
export const GEMEINDE_FIXTURE = NORDWESTMECKLENBURG.gemeinden.find((g) => g.ags === "13074026")!;

/**
 * Test helpers for drafts and submissions (integration tests against the real test database):
 * a Bauaufsicht with a Gemeinde, session users, complete drafts and document versions.
 */

export async function createTestDistrict(label: string, fileNumberFormat?: string) {
  const tenant = await createTestTenant(label);
  if (fileNumberFormat) {
    await db().authority.update({ where: { id: tenant.id }, data: { fileNumberFormat } });
  }
  const suffix = randomUUID().slice(0, 8);
  const gemeinde = await db().authority.create({
    data: {
      slug: `${label}-gemeinde-${suffix}`,
      name: `Gemeinde ${label} ${suffix}`,
      kind: "GEMEINDE",
      landProfile: "MV",
      parentId: tenant.id,
      // Stadt Grevesmühlen (Destatis Gemeindeverzeichnis), where the fixture's site lies.
      ags: GEMEINDE_FIXTURE.ags,
      xbauKennung: testXbauKennung(),
    },
    select: { id: true, name: true },
  });
  return { authority: tenant, gemeinde };
}

export async function sessionUser(options: Parameters<typeof createTestUser>[0]): Promise<SessionUser> {
  const u = await createTestUser(options);
  const s = await getSessionUserById(u.id);
  if (!s) throw new Error("test user vanished");
  return s;
}

/** Document type codes a complete Einfamilienhaus needs (first code of every required document). */
export function requiredDocumentCodes(procedureType = "VEREINFACHT"): string[] {
  const r = evaluateCompleteness({ profile: "MV", procedureType, data: einfamilienhaus(), documents: [] });
  return r.missingDocuments.map((f) => f.documentTypeCodes?.[0] as string);
}

/** A new version of a document (creating the document when needed), as the upload would store it. */
export async function addDocumentVersion(applicationId: string, typeCode: string, uploadedById: string) {
  let doc = await db().document.findFirst({ where: { applicationId, typeCode }, select: { id: true } });
  doc ??= await db().document.create({
    data: { applicationId, typeCode, title: documentTypeLabel(typeCode) },
    select: { id: true },
  });
  const last = await db().documentVersion.findFirst({
    where: { documentId: doc.id },
    orderBy: { versionNumber: "desc" },
    select: { versionNumber: true },
  });
  const versionNumber = (last?.versionNumber ?? 0) + 1;
  const content = `${applicationId}/${typeCode}/${versionNumber}/${randomUUID()}`;
  return db().documentVersion.create({
    data: {
      documentId: doc.id,
      versionNumber,
      filename: `${typeCode}-v${versionNumber}.pdf`,
      mimeType: "application/pdf",
      sizeBytes: BigInt(content.length),
      sha256: createHash("sha256").update(content).digest("hex"),
      storageKey: `test/${randomUUID()}`,
      pageCount: 1,
      uploadedById,
    },
    select: { id: true, versionNumber: true, sha256: true, documentId: true },
  });
}

/** The Vollmacht the fixture's architect uploads ("Vollmacht des Bauherrn"). */
export const MANDATE_FIXTURE_TYPE = "0603";

/**
 * How a document reaches a draft: by default a version row only (no bytes in storage, fast); the
 * e2e set-up passes an uploader that stores a real PDF through the upload model instead.
 */
export type AddDocument = (applicationId: string, typeCode: string, user: SessionUser) => Promise<unknown>;

const addVersionRow: AddDocument = (applicationId, typeCode, user) =>
  addDocumentVersion(applicationId, typeCode, user.id);

export interface CompleteDraftOptions {
  /** Default: "Einfamilienhaus <random>". */
  title?: string;
  skipDocuments?: string[];
  withoutDocuments?: boolean;
  memberRole?: "BAUHERR" | "ENTWURFSVERFASSER";
  /**
   * Entwurfsverfasser only: upload the Bauherr's Vollmacht (0603) and declare it, so the architect
   * may submit (issue 14). Default: with the documents.
   */
  withMandate?: boolean;
  /** Changes to the Einfamilienhaus data before its sections are saved (e.g. another Bauherr name). */
  editData?: (data: ApplicationData) => ApplicationData;
  addDocument?: AddDocument;
}

/** The required documents a draft made with these options leaves to be sent later. */
export function laterDocumentCodes(options: CompleteDraftOptions): string[] {
  return requiredDocumentCodes().filter(
    (code) => options.withoutDocuments || options.skipDocuments?.includes(code),
  );
}

/**
 * A draft with every form section of the Einfamilienhaus filled in and (unless `withoutDocuments`)
 * every required document uploaded except those in `skipDocuments`. Returns id and version.
 */
export async function createCompleteDraft(
  user: SessionUser,
  municipalityId: string,
  options: CompleteDraftOptions = {},
) {
  const { id } = await createDraft(user, {
    municipalityId,
    procedureType: "VEREINFACHT",
    title: options.title ?? `Einfamilienhaus ${randomUUID().slice(0, 6)}`,
    memberRole: options.memberRole ?? "ENTWURFSVERFASSER",
  });
  const fixture = einfamilienhaus();
  // Every case its own Flurstück (Flur 5 of the fixture's Gemarkung), never one shared by all.
  if (fixture.plot?.parcels?.[0])
    fixture.plot.parcels[0] = { ...fixture.plot.parcels[0], zaehler: String(randomInt(1, 9999)) };
  const data = options.editData ? options.editData(fixture) : fixture;
  let version = 1;
  for (const section of DRAFT_SECTIONS) {
    const r = await saveDraftSection(user, id, { section, value: data[section], expectedVersion: version });
    if (!r.ok) throw new Error(`saving ${section} failed: ${JSON.stringify(r)}`);
    version = r.version;
  }
  const addDocument = options.addDocument ?? addVersionRow;
  if (!options.withoutDocuments) {
    for (const code of requiredDocumentCodes()) {
      if (options.skipDocuments?.includes(code)) continue;
      await addDocument(id, code, user);
    }
  }
  const role = options.memberRole ?? "ENTWURFSVERFASSER";
  if (role === "ENTWURFSVERFASSER" && (options.withMandate ?? !options.withoutDocuments)) {
    await addDocument(id, MANDATE_FIXTURE_TYPE, user);
    const declared = await declareMandate(user, id, { declared: true });
    if (!declared.ok) throw new Error(`declaring the Vollmacht failed: ${declared.message}`);
  }
  // Uploads through the model raise the draft's version; the caller submits against the current one.
  const current = await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } });
  return { id, version: current.version };
}

/**
 * A complete draft of `user` in the Gemeinde, submitted (Aktenzeichen, snapshot, receipt job);
 * documents the options leave out are declared to follow later.
 */
export async function submitCompleteDraft(
  user: SessionUser,
  municipalityId: string,
  options: CompleteDraftOptions = {},
): Promise<{ id: string; fileNumber: string }> {
  const { id, version } = await createCompleteDraft(user, municipalityId, options);
  const r = await submitApplication(user, id, {
    expectedVersion: version,
    laterDocumentTypeCodes: laterDocumentCodes(options),
  });
  if (!r.ok) throw new Error(`submission failed: ${JSON.stringify(r)}`);
  return { id, fileNumber: r.fileNumber };
}
