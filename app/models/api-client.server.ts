import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { API_SCOPES, type ApiScope, isApiScope } from "~/api/scopes";
import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { db, type Tx } from "~/utils/db.server";

/**
 * API clients of an authority (issue 16 item 3). A token is `bau_<keyId>_<secret>`: the keyId
 * (public, 16 hex) finds the row, the secret (32 random bytes, base64url) is checked against its
 * stored SHA-256 with a constant-time comparison. The secret leaves the server exactly once — in
 * the answer to creation or rotation — and is never stored in clear.
 */

const TOKEN_PATTERN = /^bau_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const NAME_MAX = 80;

function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function newCredentials() {
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { keyId, secretHash: sha256Hex(secret), token: `bau_${keyId}_${secret}` };
}

// Compared against when the keyId is unknown, so a miss costs the same as a wrong secret.
const DUMMY_HASH = Buffer.from(sha256Hex("no-such-client"), "hex");

export interface AuthenticatedClient {
  id: string;
  authorityId: string;
  name: string;
  scopes: ApiScope[];
}

/**
 * The active client a token belongs to, or null for anything else (malformed, unknown key, wrong
 * or rotated secret, revoked). Callers answer all of these with the same 401.
 */
export async function authenticateToken(
  token: string,
  client: Tx = db(),
): Promise<AuthenticatedClient | null> {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return null;
  const [, keyId, secret] = m as unknown as [string, string, string];
  const row = await client.apiClient.findUnique({
    where: { keyId },
    select: { id: true, authorityId: true, name: true, scopes: true, secretHash: true, revokedAt: true },
  });
  const presented = createHash("sha256").update(secret, "utf8").digest();
  const expected = row ? Buffer.from(row.secretHash, "hex") : DUMMY_HASH;
  const equal = expected.length === presented.length && timingSafeEqual(expected, presented);
  if (!row || !equal || row.revokedAt) return null;
  return { id: row.id, authorityId: row.authorityId, name: row.name, scopes: row.scopes.filter(isApiScope) };
}

/** Marks the client used; at most one write per minute per client (no write per call). */
export async function touchLastUsed(clientId: string, now = new Date(), client: Tx = db()): Promise<void> {
  await client.apiClient.updateMany({
    where: {
      id: clientId,
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }],
    },
    data: { lastUsedAt: now },
  });
}

export type ClientInputResult =
  | { ok: true; name: string; scopes: ApiScope[] }
  | { ok: false; field: "name" | "scopes"; message: string };

