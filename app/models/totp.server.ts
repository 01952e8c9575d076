import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { hashPassword, verifyPassword } from "~/utils/auth.server";
import { db, type Tx } from "~/utils/db.server";
import { sessionSecret } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { destroyAllSessionsOfUser } from "~/utils/session.server";

/**
 * Second factor for authority staff (issue 17 item 3): TOTP (RFC 6238: SHA-1, 6 digits, 30 s —
 * what every authenticator app understands) through `otpauth`, QR code through `qrcode`.
 *
 * - The secret is stored AES-256-GCM encrypted with a key derived from SESSION_SECRET, so a
 *   database dump alone does not yield the codes.
 * - A code is accepted once: the accepted time step is stored, and a code of the same or an
 *   earlier step is refused (no replay of an observed code within its ±30 s window).
 * - RECOVERY_CODE_COUNT recovery codes, 10 characters each, stored as argon2 hashes, usable once.
 * - Whether clerks and admins must use it is the authority's setting (Authority.staffTotpRequired);
 *   a lost device is reset by the authority's admin (resetTotpByAdmin), recorded in the security
 *   history with the admin as actor.
 */

export const TOTP_ISSUER = "Bauantrag";
export const RECOVERY_CODE_COUNT = 10;
const PERIOD = 30;
const ENROLLMENT_TTL_MS = 15 * 60_000;

function key(): Buffer {
  return createHash("sha256").update(`totp-secret:${sessionSecret()}`).digest();
}

/** AES-256-GCM: iv.tag.ciphertext, base64url. */
export function sealValue(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString("base64url")).join(".");
}

export function openValue(sealed: string): string | null {
  const [iv, tag, ct] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !ct || iv.length !== 12 || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The time step a code belongs to, or null when it is not valid now (±1 step). */
export function matchingStep(secretBase32: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32, "x").validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD) + delta;
}

export interface Enrollment {
  /** Sealed {userId, secret, expires}: travels in the form, the server trusts only what it sealed. */
  sealed: string;
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/** A new secret for a user to scan; nothing is stored until a code from it is confirmed. */
export async function startEnrollment(user: { id: string; email: string }): Promise<Enrollment> {
  const secret = new Secret({ size: 20 }).base32;
  const uri = totpFor(secret, user.email).toString();
  const sealed = sealValue(JSON.stringify({ u: user.id, s: secret, e: Date.now() + ENROLLMENT_TTL_MS }));
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, scale: 5 });
  return { sealed, secret, uri, qrDataUrl };
}

/** A new secret for the account with this id (the second sign-in step knows only the id). */
export async function startEnrollmentOf(userId: string): Promise<Enrollment> {
  const user = await db().user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true },
  });
  return startEnrollment(user);
}

