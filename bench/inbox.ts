/**
 * Clerk inbox with 100,000 submitted cases across 20 authorities: listInbox latency (p50/p95, what
 * the route pays: query building, two statements, row mapping) next to the raw SQL time of the same
 * statements (EXPLAIN ANALYZE execution time, median). Target: p95 under 50 ms.
 *
 *   npx tsx bench/inbox.ts [cases=100000] [--reseed] [--plans]
 *
 * Uses its own database (BENCH_INBOX_DATABASE_URL, default bauantrag_bench_inbox, created and
 * migrated here). The cases are seeded with one generate_series INSERT (seconds, not minutes) and
 * kept for the next run; --reseed deletes and seeds them again. searchText is built in SQL the same
 * way buildSearchText builds it (Aktenzeichen | title | names | addresses | Flurstück).
 */
import type { Prisma as PrismaTypes } from "~/generated/prisma/client";
import type { InboxFilters } from "~/models/inbox.server";

process.env.LOG_LEVEL ??= "warn";
const databaseUrl =
  process.env.BENCH_INBOX_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_bench_inbox";
process.env.DATABASE_URL = databaseUrl;

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(databaseUrl);
await migrate(databaseUrl);

const { Prisma } = await import("~/generated/prisma/client");
const { db } = await import("~/utils/db.server");
const { getSessionUserById } = await import("~/models/user.server");
const { inboxQueries, listInbox, normalizeInboxFilters } = await import("~/models/inbox.server");

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const reseed = args.includes("--reseed");
const showPlans = args.includes("--plans");
const AUTHORITIES = 20;
const ITERATIONS = 200;

