/**
 * For e2e/accounts.spec.ts: an applicant and a clerk of their own (demo password, unique e-mail
 * addresses), so changing a password or setting up a second factor never touches the demo
 * accounts other specs sign in with. The clerk belongs to the demo clerk's authority. Prints JSON.
 *
 *   npx tsx e2e/support/accounts-users.ts
 */
import { randomUUID } from "node:crypto";
import { hashPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { DEMO_PASSWORD } from "../../prisma/seed-data";

const suffix = randomUUID().slice(0, 8);
const passwordHash = await hashPassword(DEMO_PASSWORD);
const demoClerk = await db().user.findUniqueOrThrow({
  where: { email: "sachbearbeiter@demo.bauantrag.de" },
  select: { authorityId: true },
});
const applicant = await db().user.create({
  data: {
    email: `konto-${suffix}@e2e.bauantrag.invalid`,
    displayName: `Konto Test ${suffix}`,
    roles: ["APPLICANT"],
    passwordHash,
  },
  select: { email: true },
});
const clerk = await db().user.create({
  data: {
    email: `totp-${suffix}@e2e.bauantrag.invalid`,
    displayName: `TOTP Test ${suffix}`,
    roles: ["CLERK"],
    authorityId: demoClerk.authorityId,
    passwordHash,
  },
  select: { email: true },
});
await db().$disconnect();
console.log(JSON.stringify({ applicant: applicant.email, clerk: clerk.email }));
