import { APPLICATION_STATUSES } from "~/domain/lifecycle";
import type { ApplicationStatus, Prisma } from "~/generated/prisma/client";
import { authorityScope } from "~/models/application.server";
import { readApplicationData } from "~/models/draft.server";
import type { AttachmentFile } from "~/utils/attachment-response.server";
import { db } from "~/utils/db.server";
import { getStorage, type Storage } from "../../storage/index";
import { type CursorKey, decodeCursor, isUuid, pageOf, parseDateTime, parseLimit } from "./paging.server";
import { apiError } from "./problem.server";

/**
 * Read side of /api/v1 for cases and their files. Every query starts from `authorityScope`
 * (the caller's authority, never a draft): a case, version or generated file of another authority
 * is simply not found, so the routes answer 404 and never reveal that it exists.
 */

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Statuses an API client can see (drafts belong to the applicant until submitted). */
export const API_CASE_STATUSES = APPLICATION_STATUSES.filter((s) => s !== "DRAFT");

export interface CaseListQuery {
  statuses: ApplicationStatus[] | null;
  updatedSince: Date | null;
  fileNumber: string | null;
  cursor: CursorKey | null;
  limit: number;
}

/** Reads and checks the list's query parameters (German 400 problems naming the parameter). */
export function parseCaseListQuery(url: URL): CaseListQuery {
  const p = url.searchParams;
  let statuses: ApplicationStatus[] | null = null;
  const rawStatus = p.get("status");
  if (rawStatus) {
    const parts = rawStatus.split(",").map((s) => s.trim());
    const unknown = parts.filter((s) => !(API_CASE_STATUSES as string[]).includes(s));
    if (unknown.length > 0 || parts.length > API_CASE_STATUSES.length) {
      throw apiError(
        400,
        `Der Parameter „status“ enthält einen unbekannten Status. Erlaubt sind: ${API_CASE_STATUSES.join(", ")} (mehrere durch Komma getrennt).`,
        { parameter: "status" },
      );
    }
    statuses = parts as ApplicationStatus[];
  }
  const rawSince = p.get("updatedSince");
  const rawFile = p.get("fileNumber");
  if (rawFile !== null && (rawFile.trim() === "" || rawFile.length > 100)) {
    throw apiError(400, "Der Parameter „fileNumber“ muss ein Aktenzeichen mit 1 bis 100 Zeichen sein.", {
      parameter: "fileNumber",
    });
  }
  const rawCursor = p.get("cursor");
  return {
    statuses,
    updatedSince: rawSince ? parseDateTime(rawSince, "updatedSince") : null,
    fileNumber: rawFile?.trim() ?? null,
    cursor: rawCursor ? decodeCursor(rawCursor) : null,
    limit: parseLimit(p.get("limit")),
  };
}

const listSelect = {
  id: true,
  fileNumber: true,
  title: true,
  status: true,
  procedureType: true,
  submittedAt: true,
  updatedAt: true,
  decisionDueAt: true,
  nextDeadlineAt: true,
} satisfies Prisma.ApplicationSelect;

type ListRow = Prisma.ApplicationGetPayload<{ select: typeof listSelect }>;

function caseSummary(row: ListRow) {
  return {
    id: row.id,
    fileNumber: row.fileNumber,
    title: row.title,
    status: row.status,
    procedureType: row.procedureType,
    submittedAt: iso(row.submittedAt),
    updatedAt: row.updatedAt.toISOString(),
    decisionDueAt: iso(row.decisionDueAt),
    nextDeadlineAt: iso(row.nextDeadlineAt),
  };
}

/**
 * The authority's cases in the order of their last change (oldest first, then id): a client
 * that pages to the end and later asks again with `updatedSince` sees every change. A case
 * changed while a client pages moves behind the cursor and comes again — with its new state.
 */
export async function listCases(authorityId: string, q: CaseListQuery) {
  const and: Prisma.ApplicationWhereInput[] = [authorityScope(authorityId)];
  if (q.statuses) and.push({ status: { in: q.statuses } });
  if (q.updatedSince) and.push({ updatedAt: { gte: q.updatedSince } });
  if (q.fileNumber) and.push({ fileNumber: q.fileNumber });
  if (q.cursor) {
    and.push({
      OR: [{ updatedAt: { gt: q.cursor.at } }, { updatedAt: q.cursor.at, id: { gt: q.cursor.id } }],
    });
  }
  const rows = await db().application.findMany({
    where: { AND: and },
    orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
    take: q.limit + 1,
    select: listSelect,
  });
  const page = pageOf(rows, q.limit, (r) => ({ at: r.updatedAt, id: r.id }));
  return { items: page.items.map(caseSummary), nextCursor: page.nextCursor };
}

