import { hash, verify } from "@node-rs/argon2";
import { redirect } from "@remix-run/node";
import { recordSecurityEvent } from "~/models/security-event.server";
import { findUserForLogin, normalizeEmail, type SessionUser } from "~/models/user.server";
import { db } from "./db.server";
import { logger } from "./logger.server";
import { createChallenge } from "./login-challenge.server";
import { passwordDisabledRoles } from "./oidc-config.server";
import { createLoginLimiter, type LoginLimiter, tooManyAttemptsMessage } from "./rate-limit.server";
import { safeRedirect } from "./safe-redirect";
import { createSession, destroySession, getSession } from "./session.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Client address as Express sees it (X-Forwarded-For only when TRUST_PROXY says so); set by server.ts. */
    clientIp?: string;
  }
}

// ---------------------------------------------------------------------------------------------
// Passwords: argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).

const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  // @node-rs/argon2 defaults to argon2id (algorithm 2); the test asserts the "$argon2id$" prefix.
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed hash in the database is a failed login, not a crash.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verified against when the user does not exist, so both paths cost one argon2 run. */
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword("dummy-password-for-constant-time-login");
  return dummyHash;
}

// ---------------------------------------------------------------------------------------------
// Identity providers. Password login is the only one today; an external provider (e.g. a
// Servicekonto/BundID via OIDC or SAML) implements the same interface and returns a user id.

export type AuthFailure = "invalid_credentials" | "disabled" | "password_disabled";
export type AuthResult = { ok: true; userId: string } | { ok: false; reason: AuthFailure };

export interface IdentityProvider<Input> {
  readonly id: string;
  authenticate(input: Input): Promise<AuthResult>;
}

export interface PasswordCredentials {
  email: string;
  password: string;
}

export const passwordProvider: IdentityProvider<PasswordCredentials> = {
  id: "password",
  async authenticate({ email, password }) {
    const user = await findUserForLogin(email);
    if (!user?.passwordHash) {
      await verifyPassword(await getDummyHash(), password);
      return { ok: false, reason: "invalid_credentials" };
    }
    const valid = await verifyPassword(user.passwordHash, password);
    if (!valid) return { ok: false, reason: "invalid_credentials" };
    // Checked only after the password: a disabled account is not revealed to someone guessing.
    if (user.disabledAt) return { ok: false, reason: "disabled" };
    // Password sign-in switched off for a role (PASSWORD_LOGIN_DISABLED_ROLES, e.g. staff with SSO).
    const off = passwordDisabledRoles();
    if (user.roles.some((r) => off.has(r))) return { ok: false, reason: "password_disabled" };
    return { ok: true, userId: user.id };
  },
};

// ---------------------------------------------------------------------------------------------
// Login / logout

export const INVALID_CREDENTIALS_MESSAGE = "E-Mail-Adresse oder Passwort ist falsch.";
export const PASSWORD_DISABLED_MESSAGE =
  "Für Ihr Konto ist die Anmeldung mit Passwort abgeschaltet. Bitte melden Sie sich über den Anmeldedienst Ihrer Behörde an.";
export const DISABLED_MESSAGE =
  "Ihr Zugang ist gesperrt. Bitte wenden Sie sich an die Administration Ihrer Behörde.";

/**
 * `next: "session"`: signed in, setCookie is the session cookie. `next: "second-factor"`: the
 * password was right but the account needs its second factor (or must set one up); setCookie is
 * the challenge cookie and the caller sends the person to /anmelden/zweiter-faktor.
 */
export type LoginResult =
  | { ok: true; setCookie: string; userId: string; next: "session" | "second-factor" }
  | { ok: false; message: string };

/** Which second-factor step a signed-in-by-first-factor account needs, if any. */
export async function secondFactorStep(userId: string): Promise<"verify" | "enroll" | null> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { roles: true, totpEnabledAt: true, authority: { select: { staffTotpRequired: true } } },
  });
  if (!user) return null;
  if (user.totpEnabledAt) return "verify";
  const staff = user.roles.some((r) => r === "CLERK" || r === "ADMIN");
  return staff && user.authority?.staffTotpRequired ? "enroll" : null;
}

/** Creates the session after all factors and records the sign-in in the security history. */
export async function finishSignIn(
  userId: string,
  method: string,
  meta: { ip: string | null; userAgent: string | null },
  afterSession?: (sessionId: string) => Promise<void>,
): Promise<string> {
  const session = await createSession(userId, { ip: meta.ip, userAgent: meta.userAgent });
  if (afterSession) await afterSession(session.sessionId);
  await recordSecurityEvent({ userId, kind: "LOGIN", method, meta });
  logger.info({ userId, method }, "login");
  return session.cookie;
}

let defaultLimiter: LoginLimiter | undefined;
function loginLimiter(): LoginLimiter {
  defaultLimiter ??= createLoginLimiter();
  return defaultLimiter;
}

export async function login(
  input: PasswordCredentials & { ip: string | null; userAgent: string | null; redirectTo?: string },
  limiter: LoginLimiter = loginLimiter(),
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  // Counted before the password check (atomically), so parallel guesses cannot exceed the limit.
  const gate = await limiter.acquire({ email, ip: input.ip });
  if (!gate.allowed) {
    logger.warn({ ip: input.ip }, "login throttled");
    return { ok: false, message: tooManyAttemptsMessage(gate.retryAfterSeconds) };
  }
  const result = await passwordProvider.authenticate({ email, password: input.password });
  if (!result.ok) {
    logger.info({ ip: input.ip, reason: result.reason }, "login failed");
    return {
      ok: false,
      message:
        result.reason === "disabled"
          ? DISABLED_MESSAGE
          : result.reason === "password_disabled"
            ? PASSWORD_DISABLED_MESSAGE
            : INVALID_CREDENTIALS_MESSAGE,
    };
  }
  await limiter.recordSuccess({ email, ip: input.ip });
  const step = await secondFactorStep(result.userId);
  if (step) {
    const setCookie = await createChallenge({
      userId: result.userId,
      method: "password",
      mode: step,
      redirectTo: safeRedirect(input.redirectTo, "/"),
    });
    logger.info({ userId: result.userId, step }, "login: second factor needed");
    return { ok: true, setCookie, userId: result.userId, next: "second-factor" };
  }
  const setCookie = await finishSignIn(result.userId, "password", input);
  return { ok: true, setCookie, userId: result.userId, next: "session" };
}

export async function logout(request: Request): Promise<string> {
  return destroySession(request);
}

// ---------------------------------------------------------------------------------------------
// Request helpers

export async function getUser(request: Request): Promise<SessionUser | null> {
  const session = await getSession(request);
  return session?.user ?? null;
}

/** Kept here so existing imports keep working; the helper lives in ./safe-redirect. */
export { safeRedirect };

export function loginPath(request: Request): string {
  const url = new URL(request.url);
  const target = `${url.pathname}${url.search}`;
  return target === "/" ? "/anmelden" : `/anmelden?${new URLSearchParams({ redirectTo: target })}`;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) throw redirect(loginPath(request));
  return user;
}

export function clientIp(context?: { clientIp?: string }): string | null {
  return context?.clientIp ?? null;
}
