import type { LoaderFunctionArgs } from "@remix-run/node";
import type { SessionUser } from "~/models/user.server";
import { createSession } from "~/utils/session.server";

/**
 * Route-test helpers: call a Remix loader or action the way the server does, with a real session
 * cookie against the real database, and read the outcome the way a browser would see it (status,
 * data, redirect target). Shared by every route test instead of a copy in each file.
 */

/** The Cookie header of a fresh real session of this user (any user row: only its id counts). */
export async function cookieFor(user: Pick<SessionUser, "id">): Promise<string> {
  return (await createSession(user.id)).cookie.split(";")[0] as string;
}

export interface RouteOutcome {
  status: number;
  /** What a loader/action returned when it returned data (status 200). */
  data?: unknown;
  /** The Location of a redirect. */
  location?: string;
  /** A returned or thrown Response (downloads, redirects, 404s). */
  response?: Response;
}

/** Runs a loader/action; thrown responses (notFound, redirects, data(…, 4xx)) become their status. */
export async function callRoute(fn: () => Promise<unknown>): Promise<RouteOutcome> {
  try {
    const result = await fn();
    if (result instanceof Response)
      return {
        status: result.status,
        location: result.headers.get("Location") ?? undefined,
        response: result,
      };
    return { status: 200, data: result };
  } catch (thrown) {
    if (thrown instanceof Response)
      return {
        status: thrown.status,
        location: thrown.headers.get("Location") ?? undefined,
        response: thrown,
      };
    const t = thrown as { type?: string; init?: { status?: number } };
    if (t?.type === "DataWithResponseInit") return { status: t.init?.status ?? 500 };
    throw thrown;
  }
}

/** A route module's loader or action (both take the same arguments). */
export type RouteFn = (args: LoaderFunctionArgs) => Promise<unknown>;

/** A request to `path` as this user's browser sends it (no user: anonymous). */
export async function routeRequest(
  user: SessionUser | null,
  path: string,
  init: { method?: string; body?: FormData | URLSearchParams; headers?: Record<string, string> } = {},
): Promise<Request> {
  const headers: Record<string, string> = { ...init.headers };
  if (user) headers.Cookie = await cookieFor(user);
  return new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

/** GET: runs the loader for `path` with `params`. */
export async function loadRoute(
  loader: RouteFn,
  user: SessionUser | null,
  path: string,
  params: Record<string, string> = {},
): Promise<RouteOutcome> {
  const request = await routeRequest(user, path);
  return callRoute(() => loader({ request, params, context: {} }));
}

/** POST: runs the action for `path` with a form body (multipart or urlencoded, as given). */
export async function postRoute(
  action: RouteFn,
  user: SessionUser | null,
  path: string,
  body: FormData | URLSearchParams,
  params: Record<string, string> = {},
): Promise<RouteOutcome> {
  const request = await routeRequest(user, path, { method: "POST", body });
  return callRoute(() => action({ request, params, context: {} }));
}
