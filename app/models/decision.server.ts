import { type ApplicationData, applicationDataSchema } from "~/domain/application-data";
import {
  type ConditionKind,
  DECISION_KIND_LABELS,
  type DecisionKind,
  defaultDecisionKind,
  isApprovableDocumentType,
  isConditionKind,
  isDecisionKind,
  legalRemedyFor,
  permitValidUntil,
  requestedDeviationSkeleton,
} from "~/domain/decision";
import {
  assembleReasons,
  parseReasonTexts,
  REASON_SECTION_KEYS,
  REASON_SECTION_TITLES,
  REASON_TEXT_MAX,
  type ReasonFacts,
  type ReasonTexts,
  reasonsToText,
} from "~/domain/decision-reasons";
import { getDocumentType } from "~/domain/document-types";
import { computeFee, type FeeLine, resolveFeeSchedule } from "~/domain/fees";
import { formatDateNumeric, formatTime } from "~/domain/format";
import { type LandProfile, procedureTypeEntry, resolveProfile } from "~/domain/land-profiles";
import { APPLICATION_TRANSITIONS } from "~/domain/lifecycle";
import { formatPaymentReference, paymentDueDate } from "~/domain/payment";
import { tightHintsFor } from "~/domain/tight-sheets";
import type { ApplicationStatus, Prisma } from "~/generated/prisma/client";
import { authorityScope, isUuid } from "~/models/application.server";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { lockCase } from "~/models/case-lock.server";
import { readableGeneratedWhere } from "~/models/generated-document.server";
import { transitionApplication } from "~/models/lifecycle.server";
import {
  CONSENT_STATE_LABELS,
  consentFacts,
  consentRefusal,
  NON_BLOCKING_OPEN_WHERE,
} from "~/models/participation-consent.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { notFound } from "~/utils/permissions.server";
import { buildJobId } from "~/utils/queue.server";

/**
 * The decision (Bescheid) on the authority side: a draft prefilled from the file, edited with
 * optimistic concurrency, optionally approved by a second clerk (four-eyes), then decided in one
 * transaction that closes the case and queues the rendering of the Bescheid.
 *
 * Every query is scoped to the clerk's authority in its WHERE; a decision or case of another
 * authority is "not found" (404).
 *
 *   (none) --openDraft--> DRAFT --submitForApproval--> AWAITING_APPROVAL --approve--> (approvedAt set)
 *   DRAFT | AWAITING_APPROVAL --updateDraft--> DRAFT (approval cleared)
 *   DRAFT (no four-eyes) | approved --decide--> DECIDED (Application DECIDED)
 */

const NOT_FOUND = "Diesen Fall gibt es nicht oder er gehört nicht zu Ihrer Behörde.";
export const ALREADY_DECIDED = "Für diesen Antrag wurde bereits entschieden.";

/** Application statuses in which a decision may be prepared and made (the file is complete). */
const DECIDABLE: readonly string[] = APPLICATION_TRANSITIONS.decide.from;

const LIMITS = {
  reasons: 20_000,
  legalRemedy: 5_000,
  conditionText: 4_000,
  legalBasis: 300,
  conditionReason: 2_000,
  feeBasisSource: 500,
  conditions: 200,
  deviations: 50,
  deviationText: 2_000,
} as const;

export type DecisionOutcome<T extends object = object> = ({ ok: true } & T) | { ok: false; message: string };

class Refused extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

async function refusable<T extends object>(fn: () => Promise<T>): Promise<DecisionOutcome<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/** The clerk's authority when they may decide; otherwise the caller answers 404. */
function deciderAuthority(clerk: SessionUser): string {
  if (!can(clerk, "decide:application:authority") || !clerk.authorityId) notFound(NOT_FOUND);
  return clerk.authorityId;
}

function readData(data: unknown): ApplicationData {
  const parsed = applicationDataSchema.safeParse(data);
  return parsed.success ? parsed.data : {};
}

/** What decision commands read from the case under its lock (lockCase). */
const decisionCaseSelect = {
  id: true,
  status: true,
  procedureType: true,
  completeAt: true,
  submittedAt: true,
  fileNumber: true,
  data: true,
  title: true,
  authority: {
    select: {
      name: true,
      addressLine: true,
      landProfile: true,
      legalRemedyText: true,
      feeSchedule: true,
      fourEyesDecision: true,
      paymentDueDays: true,
      paymentReferenceFormat: true,
    },
  },
} satisfies Prisma.ApplicationSelect;

function lockDecisionCase(tx: Tx, authorityId: string, applicationId: string) {
  return lockCase(tx, authorityId, applicationId, decisionCaseSelect);
}

type LockedCase = NonNullable<Awaited<ReturnType<typeof lockDecisionCase>>>;

function statusRefusal(app: { status: string; completeAt: Date | null }): string | null {
  if (app.status === "DECIDED") return ALREADY_DECIDED;
  if (app.status === "WITHDRAWN" || app.status === "DEEMED_WITHDRAWN")
    return "Der Antrag wurde zurückgenommen; es kann nicht mehr entschieden werden.";
  if (!app.completeAt || !DECIDABLE.includes(app.status))
    return "Der Antrag ist noch nicht vollständig. Ein Bescheid kann erst vorbereitet und erlassen werden, wenn die Vollständigkeit bestätigt ist.";
  return null;
}

// ---- participations as the decision sees them -----------------------------------------------------

