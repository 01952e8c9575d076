import type { ApplicationStatus, ParticipationStatus } from "~/generated/prisma/enums";
import type { CaseEventType } from "./case-events";

/**
 * The case lifecycle in one place: which command moves an application (or a participation) from
 * which status to which, who may issue it, which case event it records and which deadlines it
 * starts or stops. Pure data plus two checks; `app/models/lifecycle.server.ts` applies a transition
 * in the caller's transaction (status write, event, next deadline, follow-up jobs).
 *
 * The enum types come from Prisma's generated `enums.ts` as a type-only import (erased at build
 * time), so this file stays free of Node and database code. The per-status tables below are
 * `Record<Status, …>`: a status added to the schema is a compile error here until someone decides
 * what it means for deadlines and for the inbox.
 */

/** Who issues a command: the applicant side, the Bauaufsicht, an agency/Gemeinde, or a worker. */
export type LifecycleActor = "applicant" | "authority" | "agency" | "system";

/** The deadlines a case can run (`Application.nextDeadlineAt` is the nearest of them). */
export type DeadlineKind = "request" | "decision" | "participation";

export interface Transition<S extends string> {
  /** Statuses the command starts from; empty = the command creates the row. */
  from: readonly S[];
  to: S;
  by: readonly LifecycleActor[];
  /** The case event the transition records; null where the caller records a more specific one. */
  event: CaseEventType | null;
  starts?: readonly DeadlineKind[];
  stops?: readonly DeadlineKind[];
  /** German description (docs, diagram, refusals). */
  label: string;
}

// ---- application -------------------------------------------------------------------------------

export interface ApplicationStateInfo {
  /** Deadlines run (nextDeadlineAt is computed); false = the procedure has ended. */
  deadlinesRun: boolean;
}

export const APPLICATION_STATES = {
  DRAFT: { deadlinesRun: false },
  SUBMITTED: { deadlinesRun: true },
  IN_REVIEW: { deadlinesRun: true },
  INCOMPLETE: { deadlinesRun: true },
  COMPLETE: { deadlinesRun: true },
  PARTICIPATION: { deadlinesRun: true },
  DECISION_PENDING: { deadlinesRun: true },
  DECIDED: { deadlinesRun: false },
  WITHDRAWN: { deadlinesRun: false },
  DEEMED_WITHDRAWN: { deadlinesRun: false },
} as const satisfies Record<ApplicationStatus, ApplicationStateInfo>;

export const APPLICATION_STATUSES = Object.keys(APPLICATION_STATES) as ApplicationStatus[];

const reviewable = ["SUBMITTED", "IN_REVIEW"] as const satisfies readonly ApplicationStatus[];
const decidable = [
  "COMPLETE",
  "PARTICIPATION",
  "DECISION_PENDING",
] as const satisfies readonly ApplicationStatus[];

