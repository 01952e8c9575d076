import { randomBytes } from "node:crypto";
import { enqueueInTx } from "~/models/outbox.server";
import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { normalizeEmail } from "~/models/user.server";
import { hashPassword } from "~/utils/auth.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { buildJobId } from "~/utils/queue.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { destroyAllSessionsOfUser, hashToken } from "~/utils/session.server";

/**
 * Password reset by e-mail (issue 17 item 2).
 *
 * - The form always answers the same ("if an account exists, a mail is on its way"), whether or
 *   not the address has an account, is disabled or is throttled.
 * - The link carries a random 32-byte token; the database stores only sha256(token) as the row id
 *   (like sessions), valid RESET_TTL_MINUTES, used once (a guarded update sets usedAt).
 * - Setting the new password ends every session of the account and voids its other reset links.
 * - Rate limits (Redis fixed windows): RESET_REQUESTS_PER_IP_AND_HOUR per client address (answered
 *   with a German message: the address is the requester's own), and RESET_MAILS_PER_ACCOUNT_AND_HOUR
 *   mails per account (silent, so the limit does not reveal the account either).
 */

export const RESET_TTL_MINUTES = 60;
export const RESET_REQUESTS_PER_IP_AND_HOUR = 10;
export const RESET_MAILS_PER_ACCOUNT_AND_HOUR = 3;

export const RESET_LINK_INVALID_MESSAGE =
  "Dieser Link zum Zurücksetzen des Passworts ist ungültig, schon benutzt oder abgelaufen. Bitte fordern Sie einen neuen an.";