interface ParticipationFacts {
  /** Distinct agencies actually asked (sent or later; not cancelled): charged per participation. */
  chargedCount: number;
  /** Latest round per agency, for the reasons. */
  latest: { agencyName: string; outcome: string; municipal: boolean }[];
  /** The Gemeinde refused its Einvernehmen (latest round). */
  municipalConsentRefused: boolean;
  /** Conditions of the latest answered statement per agency. */
  conditions: {
    id: string;
    kind: ConditionKind;
    text: string;
    legalBasis: string | null;
    sourceLabel: string;
  }[];
}

async function participationFacts(tx: Tx, applicationId: string): Promise<ParticipationFacts> {
  const rows = await tx.participation.findMany({
    where: { applicationId, status: { not: "CANCELLED" } },
    select: {
      agencyId: true,
      kind: true,
      status: true,
      round: true,
      agency: { select: { name: true } },
      statement: {
        select: {
          outcome: true,
          submittedAt: true,
          conditions: {
            select: { id: true, kind: true, text: true, legalBasis: true },
            orderBy: { position: "asc" },
          },
        },
      },
    },
    orderBy: [{ round: "desc" }, { createdAt: "asc" }],
  });
  const seen = new Set<string>();
  const facts: ParticipationFacts = {
    chargedCount: 0,
    latest: [],
    conditions: [],
    municipalConsentRefused: false,
  };
  for (const p of rows) {
    if (seen.has(p.agencyId)) continue; // an earlier round, superseded by the latest
    seen.add(p.agencyId);
    if (p.status !== "PENDING") facts.chargedCount++;
    const outcome =
      p.status === "ANSWERED" && p.statement
        ? p.statement.outcome
        : p.status === "DEEMED_CONSENT"
          ? "DEEMED_CONSENT"
          : "PENDING";
    const municipal = p.kind === "MUNICIPAL_CONSENT";
    facts.latest.push({ agencyName: p.agency.name, outcome, municipal });
    if (municipal && outcome === "REJECTION") facts.municipalConsentRefused = true;
    if (p.status === "ANSWERED" && p.statement) {
      const label = `${p.agency.name}, Stellungnahme vom ${formatDateNumeric(p.statement.submittedAt)}`;
      for (const c of p.statement.conditions) {
        facts.conditions.push({ ...c, sourceLabel: label });
      }
    }
  }
  return facts;
}

function feeFor(app: LockedCase, kind: DecisionKind, costCents: bigint | null, participations: number) {
  const schedule = resolveFeeSchedule(app.authority.landProfile, app.authority.feeSchedule);
  return {
    schedule,
    result: computeFee(schedule, {
      kind,
      procedureType: app.procedureType,
      constructionCostCents: costCents,
      participations,
    }),
  };
}

// ---- the Begründung ---------------------------------------------------------------------------------

function procedureLabelOf(profile: LandProfile, procedureType: string): string {
  try {
    return procedureTypeEntry(profile, procedureType as never).label;
  } catch {
    return procedureType;
  }
}

/** Default source of the fee basis: the Baukosten the application declared. */
export function declaredCostSource(profileId: string): string {
  return profileId === "MV"
    ? "Rohbaukosten laut Bauantrag; anrechenbarer Bauwert nach § 2 BauGebVO M-V"
    : "Baukosten laut Bauantrag";
}

/** What the Begründung is written from: the locked case, the participations and the draft's parts. */
function reasonFactsFor(
  app: LockedCase,
  kind: DecisionKind,
  facts: ParticipationFacts,
  parts: {
    deviations: { text: string; legalBasis?: string | null }[];
    conditions: ReasonFacts["conditions"];
    fee: ReasonFacts["fee"];
  },
): ReasonFacts {
  const data = readData(app.data);
  const profile = resolveProfile(app.authority.landProfile);
  return {
    kind,
    profileId: profile.id,
    procedureType: app.procedureType,
    procedureLabel: procedureLabelOf(profile, app.procedureType),
    projectTitle: app.title,
    submittedAt: app.submittedAt,
    completeAt: app.completeAt,
    formatDate: formatDateNumeric,
    planningArea: data.plot?.planningArea ?? null,
    developmentPlanName: data.plot?.developmentPlanName ?? null,
    use: data.project?.use ?? null,
    participations: facts.latest,
    deviations: parts.deviations,
    conditions: parts.conditions,
    fee: parts.fee,
  };
}

function reasonsTextFor(facts: ReasonFacts, texts: ReasonTexts): string {
  return reasonsToText(assembleReasons(facts, texts));
}

// ---- opening the draft --------------------------------------------------------------------------

/**
 * Opens the decision draft of a case: creates it once, prefilled from the file, or returns the
 * existing one. The case row lock makes two clerks opening it at the same time create one draft.
 */
