import { runSupportScript } from "./script.ts";

/**
 * A new submitted case of the demo architect in the e2e database (e2e/support/review-case.ts):
 * every spec creates its own case, so specs run in parallel and on a freshly seeded database.
 */
export function createSubmittedCase(title: string): { id: string; fileNumber: string } {
  return runSupportScript("review-case.ts", [title]);
}
