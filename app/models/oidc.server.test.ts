import { createPrivateKey, createSign, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  signInAtTestProvider,
  startTestOidcProvider,
  type TestOidcProvider,
} from "../../test/support/oidc-provider";

// Before anything reads env(): the app's public address and the providers of this test.
process.env.APP_URL = "http://localhost:3999";
process.env.PASSWORD_LOGIN_DISABLED_ROLES = "AGENCY";
const AUTHORITY_SLUG = `oidc-${randomUUID().slice(0, 8)}`;

let idp: TestOidcProvider;
let redis: Redis;
let m: typeof import("./oidc.server");
let auth: typeof import("~/utils/auth.server");
let db: typeof import("~/utils/db.server").db;
let createTestUser: typeof import("~/utils/test-tenant.server").createTestUser;
let createLoginLimiter: typeof import("~/utils/rate-limit.server").createLoginLimiter;
let resolveSessionToken: typeof import("~/utils/session.server").resolveSessionToken;
let authorityId: string;
const meta = { ip: "198.51.100.20", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" };

beforeAll(async () => {
  idp = await startTestOidcProvider({
    redirectUris: ["buerger", "kreis", "falsch"].map(
      (id) => `http://localhost:3999/anmelden/oidc/${id}/callback`,
    ),
  });
  const base = {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    allowInsecureHttp: true,
  };
  process.env.OIDC_PROVIDERS = JSON.stringify([
    { ...base, id: "buerger", label: "Test-BundID", audience: "applicants", trustLevelClaim: "trust_level" },
    {
      ...base,
      id: "kreis",
      label: "Landkreis-Anmeldung",
      audience: "staff",
      authority: AUTHORITY_SLUG,
      scope: "openid email profile groups",
      groupClaim: "groups",
      groupRoles: { "bauamt-sachbearbeitung": ["CLERK"], "bauamt-admin": ["ADMIN", "CLERK"] },
    },
    // The same provider under another name: discovery says 127.0.0.1, this expects localhost.
    {
      ...base,
      id: "falsch",
      label: "Falscher Aussteller",
      audience: "applicants",
      issuer: idp.issuer.replace("127.0.0.1", "localhost"),
    },
    // Nothing listens there.
    {
      ...base,
      id: "kaputt",
      label: "Ausgefallener Dienst",
      audience: "applicants",
      issuer: "http://127.0.0.1:9/",
    },
  ]);
  m = await import("./oidc.server");
  auth = await import("~/utils/auth.server");
  ({ db } = await import("~/utils/db.server"));
  ({ createTestUser } = await import("~/utils/test-tenant.server"));
  ({ createLoginLimiter } = await import("~/utils/rate-limit.server"));
  ({ resolveSessionToken } = await import("~/utils/session.server"));
  const { createRedis } = await import("~/utils/redis.server");
  redis = createRedis({ connectionName: "bauantrag-test-oidc" });
  const authority = await db().authority.create({
    data: { slug: AUTHORITY_SLUG, name: "Testkreis OIDC", kind: "BAUAUFSICHT", landProfile: "MV" },
  });
  authorityId = authority.id;
});

afterAll(async () => {
  await idp?.close();
  await redis?.quit();
  const { closeRedis } = await import("~/utils/redis.server");
  await closeRedis();
  await db?.().$disconnect();
});

const cookiePair = (setCookie: string) => setCookie.split(";")[0]!;

/** Start at our app, sign in at the provider's login page as `login`, come back to the callback. */
async function roundTrip(
  providerId: string,
  login: string,
  options: import("./oidc.server").OidcClientOptions = {},
) {
  const start = await m.startOidcSignIn(providerId, "/antraege", options);
  if (!start.ok) throw new Error(`start failed: ${start.code}`);
  const authUrl = new URL(start.url);
  expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authUrl.searchParams.get("state")).toBeTruthy();
  expect(authUrl.searchParams.get("nonce")).toBeTruthy();
  const callback = await signInAtTestProvider(start.url, login);
  return { callback, cookie: cookiePair(start.setCookie) };
}

const callbackRequest = (url: string, cookie: string) => new Request(url, { headers: { Cookie: cookie } });

