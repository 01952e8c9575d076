import { z } from "zod";
import { LAENDER } from "~/domain/application-data";
import { Prisma } from "~/generated/prisma/client";
import { normalizeEmail } from "~/models/user.server";
import { hashPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { createSession } from "~/utils/session.server";

/**
 * Self-registration for the applicant side: Bauherr:innen (role APPLICANT) and
 * Entwurfsverfasser:innen (role ARCHITECT, with Kammer number and Land). Authority staff are
 * created by their admins, never here.
 */

export const PASSWORD_MIN_LENGTH = 10;

export const REGISTRATION_ROLES = ["APPLICANT", "ARCHITECT"] as const;

/** Neutral on purpose: it does not say whether the address belongs to an account. */
export const EMAIL_NOT_AVAILABLE_MESSAGE =
  "Mit dieser E-Mail-Adresse kann kein neues Konto angelegt werden. Bitte melden Sie sich an oder setzen Sie das Passwort zurück.";

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

/** Registration attempts per client IP and hour (stops account spam and probing for addresses). */
export const REGISTRATIONS_PER_IP_AND_HOUR = 20;

let defaultLimiter: FixedWindowLimiter | undefined;
function registrationLimiter(): FixedWindowLimiter {
  defaultLimiter ??= new FixedWindowLimiter(redis(), {
    prefix: `${env().QUEUE_PREFIX}:ratelimit:register`,
    // `blocked` means "this hit reached max": one more than allowed.
    max: REGISTRATIONS_PER_IP_AND_HOUR + 1,
    windowSeconds: 3600,
  });
  return defaultLimiter;
}

export function tooManyRegistrationsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Von Ihrem Anschluss wurden zu viele Konten angelegt. Bitte versuchen Sie es in ${minutes} ${minutes === 1 ? "Minute" : "Minuten"} erneut.`;
}

export type RegisterResult = { ok: true; userId: string; setCookie: string } | { ok: false; message: string };

/**
 * Creates the account (argon2id hash) and a session. An address that already has an account gets
 * the neutral EMAIL_NOT_AVAILABLE_MESSAGE; the password is hashed on both paths so the answer
 * takes the same time.
 */
export async function registerUser(
  input: RegistrationInput,
  meta: { ip: string | null; userAgent: string | null },
  limiter: FixedWindowLimiter = registrationLimiter(),
): Promise<RegisterResult> {
  if (meta.ip) {
    try {
      const state = await limiter.hit(meta.ip);
      if (state.blocked) {
        logger.warn({ ip: meta.ip }, "registration throttled");
        return { ok: false, message: tooManyRegistrationsMessage(Math.ceil(state.resetInMs / 1000)) };
      }
    } catch (err) {
      // Fail open like the login limiter: a Redis outage must not stop registrations.
      logger.error({ err }, "registration rate limiter unavailable");
    }
  }
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const architect = input.role === "ARCHITECT";
  let userId: string;
  try {
    const user = await db().user.create({
      data: {
        email,
        passwordHash,
        displayName: input.displayName.trim(),
        roles: [input.role],
        chamberNumber: architect ? (input.chamberNumber ?? null) : null,
        chamberLand: architect ? (input.chamberLand ?? null) : null,
      },
      select: { id: true },
    });
    userId = user.id;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      logger.info({ ip: meta.ip }, "registration refused: address in use");
      return { ok: false, message: EMAIL_NOT_AVAILABLE_MESSAGE };
    }
    throw err;
  }
  const session = await createSession(userId, { ip: meta.ip, userAgent: meta.userAgent });
  logger.info({ userId, role: input.role }, "registration");
  return { ok: true, userId, setCookie: session.cookie };
}
