import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

/**
 * Locks a submitted case of the authority (row lock on Application, FOR UPDATE) for the rest of the
 * caller's transaction and reads what the command needs. Every clerk command that changes a case
 * takes this lock first, so two commands on one case run one after the other and each sees the
 * other's result. Null when the case is not the authority's or still a draft (callers answer 404).
 */
export async function lockCase<S extends Prisma.ApplicationSelect>(
  tx: Tx,
  authorityId: string,
  applicationId: string,
  select: S,
): Promise<Prisma.ApplicationGetPayload<{ select: S }> | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Application"
    WHERE "id" = ${applicationId}::uuid AND "authorityId" = ${authorityId}::uuid AND "status" <> 'DRAFT'
    FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.application.findUniqueOrThrow({ where: { id: applicationId }, select }) as Promise<
    Prisma.ApplicationGetPayload<{ select: S }>
  >;
}
