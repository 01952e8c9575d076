import { describe, expect, it } from "vitest";
import { getDraftForMember } from "~/models/draft.server";
import { inviteMember } from "~/models/member.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { cookieFor } from "../../test/kit/route";
import { action, loader } from "./einladung.$token";

async function invite() {
  const district = await createTestDistrict("einladung-route");
  const architect = await sessionUser({ roles: ["ARCHITECT"], displayName: "Anna Architektin" });
  const bauherr = await sessionUser({ roles: ["APPLICANT"], displayName: "Bernd Bauherr" });
  const { id } = await createCompleteDraft(architect, district.gemeinde.id, { withoutDocuments: true });
  expect(await inviteMember(architect, id, { email: bauherr.email, role: "BAUHERR" })).toEqual({ ok: true });
  const row = await db().outboxMessage.findFirstOrThrow({
    where: { jobName: "system.send-email", payload: { path: ["to"], equals: bauherr.email } },
    select: { payload: true },
  });
  const prefix = `${env().APP_URL.replace(/\/+$/, "")}/einladung/`;
  const text = (row.payload as { text: string }).text;
  const token = text
    .split(/\s+/)
    .find((w) => w.startsWith(prefix))
    ?.slice(prefix.length) as string;
  return { id, architect, bauherr, token, district };
}

function call<T>(fn: () => Promise<T>): Promise<{ value?: T; response?: Response }> {
  return fn().then(
    (value) => ({ value }),
    (thrown) => {
      if (thrown instanceof Response) return { response: thrown };
      throw thrown;
    },
  );
}

describe("/einladung/$token", () => {
  it("shows what the invitation is for and sends visitors to login or registration and back", async () => {
    const { token, district } = await invite();
    const request = new Request(`http://localhost/einladung/${token}`);
    const data = await loader({ request, params: { token }, context: {} });
    if (data.state !== "open") throw new Error(`state ${data.state}`);
    expect(data.info).toMatchObject({
      authorityName: district.authority.name,
      invitedBy: "Anna Architektin",
      roleLabel: "Bauherr:in",
    });
    expect(data.user).toBeNull();
    expect(data.loginHref).toBe(`/anmelden?redirectTo=%2Feinladung%2F${token}`);
    expect(data.registerHref).toContain(`redirectTo=%2Feinladung%2F${token}`);

    const post = new Request(`http://localhost/einladung/${token}`, {
      method: "POST",
      body: new URLSearchParams(),
    });
    const { response } = await call(() => action({ request: post, params: { token }, context: {} }));
    expect(response?.status).toBe(302);
    expect(response?.headers.get("Location")).toBe(`/anmelden?redirectTo=%2Feinladung%2F${token}`);

    const invalid = await loader({
      request: new Request("http://localhost/einladung/x"),
      params: { token: "x" },
      context: {},
    });
    expect(invalid.state).toBe("invalid");
  });

  it("accepts for the invited user and refuses another signed-in user", async () => {
    const { id, token, bauherr } = await invite();
    const other = await sessionUser({ roles: ["APPLICANT"] });
    const otherCookie = await cookieFor(other);
    const seen = await loader({
      request: new Request(`http://localhost/einladung/${token}`, { headers: { Cookie: otherCookie } }),
      params: { token },
      context: {},
    });
    expect(seen).toMatchObject({ state: "open", user: { email: other.email, matches: false } });
    const refused = await call(() =>
      action({
        request: new Request(`http://localhost/einladung/${token}`, {
          method: "POST",
          headers: { Cookie: otherCookie },
        }),
        params: { token },
        context: {},
      }),
    );
    expect(refused.value?.message).toContain(`Diese Einladung ging an ${bauherr.email}`);

    const bauherrCookie = await cookieFor(bauherr);
    const accepted = await call(() =>
      action({
        request: new Request(`http://localhost/einladung/${token}`, {
          method: "POST",
          headers: { Cookie: bauherrCookie },
        }),
        params: { token },
        context: {},
      }),
    );
    expect(accepted.response?.status).toBe(302);
    expect(accepted.response?.headers.get("Location")).toBe(`/antraege/${id}`);
    expect((await getDraftForMember(bauherr, id))?.myRole).toBe("BAUHERR");
  });
});