export async function openDraft(
  clerk: SessionUser,
  applicationId: string,
): Promise<DecisionOutcome<{ decisionId: string; created: boolean }>> {
  const authorityId = deciderAuthority(clerk);
  if (!isUuid(applicationId)) notFound(NOT_FOUND);
  return refusable(() =>
    db().$transaction(async (tx) => {
      const app = await lockDecisionCase(tx, authorityId, applicationId);
      if (!app) notFound(NOT_FOUND);
      const existing = await tx.decision.findUnique({ where: { applicationId }, select: { id: true } });
      if (existing) return { decisionId: existing.id, created: false };
      const refusal = statusRefusal(app);
      if (refusal) throw new Refused(refusal);

      const data = readData(app.data);
      const profile = resolveProfile(app.authority.landProfile);
      const facts = await participationFacts(tx, app.id);
      const kind = defaultDecisionKind(app.procedureType, {
        municipalConsentRefused: facts.municipalConsentRefused,
      });
      const euros = data.project?.estimatedCosts;
      const costCents = typeof euros === "number" ? BigInt(euros) * 100n : null;
      const { result: fee } = feeFor(app, kind, costCents, facts.chargedCount);
      const documents = await latestVersions(tx, app.id);
      const deviations = data.project?.deviationsRequested ? [requestedDeviationSkeleton(profile.id)] : [];
      const feeBasisSource = costCents === null ? null : declaredCostSource(profile.id);
      const reasons = reasonsTextFor(
        reasonFactsFor(app, kind, facts, {
          deviations,
          conditions: facts.conditions,
          fee: {
            totalCents: fee.totalCents,
            constructionCostCents: costCents === null ? null : Number(costCents),
            basisSource: feeBasisSource,
          },
        }),
        {},
      );

      const decision = await tx.decision.create({
        data: {
          applicationId: app.id,
          kind,
          status: "DRAFT",
          draftedById: clerk.id,
          constructionCostCents: costCents,
          feeLines: fee.lines as unknown as Prisma.InputJsonValue,
          feeTotalCents: fee.totalCents,
          deviations: deviations as unknown as Prisma.InputJsonValue,
          legalRemedy: legalRemedyFor(app.authority),
          reasons,
          feeBasisSource,
          conditions: {
            create: facts.conditions.map((c, i) => ({
              position: i + 1,
              kind: c.kind,
              text: c.text,
              legalBasis: c.legalBasis,
              sourceStatementConditionId: c.id,
              sourceLabel: c.sourceLabel,
            })),
          },
          documents: {
            create: documents.map((d, i) => ({
              documentVersionId: d.versionId,
              stamp: d.isPlan,
              position: i + 1,
            })),
          },
        },
        select: { id: true },
      });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "decision.drafted",
        payload: { decisionId: decision.id, kind, conditions: facts.conditions.length },
      });
      return { decisionId: decision.id, created: true };
    }),
  );
}

/** The latest version of every document of the case, plans first (in codelist order). */
/** Why a version that has not passed the upload check cannot be chosen (German, names the file). */
export function uncheckedVersionMessage(v: { filename: string; checkStatus: string }): string {
  return v.checkStatus === "PENDING"
    ? `„${v.filename}“ wird noch geprüft und kann erst nach der Prüfung ausgewählt werden. Bitte versuchen Sie es in einigen Sekunden erneut.`
    : `„${v.filename}“ wurde bei der Prüfung abgelehnt und kann nicht ausgewählt werden.`;
}

async function latestVersions(tx: Tx, applicationId: string) {
  const docs = await tx.document.findMany({
    // Only a file that passed the upload check (checkStatus ACCEPTED) can be approved and stamped.
    where: { applicationId, versions: { some: { checkStatus: "ACCEPTED" } } },
    select: {
      typeCode: true,
      title: true,
      versions: {
        where: { checkStatus: "ACCEPTED" },
        select: { id: true, sha256: true },
        orderBy: { versionNumber: "desc" },
        take: 1,
      },
    },
    orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
  });
  // Only what the Bescheid approves (no statistics form, no Bauvorlageberechtigung), each file
  // once: a file filed under several types counts once, as a plan when it is one anywhere.
  const rows = docs
    .filter((d) => isApprovableDocumentType(d.typeCode))
    .map((d) => ({
      versionId: (d.versions[0] as { id: string }).id,
      sha256: (d.versions[0] as { sha256: string }).sha256,
      isPlan: getDocumentType(d.typeCode)?.isPlan ?? false,
    }));
  const seen = new Set<string>();
  return [...rows.filter((r) => r.isPlan), ...rows.filter((r) => !r.isPlan)]
    .filter((r) => !seen.has(r.sha256) && seen.add(r.sha256) !== undefined)
    .map(({ versionId, isPlan }) => ({ versionId, isPlan }));
}

// ---- reading --------------------------------------------------------------------------------------

function jsonArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export interface Deviation {
  text: string;
  legalBasis: string;
}

/** The draft editor's view of the decision (getDecisionForClerk), kept apart from the case query it nests in. */
const clerkDecisionSelect = {
  id: true,
  kind: true,
  status: true,
  reasons: true,
  reasonSections: true,
  feeBasisSource: true,
  paymentReference: true,
  paymentDueAt: true,
  legalRemedy: true,
  deviations: true,
  constructionCostCents: true,
  feeLines: true,
  feeTotalCents: true,
  version: true,
  submittedForApprovalAt: true,
  approvedAt: true,
  decidedAt: true,
  validUntil: true,
  updatedAt: true,
  draftedBy: { select: { id: true, displayName: true } },
  approvedBy: { select: { id: true, displayName: true } },
  decidedBy: { select: { id: true, displayName: true } },
  conditions: {
    select: {
      id: true,
      position: true,
      kind: true,
      text: true,
      legalBasis: true,
      reason: true,
      sourceLabel: true,
      sourceStatementConditionId: true,
    },
    orderBy: { position: "asc" },
  },
  documents: {
    select: { documentVersionId: true, stamp: true, position: true },
    orderBy: { position: "asc" },
  },
} satisfies Prisma.DecisionSelect;

