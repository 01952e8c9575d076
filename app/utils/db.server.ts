import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "./env.server";

export type { Prisma } from "~/generated/prisma/client";
export type Db = PrismaClient;
/** What a function needs to run either on the client or inside a $transaction callback. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createPrisma(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

// One client per process; kept on globalThis so Remix dev reloads don't open new pools.
const g = globalThis as unknown as { __prisma?: PrismaClient };

export function db(): PrismaClient {
  g.__prisma ??= createPrisma(env().DATABASE_URL);
  return g.__prisma;
}
