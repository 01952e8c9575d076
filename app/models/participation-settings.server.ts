import {
  isShareableCode,
  NEED_TO_KNOW_KEYS,
  type NeedToKnowDefaults,
  resolveNeedToKnow,
} from "~/domain/need-to-know";
import { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden } from "~/utils/permissions.server";

/**
 * Per-authority settings of the participation (admin): how many days before a statement's deadline
 * the deadlines job reminds the agency (Authority.participationReminderDays; 0 = no reminder), and
 * the need-to-know defaults — which document types the Beteiligung editor pre-selects per kind of
 * agency (Authority.participationDocumentDefaults; the statistics forms can never be chosen).
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
    select: { name: true, participationReminderDays: true, participationDocumentDefaults: true },
  });
  return {
    name: a.name,
    reminderDays: a.participationReminderDays,
    documentDefaults: resolveNeedToKnow(a.participationDocumentDefaults),
    customDefaults: a.participationDocumentDefaults !== null,
  };
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

/**
 * Saves the need-to-know defaults from the form (`docs.<KEY>` checkboxes, one per document type).
 * Unknown keys are ignored; an unknown or never-shareable code (statistics forms) is refused with a
 * message, nothing saved. `reset` goes back to the product's defaults.
 */
export async function saveDocumentDefaults(
  admin: SessionUser,
  form: { get(name: string): unknown; getAll(name: string): unknown[] },
): Promise<SaveParticipationSettingsResult> {
  const authorityId = adminAuthority(admin);
  if (form.get("reset") === "1") {
    await db().authority.update({
      where: { id: authorityId },
      data: { participationDocumentDefaults: Prisma.DbNull },
    });
    return { ok: true };
  }
  const defaults = {} as NeedToKnowDefaults;
  for (const key of NEED_TO_KNOW_KEYS) {
    const codes = form.getAll(`docs.${key}`).map(String);
    const bad = codes.find((c) => !isShareableCode(c));
    if (bad !== undefined) {
      return {
        ok: false,
        message: `Die Unterlagenart „${bad}“ kann nicht voreingestellt werden (unbekannt oder – wie der statistische Erhebungsbogen – nie weiterzugeben).`,
      };
    }
    defaults[key] = [...new Set(codes)];
  }
  await db().authority.update({
    where: { id: authorityId },
    data: { participationDocumentDefaults: defaults },
  });
  return { ok: true };
}
