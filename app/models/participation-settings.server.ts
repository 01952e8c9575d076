import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden } from "~/utils/permissions.server";

/**
 * Per-authority setting of the participation (admin): how many days before a statement's deadline
 * the deadlines job reminds the agency (Authority.participationReminderDays; 0 = no reminder).
 * Always the admin's own authority (from the session, never from the URL).
 */

export const MAX_REMINDER_DAYS = 60;

function adminAuthority(admin: SessionUser): string {
  if (!can(admin, "manage:authority:own") || !admin.authorityId) forbidden();
  return admin.authorityId;
}

export async function getParticipationSettings(admin: SessionUser) {
  const a = await db().authority.findUniqueOrThrow({
    where: { id: adminAuthority(admin) },
    select: { name: true, participationReminderDays: true },
  });
  return { name: a.name, reminderDays: a.participationReminderDays };
}

export type SaveParticipationSettingsResult = { ok: true } | { ok: false; message: string };

/** `reminderDays` as typed in the form; whole days 0..MAX_REMINDER_DAYS. */
export async function saveParticipationSettings(
  admin: SessionUser,
  input: { reminderDays: string },
): Promise<SaveParticipationSettingsResult> {
  const authorityId = adminAuthority(admin);
  const raw = input.reminderDays.trim();
  const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(days) || days < 0 || days > MAX_REMINDER_DAYS) {
    return {
      ok: false,
      message: `Bitte geben Sie eine ganze Zahl von 0 bis ${MAX_REMINDER_DAYS} Tagen an (0 = keine Erinnerung).`,
    };
  }
  await db().authority.update({ where: { id: authorityId }, data: { participationReminderDays: days } });
  return { ok: true };
}
