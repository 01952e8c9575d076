import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { UserRole } from "~/generated/prisma/client";
import { createSession } from "~/utils/session.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "./kit/draft-fixtures";
import { startWebServer } from "./support/web-server";

/**
 * Property: whatever a client sends to any action — random field names with list indices of any
 * size, values of any length, any encoding — as any role, the server answers without a 5xx,
 * with a bounded body and without a stack trace or a server path (issue 11).
 *
 * The routes come from the build's route manifest (every route module with an `action`), so a
 * new route is fuzzed without touching this file. Runs against server.ts's createServer().
 */

// Own rate-limit and queue keys: hundreds of failed logins from 127.0.0.1 must not lock out
// other test runs sharing this Redis.
vi.hoisted(() => {
  process.env.QUEUE_PREFIX = `fuzz-${Math.random().toString(16).slice(2, 10)}`;
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const MB = 1024 * 1024;

type Route = { id: string; path: string };
let web: Awaited<ReturnType<typeof startWebServer>>;
let routes: Route[] = [];
const cookies: Record<string, string> = {};
let draftId: string;

/** Full URL paths of every route with an action, from the Remix build's manifest. */
async function actionRoutes(): Promise<Route[]> {
  const build = (await import(path.join(root, "build/index.js"))) as {
    routes: Record<string, { id: string; parentId?: string; path?: string; module: { action?: unknown } }>;
  };
  const fullPath = (id: string): string => {
    const r = build.routes[id]!;
    const own = r.path ?? "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, own].filter(Boolean).join("/");
  };
  return Object.values(build.routes)
    .filter((r) => typeof r.module.action === "function")
    .map((r) => ({ id: r.id, path: `/${fullPath(r.id)}` }));
}

function concretePath(pattern: string, step: string): string {
  return pattern
    .split("/")
    .map((seg) => {
      if (seg === "*") return "irgendwas";
      if (!seg.startsWith(":")) return seg;
      const name = seg.slice(1).replace(/\?$/, "");
      if (name === "step") return step;
      if (name === "id") return draftId;
      if (name === "file") return "pdf.worker.min.mjs";
      return randomUUID();
    })
    .join("/");
}

const ROLES: (UserRole | "ANONYMOUS")[] = ["ANONYMOUS", "APPLICANT", "ARCHITECT", "CLERK", "AGENCY", "ADMIN"];

beforeAll(async () => {
  web = await startWebServer();
  routes = await actionRoutes();
  const district = await createTestDistrict("fuzz");
  const architect = await sessionUser({ roles: ["ARCHITECT"] });
  draftId = (await createCompleteDraft(architect, district.gemeinde.id)).id;
  cookies.ARCHITECT = (await createSession(architect.id)).cookie.split(";")[0]!;
  for (const role of ["APPLICANT", "CLERK", "AGENCY", "ADMIN"] as const) {
    const authorityId = role === "APPLICANT" ? null : district.authority.id;
    const u = await sessionUser({ roles: [role], authorityId });
    cookies[role] = (await createSession(u.id)).cookie.split(";")[0]!;
  }
});

afterAll(async () => {
  await web?.close();
});

// ---- arbitraries ---------------------------------------------------------------------------------

const word = fc.oneof(
  fc.constantFrom(
    "intent",
    "email",
    "password",
    "parcels",
    "flur",
    "flurstueck",
    "conditions",
    "text",
    "kind",
    "typeCode",
    "fees",
    "items",
    "answerText",
    "expectedVersion",
    "redirectTo",
    "__proto__",
    "constructor",
  ),
  fc.string({ maxLength: 10 }),
);
const index = fc.oneof(
  { weight: 4, arbitrary: fc.nat(5) },
  { weight: 2, arbitrary: fc.nat(3000) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(99_999_999, 2_000_000, 100_000_000, 2 ** 32, Number.MAX_SAFE_INTEGER),
  },
);
const fieldName = fc
  .tuple(
    word,
    fc.array(
      fc.oneof(
        word.map((w) => `.${w}`),
        index.map((i) => `[${i}]`),
        index.map((i) => `.${i}`),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([head, rest]) => head + rest.join(""));
const fieldValue = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 40, unit: "grapheme" }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "save",
      "save-next",
      "add-parcel",
      "remove-parcel-0",
      "later",
      "not-later",
      "answer",
      "send",
      "request-extension",
      "add-condition",
      "remove-condition-0",
      "submit",
      "2001",
      "/\\evil.example",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 1_300_000 }).map((n) => "ä".repeat(Math.ceil(n / 2))),
  },
);
const encoding = fc.constantFrom(
  "urlencoded",
  "urlencoded-latin1",
  "multipart",
  "multipart-file",
  "multipart-bad-boundary",
  "text",
  "json",
  "none",
);

