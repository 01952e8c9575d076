import { defaultLegalRemedyTemplate, LEGAL_REMEDY_PLACEHOLDERS } from "~/domain/decision";
import { DEFAULT_FEE_SCHEDULES, type FeeSchedule, parseFeeSchedule } from "~/domain/fees";
import { isProfileId } from "~/domain/land-profiles";
import { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden } from "~/utils/permissions.server";

/**
 * Per-authority settings of the decision (admin): four-eyes approval, the authority's own
 * Rechtsbehelfsbelehrung and fee schedule. Empty text / schedule = the Land profile's default.
 * Always the admin's own authority (from the session, never from the URL).
 */

function adminAuthority(admin: SessionUser): string {
  if (!can(admin, "manage:authority:own") || !admin.authorityId) forbidden();
  return admin.authorityId;
}

export async function getDecisionSettings(admin: SessionUser) {
  const authorityId = adminAuthority(admin);
  const a = await db().authority.findUniqueOrThrow({
    where: { id: authorityId },
    select: {
      name: true,
      landProfile: true,
      fourEyesDecision: true,
      legalRemedyText: true,
      feeSchedule: true,
    },
  });
  const profileDefault: FeeSchedule = isProfileId(a.landProfile)
    ? DEFAULT_FEE_SCHEDULES[a.landProfile]
    : DEFAULT_FEE_SCHEDULES.MBO;
  return {
    name: a.name,
    fourEyesDecision: a.fourEyesDecision,
    legalRemedyText: a.legalRemedyText ?? "",
    feeScheduleJson: a.feeSchedule === null ? "" : JSON.stringify(a.feeSchedule, null, 2),
    defaultLegalRemedy: defaultLegalRemedyTemplate(a.landProfile),
    defaultFeeScheduleJson: JSON.stringify(profileDefault, null, 2),
  };
}

export interface DecisionSettingsInput {
  fourEyesDecision: boolean;
  legalRemedyText: string;
  feeScheduleJson: string;
}

export type SaveSettingsResult =
  | { ok: true }
  | { ok: false; field: "legalRemedyText" | "feeScheduleJson"; message: string };

export async function saveDecisionSettings(
  admin: SessionUser,
  input: DecisionSettingsInput,
): Promise<SaveSettingsResult> {
  const authorityId = adminAuthority(admin);
  const legalRemedyText = input.legalRemedyText.trim();
  if (legalRemedyText.length > 5000)
    return { ok: false, field: "legalRemedyText", message: "Der Text ist zu lang (höchstens 5000 Zeichen)." };
  if (legalRemedyText && !legalRemedyText.includes(LEGAL_REMEDY_PLACEHOLDERS.authorityName)) {
    // Without the authority the Belehrung does not say where to lodge the Widerspruch.
    return {
      ok: false,
      field: "legalRemedyText",
      message: `Bitte nennen Sie die Behörde, bei der der Rechtsbehelf einzulegen ist, mit dem Platzhalter ${LEGAL_REMEDY_PLACEHOLDERS.authorityName}.`,
    };
  }
  let feeSchedule: FeeSchedule | null = null;
  const json = input.feeScheduleJson.trim();
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return { ok: false, field: "feeScheduleJson", message: "Die Gebührenordnung ist kein gültiges JSON." };
    }
    const parsed = parseFeeSchedule(value);
    if (!parsed.ok) return { ok: false, field: "feeScheduleJson", message: parsed.message };
    feeSchedule = parsed.schedule;
  }
  await db().authority.update({
    where: { id: authorityId },
    data: {
      fourEyesDecision: input.fourEyesDecision,
      legalRemedyText: legalRemedyText || null,
      feeSchedule: feeSchedule === null ? Prisma.DbNull : (feeSchedule as unknown as Prisma.InputJsonValue),
    },
  });
  return { ok: true };
}
