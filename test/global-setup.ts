import { ensureDatabase, migrate } from "../prisma/migrate.ts";

/**
 * Integration tests run against real PostgreSQL and Redis. They use their own database
 * (TEST_DATABASE_URL, default bauantrag_test), migrated here once; each test isolates its data
 * with its own tenant or ids, and its own queue prefix.
 */
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag_test";
  process.env.DATABASE_URL = url;
  process.env.NODE_ENV = "test";
  process.env.LOG_LEVEL ??= "warn";
  await ensureDatabase(url);
  await migrate(url);
}
