import type { CaseEventPayload, CaseEventType } from "~/domain/case-events";
import {
  APPLICATION_TRANSITIONS,
  type ApplicationCommand,
  checkApplicationTransition,
  checkParticipationTransition,
  type LifecycleActor,
  PARTICIPATION_TRANSITIONS,
  type ParticipationCommand,
  type Transition,
} from "~/domain/lifecycle";
import type { NotificationDetailsInput, NotificationType } from "~/domain/notifications";
import { type ApplicationStatus, type ParticipationStatus, Prisma } from "~/generated/prisma/client";
import {
  appendEvent,
  type NotificationOf,
  type NotifyOptions,
  notificationOf,
  notifyInTx,
} from "~/models/case-event.server";
import { refreshNextDeadline } from "~/models/next-deadline.server";
import { type EnqueueInput, enqueueInTx } from "~/models/outbox.server";
import type { Tx } from "~/utils/db.server";
import type { JobName } from "~/utils/queue.server";

/**
 * Applies a lifecycle transition (app/domain/lifecycle.ts) in the caller's transaction: checks
 * that the command may move this status and that this kind of actor may issue it, writes the
 * status (guarded by the allowed from-statuses, so a concurrent change makes it a no-op), appends
 * the transition's event, refreshes `nextDeadlineAt` and enqueues the notification the event
 * causes (catalogue) plus the caller's follow-up jobs (outbox). Every application and
 * participation status write goes through here.
 *
 * Returns false, having written nothing, when the guarded update found no row in an allowed
 * status (a concurrent command won); callers decide whether that is a refusal or a no-op.
 */

export class LifecycleError extends Error {
  constructor(
    readonly command: string,
    readonly from: string | null,
    readonly reason: "state" | "actor",
  ) {
    super(`Lifecycle: "${command}" is not allowed ${reason === "actor" ? "for this actor" : `from ${from}`}`);
  }
}

export type AnyEnqueue = { [N in JobName]: EnqueueInput<N> }[JobName];

type EventOf<T> = T extends { event: infer E } ? E : never;

/** The event part: required (with its typed payload) exactly when the transition records one. */
type EventInput<E> = [E] extends [CaseEventType]
  ? { payload: CaseEventPayload<E> } & NotifyInput<NotificationOf<E>>
  : { payload?: undefined; notify?: undefined };

/**
 * The notification part: the event's notification (catalogue) with its typed details — required
 * when those details are, `false` to leave it to the caller; nothing when the event notifies nobody.
 */
type NotifyInput<N> = [N] extends [NotificationType]
  ? Record<string, never> extends NotificationDetailsInput<N>
    ? { notify?: NotifyOptions<N> | false }
    : { notify: NotifyOptions<N> | false }
  : { notify?: undefined };

interface Common {
  actor: { kind: LifecycleActor; id: string | null };
  /** Follow-up jobs written with the change (outbox). */
  jobs?: AnyEnqueue[];
}

export type ApplicationTransitionInput<C extends ApplicationCommand> = Common & {
  applicationId: string;
  command: C;
  /** The status the caller read under its lock; checked against the table for a clear refusal. */
  from: ApplicationStatus;
  /** Further columns written with the status (e.g. completeAt, withdrawnAt). */
  set?: Omit<Prisma.ApplicationUpdateManyMutationInput, "status">;
  /** Further guard on the row (e.g. the optimistic version of a submission). */
  where?: Omit<Prisma.ApplicationWhereInput, "id" | "status">;
} & EventInput<EventOf<(typeof APPLICATION_TRANSITIONS)[C]>>;