function encode(kind: string, fields: [string, string][]): { headers: Record<string, string>; body: Buffer } {
  const urlencoded = () => Buffer.from(new URLSearchParams(fields).toString(), "utf8");
  switch (kind) {
    case "urlencoded":
      return { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: urlencoded() };
    case "urlencoded-latin1": {
      const body = Buffer.from(fields.map(([k, v]) => `${escape(k)}=${escape(v)}`).join("&"), "latin1");
      return { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1" }, body };
    }
    case "multipart":
    case "multipart-file":
    case "multipart-bad-boundary": {
      const boundary = `fuzz${randomUUID()}`;
      const parts = fields.map(
        ([k, v]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "_")}"\r\n\r\n${v}\r\n`,
      );
      if (kind === "multipart-file") {
        parts.push(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Plan a=b.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 kaputt\r\n`,
        );
      }
      const body = Buffer.from(`${parts.join("")}--${boundary}--\r\n`, "utf8");
      const header =
        kind === "multipart-bad-boundary"
          ? "multipart/form-data"
          : `multipart/form-data; boundary=${boundary}`;
      return { headers: { "Content-Type": header }, body };
    }
    case "text":
      return {
        headers: { "Content-Type": "text/plain" },
        body: Buffer.from(fields.map((f) => f.join("=")).join("\n")),
      };
    case "json":
      return { headers: { "Content-Type": "application/json" }, body: Buffer.from(JSON.stringify(fields)) };
    default:
      return { headers: {}, body: urlencoded() };
  }
}

/** One request on its own connection (no keep-alive reuse between unrelated fuzz cases). */
function send(url: string, method: string, body: Buffer, headers: Record<string, string>) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent: false, headers: { ...headers, "Content-Length": String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const STACK = /\n\s+at [^\n]+:\d+:\d+|\/work\/|node_modules|\.tsx?:\d+/;

describe("every action under random forms, as every role", () => {
  it("never answers 5xx, a stack trace, a server path or an unbounded body", async () => {
    expect(routes.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          route: fc.constantFrom(...routes),
          role: fc.constantFrom(...ROLES),
          step: fc.constantFrom("grundstueck", "vorhaben", "beteiligte", "nicht-da"),
          fields: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 12 }),
          encoding,
          method: fc.constantFrom("POST", "POST", "POST", "PUT", "DELETE"),
        }),
        async ({ route, role, step, fields, encoding: kind, method }) => {
          const { headers, body } = encode(kind, fields);
          const url = `${web.url}${concretePath(route.path, step)}`;
          const res = await send(url, method, body, {
            ...headers,
            Origin: web.url,
            Accept: "text/html",
            ...(role === "ANONYMOUS" ? {} : { Cookie: cookies[role]! }),
          });
          const text = res.text;
          const context = `${method} ${route.path} as ${role} (${kind}, ${body.length} bytes): ${res.status}`;
          expect(res.status, context).toBeLessThan(500);
          // What comes back is the page plus at most the values a person typed (twice: the
          // field and the hydration data), never something built from an index.
          expect(text.length, context).toBeLessThan(512 * 1024 + 3 * Math.min(body.length, MB));
          expect(text, context).not.toMatch(STACK);
        },
      ),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: 100_000 },
    );
  }, 150_000);
});