/** Everything the draft editor shows; null when the case has no decision yet. 404 outside the authority. */
export async function getDecisionForClerk(clerk: SessionUser, applicationId: string) {
  const authorityId = deciderAuthority(clerk);
  if (!isUuid(applicationId)) notFound(NOT_FOUND);
  const app = await db().application.findFirst({
    where: { AND: [{ id: applicationId }, authorityScope(authorityId)] },
    select: {
      id: true,
      title: true,
      fileNumber: true,
      status: true,
      completeAt: true,
      procedureType: true,
      authority: { select: { fourEyesDecision: true, landProfile: true, feeSchedule: true } },
      participations: {
        // Only plain Stellungnahmen may be left out by the clerk; consents are guarded (see consents).
        where: NON_BLOCKING_OPEN_WHERE,
        select: { id: true, agency: { select: { name: true } }, deadline: true },
      },
      documents: {
        // A refused file is never offered; one still being checked is shown as "wird geprüft".
        where: { versions: { some: { checkStatus: { not: "REFUSED" } } } },
        select: {
          id: true,
          typeCode: true,
          title: true,
          versions: {
            where: { checkStatus: { not: "REFUSED" } },
            select: {
              id: true,
              versionNumber: true,
              filename: true,
              sha256: true,
              pageCount: true,
              createdAt: true,
              checkStatus: true,
            },
            orderBy: { versionNumber: "desc" },
          },
        },
        orderBy: [{ typeCode: "asc" }, { createdAt: "asc" }],
      },
      decision: { select: clerkDecisionSelect },
    },
  });
  if (!app) notFound(NOT_FOUND);
  const d = app.decision;
  const facts = await participationFacts(db(), app.id);
  const consents = await consentFacts(db(), app.id);
  return {
    /** What the editor needs to recompute the fee live (the same pure calculator as the server). */
    fee: {
      schedule: resolveFeeSchedule(app.authority.landProfile, app.authority.feeSchedule),
      participations: facts.chargedCount,
    },
    case: {
      id: app.id,
      title: app.title,
      fileNumber: app.fileNumber,
      status: app.status,
      completeAt: app.completeAt,
      procedureType: app.procedureType,
      fourEyes: app.authority.fourEyesDecision,
      landProfile: app.authority.landProfile,
      refusal: statusRefusal(app),
    },
    openParticipations: app.participations.map((p) => ({
      id: p.id,
      agencyName: p.agency.name,
      deadline: p.deadline,
    })),
    /** Einvernehmen/Zustimmungen with their state (for the guard's message and the Bescheid). */
    consents: consents.map((c) => ({ ...c, stateLabel: CONSENT_STATE_LABELS[c.state] })),
    /** Why a permit cannot be issued yet because of a consent (null = nothing blocks). */
    consentBlock: consentRefusal(consents, d?.kind ?? "BAUGENEHMIGUNG"),
    documents: app.documents.map((doc) => ({
      id: doc.id,
      typeCode: doc.typeCode,
      title: doc.title,
      isPlan: getDocumentType(doc.typeCode)?.isPlan ?? false,
      versions: doc.versions,
    })),
    decision: d
      ? {
          ...d,
          constructionCostCents: d.constructionCostCents === null ? null : Number(d.constructionCostCents),
          deviations: jsonArray<Deviation>(d.deviations),
          feeLines: jsonArray<FeeLine>(d.feeLines),
          reasonSections: parseReasonTexts(d.reasonSections),
        }
      : null,
  };
}

// ---- saving the draft ---------------------------------------------------------------------------

export interface ConditionInput {
  /** Id of an existing DecisionCondition (keeps its source); absent for a new one. */
  id?: string | null;
  kind: string;
  text: string;
  legalBasis?: string | null;
  /** Its own reason (purpose, why needed) for the Begründung. */
  reason?: string | null;
}

export interface DraftChanges {
  kind: string;
  /**
   * The clerk's text per section of the Begründung. Absent: `reasons` (an older form's single
   * field) is the Würdigung's text. Either way the sections from the file stay.
   */
  reasonSections?: ReasonTexts;
  reasons?: string;
  /** Source of the fee basis as printed ("Rohbaukosten laut Bauantrag …", "Nachberechnung vom …"). */
  feeBasisSource?: string | null;
  legalRemedy: string;
  deviations: Deviation[];
  /** Baukosten in cents; null = not known. */
  constructionCostCents: number | null;
  conditions: ConditionInput[];
  documents: { documentVersionId: string; stamp: boolean }[];
}

export type UpdateDraftResult =
  | { ok: true; version: number; feeTotalCents: number }
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "conflict"; message: string; currentVersion: number }
  | { ok: false; reason: "not-editable"; message: string };

