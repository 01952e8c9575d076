import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { Redis } from "ioredis";
import { z } from "zod";
import { env, sessionSecret } from "./env.server";
import { redis } from "./redis.server";
import { hashToken } from "./session.server";

/**
 * Between a correct first factor (password or identity provider) and the second (TOTP): a
 * challenge in Redis, named by the hash of a random token that a short-lived, signed, httpOnly
 * cookie carries. No session exists until the second factor is right. A challenge allows
 * CHALLENGE_MAX_ATTEMPTS wrong codes and lives CHALLENGE_TTL_SECONDS.
 */

export const CHALLENGE_TTL_SECONDS = 600;
export const CHALLENGE_MAX_ATTEMPTS = 5;

const challengeSchema = z.object({
  userId: z.string(),
  /** First factor: "password" or "oidc:<provider>". */
  method: z.string(),
  /** verify = enter a code; enroll = set the factor up first (required by the authority). */
  mode: z.enum(["verify", "enroll"]),
  redirectTo: z.string(),
  attempts: z.number().int(),
  /** Signed in through an identity provider: kept for RP-initiated logout. */
  oidc: z.object({ provider: z.string(), idToken: z.string().nullable() }).nullable().default(null),
});
export type LoginChallenge = z.infer<typeof challengeSchema>;

let cookie: ReturnType<typeof createCookie> | undefined;
function challengeCookie() {
  cookie ??= createCookie("__bauantrag_2fa", {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(env().APP_URL).protocol === "https:",
    path: "/",
    maxAge: CHALLENGE_TTL_SECONDS,
    secrets: [sessionSecret()],
  });
  return cookie;
}

const keyOf = (token: string) => `${env().QUEUE_PREFIX}:login-challenge:${hashToken(token)}`;

/** Starts a challenge; returns the Set-Cookie header for it. */
export async function createChallenge(
  input: Omit<LoginChallenge, "attempts" | "oidc"> & { oidc?: LoginChallenge["oidc"] },
  store: Redis = redis(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await store.set(
    keyOf(token),
    JSON.stringify({ oidc: null, ...input, attempts: 0 }),
    "EX",
    CHALLENGE_TTL_SECONDS,
  );
  return challengeCookie().serialize(token);
}

export async function readChallenge(
  request: Request,
  store: Redis = redis(),
): Promise<{ token: string; challenge: LoginChallenge } | null> {
  const token = await challengeCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length !== 43) return null;
  const raw = await store.get(keyOf(token));
  if (!raw) return null;
  const parsed = challengeSchema.safeParse(JSON.parse(raw));
  return parsed.success ? { token, challenge: parsed.data } : null;
}

/** Counts a wrong code; false when the challenge is used up (deleted). */
export async function failChallenge(token: string, store: Redis = redis()): Promise<boolean> {
  const key = keyOf(token);
  const raw = await store.get(key);
  if (!raw) return false;
  const challenge = challengeSchema.parse(JSON.parse(raw));
  const attempts = challenge.attempts + 1;
  if (attempts >= CHALLENGE_MAX_ATTEMPTS) {
    await store.del(key);
    return false;
  }
  await store.set(key, JSON.stringify({ ...challenge, attempts }), "KEEPTTL");
  return true;
}

/** Uses the challenge up (once: GETDEL); null when it was gone already. */
export async function consumeChallenge(
  token: string,
  store: Redis = redis(),
): Promise<LoginChallenge | null> {
  const raw = await store.getdel(keyOf(token));
  if (!raw) return null;
  const parsed = challengeSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

export function clearChallengeCookie(): Promise<string> {
  return challengeCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}
