import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { Redis } from "ioredis";
import * as client from "openid-client";
import { z } from "zod";
import type { UserRole } from "~/generated/prisma/client";
import { recordSecurityEvent } from "~/models/security-event.server";
import { normalizeEmail } from "~/models/user.server";
import { finishSignIn, safeRedirect, secondFactorStep, verifyPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { env, sessionSecret } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { createChallenge } from "~/utils/login-challenge.server";
import { type OidcProviderConfig, oidcProvider } from "~/utils/oidc-config.server";
import { redis } from "~/utils/redis.server";
import { hashToken } from "~/utils/session.server";

/**
 * Sign-in with OpenID Connect (issue 17 item 1) through `openid-client` (v6): authorization code
 * flow with PKCE (S256), state and nonce. The state is kept in Redis (with the PKCE verifier, the
 * nonce and where to go afterwards) and bound to the browser by a signed cookie, so a callback
 * started in another browser (login CSRF) or replayed is refused. openid-client checks the ID
 * token: signature (provider's JWKS), issuer, audience, nonce, expiry.
 *
 * Who the person is afterwards (resolveAccount):
 * - an identity (provider, sub) already linked → that account;
 * - else an account with the same, provider-verified e-mail → linked only after the person
 *   confirms with that account's password (never silently: whoever controls a provider account
 *   with that address claim must not take over the account);
 * - else a new account: applicant providers create an applicant; staff providers create an
 *   account of their authority only when the group claim maps to roles (groupRoles).
 */

export const OIDC_MESSAGES = {
  unavailable: (label: string) =>
    `Der Anmeldedienst „${label}“ ist zurzeit nicht erreichbar. Bitte versuchen Sie es später erneut oder melden Sie sich mit E-Mail-Adresse und Passwort an.`,
  refused:
    "Die Anmeldung über den Anmeldedienst wurde abgelehnt, weil die Antwort nicht zu dieser Anmeldung passt. Bitte starten Sie die Anmeldung erneut.",
  cancelled: "Die Anmeldung wurde beim Anmeldedienst abgebrochen.",
  unverifiedEmail:
    "Ihr Anmeldedienst hat keine bestätigte E-Mail-Adresse übermittelt. Bitte bestätigen Sie Ihre E-Mail-Adresse dort und versuchen Sie es erneut.",
  notProvisioned:
    "Für Sie ist in Bauantrag noch kein Zugang eingerichtet. Bitte wenden Sie sich an die Administration Ihrer Behörde.",
  wrongAudience:
    "Mit diesem Anmeldedienst kann sich dieses Konto nicht anmelden. Bitte nutzen Sie den Anmeldedienst Ihrer Behörde oder Ihr Passwort.",
  disabled: "Ihr Zugang ist gesperrt. Bitte wenden Sie sich an die Administration Ihrer Behörde.",
  unknownProvider: "Diesen Anmeldedienst gibt es hier nicht.",
} as const;

export type OidcErrorCode =
  | "unavailable"
  | "refused"
  | "cancelled"
  | "unverifiedEmail"
  | "notProvisioned"
  | "wrongAudience"
  | "disabled"
  | "unknownProvider";

export function oidcErrorMessage(code: string | null, providerId: string | null): string | null {
  if (!code) return null;
  if (code === "unavailable")
    return OIDC_MESSAGES.unavailable(oidcProvider(providerId ?? "")?.label ?? "Anmeldedienst");
  const message = OIDC_MESSAGES[code as Exclude<OidcErrorCode, "unavailable">];
  return typeof message === "string" ? message : null;
}

const FLOW_TTL_SECONDS = 600;
const LINK_TTL_SECONDS = 900;
const DISCOVERY_TIMEOUT_SECONDS = 5;
const DISCOVERY_CACHE_MS = 10 * 60_000;

/** Test seam: requests to the provider go through this fetch (e.g. a proxy in front of it). */
export interface OidcClientOptions {
  fetch?: client.CustomFetch;
}

const discovered = new Map<string, { at: number; config: client.Configuration }>();

export function forgetDiscovery(): void {
  discovered.clear();
}

export async function providerConfiguration(
  provider: OidcProviderConfig,
  options: OidcClientOptions = {},
): Promise<client.Configuration> {
  const hit = discovered.get(provider.id);
  if (hit && Date.now() - hit.at < DISCOVERY_CACHE_MS && !options.fetch) return hit.config;
  const config = await client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    provider.clientSecret ? client.ClientSecretPost(provider.clientSecret) : client.None(),
    {
      execute: provider.allowInsecureHttp ? [client.allowInsecureRequests] : [],
      timeout: DISCOVERY_TIMEOUT_SECONDS,
      ...(options.fetch ? { [client.customFetch]: options.fetch } : {}),
    },
  );
  if (!options.fetch) discovered.set(provider.id, { at: Date.now(), config });
  return config;
}

