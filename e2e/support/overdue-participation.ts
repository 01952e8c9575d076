/**
 * For e2e/statistik.spec.ts: a participation of one case that was sent and is past its deadline
 * (three days ago), so the statistics page has an overdue participation to list. The spec's own
 * case only; the agency is the first Fachstelle of the seed. Usage:
 *   tsx e2e/support/overdue-participation.ts <applicationId>
 * Prints { agencyName } as JSON.
 */
import { db } from "~/utils/db.server";

const [applicationId] = process.argv.slice(2);
if (!applicationId) throw new Error("usage: overdue-participation.ts <applicationId>");
const app = await db().application.findUniqueOrThrow({
  where: { id: applicationId },
  select: { authorityId: true },
});
const agency = await db().authority.findFirstOrThrow({
  where: { kind: "FACHSTELLE" },
  orderBy: { slug: "asc" },
  select: { id: true, name: true },
});
const clerk = await db().user.findFirstOrThrow({
  where: { authorityId: app.authorityId, roles: { has: "CLERK" } },
  select: { id: true },
});
const day = 86_400_000;
await db().participation.create({
  data: {
    applicationId,
    agencyId: agency.id,
    kind: "AGENCY_STATEMENT",
    status: "SENT",
    question: "Bitte nehmen Sie zum Vorhaben Stellung.",
    legalBasis: "§ 69 Abs. 1 LBauO M-V",
    deadline: new Date(Date.now() - 3 * day),
    silenceIsConsent: true,
    silenceConsequence: "Die Zustimmung gilt als erteilt.",
    startedById: clerk.id,
    sentAt: new Date(Date.now() - 33 * day),
  },
});
console.log(JSON.stringify({ agencyName: agency.name }));
await db().$disconnect();
process.exit(0);
