import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

/**
 * A real OpenID Connect provider in this process: the certified `oidc-provider` package with its
 * development login page (any login name, any password; the login name is the account's `sub`).
 * Used by the OIDC tests and the e2e stack. Accounts are registered with their claims; a login
 * name without registered claims signs in with no e-mail.
 */

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  trust_level?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** The provider's signing key (RS256) as JWK with its private part, to forge tokens in tests. */
  signingKey: { kid: string; privateJwk: Record<string, unknown> };
  close(): Promise<void>;
}

export async function startTestOidcProvider(options: {
  port?: number;
  host?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  clientId?: string;
  clientSecret?: string;
  /** Claims for a login name that has no registered account (default: none). */
  claimsFor?: (sub: string) => TestAccount;
}): Promise<TestOidcProvider> {
  const host = options.host ?? "127.0.0.1";
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = options.clientId ?? "bauantrag";
  const clientSecret = options.clientSecret ?? "bauantrag-test-secret-0123456789";
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateJwk = {
    ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>),
    kid: "test-key",
    alg: "RS256",
    use: "sig",
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [privateJwk as never] },
    cookies: { keys: ["test-only-cookie-key-0123456789abcdef"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "trust_level"],
      groups: ["groups"],
    },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    // The test client is trusted: no consent screen, a grant for the requested scopes.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope("openid email profile groups");
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          const a = accounts.get(sub) ?? options.claimsFor?.(sub) ?? {};
          return { sub, ...a };
        },
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signingKey: { kid: "test-key", privateJwk },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What a browser does at the development login page: follows the authorization URL, signs in as
 * `login`, and returns the URL the provider sends the browser back to (our callback), without
 * following it.
 */
export async function signInAtTestProvider(authorizationUrl: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar.entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  let url = authorizationUrl;
  let method = "GET";
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { method, body, redirect: "manual", headers: { cookie: cookieHeader() } });
    remember(res);
    const location = res.headers.get("location");
    if (location) {
      const next = new URL(location, url).href;
      if (!next.startsWith(new URL(authorizationUrl).origin)) return next;
      url = next;
      method = "GET";
      body = undefined;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${res.status} ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? "login";
    url = new URL(action.replaceAll("&amp;", "&"), url).href;
    method = "POST";
    body = new URLSearchParams(prompt === "login" ? { prompt, login, password: "beliebig" } : { prompt });
  }
  throw new Error("too many redirects at the test provider");
}