export function callbackUrl(providerId: string): string {
  return `${env().APP_URL.replace(/\/+$/, "")}/anmelden/oidc/${providerId}/callback`;
}

function flowCookie(name: string, maxAge: number) {
  return createCookie(name, {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(env().APP_URL).protocol === "https:",
    path: "/",
    maxAge,
    secrets: [sessionSecret()],
  });
}
const stateCookie = () => flowCookie("__bauantrag_oidc", FLOW_TTL_SECONDS);
const linkCookie = () => flowCookie("__bauantrag_oidc_link", LINK_TTL_SECONDS);

const flowKey = (state: string) => `${env().QUEUE_PREFIX}:oidc-flow:${hashToken(state)}`;
const linkKey = (token: string) => `${env().QUEUE_PREFIX}:oidc-link:${hashToken(token)}`;
const sessionKey = (sessionId: string) => `${env().QUEUE_PREFIX}:oidc-session:${sessionId}`;

const flowSchema = z.object({
  provider: z.string(),
  verifier: z.string(),
  nonce: z.string(),
  redirectTo: z.string(),
});

export type StartResult = { ok: true; url: string; setCookie: string } | { ok: false; code: OidcErrorCode };

/** Where the browser goes to sign in at the provider (and the cookie binding the flow to it). */
export async function startOidcSignIn(
  providerId: string,
  redirectTo: string,
  options: OidcClientOptions = {},
  store: Redis = redis(),
): Promise<StartResult> {
  const provider = oidcProvider(providerId);
  if (!provider) return { ok: false, code: "unknownProvider" };
  let config: client.Configuration;
  try {
    config = await providerConfiguration(provider, options);
  } catch (err) {
    logger.warn({ err, provider: provider.id }, "oidc provider unavailable");
    return { ok: false, code: "unavailable" };
  }
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  await store.set(
    flowKey(state),
    JSON.stringify({ provider: provider.id, verifier, nonce, redirectTo }),
    "EX",
    FLOW_TTL_SECONDS,
  );
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(provider.id),
    scope: provider.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { ok: true, url: url.href, setCookie: await stateCookie().serialize(state) };
}

export type Claims = Record<string, unknown>;

export type CallbackResult =
  | {
      ok: true;
      provider: OidcProviderConfig;
      claims: Claims;
      idToken: string | undefined;
      redirectTo: string;
    }
  | { ok: false; code: OidcErrorCode; providerId: string };

