import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

/**
 * The case history (Akte) is append-only: a database trigger refuses UPDATE and DELETE on
 * CaseEvent. Events are written in the same transaction as the change they describe, so the
 * history never claims something that was rolled back.
 *
 * Event types used so far: "application.created", "application.section-saved",
 * "application.submitted", "member.invited", "member.accepted", "document.marked-later".
 */
export interface AppendEventInput {
  applicationId: string;
  /** The user who caused it; null for system events (workers, deadlines). */
  actorId: string | null;
  type: string;
  payload?: Prisma.InputJsonValue;
}

export async function appendEvent(tx: Tx, input: AppendEventInput): Promise<{ id: bigint; createdAt: Date }> {
  return tx.caseEvent.create({
    data: {
      applicationId: input.applicationId,
      actorId: input.actorId,
      type: input.type,
      payload: input.payload ?? {},
    },
    select: { id: true, createdAt: true },
  });
}

/** Events of one application in order (callers scope access before calling this). */
export async function listEvents(tx: Tx, applicationId: string) {
  return tx.caseEvent.findMany({
    where: { applicationId },
    select: {
      id: true,
      type: true,
      payload: true,
      createdAt: true,
      actor: { select: { id: true, displayName: true } },
    },
    orderBy: { id: "asc" },
  });
}
