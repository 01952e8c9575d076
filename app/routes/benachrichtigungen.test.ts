import { describe, expect, it } from "vitest";
import { createSession } from "~/utils/session.server";
import { createTestUser } from "~/utils/test-tenant.server";
import { action } from "./benachrichtigungen";

/** "Öffnen" marks a notification read and goes to its page; `open` comes from the form. */
async function openLink(open: string) {
  const user = await createTestUser({ roles: ["APPLICANT"] });
  const session = await createSession(user.id);
  const request = new Request("http://localhost/benachrichtigungen", {
    method: "POST",
    body: new URLSearchParams({ id: "all", open }),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: session.cookie.split(";")[0]!,
    },
  });
  const response = (await action({ request, params: {}, context: {} })) as Response;
  return response.headers.get("Location");
}

describe("POST /benachrichtigungen with open=", () => {
  it("goes to a page of the app", async () => {
    expect(await openLink("/antraege/abc?tab=verlauf")).toBe("/antraege/abc?tab=verlauf");
  });

  it.each([
    "/\\evil.example",
    "//evil.example",
    "https://evil.example/",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
  ])("never redirects off-site: %s", async (target) => {
    expect(await openLink(target)).toBe("/benachrichtigungen");
  });
});
