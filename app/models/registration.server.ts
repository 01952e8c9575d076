import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import {
  PASSWORD_MIN_LENGTH,
  REGISTRATION_ROLES,
  type RegistrationInput,
  registrationSchema,
} from "~/domain/registration";
import { Prisma } from "~/generated/prisma/client";
import { enqueueInTx } from "~/models/outbox.server";
import { recordSecurityEvent } from "~/models/security-event.server";
import { normalizeEmail } from "~/models/user.server";
import { hashPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { buildJobId, type SendEmailPayload } from "~/utils/queue.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { createSession } from "~/utils/session.server";

/**
 * Self-registration for the applicant side: Bauherr:innen (role APPLICANT) and
 * Entwurfsverfasser:innen (role ARCHITECT, with Kammer number and Land). Authority staff are
 * created by their admins, never here. The account exists only once the address is confirmed by
 * the link in a mail (see registerUser), so the form never tells whether an address is in use.
 */

export { PASSWORD_MIN_LENGTH, REGISTRATION_ROLES, type RegistrationInput, registrationSchema };

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

/** How long the confirmation link of a registration stays valid. */
export const CONFIRMATION_TTL_HOURS = 24;

export const CONFIRMATION_INVALID_MESSAGE =
  "Dieser Bestätigungslink ist ungültig, schon benutzt oder abgelaufen. Bitte legen Sie das Konto erneut an.";
export const ACCOUNT_EXISTS_MESSAGE =
  "Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an.";

/** What waits in Redis between the form and the click on the confirmation link. */
const pendingSchema = z.object({
  email: z.string(),
  passwordHash: z.string(),
  displayName: z.string(),
  role: z.enum(REGISTRATION_ROLES),
  chamberNumber: z.string().nullable(),
  chamberLand: z.string().nullable(),
  redirectTo: z.string(),
});
type PendingRegistration = z.infer<typeof pendingSchema>;

export type RegisterResult = { ok: true; email: string } | { ok: false; message: string };

const pendingKey = (token: string) =>
  `${env().QUEUE_PREFIX}:registration:${createHash("sha256").update(token).digest("hex")}`;

export function confirmationUrl(token: string): string {
  return `${env().APP_URL.replace(/\/+$/, "")}/registrieren/bestaetigen/${token}`;
}

async function sendMail(jobParts: string[], payload: SendEmailPayload) {
  await db().$transaction((tx) =>
    enqueueInTx(tx, {
      jobName: "system.send-email",
      jobId: buildJobId("system.send-email", "registration", ...jobParts),
      payload,
    }),
  );
}

/**
 * Registration does not reveal whether an address has an account (issue 11): every valid form
 * gets the same answer ("we sent you an e-mail") and the same work (one argon2 hash, one mail).
 * - New address: the account data wait in Redis (CONFIRMATION_TTL_HOURS) under the hash of a
 *   random token; the mail carries the link that creates the account (confirmRegistration).
 * - Existing address: its owner gets a mail that someone tried to register with it (at most one
 *   per hour), and nothing else happens.
 * Without SMTP_URL (trial installs) the confirmation link is also written to the log, so the
 * operator can hand it on.
 */
export async function registerUser(
  input: RegistrationInput,
  meta: { ip: string | null; userAgent: string | null },
  limiter: FixedWindowLimiter = registrationLimiter(),
  store: Redis = redis(),
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
  const existing = await db().user.findUnique({ where: { email }, select: { id: true, displayName: true } });
  if (existing) {
    const hour = Math.floor(Date.now() / 3_600_000);
    await sendMail(["attempt", existing.id, String(hour)], {
      to: email,
      subject: "Versuch, ein Konto mit Ihrer E-Mail-Adresse anzulegen",
      text: [
        `Guten Tag ${existing.displayName},`,
        "",
        "jemand hat gerade versucht, im Bauantrag-Portal ein neues Konto mit Ihrer E-Mail-Adresse anzulegen. Für diese Adresse gibt es bereits Ihr Konto; es wurde nichts geändert.",
        "",
        "Wenn Sie das waren, melden Sie sich bitte mit Ihrem bestehenden Konto an:",
        `${env().APP_URL.replace(/\/+$/, "")}/anmelden`,
        "",
        "Wenn nicht, können Sie diese E-Mail ignorieren.",
        "",
        "Mit freundlichen Grüßen",
        "Ihr Bauantrag-Portal",
      ].join("\n"),
    });
    logger.info({ ip: meta.ip }, "registration for an existing address: owner notified");
    return { ok: true, email };
  }

  const token = randomBytes(32).toString("base64url");
  const architect = input.role === "ARCHITECT";
  const pending: PendingRegistration = {
    email,
    passwordHash,
    displayName: input.displayName.trim(),
    role: input.role,
    chamberNumber: architect ? (input.chamberNumber ?? null) : null,
    chamberLand: architect ? (input.chamberLand ?? null) : null,
    redirectTo: safeRedirect(input.redirectTo, "/"),
  };
  const key = pendingKey(token);
  await store.set(key, JSON.stringify(pending), "EX", CONFIRMATION_TTL_HOURS * 3600);
  const link = confirmationUrl(token);
  await sendMail(["confirm", key.slice(-32)], {
    to: email,
    subject: "Bitte bestätigen Sie Ihr Konto im Bauantrag-Portal",
    text: [
      `Guten Tag ${pending.displayName},`,
      "",
      "Sie haben ein Konto im Bauantrag-Portal angelegt. Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:",
      link,
      "",
      `Der Link ist ${CONFIRMATION_TTL_HOURS} Stunden gültig. Wenn Sie kein Konto angelegt haben, ignorieren Sie diese E-Mail; es wird dann nichts gespeichert.`,
      "",
      "Mit freundlichen Grüßen",
      "Ihr Bauantrag-Portal",
    ].join("\n"),
  });
  if (!env().SMTP_URL) {
    logger.info({ email, link }, "mail disabled (no SMTP_URL): registration confirmation link");
  }
  logger.info({ role: input.role }, "registration pending confirmation");
  return { ok: true, email };
}

/** Whether a confirmation token is (still) valid, without using it up (mail scanners open links). */
export async function pendingRegistration(token: string, store: Redis = redis()) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const raw = await store.get(pendingKey(token));
  if (!raw) return null;
  const parsed = pendingSchema.safeParse(JSON.parse(raw));
  return parsed.success ? { email: parsed.data.email, displayName: parsed.data.displayName } : null;
}