const versionSelect = {
  id: true,
  versionNumber: true,
  filename: true,
  mimeType: true,
  sizeBytes: true,
  sha256: true,
  pageCount: true,
  createdAt: true,
  checkStatus: true,
} satisfies Prisma.DocumentVersionSelect;

const documentSelect = {
  id: true,
  typeCode: true,
  title: true,
  toBeSubmittedLater: true,
  versions: { select: versionSelect, orderBy: { versionNumber: "asc" } },
} satisfies Prisma.DocumentSelect;

const generatedSelect = {
  id: true,
  kind: true,
  title: true,
  filename: true,
  mimeType: true,
  sizeBytes: true,
  sha256: true,
  createdAt: true,
} satisfies Prisma.GeneratedDocumentSelect;

type DocumentRow = Prisma.DocumentGetPayload<{ select: typeof documentSelect }>;
type GeneratedRow = Prisma.GeneratedDocumentGetPayload<{ select: typeof generatedSelect }>;

function documentItem(d: DocumentRow) {
  return {
    id: d.id,
    typeCode: d.typeCode,
    title: d.title,
    toBeSubmittedLater: d.toBeSubmittedLater,
    versions: d.versions.map((v) => ({
      id: v.id,
      versionNumber: v.versionNumber,
      filename: v.filename,
      mimeType: v.mimeType,
      sizeBytes: Number(v.sizeBytes),
      sha256: v.sha256,
      pageCount: v.pageCount,
      createdAt: v.createdAt.toISOString(),
      checkStatus: v.checkStatus,
      // Only a version that passed the file checks leaves the product (issue 11).
      contentUrl: v.checkStatus === "ACCEPTED" ? `/api/v1/documents/${v.id}/content` : null,
    })),
  };
}

function generatedItem(g: GeneratedRow) {
  return {
    id: g.id,
    kind: g.kind,
    title: g.title,
    filename: g.filename,
    mimeType: g.mimeType,
    sizeBytes: Number(g.sizeBytes),
    sha256: g.sha256,
    createdAt: g.createdAt.toISOString(),
    contentUrl: `/api/v1/generated-documents/${g.id}/content`,
  };
}

function caseWhere(authorityId: string, id: string): Prisma.ApplicationWhereInput {
  return { AND: [{ id }, authorityScope(authorityId)] };
}