/** Checks the provider's answer (state from this browser, code exchange with PKCE, ID token). */
export async function handleOidcCallback(
  providerId: string,
  request: Request,
  options: OidcClientOptions = {},
  store: Redis = redis(),
): Promise<CallbackResult> {
  const fail = (code: OidcErrorCode): CallbackResult => ({ ok: false, code, providerId });
  const provider = oidcProvider(providerId);
  if (!provider) return fail("unknownProvider");
  const incoming = new URL(request.url);
  // Behind a proxy request.url may be internal; the provider redirected to the public address.
  const current = new URL(`${callbackUrl(provider.id)}${incoming.search}`);
  const state = current.searchParams.get("state");
  const cookieState = await stateCookie().parse(request.headers.get("Cookie"));
  if (!state || typeof cookieState !== "string" || cookieState !== state) {
    logger.warn({ provider: provider.id }, "oidc callback: state does not match this browser");
    return fail("refused");
  }
  const raw = await store.getdel(flowKey(state));
  const flow = raw ? flowSchema.safeParse(JSON.parse(raw)) : null;
  if (!flow?.success || flow.data.provider !== provider.id) return fail("refused");
  if (current.searchParams.get("error")) {
    logger.info(
      { provider: provider.id, error: current.searchParams.get("error") },
      "oidc: error from provider",
    );
    return fail(current.searchParams.get("error") === "access_denied" ? "cancelled" : "refused");
  }
  let config: client.Configuration;
  try {
    config = await providerConfiguration(provider, options);
  } catch (err) {
    logger.warn({ err, provider: provider.id }, "oidc provider unavailable");
    return fail("unavailable");
  }
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.data.verifier,
      expectedState: state,
      expectedNonce: flow.data.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) return fail("refused");
    let claims: Claims = { ...idClaims };
    // Many providers put e-mail and groups only into the userinfo response.
    const needsUserinfo =
      claims.email === undefined || (provider.groupClaim && claims[provider.groupClaim] === undefined);
    if (needsUserinfo && config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = {
        ...info,
        ...claims,
        ...Object.fromEntries(Object.entries(info).filter(([k]) => claims[k] === undefined)),
      };
    }
    return { ok: true, provider, claims, idToken: tokens.id_token, redirectTo: flow.data.redirectTo };
  } catch (err) {
    const network = err instanceof TypeError || (err as { code?: string })?.code === "OAUTH_TIMEOUT";
    logger.warn(
      { err, provider: provider.id },
      network ? "oidc provider unavailable" : "oidc callback refused",
    );
    return fail(network ? "unavailable" : "refused");
  }
}

export function clearStateCookie(): Promise<string> {
  return stateCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}

function displayNameOf(claims: Claims, email: string): string {
  const name = typeof claims.name === "string" ? claims.name.trim() : "";
  if (name) return name.slice(0, 120);
  const parts = [claims.given_name, claims.family_name].filter(
    (p): p is string => typeof p === "string" && !!p.trim(),
  );
  return parts.length ? parts.join(" ").slice(0, 120) : email;
}

function groupsOf(claims: Claims, claim: string | undefined): string[] {
  if (!claim) return [];
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  return typeof value === "string" ? [value] : [];
}

export function rolesFromGroups(provider: OidcProviderConfig, claims: Claims): UserRole[] {
  const roles = new Set<UserRole>();
  for (const group of groupsOf(claims, provider.groupClaim)) {
    for (const role of provider.groupRoles[group] ?? []) roles.add(role);
  }
  return [...roles];
}

export type AccountResult =
  | { kind: "signIn"; userId: string }
  | { kind: "confirmLink"; userId: string; email: string; hasPassword: boolean }
  | { kind: "error"; code: OidcErrorCode };

