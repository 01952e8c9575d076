import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";

/**
 * The authority admin's view of its staff accounts (issue 17): sign-in factors and identities per
 * account, and the authority's setting that requires the second factor. Every query is scoped by
 * the admin's authority.
 */
export async function listStaffAccounts(authorityId: string) {
  const [authority, users] = await Promise.all([
    db().authority.findUniqueOrThrow({
      where: { id: authorityId },
      select: { id: true, name: true, staffTotpRequired: true },
    }),
    db().user.findMany({
      where: { authorityId },
      select: {
        id: true,
        email: true,
        displayName: true,
        roles: true,
        disabledAt: true,
        totpEnabledAt: true,
        identities: { select: { provider: true } },
        securityEvents: {
          where: { kind: "LOGIN" },
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { createdAt: true, method: true },
        },
      },
      orderBy: [{ displayName: "asc" }, { email: "asc" }],
    }),
  ]);
  return { authority, users };
}

/** Switches the requirement on or off; recorded in the admin's own security history. */
export async function setStaffTotpRequired(
  admin: { id: string; authorityId: string },
  required: boolean,
  meta: RequestMeta,
): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.authority.update({ where: { id: admin.authorityId }, data: { staffTotpRequired: required } });
    await recordSecurityEvent(
      { userId: admin.id, kind: required ? "STAFF_TOTP_REQUIRED_ON" : "STAFF_TOTP_REQUIRED_OFF", meta },
      tx,
    );
  });
  logger.info({ authorityId: admin.authorityId, required }, "staff TOTP requirement changed");
}