export function tooManyResetRequestsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Von Ihrem Anschluss wurden zu viele Links zum Zurücksetzen angefordert. Bitte versuchen Sie es in ${minutes} ${minutes === 1 ? "Minute" : "Minuten"} erneut.`;
}

export interface ResetLimiters {
  perIp: FixedWindowLimiter;
  perAccount: FixedWindowLimiter;
}

let defaultLimiters: ResetLimiters | undefined;
function resetLimiters(): ResetLimiters {
  const prefix = `${env().QUEUE_PREFIX}:ratelimit:password-reset`;
  defaultLimiters ??= {
    // `blocked` means "this hit reached max": one more than allowed.
    perIp: new FixedWindowLimiter(redis(), {
      prefix: `${prefix}:ip`,
      max: RESET_REQUESTS_PER_IP_AND_HOUR + 1,
      windowSeconds: 3600,
    }),
    perAccount: new FixedWindowLimiter(redis(), {
      prefix: `${prefix}:account`,
      max: RESET_MAILS_PER_ACCOUNT_AND_HOUR + 1,
      windowSeconds: 3600,
    }),
  };
  return defaultLimiters;
}

export function resetUrl(token: string): string {
  return `${env().APP_URL.replace(/\/+$/, "")}/passwort-neu/${token}`;
}

export type ResetRequestResult =
  | {
      ok: true;
      /**
       * The lookup and the mail happen after the answer (settled resolves when they are done):
       * the answer takes the same time whether or not the address has an account. Measured
       * before: ~106 ms with an account, ~8 ms without — an account-enumeration oracle.
       */
      settled: Promise<void>;
    }
  | { ok: false; message: string };

/** Handles the "Passwort vergessen" form. `ok: true` is the one answer for every address. */
export async function requestPasswordReset(
  emailInput: string,
  meta: RequestMeta,
  limiters: ResetLimiters = resetLimiters(),
): Promise<ResetRequestResult> {
  if (meta.ip) {
    try {
      const state = await limiters.perIp.hit(meta.ip);
      if (state.blocked) {
        logger.warn({ ip: meta.ip }, "password reset throttled");
        return { ok: false, message: tooManyResetRequestsMessage(Math.ceil(state.resetInMs / 1000)) };
      }
    } catch (err) {
      // Fail open: a Redis outage must not stop people from getting back into their account.
      logger.error({ err }, "password reset rate limiter unavailable");
    }
  }
  const settled = sendResetMail(normalizeEmail(emailInput), meta, limiters).catch((err) => {
    logger.error({ err }, "password reset mail could not be prepared");
  });
  return { ok: true, settled };
}

async function sendResetMail(email: string, meta: RequestMeta, limiters: ResetLimiters): Promise<void> {
  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, displayName: true, disabledAt: true },
  });
  if (!user || user.disabledAt) {
    logger.info({ ip: meta.ip }, "password reset for an unknown or disabled address: nothing sent");
    return;
  }
  try {
    if ((await limiters.perAccount.hit(user.id)).blocked) {
      logger.warn({ userId: user.id }, "password reset mails per account throttled");
      return;
    }
  } catch (err) {
    logger.error({ err }, "password reset rate limiter unavailable");
  }
  const link = await db().$transaction((tx) =>
    issuePasswordLink(tx, { userId: user.id, email, displayName: user.displayName, invitation: false }, meta),
  );
  if (!env().SMTP_URL) {
    logger.info({ email, link }, "mail disabled (no SMTP_URL): password reset link");
  }
}

/**
 * Creates a single-use link (RESET_TTL_MINUTES) to set the account's password and puts its mail
 * into the outbox, in the caller's transaction. `invitation`: the mail of an account an admin
 * just created (same link, other wording). Returns the link (for the log when mail is off).
 */
export async function issuePasswordLink(
  tx: Tx,
  input: { userId: string; email: string; displayName: string; invitation: boolean },
  meta: RequestMeta,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const id = hashToken(token);
  const link = resetUrl(token);
  await tx.passwordResetToken.create({
    data: { id, userId: input.userId, expiresAt: new Date(Date.now() + RESET_TTL_MINUTES * 60_000) },
  });
  if (!input.invitation) {
    await recordSecurityEvent({ userId: input.userId, kind: "PASSWORD_RESET_REQUESTED", meta }, tx);
  }
  const validity = `Der Link ist ${RESET_TTL_MINUTES} Minuten gültig und kann nur einmal verwendet werden.`;
  const lines = input.invitation
    ? [
        "die Administration Ihrer Behörde hat für Sie einen Zugang zum Bauantrag-Portal angelegt. Über diesen Link legen Sie Ihr Passwort fest:",
        link,
        "",
        `${validity} Ist er abgelaufen, fordern Sie auf der Anmeldeseite über „Passwort vergessen?“ einen neuen an.`,
      ]
    : [
        "für Ihr Konto im Bauantrag-Portal wurde ein neues Passwort angefordert. Über diesen Link legen Sie es fest:",
        link,
        "",
        `${validity} Danach sind Sie auf allen Geräten abgemeldet.`,
        "",
        "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail; Ihr Passwort bleibt dann unverändert.",
      ];
  await enqueueInTx(tx, {
    jobName: "system.send-email",
    jobId: buildJobId("system.send-email", "password-reset", id.slice(0, 32)),
    payload: {
      to: input.email,
      subject: input.invitation
        ? "Ihr Zugang zum Bauantrag-Portal"
        : "Passwort zurücksetzen – Bauantrag-Portal",
      text: [
        `Guten Tag ${input.displayName},`,
        "",
        ...lines,
        "",
        "Mit freundlichen Grüßen",
        "Ihr Bauantrag-Portal",
      ].join("\n"),
    },
  });
  return link;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whether a link is (still) usable, without using it up (mail scanners open links). */
export async function validResetToken(token: string, now = new Date()) {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db().passwordResetToken.findFirst({
    where: { id: hashToken(token), usedAt: null, expiresAt: { gt: now }, user: { disabledAt: null } },
    select: { user: { select: { email: true, displayName: true } } },
  });
  return row?.user ?? null;
}

export type ResetResult = { ok: true; userId: string } | { ok: false; message: string };

/**
 * Sets the new password of a reset link: the token is used up in the same transaction that
 * writes the hash, ends every session of the account and voids the account's other links.
 */
export async function resetPassword(
  token: string,
  newPassword: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<ResetResult> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, message: RESET_LINK_INVALID_MESSAGE };
  const id = hashToken(token);
  const passwordHash = await hashPassword(newPassword);
  return db().$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findFirst({
      where: { id, usedAt: null, expiresAt: { gt: now }, user: { disabledAt: null } },
      select: { userId: true },
    });
    if (!row) return { ok: false, message: RESET_LINK_INVALID_MESSAGE };
    // Guarded: of two submissions of the same link only one sees usedAt still null.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return { ok: false, message: RESET_LINK_INVALID_MESSAGE };
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await tx.passwordResetToken.updateMany({
      where: { userId: row.userId, usedAt: null },
      data: { usedAt: now },
    });
    const ended = await destroyAllSessionsOfUser(row.userId, tx);
    await recordSecurityEvent({ userId: row.userId, kind: "PASSWORD_RESET", meta }, tx);
    logger.info({ userId: row.userId, sessionsEnded: ended }, "password reset");
    return { ok: true, userId: row.userId };
  });
}