function validateChanges(c: DraftChanges): string | null {
  if (!isDecisionKind(c.kind)) return "Bitte wählen Sie die Art der Entscheidung.";
  if ((c.reasons ?? "").length > REASON_TEXT_MAX)
    return `Die Begründung ist zu lang (höchstens ${REASON_TEXT_MAX} Zeichen je Abschnitt).`;
  for (const k of REASON_SECTION_KEYS) {
    if ((c.reasonSections?.[k] ?? "").length > REASON_TEXT_MAX)
      return `Begründung, Abschnitt „${REASON_SECTION_TITLES[k]}“: Der Text ist zu lang (höchstens ${REASON_TEXT_MAX} Zeichen).`;
  }
  if ((c.feeBasisSource ?? "").length > LIMITS.feeBasisSource)
    return `Die Quelle des anrechenbaren Bauwerts ist zu lang (höchstens ${LIMITS.feeBasisSource} Zeichen).`;
  if (!c.legalRemedy.trim()) return "Bitte geben Sie die Rechtsbehelfsbelehrung an.";
  if (c.legalRemedy.length > LIMITS.legalRemedy)
    return `Die Rechtsbehelfsbelehrung ist zu lang (höchstens ${LIMITS.legalRemedy} Zeichen).`;
  if (c.constructionCostCents !== null) {
    if (!Number.isSafeInteger(c.constructionCostCents) || c.constructionCostCents < 0)
      return "Bitte geben Sie die Baukosten als Betrag in Euro an, z. B. 350.000,00.";
    if (c.constructionCostCents > 1_000_000_000_000) return "Die Baukosten sind unplausibel hoch.";
  }
  if (c.conditions.length > LIMITS.conditions)
    return `Es sind höchstens ${LIMITS.conditions} Nebenbestimmungen möglich.`;
  for (const [i, cond] of c.conditions.entries()) {
    if (!isConditionKind(cond.kind)) return `Nebenbestimmung ${i + 1}: Bitte wählen Sie die Art.`;
    if (!cond.text.trim()) return `Nebenbestimmung ${i + 1}: Bitte geben Sie den Text ein.`;
    if (cond.text.length > LIMITS.conditionText)
      return `Nebenbestimmung ${i + 1}: Der Text ist zu lang (höchstens ${LIMITS.conditionText} Zeichen).`;
    if ((cond.legalBasis ?? "").length > LIMITS.legalBasis)
      return `Nebenbestimmung ${i + 1}: Die Rechtsgrundlage ist zu lang (höchstens ${LIMITS.legalBasis} Zeichen).`;
    if ((cond.reason ?? "").length > LIMITS.conditionReason)
      return `Nebenbestimmung ${i + 1}: Die Begründung ist zu lang (höchstens ${LIMITS.conditionReason} Zeichen).`;
  }
  if (c.deviations.length > LIMITS.deviations)
    return `Es sind höchstens ${LIMITS.deviations} Abweichungen möglich.`;
  for (const [i, dev] of c.deviations.entries()) {
    if (!dev.text.trim()) return `Abweichung ${i + 1}: Bitte beschreiben Sie die Abweichung.`;
    if (dev.text.length > LIMITS.deviationText)
      return `Abweichung ${i + 1}: Der Text ist zu lang (höchstens ${LIMITS.deviationText} Zeichen).`;
    if (dev.legalBasis.length > LIMITS.legalBasis)
      return `Abweichung ${i + 1}: Die Rechtsgrundlage ist zu lang (höchstens ${LIMITS.legalBasis} Zeichen).`;
  }
  const ids = c.documents.map((d) => d.documentVersionId);
  if (ids.some((id) => !isUuid(id)) || new Set(ids).size !== ids.length)
    return "Die Auswahl der Bauvorlagen ist ungültig.";
  return null;
}

async function conflictMessage(tx: Tx, applicationId: string): Promise<string> {
  const last = await tx.caseEvent.findFirst({
    where: {
      applicationId,
      type: {
        in: [
          "decision.draft-saved",
          "decision.drafted",
          "decision.submitted-for-approval",
          "decision.approved",
        ],
      },
    },
    select: { createdAt: true, actor: { select: { displayName: true } } },
    orderBy: { id: "desc" },
  });
  const who = last?.actor?.displayName ? ` von ${last.actor.displayName}` : "";
  const when = last ? ` am ${formatDateNumeric(last.createdAt)} um ${formatTime(last.createdAt)} Uhr` : "";
  return `Der Entwurf wurde inzwischen${who}${when} geändert. Ihre Eingaben sind unten erhalten; bitte vergleichen Sie sie mit der aktuellen Fassung (neu laden) und speichern Sie erneut.`;
}

/** Loads the decision with its locked case; 404 outside the clerk's authority. */
async function lockDecision(tx: Tx, authorityId: string, decisionId: string) {
  if (!isUuid(decisionId)) notFound(NOT_FOUND);
  const found = await tx.decision.findFirst({
    where: { id: decisionId, application: authorityScope(authorityId) },
    select: { applicationId: true },
  });
  if (!found) notFound(NOT_FOUND);
  const app = await lockDecisionCase(tx, authorityId, found.applicationId);
  if (!app) notFound(NOT_FOUND);
  const decision = await tx.decision.findUniqueOrThrow({
    where: { id: decisionId },
    select: {
      id: true,
      kind: true,
      status: true,
      version: true,
      draftedById: true,
      approvedAt: true,
      approvedById: true,
      legalRemedy: true,
      _count: { select: { documents: true } },
    },
  });
  return { app, decision };
}

/**
 * Why the chosen decisive documents cannot be saved (null = they can): versions of this case
 * only, and only checked files, since only those can be approved and stamped (the worker would
 * refuse the others later).
 */
async function chosenVersionsRefusal(
  tx: Tx,
  applicationId: string,
  documents: DraftChanges["documents"],
): Promise<string | null> {
  const versionIds = documents.map((d) => d.documentVersionId);
  const chosen = await tx.documentVersion.findMany({
    where: { id: { in: versionIds }, document: { applicationId } },
    select: { filename: true, checkStatus: true },
  });
  if (chosen.length !== versionIds.length) return "Die Auswahl der Bauvorlagen ist ungültig.";
  const unchecked = chosen.find((v) => v.checkStatus !== "ACCEPTED");
  return unchecked ? uncheckedVersionMessage(unchecked) : null;
}

type KeptCondition = { sourceStatementConditionId: string | null; sourceLabel: string | null };

/**
 * Writes the draft's conditions and decisive documents as the form has them, inside the save's
 * transaction (after the versioned update succeeded). A condition the form names by id keeps
 * its source (`kept`); anything else is new.
 */
