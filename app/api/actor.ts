/**
 * The API client a case event was issued by (status commands of /api/v1, issue 16): such events
 * have no user as actor; their payload carries `apiClient: { id, name }`. The clerk's history
 * shows this label instead of "System".
 */
export function apiClientActorLabel(payload: unknown): string | null {
  const client = (payload as { apiClient?: { name?: unknown } } | null)?.apiClient;
  return client && typeof client.name === "string" ? `API-Zugang „${client.name}“` : null;
}
