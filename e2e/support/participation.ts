import { runSupportScript } from "./script.ts";

/** A complete case whose data suggests Gemeinde, Brandschutz and Naturschutz (participation-case.ts). */
export function createParticipationCase(title: string): { id: string; fileNumber: string } {
  return runSupportScript("participation-case.ts", [title]);
}

/** Runs the participation deadline check for one case as if it were `days` days from now. */
export function runParticipationDeadlines(
  applicationId: string,
  days: number,
): { reminded: string[]; deemedConsent: string[]; overdue: string[] } {
  return runSupportScript("participation-deadlines.ts", [applicationId, String(days)]);
}