async function replaceConditionsAndDocuments(
  tx: Tx,
  decisionId: string,
  changes: DraftChanges,
  kept: Map<string, KeptCondition>,
): Promise<void> {
  await tx.decisionCondition.deleteMany({ where: { decisionId } });
  await tx.decisionCondition.createMany({
    data: changes.conditions.map((c, i) => {
      const source = c.id ? kept.get(c.id) : undefined;
      return {
        decisionId,
        position: i + 1,
        kind: c.kind as ConditionKind,
        text: c.text.trim(),
        legalBasis: c.legalBasis?.trim() || null,
        reason: c.reason?.trim() || null,
        sourceStatementConditionId: source?.sourceStatementConditionId ?? null,
        sourceLabel: source?.sourceLabel ?? null,
      };
    }),
  });
  await tx.decisionDocument.deleteMany({ where: { decisionId } });
  await tx.decisionDocument.createMany({
    data: changes.documents.map((d, i) => ({
      decisionId,
      documentVersionId: d.documentVersionId,
      stamp: d.stamp,
      position: i + 1,
    })),
  });
}

/**
 * Saves the whole draft (what the editor shows). Only when the draft is still at
 * `expectedVersion`; a stale save changes nothing and says who changed it when (the caller keeps
 * the user's input). Saving clears a submission for approval and an approval: what is decided is
 * what was approved. The fee is recomputed from kind, Baukosten and participations.
 */
export async function updateDraft(
  clerk: SessionUser,
  decisionId: string,
  expectedVersion: number,
  changes: DraftChanges,
): Promise<UpdateDraftResult> {
  const authorityId = deciderAuthority(clerk);
  const invalid = validateChanges(changes);
  if (invalid) return { ok: false, reason: "invalid", message: invalid };
  return db().$transaction(async (tx) => {
    const { app, decision } = await lockDecision(tx, authorityId, decisionId);
    if (decision.status === "DECIDED")
      return { ok: false, reason: "not-editable", message: ALREADY_DECIDED } as const;
    if (decision.version !== expectedVersion)
      return {
        ok: false,
        reason: "conflict",
        message: await conflictMessage(tx, app.id),
        currentVersion: decision.version,
      } as const;

    const badChoice = await chosenVersionsRefusal(tx, app.id, changes.documents);
    if (badChoice) return { ok: false, reason: "invalid", message: badChoice } as const;

    // Existing conditions keep their source; anything else from the form is a new condition.
    const existing = await tx.decisionCondition.findMany({
      where: { decisionId: decision.id },
      select: { id: true, sourceStatementConditionId: true, sourceLabel: true },
    });
    const byId = new Map(existing.map((c) => [c.id, c]));

    const kind = changes.kind as DecisionKind;
    const facts = await participationFacts(tx, app.id);
    const cost = changes.constructionCostCents === null ? null : BigInt(changes.constructionCostCents);
    const { result: fee } = feeFor(app, kind, cost, facts.chargedCount);
    const texts: ReasonTexts = changes.reasonSections
      ? parseReasonTexts(changes.reasonSections)
      : parseReasonTexts({ wuerdigung: changes.reasons ?? "" });
    const feeBasisSource =
      cost === null
        ? null
        : changes.feeBasisSource === undefined
          ? declaredCostSource(resolveProfile(app.authority.landProfile).id)
          : changes.feeBasisSource?.trim() || null;
    const deviations = changes.deviations.map((d) => ({
      text: d.text.trim(),
      legalBasis: d.legalBasis.trim(),
    }));
    const reasons = reasonsTextFor(
      reasonFactsFor(app, kind, facts, {
        deviations,
        conditions: changes.conditions.map((c) => {
          const kept = c.id ? byId.get(c.id) : undefined;
          return {
            kind: c.kind as ConditionKind,
            text: c.text.trim(),
            legalBasis: c.legalBasis?.trim() || null,
            reason: c.reason?.trim() || null,
            sourceLabel: kept?.sourceLabel ?? null,
          };
        }),
        fee: {
          totalCents: fee.totalCents,
          constructionCostCents: cost === null ? null : Number(cost),
          basisSource: feeBasisSource,
        },
      }),
      texts,
    );

    const { count } = await tx.decision.updateMany({
      where: { id: decision.id, version: expectedVersion, status: { not: "DECIDED" } },
      data: {
        kind,
        status: "DRAFT",
        reasons,
        reasonSections: texts as unknown as Prisma.InputJsonValue,
        feeBasisSource,
        legalRemedy: changes.legalRemedy.trim(),
        deviations: deviations as unknown as Prisma.InputJsonValue,
        constructionCostCents: cost,
        feeLines: fee.lines as unknown as Prisma.InputJsonValue,
        feeTotalCents: fee.totalCents,
        draftedById: clerk.id,
        submittedForApprovalAt: null,
        approvedById: null,
        approvedAt: null,
        version: { increment: 1 },
      },
    });
    if (count !== 1)
      return {
        ok: false,
        reason: "conflict",
        message: await conflictMessage(tx, app.id),
        currentVersion: decision.version,
      } as const;

    await replaceConditionsAndDocuments(tx, decision.id, changes, byId);
    const version = expectedVersion + 1;
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: clerk.id,
      type: "decision.draft-saved",
      payload: {
        decisionId: decision.id,
        version,
        kind,
        conditions: changes.conditions.length,
        documents: changes.documents.length,
        feeTotalCents: fee.totalCents,
        ...(decision.approvedAt ? { approvalCleared: true } : {}),
      },
    });
    return { ok: true, version, feeTotalCents: fee.totalCents } as const;
  });
}

// ---- four-eyes ------------------------------------------------------------------------------------

