import { berlinDate, daysLeft, requestDeadlineFromDate } from "~/domain/deadlines";
import { documentTypeLabel } from "~/domain/document-types";
import { localizeLegalBasis } from "~/domain/land-profiles";
import {
  AWAITING_STATEMENT_STATUSES,
  checkApplicationTransition,
  PARTICIPATION_STATES,
} from "~/domain/lifecycle";
import { isNeverShared, resolveNeedToKnow } from "~/domain/need-to-know";
import {
  type AgencyTarget,
  type AgencyTypeName,
  consentNoun,
  defaultDeadline,
  isConsentKind,
  manualSuggestion,
  PARTICIPATION_KINDS,
  type ParticipationKindName,
  type ParticipationSuggestion,
  participationRule,
  participationState,
  profileOf,
  suggestParticipations,
  withKind,
} from "~/domain/participation";
import { outcomeLabel } from "~/domain/statements";
import { type ApplicationStatus, Prisma } from "~/generated/prisma/client";
import { isUuid } from "~/models/application.server";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { readApplicationData } from "~/models/draft.server";
import { GENERATED_KIND_LABELS } from "~/models/generated-document.server";
import {
  initialParticipationStatus,
  transitionApplication,
  transitionParticipation,
} from "~/models/lifecycle.server";
import { refreshNextDeadline } from "~/models/next-deadline.server";
import { enqueueInTx } from "~/models/outbox.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";

/**
 * Participation (Beteiligung) from the clerk's side: the proposal (suggested agencies matched to
 * the agencies registered under the Bauaufsicht, current document versions, default deadlines),
 * starting it in one transaction (rows + shared versions + case status + event + one routing job
 * per participation through the outbox), the board, extension decisions and closing.
 *
 * Tenant scope: every query names the clerk's authority; a case of another authority, an agency
 * that is not registered under it or a version of another case is "not found".
 */

export const ROUTE_PACKAGE_JOB = "participation.route-package" as const;

const NOT_FOUND = "Diesen Fall gibt es nicht oder er gehört nicht zu Ihrer Behörde.";

class Refused extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

export type Result<T = object> = ({ ok: true } & T) | { ok: false; message: string };

/** The clerk's authority, or null for users who may not request participations. */
export function participationAuthority(user: SessionUser): string | null {
  if (!can(user, "request:participation:authority") || !user.authorityId) return null;
  return user.authorityId;
}

function targetOf(agency: { kind: string; agencyType: string | null }): AgencyTarget | null {
  if (agency.kind === "GEMEINDE") return { kind: "GEMEINDE" };
  if (agency.kind === "FACHSTELLE") {
    return { kind: "FACHSTELLE", agencyType: (agency.agencyType ?? "SONSTIGE") as AgencyTypeName };
  }
  return null;
}

function sameTarget(a: AgencyTarget, b: AgencyTarget): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === "GEMEINDE" || (b.kind === "FACHSTELLE" && a.agencyType === b.agencyType);
}

const caseSelect = {
  id: true,
  status: true,
  authorityId: true,
  municipalityId: true,
  procedureType: true,
  fileNumber: true,
  title: true,
  data: true,
  authority: { select: { id: true, name: true, landProfile: true, participationDocumentDefaults: true } },
} satisfies Prisma.ApplicationSelect;

async function loadCase(client: Tx, authorityId: string, applicationId: string) {
  return client.application.findFirst({
    where: { id: applicationId, authorityId, status: { not: "DRAFT" } },
    select: caseSelect,
  });
}

type CaseRow = NonNullable<Awaited<ReturnType<typeof loadCase>>>;