/** The case's documents (with every version) and generated files; null outside the tenant. */
export async function getCaseDocuments(authorityId: string, id: string) {
  if (!isUuid(id)) return null;
  const row = await db().application.findFirst({
    where: caseWhere(authorityId, id),
    select: {
      id: true,
      documents: { select: documentSelect, orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }] },
      generatedDocuments: { select: generatedSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!row) return null;
  return {
    caseId: row.id,
    documents: row.documents.map(documentItem),
    generatedDocuments: row.generatedDocuments.map(generatedItem),
  };
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function address(
  a: { street?: string; houseNumber?: string; postalCode?: string; city?: string } | undefined,
) {
  return {
    street: text(a?.street),
    houseNumber: text(a?.houseNumber),
    postalCode: text(a?.postalCode),
    city: text(a?.city),
  };
}

type CaseData = ReturnType<typeof readApplicationData>;

/** Bauherr:in and Entwurfsverfasser:in as entered, and the accepted members by role. */
function partiesOf<Role extends string>(
  data: CaseData,
  members: { role: Role; user: { displayName: string } | null }[],
) {
  const b = data.bauherr;
  const e = data.entwurfsverfasser;
  return {
    bauherr: b
      ? {
          kind: b.kind ?? null,
          firstName: text(b.firstName),
          lastName: text(b.lastName),
          companyName: text(b.companyName),
          email: text(b.email),
          phone: text(b.phone),
          address: address(b.address),
          hasRepresentative: b.hasRepresentative ?? false,
        }
      : null,
    entwurfsverfasser: e
      ? {
          name: text(e.name),
          chamberNumber: text(e.chamberNumber),
          chamberLand: e.chamberLand ?? null,
          email: text(e.email),
          phone: text(e.phone),
          address: address(e.address),
        }
      : null,
    members: members.map((m) => ({ role: m.role, name: m.user?.displayName ?? null })),
  };
}

function plotOf(data: CaseData, municipality: { name: string; ags: string | null } | null) {
  const plot = data.plot;
  return {
    address: address(plot?.address),
    municipalityAgs: plot?.municipalityAgs ?? municipality?.ags ?? null,
    municipalityName: municipality?.name ?? null,
    parcels: (plot?.parcels ?? []).map((p) => ({
      gemarkung: text(p.gemarkung),
      flur: text(p.flur),
      zaehler: text(p.zaehler),
      nenner: text(p.nenner),
    })),
    planningArea: plot?.planningArea ?? null,
    developmentPlanName: text(plot?.developmentPlanName),
  };
}

function projectOf(data: CaseData) {
  return {
    measureType: data.project?.measureType ?? null,
    description: text(data.project?.description),
    buildingClass: data.project?.buildingClass ?? null,
    use: data.project?.use ?? null,
    specialBuilding: data.project?.specialBuilding ?? null,
    monument: data.project?.monument ?? null,
    estimatedCosts: data.project?.estimatedCosts ?? null,
  };
}

/** The case file for another system: parties, plot, project, status, deadlines, files, participations, decision. */
export async function getCaseDetail(authorityId: string, id: string) {
  if (!isUuid(id)) return null;
  const row = await db().application.findFirst({
    where: caseWhere(authorityId, id),
    select: {
      ...listSelect,
      data: true,
      completeAt: true,
      withdrawnAt: true,
      municipality: { select: { name: true, ags: true } },
      members: {
        where: { invitationState: "ACCEPTED" },
        select: { role: true, user: { select: { displayName: true } } },
        orderBy: { createdAt: "asc" },
      },
      requests: {
        where: { status: "OPEN" },
        select: { deadline: true },
        orderBy: { sentAt: "desc" },
        take: 1,
      },
      documents: { select: documentSelect, orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }] },
      generatedDocuments: { select: generatedSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      participations: {
        select: {
          id: true,
          kind: true,
          status: true,
          round: true,
          deadline: true,
          sentAt: true,
          answeredAt: true,
          deemedConsentAt: true,
          agency: { select: { name: true } },
          statement: { select: { outcome: true } },
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      },
      decision: {
        select: {
          status: true,
          kind: true,
          decidedAt: true,
          validUntil: true,
          feeTotalCents: true,
          _count: { select: { conditions: true } },
        },
      },
    },
  });
  if (!row) return null;
  const data = readApplicationData(row.data);
  const decided = row.decision?.status === "DECIDED" ? row.decision : null;
  return {
    ...caseSummary(row),
    completeAt: iso(row.completeAt),
    withdrawnAt: iso(row.withdrawnAt),
    deadlines: {
      decisionDueAt: iso(row.decisionDueAt),
      nextDeadlineAt: iso(row.nextDeadlineAt),
      openRequestDeadline: iso(row.requests[0]?.deadline),
    },
    parties: partiesOf(data, row.members),
    plot: plotOf(data, row.municipality),
    project: projectOf(data),
    documents: row.documents.map(documentItem),
    generatedDocuments: row.generatedDocuments.map(generatedItem),
    participations: row.participations.map((p) => ({
      id: p.id,
      agencyName: p.agency.name,
      kind: p.kind,
      status: p.status,
      round: p.round,
      deadline: p.deadline.toISOString(),
      sentAt: iso(p.sentAt),
      answeredAt: iso(p.answeredAt),
      deemedConsentAt: iso(p.deemedConsentAt),
      outcome: p.statement?.outcome ?? null,
    })),
    // A draft is the authority's work in progress: only its existence and status are shown.
    decision: row.decision
      ? {
          status: row.decision.status,
          kind: decided?.kind ?? null,
          decidedAt: iso(decided?.decidedAt),
          validUntil: iso(decided?.validUntil),
          feeTotalCents: decided ? decided.feeTotalCents : null,
          conditionCount: decided ? decided._count.conditions : null,
        }
      : null,
  };
}

/** An accepted version of a document of the authority's cases, opened for streaming; null otherwise. */
export async function openVersionContent(
  authorityId: string,
  versionId: string,
  storage: Storage = getStorage(),
): Promise<AttachmentFile | null> {
  if (!isUuid(versionId)) return null;
  const v = await db().documentVersion.findFirst({
    where: { id: versionId, checkStatus: "ACCEPTED", document: { application: authorityScope(authorityId) } },
    select: { filename: true, mimeType: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (!v) return null;
  return {
    stream: await storage.getStream(v.storageKey),
    filename: v.filename,
    mimeType: v.mimeType,
    sizeBytes: Number(v.sizeBytes),
    sha256: v.sha256,
  };
}

/** A generated file (receipt, Bescheid, XBau message, package) of the authority's cases; null otherwise. */
export async function openGeneratedContent(
  authorityId: string,
  generatedId: string,
  storage: Storage = getStorage(),
): Promise<AttachmentFile | null> {
  if (!isUuid(generatedId)) return null;
  const g = await db().generatedDocument.findFirst({
    where: { id: generatedId, application: authorityScope(authorityId) },
    select: { filename: true, mimeType: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (!g) return null;
  return {
    stream: await storage.getStream(g.storageKey),
    filename: g.filename,
    mimeType: g.mimeType,
    sizeBytes: Number(g.sizeBytes),
    sha256: g.sha256,
  };
}