async function seeded(): Promise<number> {
  const rows = await db().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "Application" a JOIN "Authority" t ON t."id" = a."authorityId"
     WHERE t."slug" LIKE 'bench-inbox-%'`;
  return rows[0]?.n ?? 0;
}

async function seed() {
  const started = performance.now();
  await db().$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "Application" a USING "Authority" t
                            WHERE t."id" = a."authorityId" AND t."slug" LIKE 'bench-inbox-%'`;
      await tx.$executeRaw`INSERT INTO "Authority" ("id", "slug", "name", "kind", "landProfile", "fileNumberFormat", "updatedAt")
        SELECT gen_random_uuid(), 'bench-inbox-' || lpad(i::text, 2, '0'), 'Landkreis Bench ' || i, 'BAUAUFSICHT',
               'MV', '63-{YYYY}-{NNNNN}', now()
          FROM generate_series(0, ${AUTHORITIES - 1}) i
        ON CONFLICT ("slug") DO NOTHING`;
      await tx.$executeRaw`INSERT INTO "Authority" ("id", "slug", "name", "kind", "landProfile", "parentId", "updatedAt")
        SELECT gen_random_uuid(), t."slug" || '-g' || m, 'Gemeinde ' || m || ' (' || t."name" || ')', 'GEMEINDE', 'MV',
               t."id", now()
          FROM "Authority" t, generate_series(0, 4) m
         WHERE t."slug" ~ '^bench-inbox-[0-9]+$'
        ON CONFLICT ("slug") DO NOTHING`;
      await tx.$executeRaw`INSERT INTO "User" ("id", "email", "displayName", "roles", "authorityId", "updatedAt")
        SELECT gen_random_uuid(), 'clerk-' || substr(t."slug", 13) || '-' || c || '@bench-inbox.invalid',
               'Sachbearbeitung ' || c, '{CLERK}', t."id", now()
          FROM "Authority" t, generate_series(0, 2) c
         WHERE t."slug" ~ '^bench-inbox-[0-9]+$'
        ON CONFLICT ("email") DO NOTHING`;
      await tx.$executeRaw`INSERT INTO "User" ("id", "email", "displayName", "roles", "updatedAt")
        VALUES (gen_random_uuid(), 'architect@bench-inbox.invalid', 'Bench Architektin', '{ARCHITECT}', now())
        ON CONFLICT ("email") DO NOTHING`;

      await tx.$executeRaw`
        WITH ba AS (
          SELECT (row_number() OVER (ORDER BY "slug") - 1)::int AS an, "id" FROM "Authority"
           WHERE "slug" ~ '^bench-inbox-[0-9]+$'),
        gm AS (
          SELECT ba.an, (row_number() OVER (PARTITION BY ba.an ORDER BY g."slug") - 1)::int AS mn, g."id"
            FROM ba JOIN "Authority" g ON g."parentId" = ba."id"),
        cl AS (
          SELECT ba.an, (row_number() OVER (PARTITION BY ba.an ORDER BY u."email") - 1)::int AS cn, u."id"
            FROM ba JOIN "User" u ON u."authorityId" = ba."id"),
        arch AS (SELECT "id" FROM "User" WHERE "email" = 'architect@bench-inbox.invalid'),
        pools AS (SELECT
          ARRAY['Müller','Schmidt','Schneider','Fischer','Weber','Meyer','Wagner','Becker','Schulz','Hoffmann',
                'Schäfer','Koch','Bauer','Richter','Klein','Wolf','Schröder','Neumann','Schwarz','Zimmermann',
                'Braun','Krüger','Hofmann','Hartmann','Lange','Schmitt','Werner','Schmitz','Krause','Meier',
                'Lehmann','Schmid','Schulze','Maier','Köhler','Herrmann','König','Walter','Mayer','Huber',
                'Kaiser','Fuchs','Peters','Lang','Scholz','Möller','Weiß','Jung','Hahn','Schubert'] AS last,
          ARRAY['Anna','Ben','Clara','David','Emma','Felix','Greta','Hans','Ida','Jonas','Karla','Lukas','Mia',
                'Noah','Olga','Paul','Rita','Simon','Tina','Uwe','Vera','Willi','Yvonne','Zoe','Erika','Max',
                'Sophie','Leon','Marie','Finn'] AS first,
          ARRAY['Hauptstraße','Schulstraße','Gartenstraße','Dorfstraße','Bahnhofstraße','Bergstraße',
                'Lindenallee','Kirchweg','Am See','Waldweg','Rosenstraße','Birkenweg','Mühlenstraße',
                'Feldstraße','Wiesenweg','Parkstraße','Am Markt','Lange Straße','Ringstraße','Poststraße'] AS street,
          ARRAY['Rostock','Schwerin','Wismar','Güstrow','Parchim','Waren','Neubrandenburg','Stralsund',
                'Greifswald','Bad Doberan','Ludwigslust','Hagenow','Teterow','Bützow','Malchin','Demmin',
                'Anklam','Pasewalk','Ribnitz','Grevesmühlen'] AS city,
          ARRAY['SUBMITTED','SUBMITTED','SUBMITTED','SUBMITTED','IN_REVIEW','IN_REVIEW','IN_REVIEW','IN_REVIEW',
                'IN_REVIEW','INCOMPLETE','INCOMPLETE','INCOMPLETE','COMPLETE','COMPLETE','COMPLETE',
                'PARTICIPATION','DECISION_PENDING','DECIDED','DECIDED','WITHDRAWN'] AS status,
          ARRAY['BAUGENEHMIGUNG','VEREINFACHT','VEREINFACHT','VEREINFACHT','GENEHMIGUNGSFREISTELLUNG',
                'VORBESCHEID','BESEITIGUNG'] AS ptype),
        s AS (
          SELECT g, g % ${AUTHORITIES} AS an, g / ${AUTHORITIES} AS seq,
                 '63-2026-' || lpad((g / ${AUTHORITIES} + 1)::text, 5, '0') AS fn,
                 p.last[1 + (g / 20 * 31 + g) % 50] AS ln, p.first[1 + (g / 20 * 17) % 30] AS vn,
                 p.street[1 + (g / 20 * 13) % 20] AS st, (1 + (g / 20) % 97)::text AS hn,
                 p.city[1 + (g % 20 + g / 20 % 3) % 20] AS city, '1' || lpad(((g * 11) % 9000 + 1000)::text, 4, '0') AS plz,
                 p.status[1 + (g / 20 * 7) % 20] AS status, p.ptype[1 + (g / 20) % 7] AS ptype
            FROM generate_series(0, ${N - 1}) g, pools p)
        INSERT INTO "Application" ("id", "authorityId", "municipalityId", "createdById", "status", "procedureType",
          "fileNumber", "title", "data", "submittedAt", "assignedClerkId", "nextDeadlineAt", "decisionDueAt",
          "searchText", "updatedAt")
        SELECT gen_random_uuid(), ba."id", gm."id", (SELECT "id" FROM arch), s.status::"ApplicationStatus", s.ptype,
               s.fn, 'Neubau Wohnhaus ' || s.st,
               jsonb_build_object(
                 'bauherr', jsonb_build_object('firstName', s.vn, 'lastName', s.ln),
                 'entwurfsverfasser', jsonb_build_object('name', 'Architekturbüro ' || s.city),
                 'plot', jsonb_build_object(
                   'address', jsonb_build_object('street', s.st, 'houseNumber', s.hn, 'postalCode', s.plz, 'city', s.city),
                   'parcels', jsonb_build_array(jsonb_build_object('gemarkung', s.city, 'flur', (1 + s.g % 9)::text,
                                                                   'zaehler', (1 + s.g % 400)::text)))),
               now() - ((s.seq * 37) % 400) * interval '1 day' - (s.g % 1440) * interval '1 minute',
               cl."id",
               CASE WHEN s.status IN ('DECIDED', 'WITHDRAWN') OR s.seq % 10 < 2 THEN NULL
                    ELSE now() + (((s.seq * 7919) % 150) - 25) * interval '1 day' END,
               CASE WHEN s.status IN ('COMPLETE', 'PARTICIPATION', 'DECISION_PENDING')
                    THEN now() + ((s.seq * 7919) % 90) * interval '1 day' END,
               lower(concat_ws(' | ', s.fn, 'Neubau Wohnhaus ' || s.st, s.vn, s.ln, 'Architekturbüro ' || s.city,
                               s.st, s.hn, s.plz, s.city,
                               s.city || ' flur ' || (1 + s.g % 9) || ' flurstück ' || (1 + s.g % 400))),
               now()
          FROM s
          JOIN ba ON ba.an = s.an
          JOIN gm ON gm.an = s.an AND gm.mn = (s.seq / 7) % 5
          LEFT JOIN cl ON cl.an = s.an AND cl.cn = (s.seq / 3) % 4`;
    },
    { timeout: 600_000, maxWait: 10_000 },
  );
  await db().$executeRawUnsafe(`ANALYZE "Application"`);
  return performance.now() - started;
}

