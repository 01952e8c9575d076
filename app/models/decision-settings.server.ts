import { defaultLegalRemedyTemplate, LEGAL_REMEDY_PLACEHOLDERS } from "~/domain/decision";
import { DEFAULT_FEE_SCHEDULES, type FeeSchedule, parseFeeSchedule } from "~/domain/fees";
import { isProfileId } from "~/domain/land-profiles";
import {
  bicError,
  ibanError,
  normalizeBic,
  normalizeIban,
  paymentReferenceFormatError,
} from "~/domain/payment";
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
      orgUnit: true,
      phone: true,
      officeHours: true,
      paymentPayee: true,
      paymentIban: true,
      paymentBic: true,
      paymentDueDays: true,
      paymentReferenceFormat: true,
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
    letter: {
      orgUnit: a.orgUnit ?? "",
      phone: a.phone ?? "",
      officeHours: a.officeHours ?? "",
      paymentPayee: a.paymentPayee ?? "",
      paymentIban: a.paymentIban ?? "",
      paymentBic: a.paymentBic ?? "",
      paymentDueDays: String(a.paymentDueDays),
      paymentReferenceFormat: a.paymentReferenceFormat,
    },
  };
}

/** Letterhead and payment settings as the form posts them (strings). */
export interface LetterSettingsInput {
  orgUnit: string;
  phone: string;
  officeHours: string;
  paymentPayee: string;
  paymentIban: string;
  paymentBic: string;
  paymentDueDays: string;
  paymentReferenceFormat: string;
}
export type LetterField = keyof LetterSettingsInput;

const LETTER_LABELS: Record<LetterField, string> = {
  orgUnit: "Organisationseinheit",
  phone: "Telefon",
  officeHours: "Sprechzeiten",
  paymentPayee: "Zahlungsempfänger",
  paymentIban: "IBAN",
  paymentBic: "BIC",
  paymentDueDays: "Zahlungsfrist",
  paymentReferenceFormat: "Format des Kassenzeichens",
};

/** Checks and normalises the letter settings; a German message names the field. */
export function parseLetterSettings(
  input: LetterSettingsInput,
): { ok: true; data: Prisma.AuthorityUpdateInput } | { ok: false; field: LetterField; message: string } {
  const t = (k: LetterField) => input[k].trim();
  for (const [k, max] of [
    ["orgUnit", 200],
    ["phone", 60],
    ["officeHours", 300],
    ["paymentPayee", 200],
  ] as [LetterField, number][]) {
    if (t(k).length > max)
      return { ok: false, field: k, message: `${LETTER_LABELS[k]}: höchstens ${max} Zeichen.` };
  }
  if (t("phone") && !/^[+\d][\d /()-]{3,}$/.test(t("phone")))
    return {
      ok: false,
      field: "phone",
      message: "Telefon: bitte nur Ziffern, Leerzeichen und + / ( ) - angeben.",
    };
  const iban = t("paymentIban");
  if (iban) {
    const err = ibanError(iban);
    if (err) return { ok: false, field: "paymentIban", message: err };
  }
  const bic = t("paymentBic");
  if (bic) {
    const err = bicError(bic);
    if (err) return { ok: false, field: "paymentBic", message: err };
  }
  if (iban && !t("paymentPayee"))
    return {
      ok: false,
      field: "paymentPayee",
      message: "Bitte geben Sie den Zahlungsempfänger an (er steht mit der IBAN im Bescheid).",
    };
  const days = Number(t("paymentDueDays"));
  if (!/^\d{1,3}$/.test(t("paymentDueDays")) || days < 1 || days > 180)
    return {
      ok: false,
      field: "paymentDueDays",
      message: "Zahlungsfrist: eine ganze Zahl von 1 bis 180 Tagen.",
    };
  const formatError = paymentReferenceFormatError(t("paymentReferenceFormat"));
  if (formatError) return { ok: false, field: "paymentReferenceFormat", message: formatError };
  return {
    ok: true,
    data: {
      orgUnit: t("orgUnit") || null,
      phone: t("phone") || null,
      officeHours: t("officeHours") || null,
      paymentPayee: t("paymentPayee") || null,
      paymentIban: iban ? normalizeIban(iban) : null,
      paymentBic: bic ? normalizeBic(bic) : null,
      paymentDueDays: days,
      paymentReferenceFormat: t("paymentReferenceFormat"),
    },
  };
}

export interface DecisionSettingsInput {
  fourEyesDecision: boolean;
  legalRemedyText: string;
  feeScheduleJson: string;
  /** Letterhead and payment settings; absent: unchanged. */
  letter?: LetterSettingsInput;
}

export type SaveSettingsResult =
  | { ok: true }
  | { ok: false; field: "legalRemedyText" | "feeScheduleJson" | LetterField; message: string };

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
  let letter: Prisma.AuthorityUpdateInput = {};
  if (input.letter) {
    const parsed = parseLetterSettings(input.letter);
    if (!parsed.ok) return parsed;
    letter = parsed.data;
  }
  await db().authority.update({
    where: { id: authorityId },
    data: {
      ...letter,
      fourEyesDecision: input.fourEyesDecision,
      legalRemedyText: legalRemedyText || null,
      feeSchedule: feeSchedule === null ? Prisma.DbNull : (feeSchedule as unknown as Prisma.InputJsonValue),
    },
  });
  return { ok: true };
}
