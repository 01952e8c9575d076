import { data } from "@remix-run/node";
import type { SessionUser } from "~/models/user.server";
import { requireUser } from "./auth.server";
import { can, type Permission } from "./permissions";

export const FORBIDDEN_MESSAGE = "Sie haben keine Berechtigung für diese Seite oder Aktion.";

/** A 403 the root error boundary shows as "Keine Berechtigung". */
export function forbidden(message = FORBIDDEN_MESSAGE): never {
  throw data({ message }, { status: 403, statusText: "Forbidden" });
}

export function notFound(message = "Die angeforderte Seite wurde nicht gefunden."): never {
  throw data({ message }, { status: 404, statusText: "Not Found" });
}

/** Checks a permission for an already loaded user (throws 403). */
export function assertPermission(user: SessionUser, permission: Permission): void {
  if (!can(user, permission)) forbidden();
}

/** Signed in (else redirect to /anmelden) and holding `permission` (else 403). */
export async function requirePermission(request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(request);
  assertPermission(user, permission);
  return user;
}

/**
 * For `...:authority` and `...:own`-authority permissions: the user must also belong to an
 * authority, whose id the caller then puts into the query's `where`.
 */
export async function requireAuthorityPermission(
  request: Request,
  permission: Permission,
): Promise<SessionUser & { authorityId: string }> {
  const user = await requirePermission(request, permission);
  if (!user.authorityId) forbidden("Ihr Konto ist keiner Behörde zugeordnet.");
  return user as SessionUser & { authorityId: string };
}