export const APPLICATION_TRANSITIONS = {
  create: {
    from: [],
    to: "DRAFT",
    // The authority creates one when it receives an application as XBau 0200 (then receiveXbau).
    by: ["applicant", "authority"],
    event: "application.created",
    label: "Antrag anlegen",
  },
  submit: {
    from: ["DRAFT"],
    to: "SUBMITTED",
    by: ["applicant"],
    event: "application.submitted",
    label: "Einreichen",
  },
  receiveXbau: {
    // An application received as XBau 0200 (imported by the authority): created as a draft and
    // received in the same transaction, like a submission.
    from: ["DRAFT"],
    to: "SUBMITTED",
    by: ["authority"],
    event: "application.submitted",
    label: "Antrag per XBau empfangen",
  },
  receiveOffline: {
    // An application received on paper or by e-mail, registered by a clerk (paper-intake.server.ts):
    // created as a draft and received in the same transaction, with the Eingangsdatum as submittedAt.
    from: ["DRAFT"],
    to: "SUBMITTED",
    by: ["authority"],
    event: "application.submitted",
    label: "Antrag aus Papier- oder E-Mail-Eingang erfassen",
  },
  startReview: {
    from: ["SUBMITTED"],
    to: "IN_REVIEW",
    by: ["authority"],
    event: "review.started",
    label: "Vollständigkeitsprüfung beginnen",
  },
  sendRequest: {
    from: reviewable,
    to: "INCOMPLETE",
    by: ["authority"],
    event: "request.sent",
    starts: ["request"],
    label: "Nachforderung senden",
  },
  answerRequest: {
    from: ["INCOMPLETE"],
    to: "IN_REVIEW",
    by: ["applicant"],
    event: "request.answered",
    stops: ["request"],
    label: "Nachreichen",
  },
  closeRequest: {
    from: ["INCOMPLETE"],
    to: "IN_REVIEW",
    by: ["authority"],
    // "request.closed" is recorded by the caller also when the case was no longer INCOMPLETE.
    event: null,
    stops: ["request"],
    label: "Nachforderung schließen",
  },
  confirmComplete: {
    from: reviewable,
    to: "COMPLETE",
    by: ["authority"],
    event: "application.complete",
    starts: ["decision"],
    label: "Vollständigkeit bestätigen",
  },
  startParticipation: {
    // PARTICIPATION -> PARTICIPATION: more agencies asked while the first ones are still running.
    from: ["COMPLETE", "PARTICIPATION"],
    to: "PARTICIPATION",
    by: ["authority"],
    // One "participation.started" per agency (PARTICIPATION_TRANSITIONS.request).
    event: null,
    starts: ["participation"],
    label: "Beteiligung starten",
  },
  closeParticipation: {
    from: ["PARTICIPATION"],
    to: "DECISION_PENDING",
    by: ["authority"],
    // "participation.closed" is recorded also for a withdrawn case whose participations are closed.
    event: null,
    stops: ["participation"],
    label: "Beteiligung abschließen",
  },
  decide: {
    from: decidable,
    to: "DECIDED",
    by: ["authority"],
    event: "decision.decided",
    stops: ["decision", "participation"],
    label: "Bescheid erlassen",
  },
  withdraw: {
    from: ["SUBMITTED", "IN_REVIEW", "INCOMPLETE", "COMPLETE", "PARTICIPATION", "DECISION_PENDING"],
    to: "WITHDRAWN",
    by: ["applicant"],
    event: "application.withdrawn",
    stops: ["request", "decision", "participation"],
    label: "Antrag zurücknehmen",
  },
  declareDeemedWithdrawn: {
    from: ["INCOMPLETE"],
    to: "DEEMED_WITHDRAWN",
    by: ["authority"],
    event: "application.deemed-withdrawn",
    stops: ["request", "decision", "participation"],
    label: "Antrag gilt als zurückgenommen",
  },
} as const satisfies Record<string, Transition<ApplicationStatus>>;

export type ApplicationCommand = keyof typeof APPLICATION_TRANSITIONS;

/** Statuses from which the applicant side may still withdraw (before the decision). */
export const WITHDRAWABLE_STATUSES: readonly ApplicationStatus[] = APPLICATION_TRANSITIONS.withdraw.from;

// ---- participation -----------------------------------------------------------------------------

export interface ParticipationStateInfo {
  /** Still open: its deadline counts for the case (not answered, not deemed, not cancelled). */
  open: boolean;
  /** Routed to the agency and not answered: the agency may answer, remind, deem consent. */
  awaitingStatement: boolean;
  /** The agency sees it in its portal. */
  visibleToAgency: boolean;
}

export const PARTICIPATION_STATES = {
  PENDING: { open: true, awaitingStatement: false, visibleToAgency: false },
  SENT: { open: true, awaitingStatement: true, visibleToAgency: true },
  OPENED: { open: true, awaitingStatement: true, visibleToAgency: true },
  ANSWERED: { open: false, awaitingStatement: false, visibleToAgency: true },
  DEEMED_CONSENT: { open: false, awaitingStatement: false, visibleToAgency: true },
  CANCELLED: { open: false, awaitingStatement: false, visibleToAgency: false },
} as const satisfies Record<ParticipationStatus, ParticipationStateInfo>;

export const PARTICIPATION_STATUSES = Object.keys(PARTICIPATION_STATES) as ParticipationStatus[];

type StatusWhere<T, K extends keyof T[keyof T]> = {
  [S in keyof T]: T[S][K] extends true ? S : never;
}[keyof T];

