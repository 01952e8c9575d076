import { bauherrDisplayName, MEASURE_TYPE_LABELS } from "~/domain/application-data";
import { daysLeft, daysLeftLabel } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { AGENCY_VISIBLE_PARTICIPATION_STATUSES, PARTICIPATION_STATES } from "~/domain/lifecycle";
import { consentNoun } from "~/domain/participation";
import type { ParticipationStatus, Prisma } from "~/generated/prisma/client";
import { isUuid } from "~/models/application.server";
import { readApplicationData } from "~/models/draft.server";
import { GENERATED_KIND_LABELS, readableGeneratedWhere } from "~/models/generated-document.server";
import { transitionParticipation } from "~/models/lifecycle.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * The agency side of a participation (Beteiligung). An agency user (role AGENCY, user.authorityId =
 * the agency or Gemeinde) sees exactly the participations addressed to its authority once they were
 * routed, and of their case only what the participation shares: a summary (Aktenzeichen, Vorhaben,
 * Gemeinde, Flurstücke, names of the parties, Verfahrensart), the shared document versions, the
 * package and its own statement. Requests, comments, other documents and other agencies'
 * statements are never selected. Every query carries `agencyId` in its WHERE.
 */

/** Routed participations: PENDING is not yet sent, CANCELLED was withdrawn before it concerned the agency. */
export const AGENCY_VISIBLE_STATUSES = AGENCY_VISIBLE_PARTICIPATION_STATUSES;

export const PARTICIPATION_NOT_FOUND =
  "Diese Beteiligung gibt es nicht oder sie ist nicht an Ihre Fachstelle gerichtet.";

export function agencyParticipationWhere(agencyId: string): Prisma.ParticipationWhereInput {
  return { agencyId, status: { in: [...AGENCY_VISIBLE_STATUSES] } };
}

/** The agency whose participations this user answers, or null (no permission / no authority). */
export function agencyOf(user: SessionUser): string | null {
  return can(user, "read:participation:assigned") && user.authorityId ? user.authorityId : null;
}

/** Waiting for the agency's statement: routed, not answered, not deemed consent, not closed. */
export function isAwaitingStatement(p: { status: ParticipationStatus; closedAt: Date | null }): boolean {
  return PARTICIPATION_STATES[p.status].awaitingStatement && p.closedAt === null;
}

/**
 * Document versions an agency may download: shared with one of its routed participations that is
 * not closed. Used by the download route (openDocumentVersionForDownload) as one more scope; null
 * when the user has no such access at all.
 */
export function sharedVersionWhere(user: SessionUser): Prisma.DocumentVersionWhereInput | null {
  if (!can(user, "read:document:shared") || !user.authorityId) return null;
  return {
    participations: {
      some: { participation: { ...agencyParticipationWhere(user.authorityId), closedAt: null } },
    },
  };
}

export const PARTICIPATION_STATUS_LABELS: Record<ParticipationStatus, string> = {
  PENDING: "In Vorbereitung",
  SENT: "Neu",
  OPENED: "Geöffnet",
  ANSWERED: "Beantwortet",
  DEEMED_CONSENT: "Zustimmung gilt als erteilt",
  CANCELLED: "Zurückgenommen",
};

/** The status label for the agency: what silence made of it depends on the kind of participation. */
export function participationStatusLabel(status: ParticipationStatus, kind: string): string {
  return status === "DEEMED_CONSENT"
    ? `${consentNoun(kind)} gilt als erteilt`
    : PARTICIPATION_STATUS_LABELS[status];
}

export interface AgencyParticipationListItem {
  id: string;
  fileNumber: string;
  projectTitle: string;
  municipality: string | null;
  authorityName: string;
  kind: string;
  status: ParticipationStatus;
  statusLabel: string;
  deadline: Date;
  /** "noch 5 Tage", "heute fällig", "seit 2 Tagen überfällig"; null once nothing is awaited. */
  daysLeftLabel: string | null;
  overdue: boolean;
  open: boolean;
  closed: boolean;
  answeredAt: Date | null;
  round: number;
}