/** Who signs in: linked identity, an account to link after confirmation, or a new account. */
export async function resolveAccount(
  provider: OidcProviderConfig,
  claims: Claims,
  meta: { ip: string | null; userAgent: string | null },
): Promise<AccountResult> {
  const subject = typeof claims.sub === "string" ? claims.sub : null;
  if (!subject) return { kind: "error", code: "refused" };
  const trustLevel =
    provider.trustLevelClaim && typeof claims[provider.trustLevelClaim] === "string"
      ? (claims[provider.trustLevelClaim] as string)
      : null;
  const authority = provider.authority
    ? await db().authority.findUnique({ where: { slug: provider.authority }, select: { id: true } })
    : null;
  if (provider.audience === "staff" && !authority) {
    logger.error(
      { provider: provider.id, authority: provider.authority },
      "oidc: configured authority not found",
    );
    return { kind: "error", code: "notProvisioned" };
  }
  const fits = (user: { authorityId: string | null }) =>
    provider.audience === "staff" ? user.authorityId === authority?.id : user.authorityId === null;

  const linked = await db().userIdentity.findUnique({
    where: { provider_subject: { provider: provider.id, subject } },
    select: { id: true, user: { select: { id: true, authorityId: true, disabledAt: true } } },
  });
  if (linked) {
    if (linked.user.disabledAt) return { kind: "error", code: "disabled" };
    if (!fits(linked.user)) return { kind: "error", code: "wrongAudience" };
    await db().userIdentity.update({
      where: { id: linked.id },
      data: { lastUsedAt: new Date(), trustLevel },
    });
    return { kind: "signIn", userId: linked.user.id };
  }

  const email = typeof claims.email === "string" ? normalizeEmail(claims.email) : null;
  if (!email || claims.email_verified !== true) return { kind: "error", code: "unverifiedEmail" };
  const existing = await db().user.findUnique({
    where: { email },
    select: { id: true, authorityId: true, disabledAt: true, passwordHash: true },
  });
  if (existing) {
    if (existing.disabledAt) return { kind: "error", code: "disabled" };
    if (!fits(existing)) return { kind: "error", code: "wrongAudience" };
    return { kind: "confirmLink", userId: existing.id, email, hasPassword: !!existing.passwordHash };
  }

  let roles: UserRole[];
  if (provider.audience === "applicants") {
    roles = ["APPLICANT"];
  } else {
    roles = rolesFromGroups(provider, claims);
    if (roles.length === 0) return { kind: "error", code: "notProvisioned" };
  }
  const user = await db().$transaction(async (tx) => {
    const created = await tx.user.create({
      data: {
        email,
        displayName: displayNameOf(claims, email),
        roles,
        authorityId: provider.audience === "staff" ? authority!.id : null,
        passwordHash: null,
        identities: { create: { provider: provider.id, subject, trustLevel } },
      },
      select: { id: true },
    });
    await recordSecurityEvent(
      { userId: created.id, kind: "ACCOUNT_PROVISIONED", method: `oidc:${provider.id}`, meta },
      tx,
    );
    return created;
  });
  logger.info({ userId: user.id, provider: provider.id, roles }, "oidc: account provisioned");
  return { kind: "signIn", userId: user.id };
}

// ---------------------------------------------------------------------------------------------
// Linking an existing account after confirmation

const linkSchema = z.object({
  provider: z.string(),
  subject: z.string(),
  userId: z.string(),
  email: z.string(),
  trustLevel: z.string().nullable(),
  idToken: z.string().nullable(),
  redirectTo: z.string(),
  attempts: z.number().int(),
});
export type PendingLink = z.infer<typeof linkSchema>;

export async function createPendingLink(
  input: Omit<PendingLink, "attempts">,
  store: Redis = redis(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await store.set(linkKey(token), JSON.stringify({ ...input, attempts: 0 }), "EX", LINK_TTL_SECONDS);
  return linkCookie().serialize(token);
}

export async function readPendingLink(
  request: Request,
  store: Redis = redis(),
): Promise<{ token: string; link: PendingLink } | null> {
  const token = await linkCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length !== 43) return null;
  const raw = await store.get(linkKey(token));
  const parsed = raw ? linkSchema.safeParse(JSON.parse(raw)) : null;
  return parsed?.success ? { token, link: parsed.data } : null;
}

/** Whether the account a pending link points at has a password to confirm the link with. */
export async function accountHasPassword(userId: string): Promise<boolean> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return !!user?.passwordHash;
}

export const LINK_WRONG_PASSWORD = "Das Passwort ist falsch. Die Verknüpfung wurde nicht vorgenommen.";
export const LINK_EXPIRED =
  "Die Verknüpfung ist abgelaufen. Bitte melden Sie sich erneut über den Anmeldedienst an.";

/**
 * The person confirms the link with the existing account's password. Five wrong passwords end
 * the pending link. On success the identity is stored and the sign-in continues.
 */
