/**
 * For e2e/agency-portal.spec.ts: an agency (Fachstelle) of its own with one user (demo password)
 * and routed participations on the given submitted cases, as the routing worker leaves them
 * (status SENT, the first two document versions shared); plus a PENDING participation of the same
 * agency and a participation of another agency, neither of which the agency may see. Everything
 * through Prisma in the e2e database; the agency is new per run, so specs running in parallel (and
 * the demo agencies of other specs) are not affected. Prints JSON.
 *
 *   npx tsx e2e/support/agency-participation.ts <applicationId> [<applicationId> ...]
 */
import { randomUUID } from "node:crypto";
import { hashPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { DEMO_PASSWORD } from "../../prisma/seed-data";

const applicationIds = process.argv.slice(2);
if (applicationIds.length === 0) throw new Error("usage: agency-participation.ts <applicationId>...");
const suffix = randomUUID().slice(0, 8);

const apps = await db().application.findMany({
  where: { id: { in: applicationIds } },
  select: { id: true, authorityId: true },
});
if (apps.length !== applicationIds.length) throw new Error("unknown application id");
const authorityId = apps[0]!.authorityId;
const clerk = await db().user.findFirstOrThrow({
  where: { authorityId, roles: { has: "CLERK" } },
  select: { id: true },
});
const passwordHash = await hashPassword(DEMO_PASSWORD);

async function agency(label: string) {
  const a = await db().authority.create({
    data: {
      slug: `e2e-${label}-${suffix}`,
      name: `Fachstelle ${label} ${suffix}`,
      kind: "FACHSTELLE",
      agencyType: "BRANDSCHUTZ",
      landProfile: "MV",
      parentId: authorityId,
      addressLine: "Rostocker Straße 76, 23970 Wismar",
    },
    select: { id: true, name: true },
  });
  const email = `${label}-${suffix}@e2e.bauantrag.invalid`;
  await db().user.create({
    data: { email, displayName: `Sachkundige ${label}`, roles: ["AGENCY"], authorityId: a.id, passwordHash },
  });
  return { ...a, email };
}

async function participate(
  applicationId: string,
  agencyId: string,
  status: "SENT" | "PENDING",
  days: number,
  round = 1,
) {
  const versions = await db().documentVersion.findMany({
    where: { document: { applicationId } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
    take: 2,
  });
  return db().participation.create({
    data: {
      applicationId,
      agencyId,
      round,
      startedById: clerk.id,
      kind: "AGENCY_STATEMENT",
      status,
      question: "Bitte nehmen Sie aus Sicht des vorbeugenden Brandschutzes Stellung.",
      reason: "Gebäudeklasse 4",
      legalBasis: "§ 70 Abs. 1 LBauO M-V",
      deadline: new Date(Date.now() + days * 86_400_000),
      silenceIsConsent: false,
      silenceConsequence:
        "Geht bis zum Ablauf der Frist keine Stellungnahme ein, entscheidet die Bauaufsichtsbehörde ohne Stellungnahme.",
      sentAt: status === "SENT" ? new Date() : null,
      documents: { create: versions.map((v, position) => ({ documentVersionId: v.id, position })) },
    },
    select: { id: true, deadline: true },
  });
}

const own = await agency("brandschutz");
const other = await agency("andere");
const participations = [];
for (const [i, id] of applicationIds.entries())
  participations.push(await participate(id, own.id, "SENT", 10 + i * 10));
// A second round not yet routed: never shown to the agency.
const pending = await participate(applicationIds[0]!, own.id, "PENDING", 30, 2);
const foreign = await participate(applicationIds[0]!, other.id, "SENT", 12);
console.log(
  JSON.stringify({
    agencyEmail: own.email,
    agencyName: own.name,
    participations: participations.map((p) => ({ id: p.id, deadline: p.deadline.toISOString() })),
    pendingId: pending.id,
    foreignId: foreign.id,
  }),
);
await db().$disconnect();
process.exit(0);
