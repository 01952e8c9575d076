import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import type { ApplicationStatus, Prisma } from "~/generated/prisma/client";
import { saveDraftSection } from "~/models/draft.server";
import { sendRequest, startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { buildSearchText, escapeLike, listInbox, searchWords } from "./inbox.server";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-11-22T10:00:00Z");

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let other: Awaited<ReturnType<typeof createTestDistrict>>;
let clerk: SessionUser;
let clerk2: SessionUser;
let foreignClerk: SessionUser;
let architect: SessionUser;
const ids: Record<string, string> = {};

async function makeCase(
  key: string,
  authorityId: string,
  opts: {
    status?: ApplicationStatus;
    procedureType?: string;
    municipalityId?: string | null;
    assignedClerkId?: string | null;
    nextDeadlineAt?: Date | null;
    submittedAt?: Date;
    lastName?: string;
    street?: string;
  } = {},
) {
  const fileNumber = `63-2026-${key}-${randomUUID().slice(0, 6)}`;
  const data = {
    bauherr: { firstName: "Erika", lastName: opts.lastName ?? "Mustermann" },
    plot: { address: { street: opts.street ?? "Hauptstraße", houseNumber: "1", city: "Teststadt" } },
  };
  const row = await db().application.create({
    data: {
      authorityId,
      municipalityId: opts.municipalityId ?? null,
      createdById: architect.id,
      status: opts.status ?? "SUBMITTED",
      procedureType: opts.procedureType ?? "VEREINFACHT",
      fileNumber: opts.status === "DRAFT" ? null : fileNumber,
      title: `Fall ${key}`,
      data,
      submittedAt: opts.status === "DRAFT" ? null : (opts.submittedAt ?? new Date(now.getTime() - DAY)),
      assignedClerkId: opts.assignedClerkId ?? null,
      nextDeadlineAt: opts.nextDeadlineAt ?? null,
      searchText: buildSearchText({ fileNumber, title: `Fall ${key}`, data }),
    },
    select: { id: true },
  });
  ids[key] = row.id;
  return row.id;
}

beforeAll(async () => {
  district = await createTestDistrict("inbox");
  other = await createTestDistrict("inbox-other");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({
    roles: ["CLERK"],
    authorityId: district.authority.id,
    displayName: "Clara Clerk",
  });
  clerk2 = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
  foreignClerk = await sessionUser({ roles: ["CLERK"], authorityId: other.authority.id });
  const A = district.authority.id;
  await makeCase("overdue", A, { nextDeadlineAt: new Date(now.getTime() - 2 * DAY), status: "INCOMPLETE" });
  await makeCase("week", A, {
    nextDeadlineAt: new Date(now.getTime() + 3 * DAY),
    assignedClerkId: clerk.id,
    municipalityId: district.gemeinde.id,
    lastName: "Schwarzkopf",
  });
  await makeCase("later", A, {
    nextDeadlineAt: new Date(now.getTime() + 30 * DAY),
    assignedClerkId: clerk2.id,
    status: "COMPLETE",
    procedureType: "REGULAER",
    street: "Lindenallee",
  });
  // COMPLETE without a decision deadline (none in the profile): no deadline runs.
  await makeCase("nodeadline-old", A, {
    status: "COMPLETE",
    submittedAt: new Date(now.getTime() - 10 * DAY),
  });
  await makeCase("nodeadline-new", A, {
    status: "COMPLETE",
    submittedAt: new Date(now.getTime() - 1 * DAY),
    lastName: "O'Brien_100%",
  });
  await makeCase("draft", A, { status: "DRAFT", lastName: "Schwarzkopf" });
  await makeCase("foreign", other.authority.id, { lastName: "Schwarzkopf", nextDeadlineAt: new Date(now) });
});

function keys(rows: { id: string }[]): string[] {
  return rows.map((r) => Object.entries(ids).find(([, id]) => id === r.id)?.[0] ?? "?");
}

describe("listInbox", () => {
  it("lists the own authority's submitted cases only, by next deadline (none last), then submission", async () => {
    const r = await listInbox(clerk, { page: 1, pageSize: 25 }, { now });
    expect(keys(r.rows)).toEqual(["overdue", "week", "later", "nodeadline-old", "nodeadline-new"]);
    expect(r.total).toBe(5);
    const week = r.rows[1];
    expect(week).toMatchObject({
      status: "SUBMITTED",
      assignedClerkName: "Clara Clerk",
      municipalityName: district.gemeinde.name,
      applicantName: "Erika Schwarzkopf",
      plotAddress: "Hauptstraße 1, Teststadt",
    });
  });

  it("never shows another authority's cases, whatever the filters say", async () => {
    const r = await listInbox(foreignClerk, { q: "schwarzkopf", page: 1, pageSize: 25 }, { now });
    expect(keys(r.rows)).toEqual(["foreign"]);
    const mine = await listInbox(clerk, { q: "schwarzkopf", page: 1, pageSize: 25 }, { now });
    expect(keys(mine.rows)).toEqual(["week"]);
    const applicant = await listInbox(architect, { page: 1, pageSize: 25 }, { now });
    expect(applicant).toMatchObject({ rows: [], total: 0 });
  });

  it("filters by status, procedure type, Gemeinde and assignment", async () => {
    const byStatus = await listInbox(clerk, { status: "INCOMPLETE", page: 1, pageSize: 25 }, { now });
    expect(keys(byStatus.rows)).toEqual(["overdue"]);
    const bogus = await listInbox(clerk, { status: "DRAFT", page: 1, pageSize: 25 }, { now });
    expect(bogus.total).toBe(0);
    const byType = await listInbox(clerk, { procedureType: "REGULAER", page: 1, pageSize: 25 }, { now });
    expect(keys(byType.rows)).toEqual(["later"]);
    const byGemeinde = await listInbox(
      clerk,
      { municipalityId: district.gemeinde.id, page: 1, pageSize: 25 },
      { now },
    );
    expect(keys(byGemeinde.rows)).toEqual(["week"]);
    const mine = await listInbox(clerk, { assignedClerkId: clerk.id, page: 1, pageSize: 25 }, { now });
    expect(keys(mine.rows)).toEqual(["week"]);
    const unassigned = await listInbox(clerk, { assignedClerkId: "none", page: 1, pageSize: 25 }, { now });
    expect(keys(unassigned.rows)).toEqual(["overdue", "nodeadline-old", "nodeadline-new"]);
    const malformed = await listInbox(
      clerk,
      { assignedClerkId: "x' OR 1=1", page: 1, pageSize: 25 },
      { now },
    );
    expect(malformed.total).toBe(0);
  });

  it("filters overdue and due within a week", async () => {
    const overdue = await listInbox(clerk, { due: "overdue", page: 1, pageSize: 25 }, { now });
    expect(keys(overdue.rows)).toEqual(["overdue"]);
    const week = await listInbox(clerk, { due: "week", page: 1, pageSize: 25 }, { now });
    expect(keys(week.rows)).toEqual(["week"]);
  });

  it("searches Aktenzeichen fragments, names and addresses case-insensitively; wildcards are literal", async () => {
    const fileNumber = (
      await db().application.findUniqueOrThrow({ where: { id: ids.later }, select: { fileNumber: true } })
    ).fileNumber as string;
    const byAz = await listInbox(
      clerk,
      { q: fileNumber.slice(8).toUpperCase(), page: 1, pageSize: 25 },
      { now },
    );
    expect(keys(byAz.rows)).toEqual(["later"]);
    const byStreet = await listInbox(clerk, { q: "  LINDEN  ", page: 1, pageSize: 25 }, { now });
    expect(keys(byStreet.rows)).toEqual(["later"]);
    const literal = await listInbox(clerk, { q: "brien_100%", page: 1, pageSize: 25 }, { now });
    expect(keys(literal.rows)).toEqual(["nodeadline-new"]);
    const wildcard = await listInbox(clerk, { q: "%", page: 1, pageSize: 25 }, { now });
    expect(keys(wildcard.rows)).toEqual(["nodeadline-new"]);
    expect(escapeLike("a_b%c\\")).toBe("a\\_b\\%c\\\\");
  });

  it("pages with a total; page size is clamped", async () => {
    const p2 = await listInbox(clerk, { page: 2, pageSize: 2 }, { now });
    expect(p2).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(keys(p2.rows)).toEqual(["later", "nodeadline-old"]);
    const p3 = await listInbox(clerk, { page: 3, pageSize: 2 }, { now });
    expect(keys(p3.rows)).toEqual(["nodeadline-new"]);
    expect(p3.total).toBe(5);
    expect(Object.keys(p3.rows[0] ?? {})).not.toContain("total");
    // Paged past the end: no rows, and the total still says how many there are.
    const past = await listInbox(clerk, { page: 9, pageSize: 2 }, { now });
    expect(past).toMatchObject({ rows: [], total: 5, page: 9 });
    const huge = await listInbox(clerk, { page: 0, pageSize: 10_000 }, { now });
    expect(huge).toMatchObject({ page: 1, pageSize: 100, total: 5 });
  });
});

describe("forgiving search (issue 14 item 8)", () => {
  let d: Awaited<ReturnType<typeof createTestDistrict>>;
  let searcher: SessionUser;
  const fileNumbers: Record<string, string> = {};

  async function makeNamed(key: string, fileNumber: string, data: Prisma.InputJsonObject) {
    const row = await db().application.create({
      data: {
        authorityId: d.authority.id,
        createdById: architect.id,
        status: "SUBMITTED",
        procedureType: "VEREINFACHT",
        fileNumber,
        title: `Fall ${key}`,
        data,
        submittedAt: now,
        searchText: buildSearchText({ fileNumber, title: `Fall ${key}`, data }),
      },
      select: { id: true },
    });
    ids[key] = row.id;
    fileNumbers[key] = fileNumber;
  }

  beforeAll(async () => {
    d = await createTestDistrict("inbox-fold");
    searcher = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    const suffix = randomUUID().slice(0, 4);
    await makeNamed("koehler", `77-2026-00042-${suffix}`, {
      bauherr: { firstName: "Jörg", lastName: "Köhler" },
      plot: { address: { street: "Wismarsche Straße", houseNumber: "12", city: "Grevesmühlen" } },
    });
    await makeNamed("kohler", `77-2026-00043-${suffix}`, {
      bauherr: { firstName: "Ann", lastName: "Kohler" },
      plot: { address: { street: "Wismarsche Straße", houseNumber: "3", city: "Grevesmühlen" } },
    });
    await makeNamed("strasse", `77-2026-01200-${suffix}`, {
      bauherr: { firstName: "René", lastName: "Weiß" },
      plot: { address: { street: "Hauptstr.", houseNumber: "12", city: "Schönberg" } },
    });
  });

  const search = async (q: string) =>
    keys((await listInbox(searcher, { q, sort: "fileNumber", page: 1, pageSize: 25 }, { now })).rows);

  it('"koehler" finds Köhler, and "Köhler" finds a Koehler spelt out; o is not ö', async () => {
    expect(await search("koehler")).toEqual(["koehler"]);
    expect(await search("KÖHLER")).toEqual(["koehler"]);
    expect(await search("kohler")).toEqual(["kohler"]);
    expect(await search("joerg koehler")).toEqual(["koehler"]);
    expect(await search("rene weiss")).toEqual(["strasse"]);
  });

  it('"Wismarsche Str. 12" finds "Wismarsche Straße 12"; Straße and Str. are one word both ways', async () => {
    expect(await search("Wismarsche Str. 12")).toEqual(["koehler"]);
    expect(await search("wismarsche strasse 12")).toEqual(["koehler"]);
    expect(await search("Wismarsche Straße")).toEqual(["koehler", "kohler"]);
    // Stored abbreviated, searched written out (and words in any order).
    expect(await search("12 Hauptstraße")).toEqual(["strasse"]);
    expect(await search("Wismarsche Str. 99")).toEqual([]);
  });

  it("finds Aktenzeichen fragments with or without leading zeros and with / for -", async () => {
    expect(await search("00042")).toEqual(["koehler"]);
    expect(await search("2026-42")).toEqual(["koehler"]);
    expect(await search("2026/00042")).toEqual(["koehler"]);
    expect(await search(fileNumbers.kohler?.toUpperCase() ?? "x")).toEqual(["kohler"]);
    expect(await search("2026-1200")).toEqual(["strasse"]);
  });

  it("the condition is served by the trigram index on the folded text", async () => {
    const plan = await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT "id" FROM "Application" a
          WHERE public.bauantrag_search_fold(a."searchText") LIKE '%' || public.bauantrag_search_fold($1) || '%'`,
        "koehler",
      );
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Application_searchFold_trgm_idx");
  });

  it("splits the query into at most eight words", () => {
    expect(searchWords("wismarsche str. 12")).toEqual(["wismarsche", "str.", "12"]);
    expect(searchWords(null)).toEqual([]);
    expect(searchWords("a b c d e f g h i j")).toHaveLength(8);
  });
});

describe("listInbox sort", () => {
  it("sorts by next deadline (default), newest or oldest submission, or Aktenzeichen; unknown sorts fall back", async () => {
    const d = await createTestDistrict("inbox-sort");
    const sorter = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    const A = d.authority.id;
    await makeCase("s-b", A, {
      submittedAt: new Date(now.getTime() - 5 * DAY),
      nextDeadlineAt: new Date(now.getTime() + 2 * DAY),
    });
    await makeCase("s-a", A, { submittedAt: new Date(now.getTime() - 1 * DAY) });
    await makeCase("s-c", A, {
      submittedAt: new Date(now.getTime() - 9 * DAY),
      nextDeadlineAt: new Date(now.getTime() + 10 * DAY),
    });
    const sorted = async (sort?: string) =>
      keys((await listInbox(sorter, { sort, page: 1, pageSize: 25 }, { now })).rows);
    expect(await sorted()).toEqual(["s-b", "s-c", "s-a"]);
    expect(await sorted("deadline")).toEqual(["s-b", "s-c", "s-a"]);
    expect(await sorted("newest")).toEqual(["s-a", "s-b", "s-c"]);
    expect(await sorted("oldest")).toEqual(["s-c", "s-b", "s-a"]);
    expect(await sorted("fileNumber")).toEqual(["s-a", "s-b", "s-c"]);
    expect(await sorted('"id"; DROP TABLE "Application"')).toEqual(["s-b", "s-c", "s-a"]);
    // Pages follow the chosen order.
    const p2 = await listInbox(sorter, { sort: "newest", page: 2, pageSize: 2 }, { now });
    expect(keys(p2.rows)).toEqual(["s-c"]);
  });
});

describe("buildSearchText", () => {
  it("joins Aktenzeichen, names, addresses and Flurstücke lower-case", () => {
    const text = buildSearchText({
      fileNumber: "63-2026-00042",
      title: "Einfamilienhaus",
      data: {
        bauherr: { firstName: "Erika", lastName: "Müller", address: { street: "Weg", city: "Rostock" } },
        entwurfsverfasser: { name: "Architektur Nord GmbH" },
        plot: {
          address: { street: "Am See", houseNumber: "3a", postalCode: "18055", city: "Rostock" },
          parcels: [{ gemarkung: "Warnemünde", flur: "2", zaehler: "17", nenner: "4" }],
        },
      },
    });
    expect(text).toContain("63-2026-00042");
    expect(text).toContain("müller");
    expect(text).toContain("architektur nord gmbh");
    expect(text).toContain("am see");
    expect(text).toContain("warnemünde flur 2 flurstück 17/4");
    expect(text).toBe(text.toLowerCase());
    expect(buildSearchText({ fileNumber: null, data: null })).toBe("");
  });

  it("is written at submission, so the new case is found by Aktenzeichen and Bauherr", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { searchText: true } });
    expect(row.searchText).toContain(r.fileNumber.toLowerCase());
    expect(row.searchText).toContain("mustermann");
    const found = await listInbox(clerk, { q: r.fileNumber, page: 1, pageSize: 25 });
    expect(found.rows.map((x) => x.id)).toEqual([id]);
  });

  it("follows the Bauherr's name when it is corrected during an open request", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const r = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    await startReview(clerk, id);
    const sent = await sendRequest(clerk, id, {
      items: [{ category: "01", message: "Der Name der Bauherrin ist falsch geschrieben." }],
      message: "Bitte korrigieren Sie den Namen.",
      internalNote: "",
      deadline: new Date(Date.now() + 14 * DAY),
    });
    if (!sent.ok) throw new Error(sent.message);
    const current = await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } });
    const saved = await saveDraftSection(architect, id, {
      section: "bauherr",
      value: { ...einfamilienhaus().bauherr, lastName: "Quastenberg" },
      expectedVersion: current.version,
    });
    expect(saved).toMatchObject({ ok: true });
    const found = await listInbox(clerk, { q: "quastenberg", page: 1, pageSize: 25 });
    expect(found.rows.map((x) => x.id)).toEqual([id]);
    const row = await db().application.findUniqueOrThrow({ where: { id }, select: { searchText: true } });
    expect(row.searchText).toContain(r.fileNumber.toLowerCase());
  });
});