const have = await seeded();
if (reseed || have < N) {
  console.log(`Seeding ${N.toLocaleString("de-DE")} cases across ${AUTHORITIES} authorities …`);
  const ms = await seed();
  console.log(`  seeded in ${(ms / 1000).toFixed(1)} s`);
} else {
  console.log(`Reusing ${have.toLocaleString("de-DE")} seeded cases (--reseed to start over)`);
}

const clerkRow = await db().user.findFirstOrThrow({
  where: { email: "clerk-00-0@bench-inbox.invalid" },
  select: { id: true, authorityId: true },
});
const clerk = await getSessionUserById(clerkRow.id);
if (!clerk?.authorityId) throw new Error("bench clerk missing");
const authorityId = clerk.authorityId;
const sample = await db().application.findFirstOrThrow({
  where: { authorityId, fileNumber: { not: null } },
  orderBy: { fileNumber: "desc" },
  select: { fileNumber: true },
});
const perAuthority = await db().application.count({ where: { authorityId } });

const scenarios: { name: string; filters: InboxFilters }[] = [
  { name: "default (all, page 1)", filters: {} },
  { name: "default, page 40", filters: { page: 40 } },
  { name: "sort newest submission", filters: { sort: "newest" } },
  { name: "sort Aktenzeichen, page 40", filters: { sort: "fileNumber", page: 40 } },
  { name: "status IN_REVIEW", filters: { status: "IN_REVIEW" } },
  { name: "assigned to me, this week", filters: { assignedClerkId: clerk.id, due: "week" } },
  { name: "unassigned", filters: { assignedClerkId: "none" } },
  { name: "overdue", filters: { due: "overdue" } },
  {
    name: `search Az "${(sample.fileNumber ?? "").slice(-6)}"`,
    filters: { q: (sample.fileNumber ?? "").slice(-6) },
  },
  { name: 'search name "schwarz"', filters: { q: "schwarz" } },
  { name: 'search address "lindenallee"', filters: { q: "lindenallee" } },
  { name: 'search "müller" + IN_REVIEW', filters: { q: "müller", status: "IN_REVIEW" } },
];

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Plan {
  "Execution Time": number;
  Plan: { "Node Type": string; Plans?: Plan["Plan"][]; "Index Name"?: string };
}

