import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ApplicationData } from "../app/domain/application-data.ts";
import { buildSearchText } from "../app/domain/search-text.ts";
import type { PrismaClient } from "../app/generated/prisma/client.ts";
import { hashPassword, verifyPassword } from "../app/utils/auth.server.ts";
import { AUTHORITIES, DEMO_APPLICATION_IDS, DEMO_LOGINS, DEMO_PASSWORD, USERS } from "./seed-data.ts";

export { DEMO_APPLICATION_IDS, DEMO_LOGINS, DEMO_PASSWORD, type DemoLogin } from "./seed-data.ts";

/**
 * Demo data: Landkreis Nordwestmecklenburg (Bauaufsicht) with two Gemeinden and five Fachstellen,
 * a second Bauaufsicht (Landkreis Ludwigslust-Parchim) to show tenant isolation, one demo user
 * per role and three demo applications. Idempotent: authorities are upserted by slug, users by
 * e-mail, applications by fixed ids; running it again never duplicates or resets work done since.
 */

function formatFileNumber(format: string, year: number, n: number): string {
  return format
    .replace("{YYYY}", String(year))
    .replace(/\{(N+)\}/, (_, ns: string) => String(n).padStart(ns.length, "0"));
}

const DEMO_DATA: ApplicationData = {
  bauherr: {
    kind: "PERSON",
    firstName: "Jana",
    lastName: "Schröder",
    email: "bauherr@demo.bauantrag.de",
    address: { street: "Mittelweg", houseNumber: "12", postalCode: "23946", city: "Ostseebad Boltenhagen" },
  },
  entwurfsverfasser: {
    name: "Miriam Albrecht",
    chamberNumber: "AK-MV-2318",
    chamberLand: "MV",
    email: "architektin@demo.bauantrag.de",
    address: { street: "Lübsche Straße", houseNumber: "22", postalCode: "23966", city: "Wismar" },
  },
  plot: {
    address: { street: "Dünenweg", houseNumber: "7", postalCode: "23946", city: "Ostseebad Boltenhagen" },
    municipalityAgs: "13074010",
    parcels: [{ gemarkung: "Boltenhagen", flur: "2", zaehler: "143", nenner: "5" }],
    planningArea: "BEBAUUNGSPLAN",
    developmentPlanName: "B-Plan Nr. 12 „Wohngebiet Dünenweg“",
  },
  project: {
    measureType: "ERRICHTUNG",
    description: "Neubau eines eingeschossigen Einfamilienhauses mit Satteldach und Carport.",
    buildingClass: 1,
    use: "WOHNEN",
    heatedRooms: true,
    estimatedCosts: 385_000,
  },
};

export interface SeedResult {
  authorities: Record<string, string>;
  users: Record<string, string>;
  applications: typeof DEMO_APPLICATION_IDS;
}

export async function seed(db: PrismaClient): Promise<SeedResult> {
  // Authorities: parents first (the list is ordered so that a parent precedes its children).
  const authorityIds: Record<string, string> = {};
  for (const a of AUTHORITIES) {
    const parentId = a.parentSlug ? authorityIds[a.parentSlug] : undefined;
    const data = {
      name: a.name,
      kind: a.kind,
      agencyType: a.agencyType ?? null,
      landProfile: a.landProfile,
      fileNumberFormat: a.fileNumberFormat ?? "{YYYY}-{NNNNN}",
      ags: a.ags ?? null,
      email: a.email ?? null,
      addressLine: a.addressLine ?? null,
      parentId: parentId ?? null,
      xbauKennung: a.xbauKennung ?? null,
    };
    const row = await db.authority.upsert({
      where: { slug: a.slug },
      create: { slug: a.slug, ...data },
      update: data,
      select: { id: true },
    });
    authorityIds[a.slug] = row.id;
    // Letterhead and payment settings of the demo Bauaufsicht (issue 15): set once, the admin edits
    // them at /verwaltung/bescheide. The IBAN is the well-known example IBAN (valid check digits).
    if (a.kind === "BAUAUFSICHT") {
      await db.authority.updateMany({
        where: { id: row.id, paymentIban: null },
        data: {
          orgUnit: "Fachdienst Bauordnung und Umwelt – Untere Bauaufsichtsbehörde",
          phone: "03841 3040-0",
          officeHours: "Di 9–12 und 13–17 Uhr, Do 9–12 Uhr",
          paymentPayee: `${a.name}, Kreiskasse (Demo)`,
          paymentIban: "DE89370400440532013000",
          paymentBic: "COBADEFFXXX",
        },
      });
    }
  }

  const userIds: Record<string, string> = {};
  for (const u of USERS) {
    const existing = await db.user.findUnique({ where: { email: u.email }, select: { passwordHash: true } });
    // Keep the existing hash when it still matches the demo password (saves an argon2 run per user).
    const keepHash = existing?.passwordHash && (await verifyPassword(existing.passwordHash, DEMO_PASSWORD));
    const passwordHash = keepHash ? existing!.passwordHash! : await hashPassword(DEMO_PASSWORD);
    const data = {
      displayName: u.displayName,
      roles: u.roles,
      authorityId: u.authoritySlug ? authorityIds[u.authoritySlug]! : null,
      chamberNumber: u.chamberNumber ?? null,
      chamberLand: u.chamberLand ?? null,
      passwordHash,
      disabledAt: null,
    };
    const row = await db.user.upsert({
      where: { email: u.email },
      create: { email: u.email, ...data },
      update: data,
      select: { id: true },
    });
    userIds[u.email] = row.id;
  }

  const year = new Date().getFullYear();
  const nwm = authorityIds["lk-nordwestmecklenburg"]!;
  const lup = authorityIds["lk-ludwigslust-parchim"]!;
  const bauherr = userIds["bauherr@demo.bauantrag.de"]!;
  const architektin = userIds["architektin@demo.bauantrag.de"]!;

  await seedApplication(db, {
    id: DEMO_APPLICATION_IDS.nwmSubmitted,
    authorityId: nwm,
    municipalityId: authorityIds["gemeinde-ostseebad-boltenhagen"]!,
    createdById: bauherr,
    title: "Neubau Einfamilienhaus mit Carport, Dünenweg 7, Boltenhagen",
    procedureType: "VEREINFACHT",
    data: DEMO_DATA,
    submitted: { fileNumber: formatFileNumber("63-{YYYY}-{NNNNN}", year, 1), year, sequence: 1 },
    members: [
      { userId: bauherr, email: "bauherr@demo.bauantrag.de", role: "BAUHERR" },
      { userId: architektin, email: "architektin@demo.bauantrag.de", role: "ENTWURFSVERFASSER" },
    ],
  });
  await seedApplication(db, {
    id: DEMO_APPLICATION_IDS.nwmDraft,
    authorityId: nwm,
    municipalityId: authorityIds["stadt-grevesmuehlen"]!,
    createdById: bauherr,
    title: "Anbau Wintergarten, Grevesmühlen",
    procedureType: "VEREINFACHT",
    data: { bauherr: DEMO_DATA.bauherr },
    members: [{ userId: bauherr, email: "bauherr@demo.bauantrag.de", role: "BAUHERR" }],
  });
  await seedApplication(db, {
    id: DEMO_APPLICATION_IDS.lupSubmitted,
    authorityId: lup,
    municipalityId: null,
    createdById: architektin,
    title: "Umbau Scheune zu Ferienwohnungen, Parchim",
    procedureType: "BAUGENEHMIGUNG",
    data: { entwurfsverfasser: DEMO_DATA.entwurfsverfasser },
    submitted: { fileNumber: formatFileNumber("BA-{YYYY}-{NNNNN}", year, 1), year, sequence: 1 },
    members: [{ userId: architektin, email: "architektin@demo.bauantrag.de", role: "ENTWURFSVERFASSER" }],
  });

  return { authorities: authorityIds, users: userIds, applications: DEMO_APPLICATION_IDS };
}

