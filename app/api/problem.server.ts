/**
 * Error answers of /api/v1 as RFC 9457 problem details (`application/problem+json`). `detail` is
 * German because it is shown to the people who run the calling system; `title` stays short.
 * Shape declared once in the OpenAPI document (components.schemas.Problem).
 */

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Only for 429. */
  retryAfterSeconds?: number;
  /** Only for validation errors: which parameter or field was wrong. */
  parameter?: string;
}

const TITLES: Record<number, string> = {
  400: "Ungültige Anfrage",
  401: "Nicht angemeldet",
  403: "Keine Berechtigung",
  404: "Nicht gefunden",
  405: "Methode nicht erlaubt",
  409: "Konflikt",
  413: "Zu groß",
  415: "Nicht unterstütztes Format",
  422: "Nicht verarbeitbar",
  429: "Zu viele Anfragen",
  500: "Serverfehler",
  503: "Vorübergehend nicht verfügbar",
};

export function problemResponse(
  status: number,
  detail: string,
  extra: { headers?: Record<string, string>; retryAfterSeconds?: number; parameter?: string } = {},
): Response {
  const body: Problem = { type: "about:blank", title: TITLES[status] ?? "Fehler", status, detail };
  if (extra.retryAfterSeconds !== undefined) body.retryAfterSeconds = extra.retryAfterSeconds;
  if (extra.parameter !== undefined) body.parameter = extra.parameter;
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/problem+json; charset=utf-8",
      "Cache-Control": "no-store",
      ...extra.headers,
    },
  });
}

/** Thrown inside handlers; apiRoute turns it into the response. */
export function apiError(
  status: number,
  detail: string,
  extra?: Parameters<typeof problemResponse>[2],
): Response {
  return problemResponse(status, detail, extra);
}

export const NOT_FOUND_DETAIL =
  "Die angeforderte Ressource gibt es nicht oder sie gehört nicht zu Ihrer Behörde.";

/** JSON success answer of the API (never cached: every answer is tenant data). */
export function apiJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
