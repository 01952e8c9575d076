import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  signInAtTestProvider,
  startTestOidcProvider,
  type TestOidcProvider,
} from "../../test/support/oidc-provider";

// Before anything reads env().
process.env.APP_URL = "http://localhost:3998";

let idp: TestOidcProvider;
let routes: {
  start: typeof import("./anmelden.oidc.$provider").loader;
  callback: typeof import("./anmelden.oidc.$provider.callback").loader;
  login: typeof import("./anmelden").loader;
  linkLoader: typeof import("./anmelden_.oidc.verknuepfen").loader;
  linkAction: typeof import("./anmelden_.oidc.verknuepfen").action;
};

beforeAll(async () => {
  idp = await startTestOidcProvider({ redirectUris: ["http://localhost:3998/anmelden/oidc/idp/callback"] });
  process.env.OIDC_PROVIDERS = JSON.stringify([
    {
      id: "idp",
      label: "Test-Anmeldedienst",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      audience: "applicants",
      allowInsecureHttp: true,
    },
    {
      id: "aus",
      label: "Ausgefallener Dienst",
      issuer: "http://127.0.0.1:9/",
      clientId: "x",
      audience: "applicants",
      allowInsecureHttp: true,
    },
  ]);
  routes = {
    start: (await import("./anmelden.oidc.$provider")).loader,
    callback: (await import("./anmelden.oidc.$provider.callback")).loader,
    login: (await import("./anmelden")).loader,
    linkLoader: (await import("./anmelden_.oidc.verknuepfen")).loader,
    linkAction: (await import("./anmelden_.oidc.verknuepfen")).action,
  };
});

afterAll(async () => {
  await idp?.close();
  const { db } = await import("~/utils/db.server");
  await db().$disconnect();
  const { closeRedis } = await import("~/utils/redis.server");
  await closeRedis();
});

/** Runs a loader/action and returns the thrown or returned Response. */
async function run(fn: () => Promise<unknown>): Promise<Response> {
  try {
    const r = await fn();
    if (r instanceof Response) return r;
    return new Response(JSON.stringify(r), { status: 200 });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="));
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

async function startAndSignIn(login: string) {
  const start = await run(() =>
    routes.start(
      args(new Request("http://localhost/anmelden/oidc/idp?redirectTo=/antraege"), { provider: "idp" }),
    ),
  );
  expect(start.status).toBe(302);
  const location = start.headers.get("Location")!;
  expect(location.startsWith(idp.issuer)).toBe(true);
  const callbackUrl = await signInAtTestProvider(location, login);
  const callback = await run(() =>
    routes.callback(
      args(new Request(callbackUrl, { headers: { Cookie: cookiesOf(start).join("; ") } }), {
        provider: "idp",
      }),
    ),
  );
  return callback;
}

describe("OIDC routes", () => {
  it("start → provider login page → callback signs a new applicant in and goes back where they came from", async () => {
    const sub = `route-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: `${sub}@test.invalid`, email_verified: true, name: "Route Test" });
    const callback = await startAndSignIn(sub);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("Location")).toBe("/antraege");
    expect(callback.headers.getSetCookie().some((c) => c.startsWith("__bauantrag_session="))).toBe(true);
  });

  it("an existing account: the callback asks for confirmation; a wrong password is refused, the right one links", async () => {
    const { hashPassword } = await import("~/utils/auth.server");
    const { createTestUser } = await import("~/utils/test-tenant.server");
    const user = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await hashPassword("Route-Link-2026!"),
    });
    const sub = `link-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: user.email, email_verified: true });
    const callback = await startAndSignIn(sub);
    expect(callback.headers.get("Location")).toBe("/anmelden/oidc/verknuepfen");
    const cookie = cookiesOf(callback).join("; ");
    const page = await run(() =>
      routes.linkLoader(
        args(new Request("http://localhost/anmelden/oidc/verknuepfen", { headers: { Cookie: cookie } })),
      ),
    );
    expect(await page.json()).toMatchObject({
      email: user.email,
      hasPassword: true,
      providerLabel: "Test-Anmeldedienst",
    });
    const post = (password: string) =>
      run(() =>
        routes.linkAction(
          args(
            new Request("http://localhost/anmelden/oidc/verknuepfen", {
              method: "POST",
              headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
              body: new URLSearchParams({ password }),
            }),
          ),
        ),
      );
    const wrong = await post("falsch");
    expect(await wrong.json()).toEqual({
      error: "Das Passwort ist falsch. Die Verknüpfung wurde nicht vorgenommen.",
      expired: false,
    });
    const right = await post("Route-Link-2026!");
    expect(right.status).toBe(302);
    expect(right.headers.get("Location")).toBe("/antraege");
    const { db } = await import("~/utils/db.server");
    expect(await db().userIdentity.count({ where: { userId: user.id, provider: "idp" } })).toBe(1);
  });

  it("provider down: back to /anmelden with a German message, the form is still there", async () => {
    const start = await run(() =>
      routes.start(args(new Request("http://localhost/anmelden/oidc/aus"), { provider: "aus" })),
    );
    expect(start.status).toBe(302);
    const location = start.headers.get("Location")!;
    expect(location).toBe("/anmelden?oidc=unavailable&anbieter=aus");
    const page = await run(() => routes.login(args(new Request(`http://localhost${location}`))));
    const data = (await page.json()) as { providerError: string; providers: { id: string }[] };
    expect(data.providerError).toBe(
      "Der Anmeldedienst „Ausgefallener Dienst“ ist zurzeit nicht erreichbar. Bitte versuchen Sie es später erneut oder melden Sie sich mit E-Mail-Adresse und Passwort an.",
    );
    expect(data.providers.map((p) => p.id)).toEqual(["idp", "aus"]);
  });

  it("a callback with a foreign state goes back to /anmelden with the refusal", async () => {
    const res = await run(() =>
      routes.callback(
        args(new Request("http://localhost/anmelden/oidc/idp/callback?code=abc&state=xyz"), {
          provider: "idp",
        }),
      ),
    );
    expect(res.headers.get("Location")).toBe("/anmelden?oidc=refused&anbieter=idp");
  });
});
