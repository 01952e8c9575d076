import { describe, expect, it } from "vitest";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { postRoute } from "../../test/kit/route";
import { action } from "./benachrichtigungen";

/** "Öffnen" marks a notification read and goes to its page; `open` comes from the form. */
async function openLink(open: string) {
  const user = await sessionUser({ roles: ["APPLICANT"] });
  const body = new URLSearchParams({ id: "all", open });
  return (await postRoute(action, user, "/benachrichtigungen", body)).location ?? null;
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
