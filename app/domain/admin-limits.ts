/**
 * Limits of the authority admin's settings that the pages print as hints. They live here, not in
 * the `.server` models that enforce them: a `.server` module is empty in the browser bundle, so a
 * constant imported from one renders on the server and turns `undefined` once React hydrates.
 */

/** Processing target for the completeness check (Authority.reviewTargetDays), in calendar days. */
export const MIN_REVIEW_TARGET_DAYS = 1;
export const MAX_REVIEW_TARGET_DAYS = 90;

/** Largest PKCS#12 accepted at /verwaltung/siegel (a seal certificate with its chain is a few KB). */
export const MAX_SEAL_P12_BYTES = 100 * 1024;