/** Validates the admin's form input (German messages naming the field). */
export function parseClientInput(name: unknown, scopes: unknown[]): ClientInputResult {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (!trimmed)
    return { ok: false, field: "name", message: "Bitte geben Sie einen Namen für den API-Zugang an." };
  if (trimmed.length > NAME_MAX)
    return { ok: false, field: "name", message: `Der Name darf höchstens ${NAME_MAX} Zeichen lang sein.` };
  if ([...trimmed].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return { ok: false, field: "name", message: "Der Name darf keine Steuerzeichen enthalten." };
  const picked = [...new Set(scopes)];
  if (picked.length === 0)
    return { ok: false, field: "scopes", message: "Bitte wählen Sie mindestens eine Berechtigung aus." };
  if (!picked.every(isApiScope))
    return { ok: false, field: "scopes", message: "Unbekannte Berechtigung ausgewählt." };
  // Keep the catalogue's order so the list reads the same everywhere.
  return { ok: true, name: trimmed, scopes: API_SCOPES.filter((s) => picked.includes(s)) };
}

interface AdminActor {
  id: string;
  authorityId: string;
}

/** Creates a client; the token in the answer is the only copy of the secret. */
export async function createApiClient(
  admin: AdminActor,
  input: { name: string; scopes: ApiScope[] },
  meta?: RequestMeta,
): Promise<{ id: string; token: string }> {
  const creds = newCredentials();
  return db().$transaction(async (tx) => {
    const row = await tx.apiClient.create({
      data: {
        authorityId: admin.authorityId,
        name: input.name,
        scopes: input.scopes,
        keyId: creds.keyId,
        secretHash: creds.secretHash,
        createdById: admin.id,
      },
      select: { id: true },
    });
    await recordSecurityEvent(
      { userId: admin.id, kind: "API_CLIENT_CREATED", subject: input.name, meta },
      tx,
    );
    return { id: row.id, token: creds.token };
  });
}

/**
 * New secret (and keyId) for an active client of the admin's authority; the old token stops at
 * once. Null when there is no such active client in this authority.
 */
export async function rotateApiClient(
  admin: AdminActor,
  clientId: string,
  meta?: RequestMeta,
): Promise<{ token: string } | null> {
  const creds = newCredentials();
  return db().$transaction(async (tx) => {
    const updated = await tx.apiClient.updateMany({
      where: { id: clientId, authorityId: admin.authorityId, revokedAt: null },
      data: { keyId: creds.keyId, secretHash: creds.secretHash, rotatedAt: new Date() },
    });
    if (updated.count !== 1) return null;
    const row = await tx.apiClient.findFirstOrThrow({
      where: { id: clientId, authorityId: admin.authorityId },
    });
    await recordSecurityEvent({ userId: admin.id, kind: "API_CLIENT_ROTATED", subject: row.name, meta }, tx);
    return { token: creds.token };
  });
}

/** Revokes a client of the admin's authority for good; false when there was none to revoke. */
export async function revokeApiClient(
  admin: AdminActor,
  clientId: string,
  meta?: RequestMeta,
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const updated = await tx.apiClient.updateMany({
      where: { id: clientId, authorityId: admin.authorityId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (updated.count !== 1) return false;
    const row = await tx.apiClient.findFirstOrThrow({
      where: { id: clientId, authorityId: admin.authorityId },
    });
    await recordSecurityEvent({ userId: admin.id, kind: "API_CLIENT_REVOKED", subject: row.name, meta }, tx);
    return true;
  });
}

/** The authority's clients, newest first (never the secret hash). */
export async function listApiClients(authorityId: string, client: Tx = db()) {
  const rows = await client.apiClient.findMany({
    where: { authorityId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      scopes: true,
      keyId: true,
      createdAt: true,
      rotatedAt: true,
      revokedAt: true,
      lastUsedAt: true,
    },
  });
  return rows;
}

/** Records one API call (status and duration known once the handler answered). */
export async function recordApiCall(
  input: {
    clientId: string;
    authorityId: string;
    method: string;
    path: string;
    status: number;
    durationMs: number;
  },
  client: Tx = db(),
): Promise<void> {
  await client.apiCallLog.create({
    data: {
      clientId: input.clientId,
      authorityId: input.authorityId,
      method: input.method.slice(0, 10),
      path: input.path.slice(0, 500),
      status: input.status,
      durationMs: Math.max(0, Math.round(input.durationMs)),
    },
  });
}

export const CALL_LOG_PAGE_SIZE = 50;

/**
 * One page of the authority's call log, newest first; `before` is the id the previous page ended
 * with (keyset paging, stable while new calls arrive).
 */
export async function callLogPage(
  authorityId: string,
  options: { before?: bigint | null; clientId?: string | null } = {},
  client: Tx = db(),
) {
  const rows = await client.apiCallLog.findMany({
    where: {
      authorityId,
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.before ? { id: { lt: options.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: CALL_LOG_PAGE_SIZE + 1,
    select: {
      id: true,
      method: true,
      path: true,
      status: true,
      durationMs: true,
      createdAt: true,
      client: { select: { id: true, name: true } },
    },
  });
  const page = rows.slice(0, CALL_LOG_PAGE_SIZE);
  const next = rows.length > CALL_LOG_PAGE_SIZE ? page[page.length - 1]!.id : null;
  return { rows: page, nextBefore: next };
}