export type ConfirmResult =
  | { ok: true; userId: string; setCookie: string; redirectTo: string }
  | { ok: false; message: string };

/** Creates the account of a confirmation link (once: GETDEL) and signs the user in. */
export async function confirmRegistration(
  token: string,
  meta: { ip: string | null; userAgent: string | null },
  store: Redis = redis(),
): Promise<ConfirmResult> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, message: CONFIRMATION_INVALID_MESSAGE };
  const raw = await store.getdel(pendingKey(token));
  const parsed = raw ? pendingSchema.safeParse(JSON.parse(raw)) : null;
  if (!parsed?.success) return { ok: false, message: CONFIRMATION_INVALID_MESSAGE };
  const pending = parsed.data;
  let userId: string;
  try {
    const user = await db().user.create({
      data: {
        email: pending.email,
        passwordHash: pending.passwordHash,
        displayName: pending.displayName,
        roles: [pending.role],
        chamberNumber: pending.chamberNumber,
        chamberLand: pending.chamberLand,
      },
      select: { id: true },
    });
    userId = user.id;
  } catch (err) {
    // The address got an account meanwhile (two links, or an admin). The clicker holds the
    // mailbox, so saying so reveals nothing.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return { ok: false, message: ACCOUNT_EXISTS_MESSAGE };
    }
    throw err;
  }
  const session = await createSession(userId, { ip: meta.ip, userAgent: meta.userAgent });
  // The first sign-in of the new account belongs to its security history too.
  await recordSecurityEvent({ userId, kind: "LOGIN", method: "password", meta });
  logger.info({ userId, role: pending.role }, "registration confirmed");
  return { ok: true, userId, setCookie: session.cookie, redirectTo: safeRedirect(pending.redirectTo, "/") };
}
