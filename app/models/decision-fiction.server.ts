import {
  checkReplacementNotice,
  type DecisionCircumstances,
  decisionDeadline,
  decisionDeadlineNote,
} from "~/domain/deadlines";
import { resolveProfile } from "~/domain/land-profiles";
import { APPLICATION_STATES } from "~/domain/lifecycle";
import { authorityScope, isUuid } from "~/models/application.server";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { lockCase } from "~/models/case-lock.server";
import { refreshNextDeadline } from "~/models/next-deadline.server";
import { consentFacts } from "~/models/participation-consent.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * The exceptions to the decision deadline and its Genehmigungsfiktion that depend on the case, as
 * the Land profile sets them (M-V: § 63 Abs. 2 Sätze 3 and 4 LBauO M-V; the MBO model has none):
 *
 * - the Mitteilung to the Bauherr, within the deadline, that the Gemeinde refused its Einvernehmen
 *   and the Ersetzung is to follow: recorded as the case event `decision.replacement-notice-sent`;
 *   from then on no fiction runs (the deadline stays);
 * - "Verbandsbeteiligung erforderlich", set by the clerk and recorded as the case event
 *   `application.association-participation`: no decision deadline (`decisionDueAt` null) and so no
 *   fiction while it is set.
 *
 * The case events are the record (with date and clerk); `decisionCircumstances` reads them back for
 * the computation in app/domain/deadlines.ts.
 */

const NOT_FOUND = "Diesen Fall gibt es nicht oder er gehört nicht zu Ihrer Behörde.";

export type FictionResult = { ok: true } | { ok: false; message: string };

const caseSelect = {
  id: true,
  status: true,
  procedureType: true,
  completeAt: true,
  decisionDueAt: true,
  authority: { select: { landProfile: true } },
} as const;

/** The recorded circumstances of a case (latest event of each kind). */
export async function decisionCircumstances(tx: Tx, applicationId: string): Promise<DecisionCircumstances> {
  const notice = await tx.caseEvent.findFirst({
    where: { applicationId, type: "decision.replacement-notice-sent" },
    orderBy: { id: "desc" },
    select: { payload: true },
  });
  const association = await tx.caseEvent.findFirst({
    where: { applicationId, type: "application.association-participation" },
    orderBy: { id: "desc" },
    select: { payload: true },
  });
  const sentAt = (notice?.payload as { sentAt?: string } | null)?.sentAt;
  return {
    associationParticipationRequired:
      (association?.payload as { required?: boolean } | null)?.required === true,
    replacementNoticeAt: sentAt ? new Date(sentAt) : null,
  };
}

export interface DecisionFictionView {
  circumstances: DecisionCircumstances;
  /** What the deadline display says (German), or null. */
  note: string | null;
  /** The profile knows the Mitteilung of § 63 Abs. 2 Satz 3 for this case's procedure. */
  noticeAvailable: boolean;
  /** The profile knows the Verbandsbeteiligung rule of § 63 Abs. 2 Satz 4 for this procedure. */
  associationAvailable: boolean;
}

/** For the case page: the circumstances, the note for the deadline display and what may be recorded. */
export async function getDecisionFiction(
  tx: Tx,
  app: { id: string; procedureType: string; landProfile: string | null },
): Promise<DecisionFictionView> {
  const circumstances = await decisionCircumstances(tx, app.id);
  const profile = resolveProfile(app.landProfile);
  const rule = profile.deadlines.decision;
  const applies = !!rule && (rule.procedureTypes as readonly string[]).includes(app.procedureType);
  return {
    circumstances,
    note: decisionDeadlineNote(profile, app.procedureType, circumstances),
    noticeAvailable: applies && !!rule?.fiction && !!rule.replacementNoticeExcludesFiction,
    associationAvailable: applies && !!rule?.associationParticipationExcludesDeadline,
  };
}

/** The clerk's authority (same rule as the review commands), or null. */
function reviewerAuthority(clerk: SessionUser): string | null {
  if (!can(clerk, "review:application:authority") || !clerk.authorityId) return null;
  return clerk.authorityId;
}

class Refused extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

function running(status: keyof typeof APPLICATION_STATES): boolean {
  return APPLICATION_STATES[status].deadlinesRun;
}

/**
 * Sends (records) the Mitteilung of § 63 Abs. 2 Satz 3 LBauO M-V: only where the profile has the
 * rule, the file is complete, the Gemeinde refused its Einvernehmen, and before the end of the
 * deadline of Satz 1 Halbsatz 1. Once sent, a second call changes nothing.
 */
