/**
 * Submissions: Aktenzeichen allocation under contention. Prepares complete drafts (form data +
 * every required document version) at two authorities, then submits them all at once and one
 * after another, and checks that the numbers are unique and gap-free per authority.
 *
 *   npx tsx bench/submission.ts [drafts=100]
 *
 * Uses its own database (BENCH_DATABASE_URL, default bauantrag_bench, created and migrated here)
 * with fresh tenants per run. Rows stay (the case history is append-only by design).
 */
import os from "node:os";

process.env.LOG_LEVEL ??= "warn";
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_bench";
process.env.DATABASE_URL = databaseUrl;

const { ensureDatabase, migrate } = await import("../prisma/migrate.ts");
await ensureDatabase(databaseUrl);
await migrate(databaseUrl);

const { db } = await import("~/utils/db.server");
const { createCompleteDraft, createTestDistrict, sessionUser } = await import("../test/kit/draft-fixtures");
const { submitApplication } = await import("~/models/submission.server");

const N = Math.max(2, Number(process.argv[2] ?? 100));
const architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Bench Architektin" });

async function prepare(count: number) {
  const a = await createTestDistrict("bench-a", "63-{YYYY}-{NNNNN}");
  const b = await createTestDistrict("bench-b", "BA/{YY}/{NNNN}");
  const drafts: { id: string; version: number; authorityId: string }[] = [];
  const plan = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? a : b));
  for (let i = 0; i < plan.length; i += 10) {
    const batch = plan.slice(i, i + 10);
    const made = await Promise.all(batch.map((d) => createCompleteDraft(architect, d.gemeinde.id)));
    for (const [j, m] of made.entries())
      drafts.push({ ...m, authorityId: (batch[j] as typeof a).authority.id });
  }
  return { drafts, authorities: [a.authority.id, b.authority.id] };
}

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function verify(authorities: string[]) {
  for (const authorityId of authorities) {
    const rows = await db().application.findMany({
      where: { authorityId, status: "SUBMITTED" },
      select: { fileNumber: true },
    });
    const numbers = rows.map((r) =>
      Number(/(\d+)(?!.*\d)/.exec(r.fileNumber?.replace(/\/\d{2}$/, "") ?? "")?.[1]),
    );
    const unique = new Set(rows.map((r) => r.fileNumber));
    const max = Math.max(...numbers);
    if (unique.size !== rows.length || max !== rows.length) {
      throw new Error(
        `authority ${authorityId}: ${rows.length} submitted, ${unique.size} unique, highest ${max}`,
      );
    }
  }
}

type Row = {
  scenario: string;
  submissions: number;
  totalMs: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
};
const table: Row[] = [];

for (const mode of ["all at once", "one after another"] as const) {
  const { drafts, authorities } = await prepare(N);
  const latencies: number[] = [];
  const submit = async (d: (typeof drafts)[number]) => {
    const t = performance.now();
    const r = await submitApplication(architect, d.id, {
      expectedVersion: d.version,
      laterDocumentTypeCodes: [],
    });
    latencies.push(performance.now() - t);
    if (!r.ok) throw new Error(`submission failed: ${JSON.stringify(r)}`);
  };
  const start = performance.now();
  if (mode === "all at once") await Promise.all(drafts.map(submit));
  else for (const d of drafts) await submit(d);
  const totalMs = performance.now() - start;
  await verify(authorities);
  latencies.sort((x, y) => x - y);
  table.push({
    scenario: mode,
    submissions: drafts.length,
    totalMs: Math.round(totalMs),
    perSecond: Math.round((drafts.length / totalMs) * 1000),
    p50Ms: Math.round(pct(latencies, 50)),
    p95Ms: Math.round(pct(latencies, 95)),
  });
}

console.log(
  `\nSubmissions (2 authorities, unique gap-free Aktenzeichen verified) — ${os.cpus().length} cores, Node ${process.version}`,
);
console.table(table);
await db().$disconnect();