/** Agencies registered as tenants under the Bauaufsicht (Fachstellen and Gemeinden), by name. */
async function registeredAgencies(client: Tx, authorityId: string) {
  return client.authority.findMany({
    where: { parentId: authorityId, kind: { in: ["FACHSTELLE", "GEMEINDE"] } },
    select: { id: true, name: true, kind: true, agencyType: true, addressLine: true },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
}

function suggestionsFor(app: CaseRow) {
  return suggestParticipations({
    data: readApplicationData(app.data),
    procedureType: app.procedureType,
    profile: app.authority.landProfile,
    municipalityIsSeparate: app.municipalityId !== null && app.municipalityId !== app.authorityId,
  });
}

/**
 * The rule an agency is asked under: its suggestion when one fits, else the defaults of its kind.
 * Only the case's own Gemeinde gives the Einvernehmen (§ 36 BauGB); another Gemeinde (a
 * neighbour) is asked for a statement like a Fachstelle.
 */
function ruleFor(
  agency: { id: string; kind: string; agencyType: string | null },
  app: Pick<CaseRow, "municipalityId" | "authority">,
  suggestions: ParticipationSuggestion[],
): ParticipationSuggestion {
  const target = targetOf(agency);
  if (target?.kind === "GEMEINDE") {
    if (agency.id === app.municipalityId) {
      return (
        suggestions.find((s) => s.target.kind === "GEMEINDE") ??
        manualSuggestion(target, app.authority.landProfile)
      );
    }
    return {
      ...manualSuggestion({ kind: "FACHSTELLE", agencyType: "SONSTIGE" }, app.authority.landProfile),
      reason: "Von der Sachbearbeitung hinzugefügt (benachbarte Gemeinde).",
      question: "Wir bitten um Ihre Stellungnahme als benachbarte Gemeinde (§ 2 Abs. 2 BauGB).",
    };
  }
  return (
    suggestions.find((s) => target !== null && sameTarget(s.target, target)) ??
    manualSuggestion(target ?? { kind: "FACHSTELLE", agencyType: "SONSTIGE" }, app.authority.landProfile)
  );
}

/** Current (latest) version of every document of the case that has a file. */
async function currentVersions(client: Tx, applicationId: string) {
  const docs = await client.document.findMany({
    where: { applicationId },
    orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      typeCode: true,
      title: true,
      // The newest version that was not refused at the upload check: an accepted one can be
      // shared, one still "wird geprüft" is shown but cannot be chosen yet.
      versions: {
        where: { checkStatus: { not: "REFUSED" } },
        orderBy: { versionNumber: "desc" },
        take: 1,
        select: { id: true, versionNumber: true, filename: true, pageCount: true, checkStatus: true },
      },
    },
  });
  // Need-to-know: the statistics forms are never offered to an agency (statistical secrecy).
  return docs
    .filter((d) => !isNeverShared(d.typeCode))
    .flatMap((d) =>
      d.versions.map((v) => ({
        versionId: v.id,
        documentId: d.id,
        typeCode: d.typeCode,
        typeLabel: documentTypeLabel(d.typeCode),
        title: d.title,
        versionNumber: v.versionNumber,
        filename: v.filename,
        pageCount: v.pageCount,
        /** false while the upload check runs ("wird geprüft"): not selectable. */
        selectable: v.checkStatus === "ACCEPTED",
      })),
    );
}

export interface ProposalRow {
  suggestion: ParticipationSuggestion;
  /** The registered agency this suggestion goes to; null when none is registered for it. */
  agency: { id: string; name: string } | null;
  /** Default deadline as a Berlin date (YYYY-MM-DD). */
  deadlineDate: string;
  /** Already asked in this case (an agency is asked once per round). */
  alreadyParticipating: boolean;
}

export interface AgencyOption {
  id: string;
  name: string;
  kindLabel: string;
  defaults: ParticipationSuggestion;
  deadlineDate: string;
  alreadyParticipating: boolean;
}

/**
 * What the clerk's form starts from. Null when the case is not the clerk's (404). `canStart`
 * says whether the case is in a state that allows asking agencies.
 */
export async function getParticipationProposal(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
) {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return null;
  const client = db();
  const app = await loadCase(client, authorityId, applicationId);
  if (!app) return null;
  const [agencies, documents, existing] = await Promise.all([
    registeredAgencies(client, authorityId),
    currentVersions(client, app.id),
    client.participation.findMany({
      where: { applicationId: app.id, round: 1 },
      select: { agencyId: true, closedAt: true },
    }),
  ]);
  const asked = new Set(existing.map((p) => p.agencyId));
  const closed = existing.some((p) => p.closedAt !== null);
  const suggestions = suggestionsFor(app);
  const rows: ProposalRow[] = suggestions.map((s) => {
    const agency =
      s.target.kind === "GEMEINDE"
        ? agencies.find((a) => a.kind === "GEMEINDE" && a.id === app.municipalityId)
        : agencies.find((a) => {
            const t = targetOf(a);
            return t !== null && sameTarget(t, s.target);
          });
    return {
      suggestion: s,
      agency: agency ? { id: agency.id, name: agency.name } : null,
      deadlineDate: berlinDate(defaultDeadline(s.deadlineMonths, now)),
      alreadyParticipating: agency ? asked.has(agency.id) : false,
    };
  });
  const options: AgencyOption[] = agencies.flatMap((a) => {
    const target = targetOf(a);
    if (!target) return [];
    const defaults = ruleFor(a, app, suggestions);
    return [
      {
        id: a.id,
        name: a.name,
        kindLabel: a.kind === "GEMEINDE" ? "Gemeinde" : "Fachstelle",
        defaults,
        deadlineDate: berlinDate(defaultDeadline(defaults.deadlineMonths, now)),
        alreadyParticipating: asked.has(a.id),
      },
    ];
  });
  return {
    application: {
      id: app.id,
      fileNumber: app.fileNumber,
      title: app.title,
      status: app.status,
      authorityName: app.authority.name,
    },
    canStart: checkApplicationTransition("startParticipation", app.status, "authority").ok && !closed,
    /** Document types pre-selected per kind of agency (the authority's need-to-know defaults). */
    documentDefaults: resolveNeedToKnow(app.authority.participationDocumentDefaults),
    /** The Land's provision for replacing a refused Einvernehmen (Ersetzung). */
    consentReplacementBasis: localizeLegalBasis(
      profileOf(app.authority.landProfile),
      profileOf(app.authority.landProfile).deadlines.consentReplacement.legalBasis,
    ),
    /** The consequence of silence per kind of participation (Land profile), as the form shows it. */
    consequences: Object.fromEntries(
      PARTICIPATION_KINDS.map((k) => [k, participationRule(app.authority.landProfile, k).consequence]),
    ) as Record<ParticipationKindName, string>,
    closed,
    suggestions: rows,
    agencies: options,
    documents,
  };
}

export type ParticipationProposal = NonNullable<Awaited<ReturnType<typeof getParticipationProposal>>>;

export interface ParticipationSelection {
  agencyId: string;
  documentVersionIds: string[];
  /** Deadline as a Berlin date (YYYY-MM-DD) or an instant. */
  deadline: string | Date;
  question: string;
  /** Why (suggestion reason or the clerk's own); defaults to the rule's reason. */
  reason?: string;
  /**
   * What a Fachstelle is asked for: a Stellungnahme (default) or a Zustimmung the law requires. The
   * case's own Gemeinde is always asked for its Einvernehmen. Deadline rule and consequence of
   * silence follow from the kind (Land profile), not from a free choice.
   */
  kind?: ParticipationKindName;
  /** @deprecated ignored: whether silence counts as consent follows from `kind` (Land profile). */
  silenceIsConsent?: boolean;
}

const MAX_QUESTION = 4_000;

function parseDeadline(value: string | Date, now: Date): Date | null {
  const at = value instanceof Date ? value : requestDeadlineFromDate(value.trim());
  if (!at || Number.isNaN(at.getTime())) return null;
  if (at.getTime() <= now.getTime()) return null;
  // A participation deadline beyond a year is a typo, not a plan.
  if (at.getTime() > now.getTime() + 366 * 86_400_000) return null;
  return at;
}

/** What startParticipation already knows about the case when it checks each selection. */
interface SelectionContext {
  app: CaseRow;
  agencies: Awaited<ReturnType<typeof registeredAgencies>>;
  /** Round-1 participations of the case before this start. */
  existing: { agencyId: string }[];
  suggestions: ParticipationSuggestion[];
  versions: Map<string, { filename: string; checkStatus: string }>;
  now: Date;
}

/**
 * One selection checked against the case (registered agency, not yet asked, kind, deadline,
 * question, shareable and accepted files), refused with a German message naming the agency.
 * Reads nothing itself: the caller loaded everything under the case lock.
 */
function checkSelection(
  sel: ParticipationSelection,
  index: number,
  { app, agencies, existing, suggestions, versions, now }: SelectionContext,
) {
  const agency = isUuid(sel.agencyId) ? agencies.find((a) => a.id === sel.agencyId) : undefined;
  const target = agency ? targetOf(agency) : null;
  if (!agency || !target) {
    throw new Refused(`Stelle ${index + 1}: Diese Stelle ist bei Ihrer Behörde nicht registriert.`);
  }
  const already = existing.find((p) => p.agencyId === agency.id);
  if (already) {
    throw new Refused(
      `${agency.name} ist an diesem Fall bereits beteiligt. Die Beteiligung wurde nicht ein zweites Mal gestartet.`,
    );
  }
  const base = ruleFor(agency, app, suggestions);
  // The case's own Gemeinde is always asked for its Einvernehmen; nobody else gives it.
  if (sel.kind === "MUNICIPAL_CONSENT" && base.participationKind !== "MUNICIPAL_CONSENT") {
    throw new Refused(
      `${agency.name}: Das Einvernehmen nach § 36 BauGB gibt nur die Gemeinde des Baugrundstücks. Bitte wählen Sie „Stellungnahme“ oder „Zustimmung“.`,
    );
  }
  const rule =
    sel.kind && base.participationKind !== "MUNICIPAL_CONSENT"
      ? withKind(base, sel.kind, app.authority.landProfile)
      : base;
  const deadline = parseDeadline(sel.deadline, now);
  if (!deadline) {
    throw new Refused(
      `${agency.name}: Bitte geben Sie eine Frist an, die in der Zukunft und höchstens ein Jahr entfernt liegt.`,
    );
  }
  const question = String(sel.question ?? "").trim();
  if (question === "" || question.length > MAX_QUESTION) {
    throw new Refused(
      `${agency.name}: Bitte formulieren Sie die Frage an die Stelle (höchstens 4.000 Zeichen).`,
    );
  }
  const versionIds = [...new Set(sel.documentVersionIds ?? [])];
  if (versionIds.length === 0) {
    throw new Refused(`${agency.name}: Bitte wählen Sie mindestens eine Unterlage aus.`);
  }
  if (versionIds.some((v) => !versions.has(v))) {
    throw new Refused(
      `${agency.name}: Eine ausgewählte Unterlage gehört nicht zu diesem Fall oder darf nicht weitergegeben werden (der statistische Erhebungsbogen bleibt beim Statistischen Amt).`,
    );
  }
  // Only checked files go out (routing would refuse the others later).
  const unchecked = versionIds.map((v) => versions.get(v)!).find((v) => v.checkStatus !== "ACCEPTED");
  if (unchecked) {
    throw new Refused(
      unchecked.checkStatus === "PENDING"
        ? `${agency.name}: „${unchecked.filename}“ wird noch geprüft und kann erst nach der Prüfung weitergegeben werden. Bitte versuchen Sie es in einigen Sekunden erneut.`
        : `${agency.name}: „${unchecked.filename}“ wurde bei der Prüfung abgelehnt und kann nicht weitergegeben werden.`,
    );
  }
  const reason = String(sel.reason ?? "").trim() || rule.reason;
  return { agency, rule, deadline, question, versionIds, reason };
}

/**
 * Starts the participation of the selected agencies, all or nothing, in ONE transaction:
 * Participation rows (PENDING) with their shared versions, case status PARTICIPATION, one case
 * event per agency and one routing job per participation in the outbox (job id = participation
 * id, so a replayed row never routes twice). An agency already asked in this case (double click,
 * second submit, two clerks at once) is refused with a message; the unique
 * [applicationId, agencyId, round] backs that up against races.
 */
export async function startParticipation(
  clerk: SessionUser,
  applicationId: string,
  selections: ParticipationSelection[],
  { now = new Date() }: { now?: Date } = {},
): Promise<Result<{ participationIds: string[] }>> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  if (!Array.isArray(selections) || selections.length === 0) {
    return { ok: false, message: "Bitte wählen Sie mindestens eine Stelle aus, die beteiligt werden soll." };
  }
  const ids = selections.map((s) => s.agencyId);
  if (new Set(ids).size !== ids.length) {
    return { ok: false, message: "Jede Stelle kann nur einmal ausgewählt werden." };
  }
  try {
    return await db().$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Application"
        WHERE "id" = ${applicationId}::uuid AND "authorityId" = ${authorityId}::uuid AND "status" <> 'DRAFT'
        FOR UPDATE`;
      if (locked.length === 0) throw new Refused(NOT_FOUND);
      const app = (await loadCase(tx, authorityId, applicationId)) as CaseRow;
      const existing = await tx.participation.findMany({
        where: { applicationId: app.id, round: 1 },
        select: { agencyId: true, closedAt: true, agency: { select: { name: true } } },
      });
      // Checked first: closing moved the case on to DECISION_PENDING, and that is the reason to name.
      if (existing.some((p) => p.closedAt !== null)) {
        throw new Refused("Die Beteiligung zu diesem Fall ist abgeschlossen.");
      }
      if (!checkApplicationTransition("startParticipation", app.status, "authority").ok) {
        throw new Refused(
          "Eine Beteiligung kann erst beginnen, wenn die Vollständigkeit des Antrags bestätigt ist.",
        );
      }
      const agencies = await registeredAgencies(tx, authorityId);
      const suggestions = suggestionsFor(app);
      const versions = await currentVersionIdsOfCase(tx, app.id);

      const created: string[] = [];
      for (const [index, sel] of selections.entries()) {
        const { agency, rule, deadline, question, versionIds, reason } = checkSelection(sel, index, {
          app,
          agencies,
          existing,
          suggestions,
          versions,
          now,
        });
        const silenceIsConsent = rule.silenceIsConsent;
        const consequence = rule.silenceConsequence;

        const participation = await tx.participation.create({
          data: {
            applicationId: app.id,
            agencyId: agency.id,
            round: 1,
            kind: rule.participationKind,
            status: initialParticipationStatus("authority"),
            question,
            reason: reason.slice(0, 2_000),
            legalBasis: rule.legalBasis,
            deadline,
            silenceIsConsent,
            silenceConsequence: consequence.slice(0, 2_000),
            startedById: clerk.id,
            documents: {
              create: versionIds.map((documentVersionId, position) => ({ documentVersionId, position })),
            },
          },
          select: { id: true },
        });
        await appendEvent(tx, {
          applicationId: app.id,
          actorId: clerk.id,
          type: "participation.started",
          payload: {
            participationId: participation.id,
            agencyId: agency.id,
            agencyName: agency.name,
            deadline: deadline.toISOString(),
            documents: versionIds.length,
            kind: rule.participationKind,
          },
        });
        await enqueueInTx(tx, {
          jobName: ROUTE_PACKAGE_JOB,
          jobId: buildJobId(ROUTE_PACKAGE_JOB, participation.id),
          payload: { participationId: participation.id },
        });
        created.push(participation.id);
      }
      await transitionApplication(tx, {
        applicationId: app.id,
        command: "startParticipation",
        from: app.status,
        actor: { kind: "authority", id: clerk.id },
      });
      return { ok: true as const, participationIds: created };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      // A second submit that raced the first past the check above.
      return {
        ok: false,
        message:
          "Diese Stelle ist an diesem Fall bereits beteiligt. Die Beteiligung wurde nicht ein zweites Mal gestartet.",
      };
    }
    throw err;
  }
}

/**
 * Ids of every document version of the case that may be shared (a participation may share an older
 * one on purpose); the statistics forms never are.
 */
/** The case's shareable versions by id, with their upload check status and file name. */
async function currentVersionIdsOfCase(
  tx: Tx,
  applicationId: string,
): Promise<Map<string, { filename: string; checkStatus: string }>> {
  const rows = await tx.documentVersion.findMany({
    where: { document: { applicationId } },
    select: { id: true, filename: true, checkStatus: true, document: { select: { typeCode: true } } },
  });
  return new Map(
    rows
      .filter((r) => !isNeverShared(r.document.typeCode))
      .map((r) => [r.id, { filename: r.filename, checkStatus: r.checkStatus }]),
  );
}

// ---- board ----------------------------------------------------------------------------------------

export interface BoardRow {
  id: string;
  agencyId: string;
  agencyName: string;
  kind: ParticipationKindName;
  kindLabel: string;
  status: string;
  stateLabel: string;
  stateTone: string;
  deadline: Date;
  deadlineDate: string;
  daysLeft: number | null;
  overdue: boolean;
  question: string;
  reason: string;
  legalBasis: string;
  silenceIsConsent: boolean;
  silenceConsequence: string;
  sentAt: Date | null;
  openedAt: Date | null;
  answeredAt: Date | null;
  deemedConsentAt: Date | null;
  closedAt: Date | null;
  /** A refused Einvernehmen/Zustimmung replaced by the Bauaufsicht (Ersetzung). */
  replacedAt: Date | null;
  replacementReasons: string;
  /** Einvernehmen/Zustimmung refused and not replaced: the clerk proposes an Ablehnung or replaces it. */
  consentRefused: boolean;
  documentCount: number;
  statement: {
    outcome: string;
    outcomeLabel: string;
    reasons: string;
    submittedAt: Date;
    /** A Stellungnahme that came in after the deadline ("nicht fristgerecht"). */
    late: boolean;
    conditions: { kind: string; text: string; legalBasis: string | null }[];
  } | null;
  pendingExtensions: { id: string; reason: string; requestedDeadline: Date; createdAt: Date }[];
  files: { id: string; kind: string; kindLabel: string; title: string; href: string }[];
}

/** Every participation of the case for the clerk's board; null when the case is not the clerk's. */
export async function getParticipationBoard(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<BoardRow[] | null> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return null;
  const app = await db().application.findFirst({
    where: { id: applicationId, authorityId },
    select: { id: true },
  });
  if (!app) return null;
  const rows = await db().participation.findMany({
    where: { applicationId: app.id, application: { authorityId } },
    orderBy: [{ kind: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      agencyId: true,
      agency: { select: { name: true } },
      kind: true,
      status: true,
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
      replacedAt: true,
      replacementReasons: true,
      expiredAt: true,
      _count: { select: { documents: true } },
      statement: {
        select: {
          outcome: true,
          reasons: true,
          submittedAt: true,
          conditions: { orderBy: { position: "asc" }, select: { kind: true, text: true, legalBasis: true } },
        },
      },
      extensions: {
        where: { status: "PENDING" },
        orderBy: { createdAt: "asc" },
        select: { id: true, reason: true, requestedDeadline: true, createdAt: true },
      },
      generatedDocuments: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, kind: true, title: true },
      },
    },
  });
  return rows.map((p) => {
    const state = participationState(
      {
        status: p.status,
        deadline: p.deadline,
        closedAt: p.closedAt,
        silenceIsConsent: p.silenceIsConsent,
        hasPendingExtension: p.extensions.length > 0,
        kind: p.kind,
        answeredAt: p.answeredAt,
        replacedAt: p.replacedAt,
        expiredAt: p.expiredAt,
      },
      now,
    );
    const refused = p.status === "ANSWERED" && p.statement?.outcome === "REJECTION";
    return {
      id: p.id,
      agencyId: p.agencyId,
      agencyName: p.agency.name,
      kind: p.kind,
      kindLabel: isConsentKind(p.kind) ? consentNoun(p.kind) : "Stellungnahme",
      status: p.status,
      stateLabel: state.label,
      stateTone: state.tone,
      deadline: p.deadline,
      deadlineDate: berlinDate(p.deadline),
      daysLeft: state.daysLeft,
      overdue: state.overdue,
      question: p.question,
      reason: p.reason,
      legalBasis: p.legalBasis,
      silenceIsConsent: p.silenceIsConsent,
      silenceConsequence: p.silenceConsequence,
      sentAt: p.sentAt,
      openedAt: p.openedAt,
      answeredAt: p.answeredAt,
      deemedConsentAt: p.deemedConsentAt,
      closedAt: p.closedAt,
      replacedAt: p.replacedAt,
      replacementReasons: p.replacementReasons,
      consentRefused: isConsentKind(p.kind) && refused && p.replacedAt === null,
      documentCount: p._count.documents,
      statement: p.statement
        ? {
            outcome: p.statement.outcome,
            outcomeLabel: outcomeLabel(p.kind, p.statement.outcome),
            reasons: p.statement.reasons,
            submittedAt: p.statement.submittedAt,
            late: !isConsentKind(p.kind) && p.statement.submittedAt.getTime() > p.deadline.getTime(),
            conditions: p.statement.conditions,
          }
        : null,
      pendingExtensions: p.extensions,
      files: p.generatedDocuments.map((g) => ({
        id: g.id,
        kind: g.kind,
        kindLabel: GENERATED_KIND_LABELS[g.kind] ?? g.kind,
        title: g.title,
        href: `/erzeugt/${g.id}`,
      })),
    };
  });
}

// ---- a refused Einvernehmen / Zustimmung ---------------------------------------------------------

const REFUSAL_NOT_FOUND = "Diese Beteiligung gibt es in Ihrer Behörde nicht.";
const MAX_REPLACEMENT_REASONS = 8_000;

/** The answered consent participation of the clerk's authority, locked; null when not its own. */
async function lockRefusedConsent(tx: Tx, authorityId: string, participationId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT p."id" FROM "Participation" p
    JOIN "Application" a ON a."id" = p."applicationId"
    WHERE p."id" = ${participationId}::uuid AND a."authorityId" = ${authorityId}::uuid
    FOR UPDATE OF p, a`;
  if (rows.length === 0) return null;
  return tx.participation.findUniqueOrThrow({
    where: { id: participationId },
    select: {
      id: true,
      applicationId: true,
      kind: true,
      status: true,
      replacedAt: true,
      agency: { select: { name: true } },
      statement: { select: { outcome: true } },
      application: { select: { status: true, authority: { select: { landProfile: true } } } },
    },
  });
}

type LockedConsent = NonNullable<Awaited<ReturnType<typeof lockRefusedConsent>>>;

function refusedConsentProblem(p: LockedConsent): string | null {
  if (!isConsentKind(p.kind))
    return "Nur ein versagtes Einvernehmen oder eine versagte Zustimmung wird so behandelt.";
  if (p.status !== "ANSWERED" || p.statement?.outcome !== "REJECTION")
    return `${consentNoun(p.kind)} wurde nicht versagt.`;
  if (p.replacedAt) return `${consentNoun(p.kind)} wurde bereits ersetzt.`;
  if (["DECIDED", "WITHDRAWN", "DEEMED_WITHDRAWN"].includes(p.application.status))
    return "Über den Antrag ist bereits entschieden oder er wurde zurückgenommen.";
  return null;
}

/**
 * Ersetzung of a refused Einvernehmen of the Gemeinde (§ 36 Abs. 2 Satz 3 BauGB with the Land's
 * provision, e.g. § 71 MBO / LBauO M-V): only the Gemeinde's Einvernehmen (another authority's
 * Zustimmung is not the Bauaufsicht's to replace), with the reasons why the refusal is unlawful
 * (the permit, which counts as the Ersatzvornahme, gives them) and — where the Land requires it —
 * the clerk's confirmation that the Gemeinde was heard and could decide again. Recorded as a case
 * event; afterwards the decision may grant the permit.
 */
export async function replaceRefusedConsent(
  clerk: SessionUser,
  participationId: string,
  input: { reasons: string; heard: boolean },
  { now = new Date() }: { now?: Date } = {},
): Promise<Result> {
  const r = await replaceConsent(clerk, participationId, input, now, false);
  return r.ok ? { ok: true } : r;
}

/**
 * Every check of replaceRefusedConsent, nothing written: the confirmation page asks only when the
 * Ersetzung would be recorded, and names whose Einvernehmen it replaces.
 */
export function checkConsentReplacement(
  clerk: SessionUser,
  participationId: string,
  input: { reasons: string; heard: boolean },
  { now = new Date() }: { now?: Date } = {},
): Promise<Result<{ agencyName: string; legalBasis: string }>> {
  return replaceConsent(clerk, participationId, input, now, true);
}

async function replaceConsent(
  clerk: SessionUser,
  participationId: string,
  input: { reasons: string; heard: boolean },
  now: Date,
  dryRun: boolean,
): Promise<Result<{ agencyName: string; legalBasis: string }>> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(participationId)) return { ok: false, message: REFUSAL_NOT_FOUND };
  const reasons = String(input.reasons ?? "")
    .replace(/\r\n/g, "\n")
    .trim();
  try {
    return await db().$transaction(async (tx) => {
      const p = await lockRefusedConsent(tx, authorityId, participationId);
      if (!p) throw new Refused(REFUSAL_NOT_FOUND);
      const problem = refusedConsentProblem(p);
      if (problem) throw new Refused(problem);
      if (p.kind !== "MUNICIPAL_CONSENT")
        throw new Refused(
          "Eine versagte Zustimmung einer anderen Behörde kann die Bauaufsichtsbehörde nicht ersetzen; der Antrag ist abzulehnen oder die Behörde erneut zu beteiligen.",
        );
      const rule = profileOf(p.application.authority.landProfile).deadlines.consentReplacement;
      const legalBasis = localizeLegalBasis(profileOf(p.application.authority.landProfile), rule.legalBasis);
      if (reasons === "")
        throw new Refused(
          `Bitte begründen Sie, warum das Einvernehmen rechtswidrig versagt wurde; die Begründung geht in den Bescheid ein (${legalBasis}).`,
        );
      if (reasons.length > MAX_REPLACEMENT_REASONS)
        throw new Refused(
          `Die Begründung ist zu lang (höchstens ${MAX_REPLACEMENT_REASONS.toLocaleString("de-DE")} Zeichen).`,
        );
      if (rule.hearingRequired && !input.heard)
        throw new Refused(
          `Bitte bestätigen Sie, dass die Gemeinde vor der Ersetzung angehört wurde und Gelegenheit hatte, erneut über ihr Einvernehmen zu entscheiden (${legalBasis}).`,
        );
      // The confirmation page asks only when the act would succeed: every check above, no write.
      if (dryRun) return { ok: true as const, agencyName: p.agency.name, legalBasis };
      await tx.participation.update({
        where: { id: p.id },
        data: { replacedAt: now, replacementReasons: reasons },
      });
      await appendEvent(tx, {
        applicationId: p.applicationId,
        actorId: clerk.id,
        type: "participation.consent-replaced",
        payload: { participationId: p.id, agencyName: p.agency.name, reasons, legalBasis },
      });
      return { ok: true as const, agencyName: p.agency.name, legalBasis };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * The clerk follows a refused Einvernehmen/Zustimmung: the permit cannot be granted, an Ablehnung
 * is proposed (the Bescheid draft opens as Ablehnung). Recorded once per participation.
 */
export async function acceptConsentRefusal(clerk: SessionUser, participationId: string): Promise<Result> {
  const r = await followRefusal(clerk, participationId, false);
  return r.ok ? { ok: true } : r;
}

/** Every check of acceptConsentRefusal, nothing written (for its confirmation page). */
export function checkConsentRefusal(
  clerk: SessionUser,
  participationId: string,
): Promise<Result<{ agencyName: string; noun: string }>> {
  return followRefusal(clerk, participationId, true);
}

async function followRefusal(
  clerk: SessionUser,
  participationId: string,
  dryRun: boolean,
): Promise<Result<{ agencyName: string; noun: string }>> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(participationId)) return { ok: false, message: REFUSAL_NOT_FOUND };
  try {
    return await db().$transaction(async (tx) => {
      const p = await lockRefusedConsent(tx, authorityId, participationId);
      if (!p) throw new Refused(REFUSAL_NOT_FOUND);
      const problem = refusedConsentProblem(p);
      if (problem) throw new Refused(problem);
      const facts = { agencyName: p.agency.name, noun: consentNoun(p.kind) };
      if (dryRun) return { ok: true as const, ...facts };
      const already = await tx.caseEvent.findFirst({
        where: {
          applicationId: p.applicationId,
          type: "participation.refusal-accepted",
          payload: { path: ["participationId"], equals: p.id },
        },
        select: { id: true },
      });
      if (!already) {
        await appendEvent(tx, {
          applicationId: p.applicationId,
          actorId: clerk.id,
          type: "participation.refusal-accepted",
          payload: { participationId: p.id, agencyName: p.agency.name, noun: consentNoun(p.kind) },
        });
      }
      return { ok: true as const, ...facts };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

// ---- extensions and closing ---------------------------------------------------------------------

/** The pending extension with its participation, locked, if the case belongs to the clerk's authority. */
async function lockExtension(tx: Tx, authorityId: string, extensionId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT e."id" FROM "ParticipationExtension" e
    JOIN "Participation" p ON p."id" = e."participationId"
    JOIN "Application" a ON a."id" = p."applicationId"
    WHERE e."id" = ${extensionId}::uuid AND a."authorityId" = ${authorityId}::uuid
    FOR UPDATE OF e, p`;
  if (rows.length === 0) return null;
  return tx.participationExtension.findUniqueOrThrow({
    where: { id: extensionId },
    select: {
      id: true,
      status: true,
      requestedDeadline: true,
      participation: {
        select: {
          id: true,
          applicationId: true,
          agencyId: true,
          status: true,
          deadline: true,
          closedAt: true,
          agency: { select: { name: true } },
        },
      },
    },
  });
}

const EXTENSION_NOT_FOUND = "Diesen Antrag auf Fristverlängerung gibt es nicht.";

/**
 * Grants an agency's request for more time: the participation gets the new deadline (the
 * requested one unless the clerk sets another), reminder and overdue marks start afresh, the
 * case records it and the agency is told.
 */
export async function grantExtension(
  clerk: SessionUser,
  extensionId: string,
  input: { deadline?: string | Date | null; note?: string } = {},
  { now = new Date() }: { now?: Date } = {},
): Promise<ExtensionDecided> {
  return decideExtension(clerk, extensionId, "GRANTED", input, now, false);
}

/** Refuses an agency's request for more time; the deadline stays, the agency is told. */
export async function refuseExtension(
  clerk: SessionUser,
  extensionId: string,
  input: { note?: string } = {},
  { now = new Date() }: { now?: Date } = {},
): Promise<ExtensionDecided> {
  return decideExtension(clerk, extensionId, "REFUSED", input, now, false);
}

/**
 * Every check of grantExtension/refuseExtension, nothing written: the confirmation page asks only
 * when the decision would stand, and names the agency and the deadline that will apply.
 */
export function checkExtensionDecision(
  clerk: SessionUser,
  extensionId: string,
  decision: "GRANTED" | "REFUSED",
  input: { deadline?: string | Date | null; note?: string } = {},
  { now = new Date() }: { now?: Date } = {},
): Promise<ExtensionDecided> {
  return decideExtension(clerk, extensionId, decision, input, now, true);
}

/** The deadline after the decision, the one before and whose it is (named on the confirmation page). */
export type ExtensionDecided = Result<{ deadline: Date; previousDeadline: Date; agencyName: string }>;

/** `dryRun`: every check, no write — the confirmation page asks only when the decision would stand. */
async function decideExtension(
  clerk: SessionUser,
  extensionId: string,
  decision: "GRANTED" | "REFUSED",
  input: { deadline?: string | Date | null; note?: string },
  now: Date,
  dryRun: boolean,
): Promise<ExtensionDecided> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(extensionId)) return { ok: false, message: EXTENSION_NOT_FOUND };
  const note = String(input.note ?? "")
    .trim()
    .slice(0, 2_000);
  try {
    return await db().$transaction(async (tx) => {
      const ext = await lockExtension(tx, authorityId, extensionId);
      if (!ext) throw new Refused(EXTENSION_NOT_FOUND);
      if (ext.status !== "PENDING") throw new Refused("Über diesen Antrag wurde bereits entschieden.");
      const p = ext.participation;
      if (
        p.closedAt ||
        p.status === "ANSWERED" ||
        p.status === "DEEMED_CONSENT" ||
        p.status === "CANCELLED"
      ) {
        throw new Refused(
          "Diese Beteiligung ist bereits erledigt; die Frist kann nicht mehr verlängert werden.",
        );
      }
      let deadline = p.deadline;
      if (decision === "GRANTED") {
        const chosen = input.deadline ? parseDeadline(input.deadline, now) : ext.requestedDeadline;
        if (!chosen || chosen.getTime() <= now.getTime()) {
          throw new Refused("Bitte geben Sie eine neue Frist an, die in der Zukunft liegt.");
        }
        if (chosen.getTime() <= p.deadline.getTime()) {
          throw new Refused("Die neue Frist muss nach der bisherigen Frist liegen.");
        }
        deadline = chosen;
      }
      const facts = { deadline, previousDeadline: p.deadline, agencyName: p.agency.name };
      if (dryRun) return { ok: true as const, ...facts };
      if (decision === "GRANTED") {
        await tx.participation.update({
          where: { id: p.id },
          // A new deadline gets its own reminder; an earlier overdue mark no longer applies.
          data: { deadline, reminderSentAt: null, expiredAt: null },
        });
        await refreshNextDeadline(tx, p.applicationId);
      }
      await tx.participationExtension.update({
        where: { id: ext.id },
        data: { status: decision, decidedById: clerk.id, decidedAt: now, decisionNote: note },
      });
      await appendEvent(tx, {
        applicationId: p.applicationId,
        actorId: clerk.id,
        type: decision === "GRANTED" ? "participation.extension-granted" : "participation.extension-refused",
        payload: {
          participationId: p.id,
          extensionId: ext.id,
          agencyName: p.agency.name,
          deadline: deadline.toISOString(),
          previousDeadline: p.deadline.toISOString(),
        },
      });
      await notifyInTx(tx, "participation.extension-decided", {
        applicationId: p.applicationId,
        actorId: clerk.id,
        scope: ext.id,
        details: {
          agencyId: p.agencyId,
          participationId: p.id,
          granted: decision === "GRANTED",
          deadline: deadline.toISOString(),
          note,
        },
      });
      return { ok: true as const, ...facts };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * Closes the participation of a case: every participation gets closedAt (the agencies keep their
 * statement and package but open no case documents any more; a statement can no longer be given)
 * and a case in PARTICIPATION moves on to DECISION_PENDING ("Entscheidung in Vorbereitung").
 * Idempotent: closing twice changes nothing and records nothing the second time.
 */
export async function closeParticipation(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<Result<{ closed: number }>> {
  const authorityId = participationAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  try {
    return await db().$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string; status: ApplicationStatus }[]>`
        SELECT "id", "status"::text AS "status" FROM "Application"
        WHERE "id" = ${applicationId}::uuid AND "authorityId" = ${authorityId}::uuid AND "status" <> 'DRAFT'
        FOR UPDATE`;
      const app = locked[0];
      if (!app) throw new Refused(NOT_FOUND);
      const open = await tx.participation.findMany({
        where: { applicationId, closedAt: null },
        select: { id: true, status: true },
      });
      if (open.length === 0) {
        const any = await tx.participation.count({ where: { applicationId } });
        if (any === 0) throw new Refused("Zu diesem Fall läuft keine Beteiligung.");
        return { ok: true as const, closed: 0 };
      }
      await tx.participation.updateMany({
        where: { applicationId, closedAt: null },
        data: { closedAt: now },
      });
      // With the agencies heard, the case waits for the decision (a withdrawn case stays withdrawn).
      if (app.status === "PARTICIPATION") {
        await transitionApplication(tx, {
          applicationId,
          command: "closeParticipation",
          from: app.status,
          actor: { kind: "authority", id: clerk.id },
        });
      } else {
        await refreshNextDeadline(tx, applicationId);
      }
      // "Without statement": still open when closed (not answered, not deemed, not cancelled).
      const unanswered = open.filter((p) => PARTICIPATION_STATES[p.status].open);
      await appendEvent(tx, {
        applicationId,
        actorId: clerk.id,
        type: "participation.closed",
        payload: { participations: open.length, withoutStatement: unanswered.length },
      });
      return { ok: true as const, closed: open.length };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/** Days to a deadline for display (re-exported so routes need not import the domain twice). */
export function participationDaysLeft(deadline: Date, now = new Date()): number {
  return daysLeft(deadline, now);
}

// ---- deadlines (called by the deadlines worker) ----------------------------------------------------

/** A routed participation whose deadline the worker claimed (row locked FOR UPDATE by the caller). */
export interface DueParticipation {
  id: string;
  applicationId: string;
  agencyId: string;
  agencyName: string;
  deadline: Date;
  legalBasis: string;
  silenceIsConsent: boolean;
  /** Kind of participation (names what is deemed given); a Stellungnahme when absent. */
  kind?: string;
}

/**
 * Reminder before the deadline: `reminderSentAt` once per deadline (a granted extension clears it),
 * event and the agency's notification. False when another run (or a statement) came first.
 */
export async function remindOfDeadline(tx: Tx, row: DueParticipation, now: Date): Promise<boolean> {
  const { count } = await tx.participation.updateMany({
    where: { id: row.id, reminderSentAt: null, status: { in: AWAITING_STATEMENT_STATUSES }, closedAt: null },
    data: { reminderSentAt: now },
  });
  if (count !== 1) return false;
  const scope = `${row.id}.${row.deadline.getTime()}`;
  await appendEvent(tx, {
    applicationId: row.applicationId,
    actorId: null,
    type: "participation.reminded",
    payload: { participationId: row.id, agencyName: row.agencyName, deadline: row.deadline.toISOString() },
  });
  await notifyInTx(tx, "participation.reminder", {
    applicationId: row.applicationId,
    scope,
    details: {
      agencyId: row.agencyId,
      participationId: row.id,
      deadline: row.deadline.toISOString(),
      silenceIsConsent: row.silenceIsConsent,
      consentNoun: consentNoun(row.kind ?? ""),
    },
  });
  return true;
}

function deadlineDetails(row: DueParticipation) {
  return {
    agencyId: row.agencyId,
    agencyName: row.agencyName,
    participationId: row.id,
    deadline: row.deadline.toISOString(),
    legalBasis: row.legalBasis,
    kind: row.kind ?? "AGENCY_STATEMENT",
    consentNoun: consentNoun(row.kind ?? ""),
  };
}

/**
 * Deemed consent (Fiktion, e.g. § 36 Abs. 2 Satz 2 BauGB): the deadline passed without a statement
 * where silence counts as consent — transition deemConsent (DEEMED_CONSENT, deemedConsentAt),
 * event, clerks and agency told. Guarded: only while still awaiting a statement, not closed and
 * past its (possibly extended) deadline.
 */
export async function applyDeemedConsent(tx: Tx, row: DueParticipation, now: Date): Promise<boolean> {
  const details = deadlineDetails(row);
  return transitionParticipation(tx, {
    participationId: row.id,
    applicationId: row.applicationId,
    command: "deemConsent",
    actor: { kind: "system", id: null },
    where: { closedAt: null, deadline: { lt: now } },
    set: { deemedConsentAt: now, expiredAt: now },
    payload: { ...details, label: `${consentNoun(row.kind ?? "")} gilt als erteilt` },
    notify: { scope: row.id, details },
  });
}

/**
 * Overdue without fiction: `expiredAt` once per deadline (status unchanged: "overdue" is derived,
 * see the schema), event and the clerks told; the clerk decides without the statement or asks again.
 */
export async function markOverdue(tx: Tx, row: DueParticipation, now: Date): Promise<boolean> {
  const { count } = await tx.participation.updateMany({
    where: { id: row.id, status: { in: AWAITING_STATEMENT_STATUSES }, closedAt: null, expiredAt: null },
    data: { expiredAt: now },
  });
  if (count !== 1) return false;
  const details = deadlineDetails(row);
  const scope = `${row.id}.${row.deadline.getTime()}`;
  await appendEvent(tx, {
    applicationId: row.applicationId,
    actorId: null,
    type: "participation.overdue",
    payload: {
      ...details,
      label: "Nicht fristgerecht: keine Stellungnahme bis zum Fristende (keine Fiktion)",
    },
  });
  await notifyInTx(tx, "participation.overdue", { applicationId: row.applicationId, scope, details });
  return true;
}