export async function transitionApplication<C extends ApplicationCommand>(
  tx: Tx,
  input: ApplicationTransitionInput<C>,
): Promise<boolean> {
  const t: Transition<ApplicationStatus> = APPLICATION_TRANSITIONS[input.command];
  const checked = checkApplicationTransition(input.command, input.from, input.actor.kind);
  if (!checked.ok) throw new LifecycleError(input.command, input.from, checked.reason);
  const { count } = await tx.application.updateMany({
    where: { ...input.where, id: input.applicationId, status: { in: [...t.from] } },
    data: { ...input.set, status: t.to },
  });
  if (count !== 1) return false;
  // Only a transition that starts or stops a deadline can move the case's next deadline.
  if (t.starts?.length || t.stops?.length) await refreshNextDeadline(tx, input.applicationId);
  await after(tx, input.applicationId, t.event, input);
  return true;
}

export type ParticipationTransitionInput<C extends ParticipationCommand> = Common & {
  participationId: string;
  /** The participation's case (event and next deadline). */
  applicationId: string;
  command: C;
  /** The status the caller read; omitted when the guarded update alone decides (workers). */
  from?: ParticipationStatus;
  set?: Omit<Prisma.ParticipationUpdateManyMutationInput, "status">;
  where?: Omit<Prisma.ParticipationWhereInput, "id" | "status">;
} & EventInput<EventOf<(typeof PARTICIPATION_TRANSITIONS)[C]>>;

export async function transitionParticipation<C extends ParticipationCommand>(
  tx: Tx,
  input: ParticipationTransitionInput<C>,
): Promise<boolean> {
  const t: Transition<ParticipationStatus> = PARTICIPATION_TRANSITIONS[input.command];
  const from = input.from ?? t.from[0] ?? null;
  const checked = checkParticipationTransition(input.command, from, input.actor.kind);
  if (!checked.ok) throw new LifecycleError(input.command, from, checked.reason);
  const { count } = await tx.participation.updateMany({
    where: { ...input.where, id: input.participationId, status: { in: [...t.from] } },
    data: { ...input.set, status: t.to },
  });
  if (count !== 1) return false;
  if (t.starts?.length || t.stops?.length) await refreshNextDeadline(tx, input.applicationId);
  await after(tx, input.applicationId, t.event, input);
  return true;
}

/** The status a participation is created in (PARTICIPATION_TRANSITIONS.request). */
export function initialParticipationStatus(actor: LifecycleActor): ParticipationStatus {
  const checked = checkParticipationTransition("request", null, actor);
  if (!checked.ok) throw new LifecycleError("request", null, checked.reason);
  return PARTICIPATION_TRANSITIONS.request.to;
}

/** The status an application is created in (APPLICATION_TRANSITIONS.create). */
export function initialApplicationStatus(actor: LifecycleActor): ApplicationStatus {
  const checked = checkApplicationTransition("create", null, actor);
  if (!checked.ok) throw new LifecycleError("create", null, checked.reason);
  return APPLICATION_TRANSITIONS.create.to;
}

async function after(
  tx: Tx,
  applicationId: string,
  event: CaseEventType | null,
  input: Common & { payload?: unknown; notify?: NotifyOptions<NotificationType> | false },
): Promise<void> {
  if (event) {
    await appendEvent(tx, {
      applicationId,
      actorId: input.actor.id,
      type: event,
      payload: input.payload as CaseEventPayload<typeof event>,
    });
    const notification = notificationOf(event);
    if (notification && input.notify !== false) {
      // The input's type tied the options to this event's notification; notifyInTx checks them again.
      await notifyInTx(tx, notification as NotificationType, {
        ...(input.notify as NotifyOptions<NotificationType>),
        applicationId,
        actorId: input.actor.id,
      });
    }
  }
  for (const job of input.jobs ?? []) await enqueueInTx(tx, job as EnqueueInput<JobName>);
}

/** A SQL list of statuses for raw queries, e.g. `p."status" IN (${sqlStatuses(OPEN_PARTICIPATION_STATUSES)})`. */
export function sqlStatuses(statuses: readonly string[]): Prisma.Sql {
  return Prisma.join(statuses.map((s) => Prisma.sql`${s}`));
}