async function seedApplication(
  db: PrismaClient,
  a: {
    id: string;
    authorityId: string;
    municipalityId: string | null;
    createdById: string;
    title: string;
    procedureType: string;
    data: ApplicationData;
    submitted?: { fileNumber: string; year: number; sequence: number };
    members: { userId: string; email: string; role: "BAUHERR" | "ENTWURFSVERFASSER" }[];
  },
): Promise<void> {
  const exists = await db.application.findUnique({ where: { id: a.id }, select: { id: true } });
  if (exists) return; // Never reset an application someone has worked on since the last seed.
  const submittedAt = a.submitted ? new Date() : null;
  await db.$transaction(async (tx) => {
    await tx.application.create({
      data: {
        id: a.id,
        authorityId: a.authorityId,
        municipalityId: a.municipalityId,
        createdById: a.createdById,
        title: a.title,
        procedureType: a.procedureType,
        data: a.data,
        status: a.submitted ? "SUBMITTED" : "DRAFT",
        fileNumber: a.submitted?.fileNumber ?? null,
        // The inbox search finds the demo cases by Aktenzeichen, names and address (issue 14 item 8).
        searchText: a.submitted
          ? buildSearchText({ fileNumber: a.submitted.fileNumber, title: a.title, data: a.data })
          : "",
        submittedAt,
        snapshot: a.submitted ? { data: a.data, documents: [] } : undefined,
        members: {
          create: a.members.map((m) => ({
            userId: m.userId,
            email: m.email,
            role: m.role,
            invitationState: "ACCEPTED" as const,
            invitedById: a.createdById,
            acceptedAt: new Date(),
          })),
        },
      },
    });
    await tx.caseEvent.create({
      data: {
        applicationId: a.id,
        actorId: a.createdById,
        type: "application.created",
        payload: { demo: true },
      },
    });
    if (a.submitted) {
      await tx.caseEvent.create({
        data: { applicationId: a.id, actorId: a.createdById, type: "application.submitted", payload: {} },
      });
      await tx.caseEvent.create({
        data: {
          applicationId: a.id,
          actorId: null,
          type: "application.file-number-assigned",
          payload: { fileNumber: a.submitted.fileNumber },
        },
      });
      // Keep the Aktenzeichen counter ahead of the numbers the demo data used.
      await tx.$executeRaw`
        INSERT INTO "FileNumberCounter" ("authorityId", "year", "lastValue")
        VALUES (${a.authorityId}::uuid, ${a.submitted.year}, ${a.submitted.sequence})
        ON CONFLICT ("authorityId", "year")
        DO UPDATE SET "lastValue" = GREATEST("FileNumberCounter"."lastValue", EXCLUDED."lastValue")`;
    }
  });
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const { db } = await import("../app/utils/db.server.ts");
  const started = Date.now();
  const result = await seed(db());
  await db().$disconnect();
  console.log(
    `Demodaten eingespielt (${Object.keys(result.authorities).length} Behörden, ${Object.keys(result.users).length} Benutzer:innen) in ${Date.now() - started} ms.`,
  );
  console.log(`Demo-Zugänge (Passwort für alle: ${DEMO_PASSWORD}):`);
  const width = Math.max(...DEMO_LOGINS.map((l) => l.email.length));
  for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(width)}  ${l.label}`);
}
