import { API_SCOPE_LABELS, API_SCOPES, type ApiScope } from "~/api/scopes";
import { authenticateToken, recordApiCall, touchLastUsed } from "~/models/api-client.server";
import { logger } from "~/utils/logger.server";
import { problemResponse } from "./problem.server";
import { countApiCall } from "./rate-limit.server";

export { API_SCOPES, type ApiScope };

/**
 * Authentication of /api/v1 (issue 16 item 3). A call carries `Authorization: Bearer <token>` of
 * an API client (created by the authority's admin at /verwaltung/api). Order of the checks:
 * token (401) → rate limit per client (429, counted for every authenticated call) → scope (403).
 * Every answer to a known client is written to its call log by `apiRoute`; 401s cannot name a
 * client and are only logged by the process logger.
 */

export interface ApiCaller {
  clientId: string;
  authorityId: string;
}

const callers = new WeakMap<Request, ApiCaller>();

const UNAUTHENTICATED =
  "Kein gültiger API-Schlüssel. Senden Sie den Schlüssel Ihres API-Zugangs im Header „Authorization: Bearer …“; " +
  "ein erneuerter oder widerrufener Schlüssel gilt nicht mehr.";

function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (!header || header.length > 200) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/**
 * The calling client, or a thrown problem Response (401/403/429). Use inside `apiRoute` so the
 * call is logged with its final status; outside it, refusals still throw the same answers.
 */
export async function requireApiClient(request: Request, scope: ApiScope): Promise<ApiCaller> {
  const token = bearerToken(request);
  const client = token ? await authenticateToken(token) : null;
  if (!client) {
    throw problemResponse(401, UNAUTHENTICATED, {
      headers: { "WWW-Authenticate": 'Bearer realm="bauantrag-api"' },
    });
  }
  const caller = { clientId: client.id, authorityId: client.authorityId };
  callers.set(request, caller);
  const limit = await countApiCall(client.id);
  if (!limit.allowed) {
    const s = limit.retryAfterSeconds;
    throw problemResponse(
      429,
      `Zu viele Anfragen dieses API-Zugangs. Bitte warten Sie ${s} ${s === 1 ? "Sekunde" : "Sekunden"} und versuchen Sie es dann erneut.`,
      { headers: { "Retry-After": String(s) }, retryAfterSeconds: s },
    );
  }
  if (!client.scopes.includes(scope)) {
    throw problemResponse(
      403,
      `Diesem API-Zugang fehlt die Berechtigung „${scope}“ (${API_SCOPE_LABELS[scope]}). Die Administration Ihrer Behörde kann sie unter „Verwaltung › API-Zugänge“ vergeben.`,
    );
  }
  await touchLastUsed(client.id);
  return caller;
}

type Handler<A> = (args: A, caller: ApiCaller) => Promise<Response> | Response;

/**
 * Wraps a route's loader/action: authenticates with `scope`, runs the handler, turns thrown
 * Responses into the answer and anything else into a German 500 problem, and logs the call
 * (client, method, path, status, duration) when a client was identified.
 */
export function apiRoute<A extends { request: Request }>(
  scope: ApiScope,
  handler: Handler<A>,
): (args: A) => Promise<Response> {
  return async (args) => {
    const started = performance.now();
    const { request } = args;
    let response: Response;
    try {
      const caller = await requireApiClient(request, scope);
      response = await handler(args, caller);
    } catch (thrown) {
      if (thrown instanceof Response) response = thrown;
      else {
        logger.error({ err: thrown, url: new URL(request.url).pathname }, "API call failed");
        response = problemResponse(
          500,
          "Es ist ein Fehler aufgetreten. Die Anfrage wurde nicht ausgeführt; bitte versuchen Sie es in einigen Minuten erneut.",
        );
      }
    }
    const caller = callers.get(request);
    if (caller) {
      try {
        await recordApiCall({
          clientId: caller.clientId,
          authorityId: caller.authorityId,
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          durationMs: performance.now() - started,
        });
      } catch (err) {
        // The answer is already decided; a lost log line must not turn it into an error.
        logger.error({ err }, "API call log write failed");
      }
    }
    return response;
  };
}
