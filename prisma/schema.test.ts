import { randomUUID } from "node:crypto";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as enums from "~/generated/prisma/enums";
import { createPrisma } from "~/utils/db.server";
import { ensureDatabase, migrate, readMigrations } from "./migrate";

const baseUrl = process.env.DATABASE_URL!;
const MIGRATIONS = path.join(import.meta.dirname, "migrations");

function urlFor(dbName: string) {
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function dropDatabase(dbName: string) {
  const admin = new pg.Client({ connectionString: urlFor("postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}

describe("migration runner", () => {
  const dbName = `bauantrag_migrate_${randomUUID().slice(0, 8)}`;
  const url = urlFor(dbName);
  afterAll(() => dropDatabase(dbName));

  it("migrates an empty database once and records Prisma-compatible rows", async () => {
    await ensureDatabase(url);
    const first = await migrate(url);
    expect(first.applied).toEqual((await readMigrations()).map((m) => m.name));
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    const files = await readMigrations();
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at && r.applied_steps_count === 1)).toBe(true);
  });

  it("runs concurrently from several processes without applying anything twice", async () => {
    const other = `bauantrag_migrate_${randomUUID().slice(0, 8)}`;
    const otherUrl = urlFor(other);
    try {
      await ensureDatabase(otherUrl);
      const results = await Promise.all([migrate(otherUrl), migrate(otherUrl), migrate(otherUrl)]);
      const appliedTotal = results.flatMap((r) => r.applied);
      expect(appliedTotal.sort()).toEqual((await readMigrations()).map((m) => m.name).sort());
    } finally {
      await dropDatabase(other);
    }
  });

  it("refuses to continue when an applied migration file was edited afterwards", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const [first] = await readMigrations(dir);
    const file = path.join(dir, first!.name, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited later\n`);
    await expect(migrate(url, dir)).rejects.toThrow(/verändert/);
  });

  it("rolls a failing migration back completely and names it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const bad = path.join(dir, "99990101000000_broken");
    await (await import("node:fs/promises")).mkdir(bad);
    await writeFile(
      path.join(bad, "migration.sql"),
      `CREATE TABLE "Half" (id int); SELECT no_such_function();`,
    );
    await expect(migrate(url, dir)).rejects.toThrow(/99990101000000_broken/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const half = await client.query(`SELECT to_regclass('"Half"') AS t`);
    const row = await client.query(
      `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`,
    );
    await client.end();
    expect(half.rows[0].t).toBeNull();
    expect(row.rowCount).toBe(0);
  });
});

describe("freshly migrated database and the generated Prisma client", () => {
  const prisma = createPrisma(baseUrl);
  const tag = randomUUID().slice(0, 8);
  afterAll(() => prisma.$disconnect());

  it("has every enum value the client knows, and no other", async () => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    await client.end();
    const db = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    for (const [name, values] of Object.entries(enums)) {
      expect(db[name], `enum ${name}`).toEqual(Object.values(values as Record<string, string>));
    }
  });

  let ids: { authority: string; user: string; application: string; document: string };

  beforeAll(async () => {
    const authority = await prisma.authority.create({
      data: {
        slug: `schema-${tag}`,
        name: "Landkreis Test",
        kind: "BAUAUFSICHT",
        landProfile: "MV",
        fileNumberFormat: "63-{YYYY}-{NNNNN}",
        ags: "13074000",
        email: "bauamt@example.org",
        addressLine: "Rostocker Str. 76, 23970 Wismar",
        children: {
          create: {
            slug: `schema-${tag}-denkmal`,
            name: "Denkmalschutz",
            kind: "FACHSTELLE",
            agencyType: "DENKMALSCHUTZ",
            landProfile: "MV",
          },
        },
        fileNumberCounters: { create: { year: 2026, lastValue: 41 } },
      },
    });
    const user = await prisma.user.create({
      data: {
        email: `architektin-${tag}@example.org`,
        passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$x$y",
        displayName: "Anna Architektin",
        roles: ["ARCHITECT", "APPLICANT"],
        chamberNumber: "MV-1234",
        chamberLand: "MV",
        sessions: {
          create: {
            id: `s-${tag}`,
            expiresAt: new Date(Date.now() + 3600_000),
            userAgent: "vitest",
            ip: "127.0.0.1",
          },
        },
      },
    });
    const application = await prisma.application.create({
      data: {
        authorityId: authority.id,
        createdById: user.id,
        procedureType: "BAUGENEHMIGUNG",
        title: "Einfamilienhaus Am Markt 1",
        data: { project: { buildingClass: 1, description: "Neubau" } },
        members: {
          create: {
            email: user.email,
            userId: user.id,
            role: "ENTWURFSVERFASSER",
            invitationState: "ACCEPTED",
            invitedById: user.id,
            acceptedAt: new Date(),
          },
        },
      },
    });
    const document = await prisma.document.create({
      data: {
        applicationId: application.id,
        typeCode: "1803",
        title: "Lageplan",
        versions: {
          create: {
            versionNumber: 1,
            filename: "lageplan.pdf",
            mimeType: "application/pdf",
            sizeBytes: 5_000_000_000n,
            sha256: "a".repeat(64),
            storageKey: `tenants/${authority.id}/x/${tag}`,
            pageCount: 2,
            uploadedById: user.id,
          },
        },
      },
    });
    ids = { authority: authority.id, user: user.id, application: application.id, document: document.id };
  });

  it("reads back every model with its relations and exact values", async () => {
    const app = await prisma.application.findUniqueOrThrow({
      where: { id: ids.application },
      include: {
        authority: { include: { children: true, fileNumberCounters: true } },
        createdBy: { include: { sessions: true } },
        members: true,
        documents: { include: { versions: true } },
      },
    });
    expect(app.status).toBe("DRAFT");
    expect(app.version).toBe(1);
    expect(app.data).toEqual({ project: { buildingClass: 1, description: "Neubau" } });
    expect(app.authority.children[0]?.agencyType).toBe("DENKMALSCHUTZ");
    expect(app.authority.fileNumberCounters[0]?.lastValue).toBe(41);
    expect(app.createdBy.roles).toEqual(["ARCHITECT", "APPLICANT"]);
    expect(app.createdBy.sessions).toHaveLength(1);
    expect(app.members[0]?.invitationState).toBe("ACCEPTED");
    expect(app.documents[0]?.versions[0]?.sizeBytes).toBe(5_000_000_000n);
  });

  it("enforces the unique Aktenzeichen per authority and optimistic versions work", async () => {
    await prisma.application.update({
      where: { id: ids.application },
      data: { fileNumber: `63-2026-${tag}` },
    });
    await expect(
      prisma.application.create({
        data: {
          authorityId: ids.authority,
          createdById: ids.user,
          procedureType: "BAUGENEHMIGUNG",
          fileNumber: `63-2026-${tag}`,
        },
      }),
    ).rejects.toThrow();
    const stale = await prisma.application.updateMany({
      where: { id: ids.application, version: 99 },
      data: { title: "x", version: { increment: 1 } },
    });
    expect(stale.count).toBe(0);
  });

  it("keeps the case history append-only and document versions immutable", async () => {
    const event = await prisma.caseEvent.create({
      data: {
        applicationId: ids.application,
        actorId: ids.user,
        type: "application.created",
        payload: { a: 1 },
      },
    });
    expect(typeof event.id).toBe("bigint");
    await expect(
      prisma.caseEvent.update({ where: { id: event.id }, data: { type: "forged" } }),
    ).rejects.toThrow();
    await expect(prisma.caseEvent.delete({ where: { id: event.id } })).rejects.toThrow();
    const version = await prisma.documentVersion.findFirstOrThrow({ where: { documentId: ids.document } });
    await expect(
      prisma.documentVersion.update({ where: { id: version.id }, data: { sha256: "b".repeat(64) } }),
    ).rejects.toThrow();
    await expect(
      prisma.documentVersion.create({
        data: { ...version, id: undefined, storageKey: `${version.storageKey}-2`, createdAt: undefined },
      }),
    ).rejects.toThrow(); // same (documentId, versionNumber)
  });

  it("stores generated documents immutably and deduplicated notifications", async () => {
    const generated = await prisma.generatedDocument.create({
      data: {
        applicationId: ids.application,
        kind: "RECEIPT",
        title: "Eingangsbestätigung",
        filename: "eingangsbestaetigung.pdf",
        mimeType: "application/pdf",
        sizeBytes: 1234n,
        sha256: "c".repeat(64),
        storageKey: `generated-${tag}`,
        sourceKey: `receipt__${tag}`,
      },
    });
    await expect(
      prisma.generatedDocument.update({ where: { id: generated.id }, data: { sha256: "d".repeat(64) } }),
    ).rejects.toThrow();
    const note = {
      userId: ids.user,
      applicationId: ids.application,
      type: "application.submitted",
      title: "Antrag eingegangen",
      link: `/antraege/${ids.application}`,
      dedupeKey: `n__${tag}`,
    };
    await prisma.notification.create({ data: note });
    await expect(prisma.notification.create({ data: note })).rejects.toThrow();
    const unread = await prisma.notification.count({ where: { userId: ids.user, readAt: null } });
    expect(unread).toBe(1);
  });

  it("stores requests with items and threaded, pinned comments", async () => {
    const request = await prisma.request.create({
      data: {
        applicationId: ids.application,
        createdById: ids.user,
        message: "Bitte reichen Sie den Brandschutznachweis nach.",
        internalNote: "nur intern",
        deadline: new Date("2026-12-31T23:59:59Z"),
        baseline: { version: 1 },
        items: {
          create: [
            { position: 1, category: "05", message: "Brandschutznachweis fehlt", documentTypeCode: "2701" },
          ],
        },
      },
      include: { items: true },
    });
    expect(request.status).toBe("OPEN");
    expect(request.items[0]?.category).toBe("05");
    const version = await prisma.documentVersion.findFirstOrThrow({ where: { documentId: ids.document } });
    const root = await prisma.comment.create({
      data: {
        applicationId: ids.application,
        authorId: ids.user,
        visibility: "INTERNAL",
        body: "Abstandsfläche prüfen",
        documentVersionId: version.id,
        page: 1,
        posX: 0.25,
        posY: 0.75,
      },
    });
    await prisma.comment.create({
      data: {
        applicationId: ids.application,
        authorId: ids.user,
        visibility: "INTERNAL",
        body: "Erledigt",
        parentId: root.id,
      },
    });
    const thread = await prisma.comment.findUniqueOrThrow({
      where: { id: root.id },
      include: { replies: true },
    });
    expect(thread.replies).toHaveLength(1);
    expect(thread.posY).toBe(0.75);
    await prisma.application.update({
      where: { id: ids.application },
      data: {
        assignedClerkId: ids.user,
        searchText: "anna architektin am markt 1",
        nextDeadlineAt: request.deadline,
      },
    });
    const found = await prisma.application.findMany({
      where: { authorityId: ids.authority, searchText: { contains: "markt" } },
      select: { id: true },
    });
    expect(found.map((a) => a.id)).toContain(ids.application);
  });

  it("writes outbox rows with unique job ids", async () => {
    const jobId = `schema__${tag}`;
    const row = await prisma.outboxMessage.create({
      data: { queue: "q", jobName: "system.test", jobId, payload: { x: 1 } },
    });
    expect(row.dispatchedAt).toBeNull();
    await expect(
      prisma.outboxMessage.create({ data: { queue: "q", jobName: "system.test", jobId, payload: {} } }),
    ).rejects.toThrow();
  });
});
