/**
 * Authority statistics (/behoerde/statistik) on a few thousand cases per authority: latency of
 * authorityStatistics (p50/p95, all five statements) and EXPLAIN ANALYZE of each raw statement,
 * to see that they start from the authority's index and stay in the milliseconds.
 *
 *   npx tsx bench/statistics.ts [casesPerAuthority=5000] [--authorities=4] [--reseed] [--plans]
 *
 * Own database (BENCH_STATISTICS_DATABASE_URL, default bauantrag_bench_statistics), created and
 * migrated here; 4 authorities (or --authorities=n) with cases over 24 months (80 % complete, 60 % decided, requests,
 * participations in every state), seeded with generate_series and kept for the next run.
 */
process.env.LOG_LEVEL ??= "warn";
const databaseUrl =
  process.env.BENCH_STATISTICS_DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/bauantrag_bench_statistics";
process.env.DATABASE_URL = databaseUrl;

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(databaseUrl);
await migrate(databaseUrl);

const { Prisma } = await import("~/generated/prisma/client");
const { db } = await import("~/utils/db.server");
const { authorityStatistics, berlinMonthStart, monthKeys, statisticsSql } = await import(
  "~/models/statistics.server"
);

const args = process.argv.slice(2);
const PER_AUTHORITY = Number(args.find((a) => /^\d+$/.test(a)) ?? 5_000);
const AUTHORITIES = Number(args.find((a) => a.startsWith("--authorities="))?.split("=")[1] ?? 4);
const ITERATIONS = 50;

async function seeded(): Promise<number> {
  const rows = await db().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "Application" a JOIN "Authority" t ON t."id" = a."authorityId"
     WHERE t."slug" LIKE 'bench-stat-%'`;
  return rows[0]?.n ?? 0;
}

async function seed() {
  const started = performance.now();
  const n = PER_AUTHORITY * AUTHORITIES;
  await db().$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "Application" a USING "Authority" t
                            WHERE t."id" = a."authorityId" AND t."slug" LIKE 'bench-stat-%'`;
      await tx.$executeRaw`INSERT INTO "Authority" ("id", "slug", "name", "kind", "landProfile", "fileNumberFormat", "updatedAt")
        SELECT gen_random_uuid(), 'bench-stat-' || i, 'Landkreis Statistik ' || i, 'BAUAUFSICHT', 'MV', '63-{YYYY}-{NNNNN}', now()
          FROM generate_series(0, ${AUTHORITIES - 1}) i ON CONFLICT ("slug") DO NOTHING`;
      await tx.$executeRaw`INSERT INTO "Authority" ("id", "slug", "name", "kind", "agencyType", "landProfile", "updatedAt")
        SELECT gen_random_uuid(), 'bench-stat-agency-' || i, 'Fachstelle ' || i, 'FACHSTELLE', 'DENKMALSCHUTZ', 'MV', now()
          FROM generate_series(0, 2) i ON CONFLICT ("slug") DO NOTHING`;
      await tx.$executeRaw`INSERT INTO "User" ("id", "email", "displayName", "roles", "updatedAt")
        VALUES (gen_random_uuid(), 'clerk@bench-stat.invalid', 'Bench', '{CLERK}', now()) ON CONFLICT ("email") DO NOTHING`;
      await tx.$executeRaw`
        WITH ba AS (SELECT (row_number() OVER (ORDER BY "slug") - 1)::int AS an, "id" FROM "Authority"
                     WHERE "slug" ~ '^bench-stat-[0-9]+$'),
             u AS (SELECT "id" FROM "User" WHERE "email" = 'clerk@bench-stat.invalid')
        INSERT INTO "Application" ("id", "authorityId", "createdById", "status", "procedureType", "fileNumber",
                                   "submittedAt", "completeAt", "updatedAt")
        SELECT gen_random_uuid(), ba."id", (SELECT "id" FROM u), 'SUBMITTED', 'VEREINFACHT',
               '63-' || g, now() - ((g * 37) % 730) * interval '1 day',
               CASE WHEN (g / ${AUTHORITIES}) % 5 <> 0 THEN now() - ((g * 37) % 730) * interval '1 day' + ((g * 13) % 60 + 1) * interval '1 day' END,
               now()
          FROM generate_series(0, ${n - 1}) g JOIN ba ON ba.an = g % ${AUTHORITIES}`;
      await tx.$executeRaw`
        INSERT INTO "Decision" ("id", "applicationId", "kind", "status", "draftedById", "decidedAt", "updatedAt")
        SELECT gen_random_uuid(), a."id", 'BAUGENEHMIGUNG', 'DECIDED', a."createdById",
               a."completeAt" + ((abs(hashtext(a."id"::text)) % 90) + 1) * interval '1 day', now()
          FROM "Application" a JOIN "Authority" t ON t."id" = a."authorityId"
         WHERE t."slug" LIKE 'bench-stat-%' AND a."completeAt" IS NOT NULL AND abs(hashtext(a."id"::text)) % 4 <> 0`;
      await tx.$executeRaw`
        INSERT INTO "Request" ("id", "applicationId", "createdById", "status", "deadline", "sentAt")
        SELECT gen_random_uuid(), a."id", a."createdById", 'ANSWERED', a."submittedAt" + interval '30 days',
               a."submittedAt" + interval '3 days'
          FROM "Application" a JOIN "Authority" t ON t."id" = a."authorityId",
               generate_series(1, 1 + abs(hashtext(a."id"::text)) % 3) r
         WHERE t."slug" LIKE 'bench-stat-%' AND abs(hashtext(a."id"::text)) % 5 < 2`;
      await tx.$executeRaw`
        WITH ag AS (SELECT (row_number() OVER (ORDER BY "slug") - 1)::int AS gn, "id" FROM "Authority"
                     WHERE "slug" LIKE 'bench-stat-agency-%')
        INSERT INTO "Participation" ("id", "applicationId", "agencyId", "kind", "status", "question", "legalBasis",
                                     "deadline", "silenceIsConsent", "silenceConsequence", "startedById", "sentAt", "updatedAt")
        SELECT gen_random_uuid(), a."id", ag."id", 'AGENCY_STATEMENT',
               (ARRAY['SENT','OPENED','ANSWERED','ANSWERED','DEEMED_CONSENT'])[1 + abs(hashtext(a."id"::text)) % 5]::"ParticipationStatus",
               'Stellungnahme?', '§ 69 MBO', a."completeAt" + interval '1 month', true, 'Zustimmung gilt', a."createdById",
               a."completeAt", now()
          FROM "Application" a JOIN "Authority" t ON t."id" = a."authorityId"
          JOIN ag ON ag.gn = abs(hashtext(a."id"::text)) % 3
         WHERE t."slug" LIKE 'bench-stat-%' AND a."completeAt" IS NOT NULL`;
    },
    { timeout: 600_000, maxWait: 10_000 },
  );
  for (const table of ["Application", "Decision", "Request", "Participation"]) {
    await db().$executeRawUnsafe(`ANALYZE "${table}"`);
  }
  return performance.now() - started;
}

