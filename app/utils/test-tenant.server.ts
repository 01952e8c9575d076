import { randomUUID } from "node:crypto";
import type { UserRole } from "~/generated/prisma/client";
import { db } from "./db.server";

/**
 * Test helper: a fresh tenant (authority) and users with unique e-mail addresses, so integration
 * tests running in parallel against the shared test database never see each other's rows.
 */
/**
 * A test authority's XBau identity as its admin would configure it ("tst" prefix: never a real
 * DVDV entry), unique per call so parallel tests can route messages by it.
 */
export function testXbauKennung(): string {
  return `tst:${BigInt(`0x${randomUUID().replace(/-/g, "").slice(0, 15)}`).toString()}`;
}

export async function createTestTenant(label = "test") {
  const suffix = randomUUID().slice(0, 8);
  return db().authority.create({
    data: {
      slug: `${label}-${suffix}`,
      name: `Testkreis ${label} ${suffix}`,
      kind: "BAUAUFSICHT",
      landProfile: "MV",
      fileNumberFormat: "63-{YYYY}-{NNNNN}",
      // Landkreis Nordwestmecklenburg's Kreisschlüssel: its Gemeinden (13074…) lie in its district.
      ags: "13074000",
      xbauKennung: testXbauKennung(),
    },
    select: { id: true, name: true, slug: true, xbauKennung: true },
  });
}

export async function createTestUser(options: {
  roles: UserRole[];
  authorityId?: string | null;
  passwordHash?: string | null;
  disabled?: boolean;
  displayName?: string;
}) {
  const suffix = randomUUID().slice(0, 12);
  return db().user.create({
    data: {
      email: `user-${suffix}@test.bauantrag.invalid`,
      displayName: options.displayName ?? `Test ${suffix}`,
      roles: options.roles,
      authorityId: options.authorityId ?? null,
      passwordHash: options.passwordHash ?? null,
      disabledAt: options.disabled ? new Date() : null,
    },
    select: { id: true, email: true, displayName: true, roles: true, authorityId: true },
  });
}
