import { z } from "zod";
import { LAENDER } from "./application-data";

/**
 * The registration form's schema. It lives in the domain (not in registration.server.ts) because
 * the browser validates with it too: a *.server module is empty in the browser bundle, and the
 * form's client-side validation crashed on an undefined schema, so with JavaScript on nobody could
 * register.
 */

export const PASSWORD_MIN_LENGTH = 10;

export const REGISTRATION_ROLES = ["APPLICANT", "ARCHITECT"] as const;

export const registrationSchema = z
  .object({
    displayName: z
      .string({ error: "Bitte geben Sie Ihren Namen ein." })
      .trim()
      .min(2, "Bitte geben Sie Ihren Namen ein.")
      .max(120, "Der Name darf höchstens 120 Zeichen lang sein."),
    email: z
      .string({ error: "Bitte geben Sie Ihre E-Mail-Adresse ein." })
      .trim()
      .max(254, "Die E-Mail-Adresse ist zu lang.")
      .pipe(z.email("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")),
    password: z
      .string({ error: "Bitte wählen Sie ein Passwort." })
      .min(PASSWORD_MIN_LENGTH, `Das Passwort muss mindestens ${PASSWORD_MIN_LENGTH} Zeichen lang sein.`)
      .max(1024, "Das Passwort ist zu lang."),
    role: z.enum(REGISTRATION_ROLES, {
      error: "Bitte wählen Sie, ob Sie als Bauherr:in oder als Entwurfsverfasser:in mitwirken.",
    }),
    chamberNumber: z
      .string()
      .trim()
      .max(40, "Die Kammernummer darf höchstens 40 Zeichen lang sein.")
      .optional(),
    chamberLand: z.string().optional(),
    redirectTo: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.role !== "ARCHITECT") return;
    if (!value.chamberNumber) {
      ctx.addIssue({
        code: "custom",
        path: ["chamberNumber"],
        message: "Bitte geben Sie Ihre Mitgliedsnummer der Architekten- oder Ingenieurkammer ein.",
      });
    }
    if (!value.chamberLand || !(LAENDER as readonly string[]).includes(value.chamberLand)) {
      ctx.addIssue({
        code: "custom",
        path: ["chamberLand"],
        message: "Bitte wählen Sie das Land Ihrer Kammer.",
      });
    }
  });

export type RegistrationInput = z.infer<typeof registrationSchema>;
