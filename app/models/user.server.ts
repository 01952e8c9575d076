import type { Prisma } from "~/generated/prisma/client";
import { db, type Tx } from "~/utils/db.server";

/** E-mail addresses are stored and compared lower-case and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What the app knows about the signed-in user on every request (never the password hash). */
export const sessionUserSelect = {
  id: true,
  email: true,
  displayName: true,
  roles: true,
  authorityId: true,
  chamberNumber: true,
  chamberLand: true,
  authority: { select: { id: true, slug: true, name: true, kind: true, agencyType: true } },
} satisfies Prisma.UserSelect;

export type SessionUser = Prisma.UserGetPayload<{ select: typeof sessionUserSelect }>;

/** For password login only: the hash and whether the account is disabled. */
export async function findUserForLogin(email: string, client: Tx = db()) {
  return client.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, passwordHash: true, disabledAt: true, roles: true },
  });
}

export async function getSessionUserById(id: string, client: Tx = db()): Promise<SessionUser | null> {
  return client.user.findFirst({ where: { id, disabledAt: null }, select: sessionUserSelect });
}

/** Users of one authority (tenant), for the admin overview. */
export async function listUsersOfAuthority(authorityId: string, client: Tx = db()) {
  return client.user.findMany({
    where: { authorityId },
    select: { id: true, email: true, displayName: true, roles: true, disabledAt: true },
    orderBy: [{ displayName: "asc" }, { email: "asc" }],
  });
}