/** DRAFT -> AWAITING_APPROVAL (four-eyes authorities only). The submitter counts as drafter. */
export async function submitForApproval(
  clerk: SessionUser,
  decisionId: string,
  expectedVersion: number,
): Promise<DecisionOutcome<{ version: number }>> {
  const authorityId = deciderAuthority(clerk);
  return refusable(() =>
    db().$transaction(async (tx) => {
      const { app, decision } = await lockDecision(tx, authorityId, decisionId);
      if (!app.authority.fourEyesDecision)
        throw new Refused(
          "Ihre Behörde entscheidet ohne Vier-Augen-Freigabe; der Bescheid kann direkt erlassen werden.",
        );
      if (decision.status === "DECIDED") throw new Refused(ALREADY_DECIDED);
      if (decision.status === "AWAITING_APPROVAL")
        throw new Refused("Der Entwurf liegt bereits zur Freigabe vor.");
      if (decision.version !== expectedVersion) throw new Refused(await conflictMessage(tx, app.id));
      const refusal = statusRefusal(app);
      if (refusal) throw new Refused(refusal);
      await tx.decision.update({
        where: { id: decision.id },
        data: {
          status: "AWAITING_APPROVAL",
          submittedForApprovalAt: new Date(),
          draftedById: clerk.id,
          version: { increment: 1 },
        },
      });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "decision.submitted-for-approval",
        payload: { decisionId: decision.id },
      });
      // Each submission asks anew (scope: the version it was submitted at).
      await notifyInTx(tx, "decision.approval-requested", {
        applicationId: app.id,
        actorId: clerk.id,
        scope: `v${expectedVersion + 1}`,
        jobKey: String(expectedVersion + 1),
        details: { decisionId: decision.id, drafterName: clerk.displayName },
      });
      return { version: expectedVersion + 1 };
    }),
  );
}

/** Approval by a second clerk of the same authority (not the one who drafted / submitted it). */
export async function approve(
  clerk: SessionUser,
  decisionId: string,
  expectedVersion: number,
): Promise<DecisionOutcome<{ version: number }>> {
  const authorityId = deciderAuthority(clerk);
  return refusable(() =>
    db().$transaction(async (tx) => {
      const { app, decision } = await lockDecision(tx, authorityId, decisionId);
      if (decision.status === "DECIDED") throw new Refused(ALREADY_DECIDED);
      if (decision.status !== "AWAITING_APPROVAL")
        throw new Refused("Der Entwurf liegt nicht zur Freigabe vor.");
      if (decision.approvedAt) throw new Refused("Der Entwurf ist bereits freigegeben.");
      if (decision.version !== expectedVersion) throw new Refused(await conflictMessage(tx, app.id));
      if (decision.draftedById === clerk.id)
        throw new Refused(
          "Vier-Augen-Prinzip: Die Freigabe muss eine andere Person erteilen als die, die den Entwurf erstellt und vorgelegt hat.",
        );
      await tx.decision.update({
        where: { id: decision.id },
        data: { approvedById: clerk.id, approvedAt: new Date(), version: { increment: 1 } },
      });
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "decision.approved",
        payload: { decisionId: decision.id },
      });
      await notifyInTx(tx, "decision.approved", {
        applicationId: app.id,
        actorId: clerk.id,
        scope: `v${expectedVersion + 1}`,
        jobKey: String(expectedVersion + 1),
        details: { decisionId: decision.id, approverName: clerk.displayName },
      });
      return { version: expectedVersion + 1 };
    }),
  );
}

// ---- deciding -------------------------------------------------------------------------------------

export interface DecideOptions {
  /** The clerk confirmed deciding although participations still wait for a statement. */
  confirmOpenParticipations?: boolean;
  now?: Date;
}

/**
 * Makes the decision: guards (authority, complete case, participations, four-eyes approval, not
 * yet decided), then in one transaction the decision DECIDED with validity, the case DECIDED,
 * every participation closed (agencies' access to the case documents ends), a history event and
 * the job that renders the Bescheid and the approved plans. A second decide, also a concurrent
 * one, is refused: the case row is locked and the UPDATE only matches an undecided decision.
 */