export async function sendReplacementNotice(
  clerk: SessionUser,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<FictionResult> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockCase(tx, authorityId, applicationId, caseSelect);
      if (!app) throw new Refused(NOT_FOUND);
      if (!running(app.status))
        throw new Refused("Über diesen Antrag ist bereits entschieden oder das Verfahren ist beendet.");
      const circumstances = await decisionCircumstances(tx, app.id);
      if (circumstances.replacementNoticeAt) return { ok: true as const };
      if (circumstances.associationParticipationRequired) {
        throw new Refused(
          "Für diesen Fall läuft keine Entscheidungsfrist (Verbandsbeteiligung erforderlich).",
        );
      }
      const check = checkReplacementNotice(app.authority.landProfile, app.procedureType, app.completeAt, now);
      if (!check.ok) throw new Refused(check.message);
      const refused = (await consentFacts(tx, app.id)).find(
        (f) => f.kind === "MUNICIPAL_CONSENT" && (f.state === "VERSAGT" || f.state === "ERSETZT"),
      );
      if (!refused) {
        throw new Refused("Die Mitteilung setzt voraus, dass die Gemeinde ihr Einvernehmen versagt hat.");
      }
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "decision.replacement-notice-sent",
        payload: {
          participationId: refused.participationId,
          agencyName: refused.agencyName,
          sentAt: now.toISOString(),
          legalBasis: check.legalBasis,
          decisionDueAt: app.decisionDueAt?.toISOString() ?? null,
        },
      });
      // The Mitteilung reaches the applicant side in the app (and by mail when configured), in the
      // words of the statute; once per case (the event above is written once).
      await notifyInTx(tx, "decision.replacement-notice", {
        applicationId: app.id,
        actorId: clerk.id,
        details: {
          legalBasis: check.legalBasis,
          agencyName: refused.agencyName,
          replacementBasis: resolveProfile(app.authority.landProfile).deadlines.consentReplacement.legalBasis,
        },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

/**
 * Records whether Verbände must take part (§ 63 Abs. 2 Satz 4 LBauO M-V) and sets the decision
 * deadline accordingly: none while they must, else the deadline from completeness again.
 */
export async function setAssociationParticipation(
  clerk: SessionUser,
  applicationId: string,
  required: boolean,
): Promise<FictionResult> {
  const authorityId = reviewerAuthority(clerk);
  if (!authorityId || !isUuid(applicationId)) return { ok: false, message: NOT_FOUND };
  try {
    return await db().$transaction(async (tx) => {
      const app = await lockCase(tx, authorityId, applicationId, caseSelect);
      if (!app) throw new Refused(NOT_FOUND);
      if (!running(app.status))
        throw new Refused("Über diesen Antrag ist bereits entschieden oder das Verfahren ist beendet.");
      const profile = resolveProfile(app.authority.landProfile);
      const rule = profile.deadlines.decision;
      const basis =
        rule && (rule.procedureTypes as readonly string[]).includes(app.procedureType)
          ? rule.associationParticipationExcludesDeadline
          : undefined;
      if (!basis) {
        throw new Refused(
          "Für dieses Verfahren läuft keine Entscheidungsfrist, die eine Verbandsbeteiligung ausschließen könnte.",
        );
      }
      const circumstances = await decisionCircumstances(tx, app.id);
      if (circumstances.associationParticipationRequired === required) return { ok: true as const };
      const next = { ...circumstances, associationParticipationRequired: required };
      const decisionDueAt = app.completeAt
        ? (decisionDeadline(profile, app.procedureType, app.completeAt, next)?.dueAt ?? null)
        : null;
      await tx.application.update({ where: { id: app.id }, data: { decisionDueAt } });
      await refreshNextDeadline(tx, app.id);
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: clerk.id,
        type: "application.association-participation",
        payload: {
          required,
          legalBasis: basis.legalBasis,
          decisionDueAt: decisionDueAt?.toISOString() ?? null,
        },
      });
      return { ok: true as const };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, message: err.userMessage };
    throw err;
  }
}

export interface DecisionFictionControls {
  /** What the deadline display says about the deadline and its fiction, or null. */
  note: string | null;
  /** Verbandsbeteiligung can be recorded for this case (profile rule, procedure still running). */
  association: { required: boolean; legalBasis: string } | null;
  /**
   * The Mitteilung of § 63 Abs. 2 Satz 3: null where the profile has no such rule; `sentAt` once
   * sent; `possible` while it may be sent now (refused Einvernehmen, within the deadline).
   */
  notice: { sentAt: Date | null; possible: boolean; dueAt: Date | null; legalBasis: string } | null;
}

/** For the clerk's case page: the note and the controls, scoped to the clerk's authority (null: not found). */
export async function getDecisionFictionControls(
  authorityId: string,
  applicationId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<DecisionFictionControls | null> {
  if (!isUuid(applicationId)) return null;
  const tx = db();
  const app = await tx.application.findFirst({
    where: { AND: [{ id: applicationId }, authorityScope(authorityId)] },
    select: caseSelect,
  });
  if (!app) return null;
  const profile = resolveProfile(app.authority.landProfile);
  const rule = profile.deadlines.decision;
  const applies = !!rule && (rule.procedureTypes as readonly string[]).includes(app.procedureType);
  const circumstances = await decisionCircumstances(tx, app.id);
  const live = running(app.status);
  const assocBasis = applies ? rule?.associationParticipationExcludesDeadline : undefined;
  const noticeBasis = applies && rule?.fiction ? rule.replacementNoticeExcludesFiction : undefined;
  let notice: DecisionFictionControls["notice"] = null;
  if (noticeBasis) {
    const check = checkReplacementNotice(profile, app.procedureType, app.completeAt, now);
    const refused =
      live &&
      check.ok &&
      !circumstances.replacementNoticeAt &&
      !circumstances.associationParticipationRequired
        ? (await consentFacts(tx, app.id)).some(
            (f) => f.kind === "MUNICIPAL_CONSENT" && (f.state === "VERSAGT" || f.state === "ERSETZT"),
          )
        : false;
    notice = {
      sentAt: circumstances.replacementNoticeAt ?? null,
      possible: refused,
      dueAt: check.ok ? check.dueAt : null,
      legalBasis: noticeBasis.legalBasis,
    };
  }
  return {
    note: decisionDeadlineNote(profile, app.procedureType, circumstances),
    association:
      assocBasis && live
        ? {
            required: circumstances.associationParticipationRequired === true,
            legalBasis: assocBasis.legalBasis,
          }
        : null,
    notice,
  };
}
