import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { action as uploadAction } from "~/routes/antraege.$id.unterlagen.hochladen";
import { loader as downloadLoader } from "~/routes/dateien.$versionId";
import { notFound } from "./permissions.server";
import { resourceRoute, SERVER_ERROR_MESSAGE } from "./resource-route.server";
import { createSession } from "./session.server";
import { createTestTenant, createTestUser } from "./test-tenant.server";

async function cookieOf(roles: Parameters<typeof createTestUser>[0]["roles"], authorityId?: string) {
  const user = await createTestUser({ roles, authorityId });
  return (await createSession(user.id)).cookie.split(";")[0]!;
}

const noStack = (text: string) => {
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|\.ts:\d+|Error:/);
};

describe("resource routes answer errors in German, without stack traces", () => {
  it("the upload endpoint answers a clerk's upload with 403 'Keine Berechtigung'", async () => {
    const tenant = await createTestTenant("resource");
    const request = new Request(`http://localhost/antraege/${randomUUID()}/unterlagen/hochladen`, {
      method: "POST",
      headers: {
        Cookie: await cookieOf(["CLERK"], tenant.id),
        "Content-Type": "multipart/form-data; boundary=x",
      },
      body: "--x--\r\n",
    });
    const response = await uploadAction({ request, params: { id: randomUUID() }, context: {} });
    expect(response.status).toBe(403);
    const text = await response.text();
    noStack(text);
    expect(JSON.parse(text)).toMatchObject({ error: "Keine Berechtigung" });
  });

  it("a download nobody may see answers 404 with a German message", async () => {
    const request = new Request(`http://localhost/dateien/${randomUUID()}`, {
      headers: { Cookie: await cookieOf(["APPLICANT"]) },
    });
    const response = await downloadLoader({ request, params: { versionId: randomUUID() }, context: {} });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "Nicht gefunden",
      message: "Diese Datei gibt es nicht oder Sie dürfen sie nicht herunterladen.",
    });
  });

  it("without a session the redirect to the login page passes unchanged", async () => {
    const request = new Request(`http://localhost/dateien/${randomUUID()}`);
    const thrown = await downloadLoader({ request, params: { versionId: "x" }, context: {} }).catch((e) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
  });

  it("an unexpected error becomes a German 500 JSON without the error text", async () => {
    const failing = resourceRoute(async (_: { request: Request }) => {
      throw new Error("ECONNREFUSED /work/main/storage/index.ts:42");
    });
    const response = await failing({ request: new Request("http://localhost/x") });
    expect(response.status).toBe(500);
    const text = await response.text();
    noStack(text);
    expect(JSON.parse(text)).toEqual({ error: "Fehler", message: SERVER_ERROR_MESSAGE });
    const missing = await resourceRoute(async (_: { request: Request }) => notFound())({
      request: new Request("http://localhost/x"),
    });
    expect(missing.status).toBe(404);
  });
});
