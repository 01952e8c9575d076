import { defineConfig } from "prisma/config";

// The schema is the source of truth for the generated client. Migrations are SQL files in Prisma's
// folder layout, applied by scripts/migrate.ts (see docs/decisions/0001-migration-runner.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bauantrag" },
});
