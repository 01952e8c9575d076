import { db } from "~/utils/db.server";

/** Readiness probe of PostgreSQL (healthz): one trivial query. */
export async function pingDatabase(): Promise<void> {
  await db().$queryRaw`SELECT 1`;
}