if (args.includes("--reseed") || (await seeded()) < PER_AUTHORITY * AUTHORITIES) {
  const ms = await seed();
  console.log(`Geseedet: ${PER_AUTHORITY * AUTHORITIES} Fälle in ${(ms / 1000).toFixed(1)} s`);
}
const authority = await db().authority.findUniqueOrThrow({
  where: { slug: "bench-stat-0" },
  select: { id: true },
});
const counts = await db().$queryRaw<
  { apps: number; decisions: number; requests: number; participations: number }[]
>`
  SELECT (SELECT count(*)::int FROM "Application" WHERE "authorityId" = ${authority.id}::uuid) AS apps,
         (SELECT count(*)::int FROM "Decision" d JOIN "Application" a ON a."id" = d."applicationId" WHERE a."authorityId" = ${authority.id}::uuid) AS decisions,
         (SELECT count(*)::int FROM "Request" r JOIN "Application" a ON a."id" = r."applicationId" WHERE a."authorityId" = ${authority.id}::uuid) AS requests,
         (SELECT count(*)::int FROM "Participation" p JOIN "Application" a ON a."id" = p."applicationId" WHERE a."authorityId" = ${authority.id}::uuid) AS participations`;
console.log("Eine Behörde:", counts[0], `(Datenbank gesamt: ${await seeded()} Fälle)`);

const rows = [];
for (const months of [12, 24]) {
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await authorityStatistics(authority.id, { months });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const now = new Date();
  const from = berlinMonthStart(monthKeys(now, months)[0] as string);
  const explain: Record<string, string> = {};
  const statements = {
    perMonth: statisticsSql.perMonth(authority.id, from, now),
    medians: statisticsSql.medians(authority.id, from, now),
    requests: statisticsSql.requests(authority.id, from, now),
    overdue: statisticsSql.overdue(authority.id, now, 50),
  };
  for (const [name, sql] of Object.entries(statements)) {
    const plan = await db().$queryRaw<{ "QUERY PLAN": string }[]>(
      Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
    );
    const lines = plan.map((p) => p["QUERY PLAN"]);
    explain[name] = lines.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
    if (args.includes("--plans")) console.log(`\n-- ${name} (${months} Monate)\n${lines.join("\n")}`);
  }
  rows.push({
    Monate: months,
    "p50 ms": (times[Math.floor(times.length / 2)] ?? 0).toFixed(1),
    "p95 ms": (times[Math.floor(times.length * 0.95)] ?? 0).toFixed(1),
    "perMonth SQL": explain.perMonth,
    "medians SQL": explain.medians,
    "requests SQL": explain.requests,
    "overdue SQL": explain.overdue,
  });
}
console.table(rows);
await db().$disconnect();

// A module (top-level await) without static imports.
export {};
