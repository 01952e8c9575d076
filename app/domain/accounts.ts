import { z } from "zod";
import { PASSWORD_MIN_LENGTH } from "./registration";

/** Form schemas of the account pages (browser-safe: the forms validate with them too). */

export const forgotPasswordSchema = z.object({
  email: z
    .string({ error: "Bitte geben Sie Ihre E-Mail-Adresse ein." })
    .trim()
    .max(254, "Die E-Mail-Adresse ist zu lang.")
    .pipe(z.email("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")),
});

export const newPasswordSchema = z
  .object({
    password: z
      .string({ error: "Bitte wählen Sie ein neues Passwort." })
      .min(PASSWORD_MIN_LENGTH, `Das Passwort muss mindestens ${PASSWORD_MIN_LENGTH} Zeichen lang sein.`)
      .max(1024, "Das Passwort ist zu lang."),
    confirm: z.string({ error: "Bitte wiederholen Sie das neue Passwort." }),
  })
  .refine((v) => v.password === v.confirm, {
    path: ["confirm"],
    message: "Die beiden Passwörter stimmen nicht überein.",
  });

export const totpCodeSchema = z.object({
  code: z
    .string({ error: "Bitte geben Sie den Code ein." })
    .trim()
    .max(40, "Der Code ist zu lang.")
    .transform((v) => v.replace(/[\s-]/g, ""))
    .pipe(
      z
        .string()
        .regex(
          /^(\d{6}|[A-Za-z0-9]{10})$/,
          "Bitte geben Sie den 6-stelligen Code aus Ihrer App oder einen 10-stelligen Wiederherstellungscode ein.",
        ),
    ),
});

/** Roles an authority admin gives a staff account (never applicant roles). */
export const STAFF_ROLES = ["CLERK", "ADMIN", "AGENCY"] as const;
export const STAFF_ROLE_LABELS: Record<(typeof STAFF_ROLES)[number], string> = {
  CLERK: "Sachbearbeiter:in",
  ADMIN: "Administration",
  AGENCY: "Fachstelle",
};

export const createStaffSchema = z.object({
  displayName: z
    .string({ error: "Bitte geben Sie den Namen ein." })
    .trim()
    .min(2, "Bitte geben Sie den Namen ein.")
    .max(120, "Der Name darf höchstens 120 Zeichen lang sein."),
  email: z
    .string({ error: "Bitte geben Sie die E-Mail-Adresse ein." })
    .trim()
    .max(254, "Die E-Mail-Adresse ist zu lang.")
    .pipe(z.email("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@behoerde.de.")),
  role: z.enum(STAFF_ROLES, { error: "Bitte wählen Sie die Rolle." }),
});