describe("OpenID Connect sign-in against a real provider (oidc-provider)", () => {
  it("signs a new applicant in: account created from verified claims, identity linked, history recorded", async () => {
    const sub = `anna-${randomUUID().slice(0, 8)}`;
    const email = `${sub}@buerger.test.invalid`;
    idp.accounts.set(sub, {
      email,
      email_verified: true,
      name: "Anna Bauherrin",
      trust_level: "substantial",
    });
    const { callback, cookie } = await roundTrip("buerger", sub);
    expect(callback).toMatch(/^http:\/\/localhost:3999\/anmelden\/oidc\/buerger\/callback\?code=/);
    const result = await m.handleOidcCallback("buerger", callbackRequest(callback, cookie));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.claims).toMatchObject({ sub, email, email_verified: true, name: "Anna Bauherrin" });
    const account = await m.resolveAccount(result.provider, result.claims, meta);
    expect(account.kind).toBe("signIn");
    if (account.kind !== "signIn") return;
    const user = await db().user.findUniqueOrThrow({
      where: { id: account.userId },
      include: { identities: true },
    });
    expect(user).toMatchObject({
      email,
      displayName: "Anna Bauherrin",
      roles: ["APPLICANT"],
      authorityId: null,
      passwordHash: null,
    });
    expect(user.identities.map((i) => [i.provider, i.subject, i.trustLevel])).toEqual([
      ["buerger", sub, "substantial"],
    ]);

    const next = await m.continueOidcSignIn(
      account.userId,
      result.provider,
      result.idToken ?? null,
      result.redirectTo,
      meta,
    );
    expect(next.location).toBe("/antraege");
    const { sessionCookie } = await import("~/utils/session.server");
    const raw = await sessionCookie().parse(cookiePair(next.cookies[0]!));
    expect((await resolveSessionToken(raw))?.user.id).toBe(account.userId);
    const kinds = await db().securityEvent.findMany({
      where: { userId: account.userId },
      orderBy: { createdAt: "asc" },
    });
    expect(kinds.map((k) => [k.kind, k.method])).toEqual([
      ["ACCOUNT_PROVISIONED", "oidc:buerger"],
      ["LOGIN", "oidc:buerger"],
    ]);

    // The next sign-in finds the same account through the identity.
    const again = await roundTrip("buerger", sub);
    const second = await m.handleOidcCallback("buerger", callbackRequest(again.callback, again.cookie));
    if (!second.ok) throw new Error(second.code);
    expect(await m.resolveAccount(second.provider, second.claims, meta)).toEqual({
      kind: "signIn",
      userId: account.userId,
    });
  });

  it("links an existing account only after the person confirms with its password", async () => {
    const password = "Bestehendes-Konto-2026!";
    const existing = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await auth.hashPassword(password),
    });
    const sub = `bestand-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: existing.email.toUpperCase(), email_verified: true, name: "Bestand" });
    const { callback, cookie } = await roundTrip("buerger", sub);
    const result = await m.handleOidcCallback("buerger", callbackRequest(callback, cookie));
    if (!result.ok) throw new Error(result.code);
    const account = await m.resolveAccount(result.provider, result.claims, meta);
    expect(account).toEqual({
      kind: "confirmLink",
      userId: existing.id,
      email: existing.email,
      hasPassword: true,
    });
    // Nothing linked yet.
    expect(await db().userIdentity.count({ where: { userId: existing.id } })).toBe(0);

    const linkCookie = await m.createPendingLink({
      provider: "buerger",
      subject: sub,
      userId: existing.id,
      email: existing.email,
      trustLevel: null,
      idToken: result.idToken ?? null,
      redirectTo: "/",
    });
    const pending = await m.readPendingLink(
      new Request("http://localhost/", { headers: { Cookie: cookiePair(linkCookie) } }),
    );
    expect(pending?.link.userId).toBe(existing.id);
    expect(await m.confirmLink(pending!.token, "falsch-falsch", meta)).toEqual({
      ok: false,
      message: m.LINK_WRONG_PASSWORD,
      expired: false,
    });
    expect(await db().userIdentity.count({ where: { userId: existing.id } })).toBe(0);
    const confirmed = await m.confirmLink(pending!.token, password, meta);
    expect(confirmed.ok).toBe(true);
    expect(
      await db().userIdentity.findMany({
        where: { userId: existing.id },
        select: { provider: true, subject: true },
      }),
    ).toEqual([{ provider: "buerger", subject: sub }]);
    // Used up.
    expect((await m.confirmLink(pending!.token, password, meta)).ok).toBe(false);
  });

  it("refuses an e-mail the provider did not verify", async () => {
    const sub = `unbestaetigt-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: `${sub}@test.invalid`, email_verified: false });
    const { callback, cookie } = await roundTrip("buerger", sub);
    const result = await m.handleOidcCallback("buerger", callbackRequest(callback, cookie));
    if (!result.ok) throw new Error(result.code);
    expect(await m.resolveAccount(result.provider, result.claims, meta)).toEqual({
      kind: "error",
      code: "unverifiedEmail",
    });
    expect(await db().user.count({ where: { email: `${sub}@test.invalid` } })).toBe(0);
  });

  it("provisions staff of the configured authority by group claim only; an applicant account cannot use it", async () => {
    const sub = `clara-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, {
      email: `${sub}@kreis.test.invalid`,
      email_verified: true,
      name: "Clara Clerk",
      groups: ["bauamt-sachbearbeitung", "kantine"],
    });
    const { callback, cookie } = await roundTrip("kreis", sub);
    const result = await m.handleOidcCallback("kreis", callbackRequest(callback, cookie));
    if (!result.ok) throw new Error(result.code);
    const account = await m.resolveAccount(result.provider, result.claims, meta);
    if (account.kind !== "signIn") throw new Error(JSON.stringify(account));
    expect(
      await db().user.findUniqueOrThrow({
        where: { id: account.userId },
        select: { roles: true, authorityId: true },
      }),
    ).toEqual({
      roles: ["CLERK"],
      authorityId,
    });

    const stranger = `fremd-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(stranger, {
      email: `${stranger}@kreis.test.invalid`,
      email_verified: true,
      groups: ["kantine"],
    });
    const s = await roundTrip("kreis", stranger);
    const r2 = await m.handleOidcCallback("kreis", callbackRequest(s.callback, s.cookie));
    if (!r2.ok) throw new Error(r2.code);
    expect(await m.resolveAccount(r2.provider, r2.claims, meta)).toEqual({
      kind: "error",
      code: "notProvisioned",
    });
    expect(await db().user.count({ where: { email: `${stranger}@kreis.test.invalid` } })).toBe(0);

    const applicant = await createTestUser({ roles: ["APPLICANT"] });
    const sub3 = `buerger-am-kreis-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub3, { email: applicant.email, email_verified: true, groups: ["bauamt-admin"] });
    const t = await roundTrip("kreis", sub3);
    const r3 = await m.handleOidcCallback("kreis", callbackRequest(t.callback, t.cookie));
    if (!r3.ok) throw new Error(r3.code);
    expect(await m.resolveAccount(r3.provider, r3.claims, meta)).toEqual({
      kind: "error",
      code: "wrongAudience",
    });
  });

  it("refuses a wrong state, a replayed callback and a callback from another browser", async () => {
    const sub = `state-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: `${sub}@test.invalid`, email_verified: true });
    const { callback, cookie } = await roundTrip("buerger", sub);
    const tampered = new URL(callback);
    tampered.searchParams.set("state", "x".repeat(43));
    expect(await m.handleOidcCallback("buerger", callbackRequest(tampered.href, cookie))).toEqual({
      ok: false,
      code: "refused",
      providerId: "buerger",
    });
    // Another browser (no or another state cookie).
    expect((await m.handleOidcCallback("buerger", callbackRequest(callback, ""))).ok).toBe(false);
    const other = await m.startOidcSignIn("buerger", "/");
    if (!other.ok) throw new Error(other.code);
    expect(
      (await m.handleOidcCallback("buerger", callbackRequest(callback, cookiePair(other.setCookie)))).ok,
    ).toBe(false);
    // The real one works once, a replay does not.
    expect((await m.handleOidcCallback("buerger", callbackRequest(callback, cookie))).ok).toBe(true);
    expect(await m.handleOidcCallback("buerger", callbackRequest(callback, cookie))).toMatchObject({
      ok: false,
      code: "refused",
    });
  });

  /** A man in the middle of the token response: the ID token re-signed with the provider's key but one claim changed. */
  function forging(change: Record<string, unknown>): import("./oidc.server").OidcClientOptions {
    const key = createPrivateKey({ key: idp.signingKey.privateJwk as never, format: "jwk" });
    return {
      fetch: async (url, init) => {
        const res = await fetch(url, init as RequestInit);
        if (!String(url).endsWith("/token") || !res.ok) return res;
        const body = (await res.json()) as { id_token: string };
        const [header, payload] = body.id_token.split(".");
        const claims = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), ...change };
        const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
        const signature = createSign("RSA-SHA256").update(input).sign(key).toString("base64url");
        body.id_token = `${input}.${signature}`;
        return new Response(JSON.stringify(body), {
          status: res.status,
          headers: { "content-type": "application/json" },
        });
      },
    };
  }

  for (const [what, change] of [
    ["nonce", { nonce: "nicht-die-richtige-nonce" }],
    ["issuer", { iss: "https://angreifer.example" }],
    ["audience", { aud: "ein-anderer-client" }],
  ] as const) {
    it(`refuses an ID token with a wrong ${what} (re-signed with the provider's own key)`, async () => {
      const sub = `${what}-${randomUUID().slice(0, 8)}`;
      idp.accounts.set(sub, { email: `${sub}@test.invalid`, email_verified: true });
      const options = forging(change);
      const { callback, cookie } = await roundTrip("buerger", sub, options);
      expect(await m.handleOidcCallback("buerger", callbackRequest(callback, cookie), options)).toEqual({
        ok: false,
        code: "refused",
        providerId: "buerger",
      });
      expect(await db().user.count({ where: { email: `${sub}@test.invalid` } })).toBe(0);
    });
  }

  it("control: the forging proxy itself changes nothing when no claim is changed", async () => {
    const sub = `kontrolle-${randomUUID().slice(0, 8)}`;
    idp.accounts.set(sub, { email: `${sub}@test.invalid`, email_verified: true });
    const options = forging({});
    const { callback, cookie } = await roundTrip("buerger", sub, options);
    expect((await m.handleOidcCallback("buerger", callbackRequest(callback, cookie), options)).ok).toBe(true);
  });

  it("refuses a provider whose discovery names another issuer", async () => {
    expect(await m.startOidcSignIn("falsch", "/")).toEqual({ ok: false, code: "unavailable" });
  });

  it("provider down: a German message, and password sign-in still works", async () => {
    const started = Date.now();
    const result = await m.startOidcSignIn("kaputt", "/");
    expect(result).toEqual({ ok: false, code: "unavailable" });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(m.oidcErrorMessage("unavailable", "kaputt")).toBe(
      "Der Anmeldedienst „Ausgefallener Dienst“ ist zurzeit nicht erreichbar. Bitte versuchen Sie es später erneut oder melden Sie sich mit E-Mail-Adresse und Passwort an.",
    );
    const password = "Passwort-trotz-Ausfall-2026";
    const user = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await auth.hashPassword(password),
    });
    const login = await auth.login(
      { email: user.email, password, ...meta },
      createLoginLimiter(redis, { prefix: `test:${randomUUID()}` }),
    );
    expect(login).toMatchObject({ ok: true, next: "session" });
  });

  it("password sign-in can be switched off per role (PASSWORD_LOGIN_DISABLED_ROLES)", async () => {
    const password = "Fachstelle-Passwort-2026";
    const agency = await createTestUser({
      roles: ["AGENCY"],
      authorityId,
      passwordHash: await auth.hashPassword(password),
    });
    const result = await auth.login(
      { email: agency.email, password, ...meta },
      createLoginLimiter(redis, { prefix: `test:${randomUUID()}` }),
    );
    expect(result).toEqual({ ok: false, message: auth.PASSWORD_DISABLED_MESSAGE });
    // A wrong password still gets the usual answer (the switch is not revealed to a guesser).
    const wrong = await auth.login(
      { email: agency.email, password: "falsch-falsch-falsch", ...meta },
      createLoginLimiter(redis, { prefix: `test:${randomUUID()}` }),
    );
    expect(wrong).toEqual({ ok: false, message: auth.INVALID_CREDENTIALS_MESSAGE });
  });
});
