/**
 * Time travel for e2e/participation.spec.ts: runs the participation deadline check (the one the
 * repeatable deadlines job runs) for ONE case with `now` = today + N days, so specs running in
 * parallel are not affected. Usage: tsx e2e/support/participation-deadlines.ts <applicationId> <days>
 * Prints the result as JSON.
 */
import { db } from "~/utils/db.server";
import { checkParticipationDeadlines } from "../../workers/processors/check-deadlines";

const [applicationId, days] = process.argv.slice(2);
if (!applicationId || !days) throw new Error("usage: participation-deadlines.ts <applicationId> <days>");
const now = new Date(Date.now() + Number(days) * 86_400_000);
const result = await checkParticipationDeadlines(db(), { now, applicationId });
console.log(JSON.stringify(result));
await db().$disconnect();
process.exit(0);