export async function decide(
  clerk: SessionUser,
  decisionId: string,
  { confirmOpenParticipations = false, now = new Date() }: DecideOptions = {},
): Promise<DecisionOutcome<{ decidedAt: Date; validUntil: Date | null }>> {
  const authorityId = deciderAuthority(clerk);
  return refusable(() =>
    db().$transaction(async (tx) => {
      const { app, decision } = await lockDecision(tx, authorityId, decisionId);
      if (decision.status === "DECIDED") throw new Refused(ALREADY_DECIDED);
      const refusal = statusRefusal(app);
      if (refusal) throw new Refused(refusal);
      // Einvernehmen (§ 36 BauGB) and Zustimmungen required by law: no permit while one is
      // outstanding and not deemed given, or refused and not replaced; no "decide without" for them.
      const consents = await consentFacts(tx, app.id, { now, applyDueFictions: true });
      const consentProblem = consentRefusal(consents, decision.kind);
      if (consentProblem) throw new Refused(consentProblem);
      const open = await tx.participation.findMany({
        where: { applicationId: app.id, ...NON_BLOCKING_OPEN_WHERE },
        select: { agency: { select: { name: true } } },
      });
      if (open.length > 0 && !confirmOpenParticipations) {
        throw new Refused(
          `Es stehen noch Stellungnahmen aus (${open.map((p) => p.agency.name).join(", ")}). ` +
            "Warten Sie sie ab oder bestätigen Sie ausdrücklich, dass ohne sie entschieden wird.",
        );
      }
      if (
        app.authority.fourEyesDecision &&
        !(decision.status === "AWAITING_APPROVAL" && decision.approvedAt)
      ) {
        throw new Refused(
          "Vier-Augen-Prinzip: Der Bescheid muss vor dem Erlass von einer zweiten Person freigegeben werden.",
        );
      }
      const kind = decision.kind as DecisionKind;
      if (kind !== "ABLEHNUNG" && decision._count.documents === 0)
        throw new Refused(
          "Bitte wählen Sie die maßgeblichen Bauvorlagen aus, bevor Sie den Bescheid erlassen.",
        );
      if (!decision.legalRemedy.trim()) throw new Refused("Bitte geben Sie die Rechtsbehelfsbelehrung an.");

      const validUntil = permitValidUntil(app.authority.landProfile, kind, now);
      const payment = await assignPaymentReference(tx, authorityId, app.authority, now);
      const { count } = await tx.decision.updateMany({
        where: { id: decision.id, status: { not: "DECIDED" } },
        data: {
          status: "DECIDED",
          decidedAt: now,
          decidedById: clerk.id,
          validUntil,
          paymentReference: payment.reference,
          paymentDueAt: payment.dueAt,
          version: { increment: 1 },
        },
      });
      if (count !== 1) throw new Refused(ALREADY_DECIDED);
      const closed = await tx.participation.updateMany({
        where: { applicationId: app.id, closedAt: null },
        data: { closedAt: now },
      });
      const moved = await transitionApplication(tx, {
        applicationId: app.id,
        command: "decide",
        from: app.status as ApplicationStatus,
        actor: { kind: "authority", id: clerk.id },
        payload: {
          decisionId: decision.id,
          kind,
          kindLabel: DECISION_KIND_LABELS[kind],
          decidedAt: now.toISOString(),
          validUntil: validUntil?.toISOString() ?? null,
          participationsClosed: closed.count,
          ...(open.length > 0 ? { withoutStatements: open.map((p) => p.agency.name) } : {}),
        },
        jobs: [
          {
            jobName: "documents.render-decision",
            jobId: buildJobId("documents.render-decision", decision.id),
            payload: { decisionId: decision.id },
          },
        ],
      });
      // Rolls back the participations closed above as well.
      if (!moved) throw new Refused(ALREADY_DECIDED);
      return { decidedAt: now, validUntil };
    }),
  );
}

/**
 * The next Kassenzeichen of the authority (its format, a counter per year, row-locked by the
 * upsert like the Aktenzeichen) and the due date. In the decide transaction: a rolled-back
 * decision gives its number back.
 */
async function assignPaymentReference(
  tx: Tx,
  authorityId: string,
  authority: { paymentReferenceFormat: string; paymentDueDays: number },
  now: Date,
): Promise<{ reference: string; dueAt: Date }> {
  const year = Number(formatDateNumeric(now).slice(-4));
  const counter = await tx.paymentReferenceCounter.upsert({
    where: { authorityId_year: { authorityId, year } },
    create: { authorityId, year, lastValue: 1 },
    update: { lastValue: { increment: 1 } },
    select: { lastValue: true },
  });
  let reference: string;
  try {
    reference = formatPaymentReference(authority.paymentReferenceFormat, year, counter.lastValue);
  } catch {
    throw new Refused(
      "Das Format des Kassenzeichens Ihrer Behörde ist ungültig. Bitte lassen Sie es in der Verwaltung (Bescheide) korrigieren.",
    );
  }
  return { reference, dueAt: paymentDueDate(now, authority.paymentDueDays) };
}

// ---- applicant side -------------------------------------------------------------------------------

/**
 * The decision as the applicant side sees it once decided (null before): kind, dates and the
 * generated files of the decision they may read (CASE audience; access by readableGeneratedWhere).
 */
export async function getDecidedDecision(user: SessionUser, applicationId: string, client: Tx = db()) {
  if (!isUuid(applicationId)) return null;
  const scopes = readableGeneratedWhere(user);
  if (scopes.length === 0) return null;
  const decision = await client.decision.findFirst({
    where: {
      applicationId,
      status: "DECIDED",
      // The same scopes that guard the files guard the decision itself (members of the case, its clerks).
      application: {
        OR: scopes.flatMap((s) => (s.application ? [s.application as Prisma.ApplicationWhereInput] : [])),
      },
    },
    select: {
      id: true,
      kind: true,
      decidedAt: true,
      validUntil: true,
      application: { select: { authorityId: true } },
    },
  });
  if (!decision) return null;
  // Sheets without room for the stamp are the clerk's to check (issue 13 item 5); the applicant
  // side gets the file, not the internal note.
  const clerkOfCase =
    can(user, "read:application:authority") && user.authorityId === decision.application.authorityId;
  const files = await client.generatedDocument.findMany({
    where: { decisionId: decision.id, OR: scopes },
    select: {
      id: true,
      kind: true,
      title: true,
      filename: true,
      sizeBytes: true,
      sha256: true,
      createdAt: true,
      tightSheets: true,
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return {
    id: decision.id,
    kind: decision.kind,
    kindLabel: DECISION_KIND_LABELS[decision.kind as DecisionKind] ?? decision.kind,
    decidedAt: decision.decidedAt,
    validUntil: decision.validUntil,
    files: files.map(({ tightSheets, ...f }) => ({
      ...f,
      sizeBytes: Number(f.sizeBytes),
      href: `/erzeugt/${f.id}`,
      tightHints: clerkOfCase ? tightHintsFor(f.kind, tightSheets) : [],
    })),
  };
}
