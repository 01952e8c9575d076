/**
 * What an API client may do (issue 16 item 3). The admin picks a subset per client at
 * /verwaltung/api; every /api/v1 operation names the one scope it needs (app/api/auth.server.ts).
 */
export const API_SCOPES = [
  "cases:read",
  "documents:read",
  "messages:read",
  "messages:write",
  "status:write",
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

/** German labels for the admin page. */
export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  "cases:read": "Vorgänge lesen (Liste, Details)",
  "documents:read": "Unterlagen und erzeugte Dokumente herunterladen",
  "messages:read": "Nachrichtenfach abrufen und quittieren (XBau)",
  "messages:write": "XBau-Nachrichten einliefern",
  "status:write": "Verfahrensschritte auslösen (Status setzen)",
};

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}