export async function confirmLink(
  token: string,
  password: string,
  meta: { ip: string | null; userAgent: string | null },
  store: Redis = redis(),
): Promise<{ ok: true; link: PendingLink } | { ok: false; message: string; expired: boolean }> {
  const key = linkKey(token);
  const raw = await store.get(key);
  const parsed = raw ? linkSchema.safeParse(JSON.parse(raw)) : null;
  if (!parsed?.success) return { ok: false, message: LINK_EXPIRED, expired: true };
  const link = parsed.data;
  const user = await db().user.findUnique({
    where: { id: link.userId },
    select: { passwordHash: true, disabledAt: true },
  });
  const valid =
    !!user?.passwordHash && !user.disabledAt && (await verifyPassword(user.passwordHash, password));
  if (!valid) {
    const attempts = link.attempts + 1;
    if (attempts >= 5) {
      await store.del(key);
      return { ok: false, message: LINK_EXPIRED, expired: true };
    }
    await store.set(key, JSON.stringify({ ...link, attempts }), "KEEPTTL");
    return { ok: false, message: LINK_WRONG_PASSWORD, expired: false };
  }
  if (!(await store.del(key))) return { ok: false, message: LINK_EXPIRED, expired: true };
  await db().$transaction(async (tx) => {
    await tx.userIdentity.create({
      data: {
        userId: link.userId,
        provider: link.provider,
        subject: link.subject,
        trustLevel: link.trustLevel,
      },
    });
    await recordSecurityEvent(
      { userId: link.userId, kind: "IDENTITY_LINKED", method: `oidc:${link.provider}`, meta },
      tx,
    );
  });
  logger.info({ userId: link.userId, provider: link.provider }, "oidc: identity linked");
  return { ok: true, link };
}

export function clearLinkCookie(): Promise<string> {
  return linkCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}

// ---------------------------------------------------------------------------------------------
// Logout at the provider (RP-initiated logout, where the provider supports it)

const SESSION_MEMO_TTL_SECONDS = 7 * 24 * 3600;

export async function rememberOidcSession(
  sessionId: string,
  value: { provider: string; idToken: string | null },
  store: Redis = redis(),
): Promise<void> {
  await store.set(sessionKey(sessionId), JSON.stringify(value), "EX", SESSION_MEMO_TTL_SECONDS);
}

/**
 * The provider's end-session URL for a session signed in through it (id_token_hint, back to
 * /anmelden afterwards), or null. Forgets the memo either way.
 */
export async function providerLogoutUrl(sessionId: string, store: Redis = redis()): Promise<string | null> {
  const raw = await store.getdel(sessionKey(sessionId));
  if (!raw) return null;
  const memo = z.object({ provider: z.string(), idToken: z.string().nullable() }).safeParse(JSON.parse(raw));
  if (!memo.success) return null;
  const provider = oidcProvider(memo.data.provider);
  if (!provider) return null;
  try {
    const config = await providerConfiguration(provider);
    if (!config.serverMetadata().end_session_endpoint) return null;
    const params: Record<string, string> = {
      post_logout_redirect_uri: `${env().APP_URL.replace(/\/+$/, "")}/anmelden?abgemeldet=1`,
      client_id: provider.clientId,
    };
    if (memo.data.idToken) params.id_token_hint = memo.data.idToken;
    return client.buildEndSessionUrl(config, params).href;
  } catch (err) {
    // Provider down: our session ends anyway.
    logger.warn({ err, provider: provider.id }, "oidc logout: provider unavailable");
    return null;
  }
}

/** finishSignIn's hook that keeps the provider and ID token of the new session for logout. */
export function rememberOidc(
  oidc: { provider: string; idToken: string | null } | null,
): ((sessionId: string) => Promise<void>) | undefined {
  return oidc ? (sessionId) => rememberOidcSession(sessionId, oidc) : undefined;
}

/**
 * After the provider and the account are settled: the second factor where the account needs one
 * (the challenge carries the provider for logout), else the session. Returns where to go and the
 * cookies to set.
 */
export async function continueOidcSignIn(
  userId: string,
  provider: OidcProviderConfig,
  idToken: string | null,
  redirectTo: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ location: string; cookies: string[] }> {
  const oidc = { provider: provider.id, idToken };
  const method = `oidc:${provider.id}`;
  const step = await secondFactorStep(userId);
  if (step) {
    const cookie = await createChallenge({
      userId,
      method,
      mode: step,
      redirectTo: safeRedirect(redirectTo, "/"),
      oidc,
    });
    return { location: "/anmelden/zweiter-faktor", cookies: [cookie] };
  }
  const cookie = await finishSignIn(userId, method, meta, rememberOidc(oidc));
  return { location: safeRedirect(redirectTo, "/"), cookies: [cookie] };
}