/** The "still open" participations (deadline running); the one definition, also used in raw SQL. */
export const OPEN_PARTICIPATION_STATUSES = PARTICIPATION_STATUSES.filter(
  (s) => PARTICIPATION_STATES[s].open,
) as StatusWhere<typeof PARTICIPATION_STATES, "open">[];
/** Routed and not answered: the agency may give its statement. */
export const AWAITING_STATEMENT_STATUSES = PARTICIPATION_STATUSES.filter(
  (s) => PARTICIPATION_STATES[s].awaitingStatement,
) as StatusWhere<typeof PARTICIPATION_STATES, "awaitingStatement">[];
export const AGENCY_VISIBLE_PARTICIPATION_STATUSES = PARTICIPATION_STATUSES.filter(
  (s) => PARTICIPATION_STATES[s].visibleToAgency,
) as StatusWhere<typeof PARTICIPATION_STATES, "visibleToAgency">[];
/** Application statuses in which no deadline runs (nextDeadlineAt is null). */
export const ENDED_APPLICATION_STATUSES = APPLICATION_STATUSES.filter(
  (s) => s !== "DRAFT" && !APPLICATION_STATES[s].deadlinesRun,
);

export const PARTICIPATION_TRANSITIONS = {
  request: {
    from: [],
    to: "PENDING",
    by: ["authority"],
    event: "participation.started",
    starts: ["participation"],
    label: "Stelle beteiligen",
  },
  route: {
    from: ["PENDING"],
    to: "SENT",
    by: ["system"],
    event: "participation.sent",
    label: "Beteiligungspaket zustellen",
  },
  cancel: {
    from: ["PENDING"],
    to: "CANCELLED",
    by: ["system"],
    event: "participation.cancelled",
    stops: ["participation"],
    label: "Nicht versenden (Antrag zurückgenommen)",
  },
  open: {
    from: ["SENT"],
    to: "OPENED",
    by: ["agency"],
    event: "participation.opened",
    label: "Beteiligung öffnen",
  },
  answer: {
    from: AWAITING_STATEMENT_STATUSES,
    to: "ANSWERED",
    by: ["agency"],
    event: "participation.answered",
    stops: ["participation"],
    label: "Stellungnahme abgeben",
  },
  deemConsent: {
    from: AWAITING_STATEMENT_STATUSES,
    to: "DEEMED_CONSENT",
    by: ["system"],
    event: "participation.deemed-consent",
    stops: ["participation"],
    label: "Zustimmung bzw. Einvernehmen gilt als erteilt (Fristablauf)",
  },
} as const satisfies Record<string, Transition<ParticipationStatus>>;

export type ParticipationCommand = keyof typeof PARTICIPATION_TRANSITIONS;

// ---- checks ------------------------------------------------------------------------------------

export type TransitionCheck = { ok: true } | { ok: false; reason: "state" | "actor" };

function check<S extends string>(t: Transition<S>, from: S | null, actor: LifecycleActor): TransitionCheck {
  if (!t.by.includes(actor)) return { ok: false, reason: "actor" };
  const allowed = from === null ? t.from.length === 0 : t.from.includes(from);
  return allowed ? { ok: true } : { ok: false, reason: "state" };
}

/** May `actor` issue `command` on an application in status `from` (null = not created yet)? */
export function checkApplicationTransition(
  command: ApplicationCommand,
  from: ApplicationStatus | null,
  actor: LifecycleActor,
): TransitionCheck {
  return check<ApplicationStatus>(APPLICATION_TRANSITIONS[command], from, actor);
}

export function checkParticipationTransition(
  command: ParticipationCommand,
  from: ParticipationStatus | null,
  actor: LifecycleActor,
): TransitionCheck {
  return check<ParticipationStatus>(PARTICIPATION_TRANSITIONS[command], from, actor);
}

/** What can happen to an application in status `status`: the commands and who issues them. */
export function applicationCommandsFrom(status: ApplicationStatus): ApplicationCommand[] {
  return (Object.keys(APPLICATION_TRANSITIONS) as ApplicationCommand[]).filter((c) =>
    (APPLICATION_TRANSITIONS[c].from as readonly ApplicationStatus[]).includes(status),
  );
}

export function participationCommandsFrom(status: ParticipationStatus): ParticipationCommand[] {
  return (Object.keys(PARTICIPATION_TRANSITIONS) as ParticipationCommand[]).filter((c) =>
    (PARTICIPATION_TRANSITIONS[c].from as readonly ParticipationStatus[]).includes(status),
  );
}
