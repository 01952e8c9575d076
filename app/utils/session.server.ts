import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { type SessionUser, sessionUserSelect } from "~/models/user.server";
import { db, type Tx } from "./db.server";
import { env, sessionSecret } from "./env.server";
import { forgetInRequest, memoInRequest } from "./request-scope.server";

/**
 * Server-side sessions in PostgreSQL. The cookie carries a random 32-byte token (signed by the
 * cookie secret); the Session table stores only sha256(token) as its id, so a leaked database
 * dump cannot be replayed as cookies. Sessions slide: activity moves expiresAt forward (written at
 * most once a minute), an idle session expires after SESSION_TTL_HOURS, and no session lives
 * longer than ABSOLUTE_MAX_HOURS however active it is.
 */

export const SESSION_COOKIE_NAME = "__bauantrag_session";
const ABSOLUTE_MAX_HOURS = 24 * 7;
/** Touch lastSeenAt/expiresAt at most this often, so reads don't turn into writes on every request. */
const TOUCH_INTERVAL_MS = 60_000;

let cookie: ReturnType<typeof createCookie> | undefined;

export function sessionCookie() {
  cookie ??= createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    // Secure exactly when the app is served over https: a Secure cookie on http://<host> is dropped
    // by browsers (and curl), which would make login impossible on a plain-http trial install.
    secure: new URL(env().APP_URL).protocol === "https:",
    path: "/",
    secrets: [sessionSecret()],
    // No maxAge: a browser-session cookie; the server decides expiry (sliding, see above).
  });
  return cookie;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function ttlMs(): number {
  return env().SESSION_TTL_HOURS * 3_600_000;
}

export interface CreatedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
  /** Set-Cookie header value. */
  cookie: string;
}

export async function createSession(
  userId: string,
  meta: { userAgent?: string | null; ip?: string | null } = {},
  client: Tx = db(),
): Promise<CreatedSession> {
  const token = randomBytes(32).toString("base64url");
  const sessionId = hashToken(token);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs());
  await client.session.create({
    data: {
      id: sessionId,
      userId,
      expiresAt,
      lastSeenAt: now,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
      ip: meta.ip ?? null,
    },
  });
  return { token, sessionId, expiresAt, cookie: await sessionCookie().serialize(token) };
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length >= 40 && value.length <= 64 ? value : null;
}

export interface ResolvedSession {
  sessionId: string;
  user: SessionUser;
}

/**
 * The user of a session token, or null when the token is unknown, expired or the user disabled.
 * Extends the session (sliding) when it was last touched over a minute ago.
 */
export async function resolveSessionToken(
  token: string,
  now = new Date(),
  client: Tx = db(),
): Promise<ResolvedSession | null> {
  const sessionId = hashToken(token);
  const session = await client.session.findFirst({
    where: { id: sessionId, expiresAt: { gt: now }, user: { disabledAt: null } },
    select: { id: true, createdAt: true, lastSeenAt: true, user: { select: sessionUserSelect } },
  });
  if (!session) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    const absoluteEnd = session.createdAt.getTime() + ABSOLUTE_MAX_HOURS * 3_600_000;
    const expiresAt = new Date(Math.min(now.getTime() + ttlMs(), absoluteEnd));
    // updateMany: a concurrent logout may have deleted the row; that is fine.
    await client.session.updateMany({ where: { id: sessionId }, data: { lastSeenAt: now, expiresAt } });
  }
  return { sessionId, user: session.user };
}

export async function getSession(request: Request): Promise<ResolvedSession | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  // The root loader and the route loader of one request share one lookup.
  return memoInRequest(`session:${hashToken(token)}`, () => resolveSessionToken(token));
}

/** Deletes the session row of the request (if any) and returns a Set-Cookie that clears the cookie. */
export async function destroySession(request: Request, client: Tx = db()): Promise<string> {
  const token = await readSessionToken(request);
  if (token) {
    await client.session.deleteMany({ where: { id: hashToken(token) } });
    forgetInRequest(`session:${hashToken(token)}`);
  }
  return sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}

/** Ends every session of a user (password change, account disabled). */
export async function destroyAllSessionsOfUser(userId: string, client: Tx = db()): Promise<number> {
  const r = await client.session.deleteMany({ where: { userId } });
  return r.count;
}

/** Housekeeping for a periodic job: removes expired rows. */
export async function deleteExpiredSessions(now = new Date(), client: Tx = db()): Promise<number> {
  const r = await client.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return r.count;
}