/** The agency's participations: open ones first (nearest deadline first), then the rest, newest first. */
export async function listParticipationsForAgency(
  user: SessionUser,
  { now = new Date(), client = db() }: { now?: Date; client?: Tx } = {},
): Promise<AgencyParticipationListItem[]> {
  const agencyId = agencyOf(user);
  if (!agencyId) return [];
  const rows = await client.participation.findMany({
    where: agencyParticipationWhere(agencyId),
    select: {
      id: true,
      kind: true,
      status: true,
      deadline: true,
      answeredAt: true,
      closedAt: true,
      round: true,
      sentAt: true,
      application: {
        select: {
          fileNumber: true,
          title: true,
          authority: { select: { name: true } },
          municipality: { select: { name: true } },
        },
      },
    },
    orderBy: [{ deadline: "asc" }, { id: "asc" }],
    take: 500,
  });
  const items = rows.map((p) => {
    const open = isAwaitingStatement(p);
    return {
      id: p.id,
      fileNumber: p.application.fileNumber ?? "–",
      projectTitle: p.application.title,
      municipality: p.application.municipality?.name ?? null,
      authorityName: p.application.authority.name,
      kind: p.kind,
      status: p.status,
      statusLabel: participationStatusLabel(p.status, p.kind),
      deadline: p.deadline,
      daysLeftLabel: open ? daysLeftLabel(p.deadline, now) : null,
      overdue: open && daysLeft(p.deadline, now) < 0,
      open,
      closed: p.closedAt !== null,
      answeredAt: p.answeredAt,
      round: p.round,
      sortKey: (p.answeredAt ?? p.sentAt ?? p.deadline).getTime(),
    };
  });
  const open = items.filter((i) => i.open);
  const rest = items.filter((i) => !i.open).sort((a, b) => b.sortKey - a.sortKey);
  return [...open, ...rest].map(({ sortKey: _sortKey, ...item }) => item);
}

// ---- detail -------------------------------------------------------------------------------------

export interface CaseSummary {
  fileNumber: string;
  projectTitle: string;
  description: string | null;
  measure: string | null;
  procedureType: string;
  authorityName: string;
  municipality: string | null;
  plotAddress: string | null;
  parcels: { gemarkung?: string; flur?: string; zaehler?: string; nenner?: string }[];
  bauherr: string | null;
  entwurfsverfasser: string | null;
}

function formatAddress(
  a: { street?: string; houseNumber?: string; postalCode?: string; city?: string } = {},
) {
  const street = [a.street, a.houseNumber].filter(Boolean).join(" ");
  const city = [a.postalCode, a.city].filter(Boolean).join(" ");
  return [street, city].filter(Boolean).join(", ") || null;
}

/** Only these fields of the case leave the authority; the rest of `data` stays behind. */
function caseSummary(app: {
  fileNumber: string | null;
  title: string;
  procedureType: string;
  data: Prisma.JsonValue;
  authority: { name: string };
  municipality: { name: string } | null;
}): CaseSummary {
  const data = readApplicationData(app.data);
  return {
    fileNumber: app.fileNumber ?? "–",
    projectTitle: app.title,
    description: data.project?.description ?? null,
    measure: data.project?.measureType ? MEASURE_TYPE_LABELS[data.project.measureType] : null,
    procedureType: app.procedureType,
    authorityName: app.authority.name,
    municipality: app.municipality?.name ?? null,
    plotAddress: formatAddress(data.plot?.address),
    parcels: (data.plot?.parcels ?? []).map((p) => ({
      gemarkung: p.gemarkung,
      flur: p.flur,
      zaehler: p.zaehler,
      nenner: p.nenner,
    })),
    bauherr: bauherrDisplayName(data.bauherr) || null,
    entwurfsverfasser: data.entwurfsverfasser?.name || null,
  };
}

const detailSelect = {
  id: true,
  applicationId: true,
  agencyId: true,
  kind: true,
  status: true,
  round: true,
  question: true,
  reason: true,
  legalBasis: true,
  deadline: true,
  silenceIsConsent: true,
  silenceConsequence: true,
  sentAt: true,
  openedAt: true,
  answeredAt: true,
  deemedConsentAt: true,
  closedAt: true,
  agency: { select: { name: true } },
  application: {
    select: {
      fileNumber: true,
      title: true,
      procedureType: true,
      data: true,
      authority: { select: { name: true } },
      municipality: { select: { name: true } },
    },
  },
  documents: {
    orderBy: [{ position: "asc" }, { documentVersionId: "asc" }],
    select: {
      documentVersion: {
        select: {
          id: true,
          versionNumber: true,
          filename: true,
          mimeType: true,
          sizeBytes: true,
          sha256: true,
          pageCount: true,
          document: { select: { typeCode: true, title: true } },
        },
      },
    },
  },
  statement: {
    select: {
      id: true,
      outcome: true,
      reasons: true,
      submittedAt: true,
      author: { select: { displayName: true } },
      conditions: {
        orderBy: { position: "asc" },
        select: { position: true, kind: true, text: true, legalBasis: true },
      },
      attachments: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, filename: true, mimeType: true, sizeBytes: true, sha256: true },
      },
    },
  },
  extensions: {
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      status: true,
      reason: true,
      requestedDeadline: true,
      decidedAt: true,
      decisionNote: true,
      createdAt: true,
    },
  },
} satisfies Prisma.ParticipationSelect;

