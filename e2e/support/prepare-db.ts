import pg from "pg";
import { ensureDatabase, migrate } from "../../prisma/migrate.ts";

/**
 * Run by the Playwright web server command before the app starts (DATABASE_URL = the e2e
 * database): drops it, creates it, applies the migrations and seeds the demo data, so every run
 * starts from the same state.
 */
const url = process.env.DATABASE_URL;
if (!url || !/bauantrag_e2e/.test(url)) {
  console.error("prepare-db: DATABASE_URL must name the e2e database (bauantrag_e2e), refusing to drop it.");
  process.exit(1);
}
const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
const admin = new URL(url);
admin.pathname = "/postgres";
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS "${dbName.replaceAll('"', '""')}" WITH (FORCE)`);
await client.end();

await ensureDatabase(url);
await migrate(url);
const { db } = await import("../../app/utils/db.server.ts");
const { seed } = await import("../../prisma/seed.ts");
await seed(db());
await db().$disconnect();
const { closeRedis } = await import("../../app/utils/redis.server.ts");
await closeRedis();
console.log(`prepare-db: ${dbName} migrated and seeded`);