function indexesUsed(node: Plan["Plan"], out = new Set<string>()): Set<string> {
  if (node["Index Name"]) out.add(node["Index Name"]);
  else if (node["Node Type"] === "Seq Scan") out.add("Seq Scan");
  for (const child of node.Plans ?? []) indexesUsed(child, out);
  return out;
}

async function explain(sql: PrismaTypes.Sql) {
  const rows = await db().$queryRaw<{ "QUERY PLAN": Plan[] }[]>(
    Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
  );
  const plan = rows[0]?.["QUERY PLAN"][0];
  if (!plan) throw new Error("no plan");
  return plan;
}

const table: Record<string, string | number>[] = [];
let worstP95 = 0;
for (const s of scenarios) {
  const filters = { page: 1, pageSize: 25, ...s.filters };
  for (let i = 0; i < 5; i++) await listInbox(clerk, filters);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    const r = await listInbox(clerk, filters);
    times.push(performance.now() - t0);
    total = r.total;
  }
  times.sort((a, b) => a - b);
  const { rows, count } = inboxQueries(authorityId, normalizeInboxFilters(filters), new Date());
  const sqlTimes: number[] = [];
  let plans: Plan[] = [];
  for (let i = 0; i < 21; i++) {
    plans = [await explain(rows), await explain(count)];
    sqlTimes.push(plans.reduce((sum, p) => sum + p["Execution Time"], 0));
  }
  sqlTimes.sort((a, b) => a - b);
  const p95 = pct(times, 95);
  worstP95 = Math.max(worstP95, p95);
  table.push({
    scenario: s.name,
    total,
    "listInbox p50 ms": Number(pct(times, 50).toFixed(2)),
    "listInbox p95 ms": Number(p95.toFixed(2)),
    "SQL exec ms (rows+count, median)": Number(pct(sqlTimes, 50).toFixed(2)),
    "indexes (rows | count)": plans.map((p) => [...indexesUsed(p.Plan)].join("+")).join(" | "),
  });
  if (showPlans) {
    const text = await db().$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ANALYZE ${rows}`);
    console.log(`\n-- ${s.name}\n${text.map((r) => r["QUERY PLAN"]).join("\n")}`);
  }
}

console.log(
  `\nInbox: ${N.toLocaleString("de-DE")} cases, ${AUTHORITIES} authorities (${perAuthority.toLocaleString("de-DE")} for the measured clerk), page size 25, ${ITERATIONS} runs each`,
);
console.table(table);
console.log(
  `worst p95: ${worstP95.toFixed(2)} ms (target < 50 ms) → ${worstP95 < 50 ? "OK" : "ÜBERSCHRITTEN"}`,
);
await db().$disconnect();
