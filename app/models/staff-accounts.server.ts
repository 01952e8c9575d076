import type { z } from "zod";
import type { createStaffSchema } from "~/domain/accounts";
import { Prisma } from "~/generated/prisma/client";
import { issuePasswordLink } from "~/models/password-reset.server";
import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { normalizeEmail } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
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

export const STAFF_EMAIL_TAKEN =
  "Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte wenden Sie sich an den Betrieb, wenn es Ihrer Behörde zugeordnet werden soll.";

/**
 * The admin provisions a staff account of the own authority (issue 17: staff accounts come from
 * the admin or a group claim, never from self-registration). No password is set: the person gets
 * a mail with a single-use link to set one, or signs in through the authority's provider (linking
 * then needs that password). Recorded in the new account's history with the admin as actor.
 */
export async function createStaffAccount(
  admin: { id: string; authorityId: string },
  input: z.infer<typeof createStaffSchema>,
  meta: RequestMeta,
): Promise<{ ok: true; userId: string } | { ok: false; message: string }> {
  const email = normalizeEmail(input.email);
  try {
    const userId = await db().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email,
          displayName: input.displayName,
          roles: [input.role],
          authorityId: admin.authorityId,
          passwordHash: null,
        },
        select: { id: true },
      });
      await recordSecurityEvent(
        { userId: user.id, kind: "ACCOUNT_CREATED_BY_ADMIN", actorId: admin.id, meta },
        tx,
      );
      const link = await issuePasswordLink(
        tx,
        { userId: user.id, email, displayName: input.displayName, invitation: true },
        meta,
      );
      if (!env().SMTP_URL) logger.info({ email, link }, "mail disabled (no SMTP_URL): staff invitation link");
      return user.id;
    });
    logger.info({ userId, adminId: admin.id, role: input.role }, "staff account created by admin");
    return { ok: true, userId };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return { ok: false, message: STAFF_EMAIL_TAKEN };
    }
    throw err;
  }
}