/** What the person's own security page shows of the account: factor, duty, linked providers. */
export async function accountSecurityOf(userId: string) {
  return db().user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true,
      roles: true,
      totpEnabledAt: true,
      authority: { select: { staffTotpRequired: true } },
      identities: {
        select: { provider: true, createdAt: true, lastUsedAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}

/** Formats a base32 secret in groups of four for typing it into an app. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

export const ENROLLMENT_EXPIRED_MESSAGE =
  "Die Einrichtung ist abgelaufen. Bitte scannen Sie den neuen QR-Code und geben Sie den Code erneut ein.";
export const WRONG_CODE_MESSAGE =
  "Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen Code ein.";

function newRecoveryCode(): string {
  // 10 characters of Crockford-like base32 without look-alikes: ~50 bits.
  const alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export type EnrollResult = { ok: true; recoveryCodes: string[] } | { ok: false; message: string };

/** Confirms an enrollment with a first code: stores the secret and returns fresh recovery codes. */
export async function confirmEnrollment(
  userId: string,
  sealed: string,
  code: string,
  meta: RequestMeta,
  now = Date.now(),
): Promise<EnrollResult> {
  const raw = openValue(sealed);
  const data = raw ? (JSON.parse(raw) as { u: string; s: string; e: number }) : null;
  if (!data || data.u !== userId || data.e < now) return { ok: false, message: ENROLLMENT_EXPIRED_MESSAGE };
  const step = matchingStep(data.s, code, now);
  if (step === null) return { ok: false, message: WRONG_CODE_MESSAGE };
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(c)));
  await db().$transaction(async (tx) => {
    await tx.user.update({
      where: { id: userId },
      data: { totpSecretEnc: sealValue(data.s), totpEnabledAt: new Date(now), totpLastStep: step },
    });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId, codeHash })) });
    await recordSecurityEvent({ userId, kind: "TOTP_ENABLED", meta }, tx);
  });
  logger.info({ userId }, "totp enabled");
  return { ok: true, recoveryCodes: codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`) };
}

export type FactorCheck = { ok: true; method: "totp" | "recovery" } | { ok: false };

/**
 * Checks a second-factor entry: a 6-digit TOTP code (accepted once per time step) or an unused
 * recovery code (used up).
 */
export async function verifySecondFactor(
  userId: string,
  input: string,
  meta: RequestMeta,
  now = Date.now(),
): Promise<FactorCheck> {
  const code = input.replace(/[\s-]/g, "").toUpperCase();
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { totpSecretEnc: true, totpEnabledAt: true },
  });
  if (!user?.totpSecretEnc || !user.totpEnabledAt) return { ok: false };
  if (/^\d{6}$/.test(code)) {
    const secret = openValue(user.totpSecretEnc);
    const step = secret ? matchingStep(secret, code, now) : null;
    if (step === null) return { ok: false };
    // Guarded: the same code (or an older one) twice is refused, also when sent concurrently.
    const r = await db().user.updateMany({
      where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return r.count === 1 ? { ok: true, method: "totp" } : { ok: false };
  }
  if (!/^[A-Z0-9]{10}$/.test(code)) return { ok: false };
  const candidates = await db().recoveryCode.findMany({
    where: { userId, usedAt: null },
    select: { id: true, codeHash: true },
  });
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.codeHash, code)) {
      const used = await db().recoveryCode.updateMany({
        where: { id: candidate.id, usedAt: null },
        data: { usedAt: new Date(now) },
      });
      if (used.count !== 1) return { ok: false };
      await recordSecurityEvent({ userId, kind: "RECOVERY_CODE_USED", meta });
      return { ok: true, method: "recovery" };
    }
  }
  return { ok: false };
}

export async function remainingRecoveryCodes(userId: string, client: Tx = db()): Promise<number> {
  return client.recoveryCode.count({ where: { userId, usedAt: null } });
}

/** Whether this account must sign in with a second factor (staff of an authority that requires it). */
export function secondFactorRequired(user: {
  roles: readonly string[];
  authority: { staffTotpRequired: boolean } | null;
}): boolean {
  return !!user.authority?.staffTotpRequired && user.roles.some((r) => r === "CLERK" || r === "ADMIN");
}

export const TOTP_REQUIRED_MESSAGE =
  "Ihre Behörde verlangt die Zwei-Faktor-Anmeldung. Sie kann nur von der Administration Ihrer Behörde zurückgesetzt werden.";

/** The person switches the factor off themselves (only where the authority does not require it). */
export async function disableTotp(
  userId: string,
  meta: RequestMeta,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { roles: true, authority: { select: { staffTotpRequired: true } } },
  });
  if (!user) return { ok: false, message: "Konto nicht gefunden." };
  if (secondFactorRequired(user)) return { ok: false, message: TOTP_REQUIRED_MESSAGE };
  await db().$transaction(async (tx) => {
    await tx.user.update({
      where: { id: userId },
      data: { totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await recordSecurityEvent({ userId, kind: "TOTP_DISABLED", meta }, tx);
  });
  return { ok: true };
}

/**
 * A lost device: the admin of the person's authority removes the factor and its recovery codes and
 * ends the person's sessions; the next sign-in sets up a new one where it is required. Scoped by
 * tenant: only accounts of the admin's own authority. Returns false when there is no such account.
 */
export async function resetTotpByAdmin(
  admin: { id: string; authorityId: string },
  targetUserId: string,
  meta: RequestMeta,
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const target = await tx.user.findFirst({
      where: { id: targetUserId, authorityId: admin.authorityId },
      select: { id: true, totpEnabledAt: true },
    });
    if (!target) return false;
    await tx.user.update({
      where: { id: target.id },
      data: { totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: target.id } });
    await destroyAllSessionsOfUser(target.id, tx);
    await recordSecurityEvent(
      { userId: target.id, kind: "TOTP_RESET_BY_ADMIN", actorId: admin.id, meta },
      tx,
    );
    logger.info({ userId: target.id, adminId: admin.id }, "totp reset by admin");
    return true;
  });
}
