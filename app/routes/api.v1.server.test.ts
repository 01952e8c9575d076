import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "~/models/api-client.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { expectValidApiResponse } from "../../test/kit/openapi";
import { startWebServer } from "../../test/support/web-server";

// Through the real web process (server.ts with every middleware and the Remix build from
// `npm run build`): the routes are found under their URLs, a JSON command body passes the
// request limits, and a client without an Origin header (a Fachverfahren) is not taken for a
// cross-site browser.
let web: Awaited<ReturnType<typeof startWebServer>>;
let token: string;

beforeAll(async () => {
  const d = await createTestDistrict("api-server");
  const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
  token = (
    await createApiClient(
      { id: admin.id, authorityId: d.authority.id },
      { name: "Server-Test", scopes: ["cases:read", "status:write", "messages:read"] },
    )
  ).token;
  web = await startWebServer();
});
afterAll(() => web?.close());

describe("/api/v1 through the real server", () => {
  it("serves the OpenAPI document and answers with schema-valid JSON and problems", async () => {
    const doc = await fetch(`${web.url}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");

    const auth = { Authorization: `Bearer ${token}` };
    const list = await fetch(`${web.url}/api/v1/cases?limit=5`, { headers: auth });
    expect(list.status).toBe(200);
    expect(await expectValidApiResponse("GET", "/api/v1/cases?limit=5", list)).toEqual({
      items: [],
      nextCursor: null,
    });

    const anonymous = await fetch(`${web.url}/api/v1/messages`);
    expect(anonymous.status).toBe(401);
    await expectValidApiResponse("GET", "/api/v1/messages", anonymous);

    const id = randomUUID();
    const status = await fetch(`${web.url}/api/v1/cases/${id}/status`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ command: "startReview" }),
    });
    expect(status.status).toBe(404);
    expect(
      ((await expectValidApiResponse("POST", `/api/v1/cases/${id}/status`, status)) as { detail: string })
        .detail,
    ).toMatch(/gehört nicht zu Ihrer Behörde/);

    const ack = await fetch(`${web.url}/api/v1/messages/${id}/ack`, { method: "POST", headers: auth });
    expect(ack.status).toBe(404);
    await expectValidApiResponse("POST", `/api/v1/messages/${id}/ack`, ack);
  });
});