/** Whether the participation is one of the user's agency's routed ones (checked before reading a body). */
export async function agencyParticipationExists(
  user: SessionUser,
  participationId: string,
): Promise<boolean> {
  const agencyId = agencyOf(user);
  if (!agencyId || !isUuid(participationId)) return false;
  const found = await db().participation.findFirst({
    where: { AND: [{ id: participationId }, agencyParticipationWhere(agencyId)] },
    select: { id: true },
  });
  return found !== null;
}

/**
 * One participation of the user's agency with the case summary, the shared versions (downloadable
 * only while not closed), the generated files linked to it (package, own statement PDF/XBau) and
 * the statement. The first open by the agency marks it OPENED (openedAt, case event) exactly once.
 * null = not found for this user (foreign, PENDING, CANCELLED, malformed id).
 */
export async function getParticipationForAgency(
  user: SessionUser,
  participationId: string,
  { now = new Date() }: { now?: Date } = {},
) {
  const agencyId = agencyOf(user);
  if (!agencyId || !isUuid(participationId)) return null;
  const where = { AND: [{ id: participationId }, agencyParticipationWhere(agencyId)] };
  const found = await db().participation.findFirst({ where, select: { id: true, status: true } });
  if (!found) return null;
  if (found.status === "SENT") await markOpened(user, found.id, agencyId, now);

  const p = await db().participation.findFirst({ where, select: detailSelect });
  if (!p) return null;
  const generated = await db().generatedDocument.findMany({
    where: { participationId: p.id, OR: readableGeneratedWhere(user) },
    select: { id: true, kind: true, title: true, filename: true, sizeBytes: true, createdAt: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const open = isAwaitingStatement(p);
  const documentsAvailable = p.closedAt === null;
  return {
    id: p.id,
    kind: p.kind,
    status: p.status,
    statusLabel: participationStatusLabel(p.status, p.kind),
    round: p.round,
    question: p.question,
    reason: p.reason,
    legalBasis: p.legalBasis,
    deadline: p.deadline,
    daysLeftLabel: open ? daysLeftLabel(p.deadline, now) : null,
    overdue: open && daysLeft(p.deadline, now) < 0,
    silenceIsConsent: p.silenceIsConsent,
    silenceConsequence: p.silenceConsequence,
    sentAt: p.sentAt,
    openedAt: p.openedAt,
    answeredAt: p.answeredAt,
    deemedConsentAt: p.deemedConsentAt,
    closedAt: p.closedAt,
    open,
    agencyName: p.agency.name,
    summary: caseSummary(p.application),
    documentsAvailable,
    documents: p.documents.map(({ documentVersion: v }) => ({
      versionId: v.id,
      typeCode: v.document.typeCode,
      typeLabel: documentTypeLabel(v.document.typeCode),
      title: v.document.title,
      versionNumber: v.versionNumber,
      filename: v.filename,
      mimeType: v.mimeType,
      sizeBytes: Number(v.sizeBytes),
      sha256: v.sha256,
      pageCount: v.pageCount,
      href: documentsAvailable ? `/dateien/${v.id}` : null,
    })),
    generated: generated.map((g) => ({
      ...g,
      kindLabel: GENERATED_KIND_LABELS[g.kind] ?? g.title,
      sizeBytes: Number(g.sizeBytes),
      href: `/erzeugt/${g.id}`,
    })),
    statement: p.statement
      ? {
          ...p.statement,
          authorName: p.statement.author.displayName,
          attachments: p.statement.attachments.map((a) => ({
            ...a,
            sizeBytes: Number(a.sizeBytes),
            href: `/stellungnahmen/anlagen/${a.id}`,
          })),
        }
      : null,
    extensions: p.extensions,
    pendingExtension: p.extensions.find((e) => e.status === "PENDING") ?? null,
  };
}

export type AgencyParticipation = NonNullable<Awaited<ReturnType<typeof getParticipationForAgency>>>;

/** SENT -> OPENED once: the conditional update decides, so two tabs opening at once record one event. */
async function markOpened(user: SessionUser, participationId: string, agencyId: string, now: Date) {
  await db().$transaction(async (tx) => {
    const p = await tx.participation.findFirst({
      where: { id: participationId, agencyId },
      select: { applicationId: true, agency: { select: { name: true } } },
    });
    if (!p) return;
    await transitionParticipation(tx, {
      participationId,
      applicationId: p.applicationId,
      command: "open",
      actor: { kind: "agency", id: user.id },
      where: { agencyId },
      set: { openedAt: now },
      payload: { participationId, agencyId, agency: p.agency.name },
    });
  });
}
