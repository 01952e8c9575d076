import { ISSUED_DOCUMENT_KINDS, isIssuedKind, normalizeVerificationCode } from "~/domain/issued-documents";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";

/**
 * The public check of an issued document (/pruefen/:code, no login). Shows only what the
 * authority prints on the document anyway and nothing about the people in the case: kind of
 * document, Aktenzeichen, date, issuing authority, who sealed it when, SHA-256 and size of the
 * issued file, and whether a newer issue replaced it. Codes are 60-bit random (workers/pdf/verification.ts)
 * and look-ups are rate-limited per client address, so codes cannot be collected by trying.
 */

export interface VerifiedDocument {
  code: string;
  kindLabel: string;
  fileNumber: string | null;
  issuedAt: string;
  issuer: string;
  sealedAt: string | null;
  sha256: string;
  sizeBytes: number;
  /** When a newer issue of the same document replaced this one. */
  supersededAt: string | null;
  /** End of the permit's validity (Bescheid and approved plans of a decided case), if any. */
  permitValidUntil: string | null;
}

export type VerificationLookup =
  | { status: "found"; document: VerifiedDocument }
  | { status: "not-found"; code: string | null }
  | { status: "throttled"; retryAfterSeconds: number };

/** Look-ups per client address and window; scanning a few documents stays far below it. */
export const VERIFICATIONS_PER_WINDOW = 60;
export const VERIFICATION_WINDOW_SECONDS = 600;

let defaultLimiter: FixedWindowLimiter | undefined;
export function verificationLimiter(): FixedWindowLimiter {
  defaultLimiter ??= new FixedWindowLimiter(redis(), {
    prefix: `${env().QUEUE_PREFIX}:ratelimit:verify`,
    // `blocked` means "this hit reached max": one more than allowed.
    max: VERIFICATIONS_PER_WINDOW + 1,
    windowSeconds: VERIFICATION_WINDOW_SECONDS,
  });
  return defaultLimiter;
}

export async function lookupVerification(
  rawCode: string,
  meta: { ip: string | null },
  limiter: FixedWindowLimiter = verificationLimiter(),
): Promise<VerificationLookup> {
  if (meta.ip) {
    try {
      const state = await limiter.hit(meta.ip);
      if (state.blocked) {
        logger.warn({ ip: meta.ip }, "verification look-ups throttled");
        return { status: "throttled", retryAfterSeconds: Math.max(1, Math.ceil(state.resetInMs / 1000)) };
      }
    } catch (err) {
      // Fail open like the other limiters: a Redis outage must not hide the check page.
      logger.error({ err }, "verification rate limiter unavailable");
    }
  }
  const code = normalizeVerificationCode(rawCode);
  if (!code) return { status: "not-found", code: null };
  const row = await db().generatedDocument.findUnique({
    where: { verificationCode: code },
    select: {
      id: true,
      applicationId: true,
      kind: true,
      title: true,
      participationId: true,
      createdAt: true,
      sealedAt: true,
      sealedBy: true,
      sha256: true,
      sizeBytes: true,
      application: { select: { fileNumber: true, authority: { select: { name: true } } } },
      decision: { select: { validUntil: true, status: true } },
    },
  });
  if (!row || !isIssuedKind(row.kind)) return { status: "not-found", code };
  // A newer issue of the same document (same case, kind, title and participation) replaces it.
  const newer = await db().generatedDocument.findFirst({
    where: {
      applicationId: row.applicationId,
      kind: row.kind,
      title: row.title,
      participationId: row.participationId,
      createdAt: { gt: row.createdAt },
    },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  return {
    status: "found",
    document: {
      code,
      kindLabel: ISSUED_DOCUMENT_KINDS[row.kind].label,
      fileNumber: row.application.fileNumber,
      issuedAt: row.createdAt.toISOString(),
      issuer: row.sealedBy ?? row.application.authority.name,
      sealedAt: row.sealedAt?.toISOString() ?? null,
      sha256: row.sha256,
      sizeBytes: Number(row.sizeBytes),
      supersededAt: newer?.createdAt.toISOString() ?? null,
      permitValidUntil: row.decision?.validUntil?.toISOString() ?? null,
    },
  };
}
