import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { hashPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import {
  checkFieldNames,
  isStreamingUploadPath,
  LIMIT_MESSAGES,
  REQUEST_LIMITS,
} from "~/utils/request-limits.server";
import { createSession } from "~/utils/session.server";
import { createTestUser } from "~/utils/test-tenant.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { startWebServer } from "../../test/support/web-server";

const MB = 1024 * 1024;

describe("checkFieldNames", () => {
  it("accepts the names the forms use", () => {
    const names = [
      "email",
      "parcels[0].flur",
      "parcels[1].flurstueck",
      "conditions.2.text",
      "fees[3].amount",
    ];
    expect(checkFieldNames(names, names.length)).toBeNull();
  });

  it("refuses list indices above the bound or far beyond the fields sent, deep names and prototype keys", () => {
    for (const name of [
      "z[100000000]",
      "z[2000000]",
      "parcels[99999999].flur",
      "a.123456789",
      "a[0000000000001]",
      `a[${REQUEST_LIMITS.maxListIndex + 1}]`,
      "a[0].__proto__.x",
      "constructor.prototype",
      "a.b.c.d.e.f.g.h.i",
      "x".repeat(REQUEST_LIMITS.maxNameLength + 1),
    ]) {
      expect(checkFieldNames([name], 1), name).toEqual({ status: 400, message: LIMIT_MESSAGES.badFieldName });
    }
    // 3 fields sent: row 150 cannot be meant, row 50 may (a list whose earlier rows were removed).
    expect(checkFieldNames(["a", "b", "rows[150].x"], 3)).not.toBeNull();
    expect(checkFieldNames(["a", "b", "rows[50].x"], 3)).toBeNull();
    expect(checkFieldNames([], REQUEST_LIMITS.maxFields + 1)?.message).toBe(LIMIT_MESSAGES.tooManyFields);
  });

  it("knows the streaming upload routes and nothing else", () => {
    expect(isStreamingUploadPath("/antraege/abc/unterlagen")).toBe(true);
    expect(isStreamingUploadPath("/antraege/abc/unterlagen/hochladen")).toBe(true);
    expect(isStreamingUploadPath("/antraege/abc/unterlagen.data")).toBe(true);
    expect(isStreamingUploadPath("/antraege/abc/nachforderung")).toBe(true);
    expect(isStreamingUploadPath("/beteiligung/abc")).toBe(true);
    expect(isStreamingUploadPath("/anmelden")).toBe(false);
    expect(isStreamingUploadPath("/antraege/abc/bearbeiten/grundstueck")).toBe(false);
    expect(isStreamingUploadPath("/beteiligung/abc/x")).toBe(false);
  });
});

/** The attacks of issue 11, in their exact shapes, against the real server (server.ts). */
describe("hostile requests against the web server", () => {
  let web: Awaited<ReturnType<typeof startWebServer>>;
  let architect: SessionUser;
  let cookie: string;
  let draftId: string;

  beforeAll(async () => {
    web = await startWebServer();
    const district = await createTestDistrict("request-limits");
    architect = await sessionUser({ roles: ["ARCHITECT"] });
    cookie = (await createSession(architect.id)).cookie.split(";")[0]!;
    draftId = (await createCompleteDraft(architect, district.gemeinde.id)).id;
  });
  afterAll(async () => {
    await web?.close();
  });

  const form = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${web.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body,
    });

  /** RSS after a collection, so garbage from earlier tests does not count. */
  const rss = () => {
    globalThis.gc?.();
    return process.memoryUsage().rss;
  };

  async function expectRefused(res: Response, status: number, message: string) {
    const body = await res.text();
    expect(res.status).toBe(status);
    expect(body).toContain(message.replace(/„|“/g, ""));
    expect(body.length).toBeLessThan(2048);
    expect(body).not.toMatch(/\bat .*\.(ts|js):\d+|\/work\/|node_modules/);
    return body;
  }

  it("refuses the huge list index on /anmelden and /registrieren with a short German 400, memory flat, nothing stored", async () => {
    const before = rss();
    for (const path of ["/anmelden", "/registrieren"]) {
      for (const index of ["100000000", "2000000"]) {
        const email = `angriff-${index}-${Date.now()}@test.bauantrag.invalid`;
        const res = await form(
          path,
          `email=${encodeURIComponent(email)}&password=y&displayName=A&role=APPLICANT&z[${index}]=1`,
        );
        const body = await expectRefused(res, 400, LIMIT_MESSAGES.badFieldName);
        expect(body).not.toContain(email);
        expect(await db().user.count({ where: { email: email.toLowerCase() } })).toBe(0);
      }
    }
    const grown = rss() - before;
    // Before the fix one such request grew the process by gigabytes; allocator noise stays far below this.
    expect(grown).toBeLessThan(100 * MB);
  });

  it("refuses parcels[99999999].flur on the Grundstück step of a logged-in draft and leaves the draft unchanged", async () => {
    const before = await db().application.findUniqueOrThrow({
      where: { id: draftId },
      select: { data: true, version: true },
    });
    const rssBefore = rss();
    const res = await form(
      `/antraege/${draftId}/bearbeiten/grundstueck`,
      "intent=add-parcel&parcels[99999999].flur=1",
      { Cookie: cookie },
    );
    await expectRefused(res, 400, LIMIT_MESSAGES.badFieldName);
    expect(rss() - rssBefore).toBeLessThan(100 * MB);
    const after = await db().application.findUniqueOrThrow({
      where: { id: draftId },
      select: { data: true, version: true },
    });
    expect(after).toEqual(before);
  });

  it("refuses a 64 MB urlencoded /anmelden with 413, declared or chunked, without holding it", async () => {
    const before = rss();
    const chunk = Buffer.alloc(64 * 1024, "a");
    const body = () =>
      Readable.toWeb(
        Readable.from(
          (function* () {
            yield Buffer.from("email=x&password=");
            for (let i = 0; i < 1024; i++) yield chunk;
          })(),
        ),
      ) as ReadableStream<Uint8Array>;
    const declared = await fetch(`${web.url}/anmelden`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(17 + 64 * MB),
      },
      body: body(),
      duplex: "half",
    } as RequestInit);
    await expectRefused(declared, 413, LIMIT_MESSAGES.tooLarge);
    const chunked = await fetch(`${web.url}/anmelden`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body(),
      duplex: "half",
    } as RequestInit);
    await expectRefused(chunked, 413, LIMIT_MESSAGES.tooLarge);
    expect(rss() - before).toBeLessThan(100 * MB);
  });

  it("refuses a cross-site Origin on every action, the upload route included, with a German 403", async () => {
    const evil = { Origin: "https://evil.example", Cookie: cookie };
    await expectRefused(await form("/anmelden", "email=x&password=y", evil), 403, LIMIT_MESSAGES.crossSite);
    const upload = await fetch(`${web.url}/antraege/${draftId}/unterlagen/hochladen`, {
      method: "POST",
      headers: { ...evil, "Content-Type": "multipart/form-data; boundary=x", Accept: "application/json" },
      body: '--x\r\nContent-Disposition: form-data; name="typeCode"\r\n\r\n2001\r\n--x--\r\n',
    });
    expect(upload.status).toBe(403);
    expect(await upload.json()).toEqual({ ok: false, message: LIMIT_MESSAGES.crossSite });
    expect((await form("/anmelden", "email=x&password=y", { Origin: "null" })).status).toBe(403);
    expect((await form("/anmelden", "email=x&password=y", { "Sec-Fetch-Site": "cross-site" })).status).toBe(
      403,
    );
  });

  it("still hands a well-formed form to the route unchanged (login works, same-origin)", async () => {
    const user = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await hashPassword("richtig-geheim-42"),
    });
    const res = await form(
      "/anmelden",
      new URLSearchParams({
        email: user.email,
        password: "richtig-geheim-42",
        redirectTo: "/antraege",
      }).toString(),
      { Origin: web.url },
    );
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(res.headers.get("location")).toBe("/antraege");
    expect(res.headers.get("set-cookie")).toMatch(/=/);

    // A wrong password comes back as the page with the German message (the body reached Conform).
    const wrong = await form(
      "/anmelden",
      new URLSearchParams({ email: user.email, password: "falsch-falsch-1" }).toString(),
    );
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain("E-Mail-Adresse oder Passwort ist falsch.");
  });

  it("refuses bodies no route reads (JSON) and multipart field bombs on ordinary routes", async () => {
    const json = await fetch(`${web.url}/anmelden`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "x" }),
    });
    await expectRefused(json, 415, LIMIT_MESSAGES.unsupportedType);
    const fd = new FormData();
    fd.set("email", "x");
    fd.set("z[100000000]", "1");
    const multipart = await fetch(`${web.url}/anmelden`, { method: "POST", body: fd });
    await expectRefused(multipart, 400, LIMIT_MESSAGES.badFieldName);
  });
});
