import type { Prisma } from "~/generated/prisma/client";
import { db, type Tx } from "~/utils/db.server";

/**
 * Security history per account (issue 17 item 4): sign-ins with their method, password resets and
 * changes of the second factor. Where a request came from is kept only coarsely — the network
 * (IPv4 /24, IPv6 /48) and the browser family with its operating system — enough for a person to
 * recognise "that was not me" without storing a full address or fingerprint.
 */

export const SECURITY_EVENT_KINDS = {
  LOGIN: "Anmeldung",
  LOGIN_SECOND_FACTOR_FAILED: "Zweiter Faktor falsch eingegeben",
  PASSWORD_RESET_REQUESTED: "Zurücksetzen des Passworts angefordert",
  PASSWORD_RESET: "Passwort zurückgesetzt",
  TOTP_ENABLED: "Zwei-Faktor-Anmeldung eingerichtet",
  TOTP_DISABLED: "Zwei-Faktor-Anmeldung abgeschaltet",
  TOTP_RESET_BY_ADMIN: "Zwei-Faktor-Anmeldung von der Administration zurückgesetzt",
  RECOVERY_CODE_USED: "Wiederherstellungscode verwendet",
  RECOVERY_CODES_REGENERATED: "Neue Wiederherstellungscodes erzeugt",
  STAFF_TOTP_REQUIRED_ON: "Zwei-Faktor-Pflicht für die Behörde eingeschaltet",
  STAFF_TOTP_REQUIRED_OFF: "Zwei-Faktor-Pflicht für die Behörde abgeschaltet",
  IDENTITY_LINKED: "Konto eines Identitätsanbieters verknüpft",
  ACCOUNT_PROVISIONED: "Konto über Identitätsanbieter angelegt",
  ACCOUNT_CREATED_BY_ADMIN: "Konto von der Administration angelegt",
  SEAL_UPLOADED: "Siegelzertifikat der Behörde hinterlegt",
  SEAL_REPLACED: "Siegelzertifikat der Behörde ersetzt",
  API_CLIENT_CREATED: "API-Zugang angelegt",
  API_CLIENT_ROTATED: "Geheimnis eines API-Zugangs erneuert",
  API_CLIENT_REVOKED: "API-Zugang widerrufen",
} as const;
export type SecurityEventKind = keyof typeof SECURITY_EVENT_KINDS;

export const SIGN_IN_METHOD_LABELS: Record<string, string> = {
  password: "Passwort",
  "password+totp": "Passwort und Authenticator-App",
  "password+recovery": "Passwort und Wiederherstellungscode",
};

export function signInMethodLabel(method: string | null): string {
  if (!method) return "–";
  const [first = "", factor] = method.split("+");
  const firstLabel = first.startsWith("oidc:")
    ? `Anmeldedienst ${first.slice(5)}`
    : (SIGN_IN_METHOD_LABELS[first] ?? first);
  if (!factor) return firstLabel;
  const factorLabel =
    factor === "totp" ? "Authenticator-App" : factor === "recovery" ? "Wiederherstellungscode" : factor;
  return `${firstLabel} und ${factorLabel}`;
}

/** The network of an address: IPv4 as a.b.c.0/24, IPv6 as its /48, anything else null. */
export function coarseIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!ip.includes(":")) return null;
  const [head = "", tail = ""] = ip.toLowerCase().split("%")[0]!.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - headParts.length - tailParts.length);
  const groups = ip.includes("::") ? [...headParts, ...Array(missing).fill("0"), ...tailParts] : headParts;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/48`;
}

/** Browser family and operating system of a User-Agent header, e.g. "Firefox unter Windows". */
export function userAgentFamily(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg(?:e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /Chromium\//.test(ua)
          ? "Chromium"
          : /Chrome\/|CriOS\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : null;
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad|iPod/.test(ua)
      ? "iOS"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /Linux|X11/.test(ua)
            ? "Linux"
            : null;
  if (!browser && !os) return "Anderes Programm";
  if (!browser) return `Unbekannter Browser unter ${os}`;
  return os ? `${browser} unter ${os}` : browser;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export async function recordSecurityEvent(
  input: {
    userId: string;
    kind: SecurityEventKind;
    method?: string | null;
    /** What the event concerns when it is not the account itself (an API client's name). */
    subject?: string | null;
    actorId?: string | null;
    meta?: RequestMeta;
  },
  client: Tx = db(),
): Promise<void> {
  const user = await client.user.findUnique({ where: { id: input.userId }, select: { authorityId: true } });
  if (!user) return;
  await client.securityEvent.create({
    data: {
      userId: input.userId,
      authorityId: user.authorityId,
      kind: input.kind,
      method: input.method ?? null,
      subject: input.subject?.slice(0, 200) ?? null,
      actorId: input.actorId ?? null,
      ipPrefix: coarseIp(input.meta?.ip),
      userAgentFamily: userAgentFamily(input.meta?.userAgent),
    },
  });
}

const historySelect = {
  id: true,
  kind: true,
  method: true,
  subject: true,
  ipPrefix: true,
  userAgentFamily: true,
  createdAt: true,
  actor: { select: { displayName: true } },
} satisfies Prisma.SecurityEventSelect;

export type SecurityHistoryRow = Prisma.SecurityEventGetPayload<{ select: typeof historySelect }>;

/** The person's own history, newest first. */
export async function securityHistoryOf(userId: string, take = 50, client: Tx = db()) {
  return client.securityEvent.findMany({
    where: { userId },
    select: historySelect,
    orderBy: { createdAt: "desc" },
    take,
  });
}

/**
 * A staff member's history for their authority's admin: only when the account belongs to the
 * admin's authority (tenant in the query), otherwise null.
 */
export async function staffSecurityHistory(
  authorityId: string,
  userId: string,
  take = 100,
  client: Tx = db(),
) {
  const user = await client.user.findFirst({
    where: { id: userId, authorityId },
    select: {
      id: true,
      email: true,
      displayName: true,
      roles: true,
      disabledAt: true,
      totpEnabledAt: true,
      identities: { select: { provider: true, createdAt: true, lastUsedAt: true } },
    },
  });
  if (!user) return null;
  const events = await client.securityEvent.findMany({
    where: { userId, authorityId },
    select: historySelect,
    orderBy: { createdAt: "desc" },
    take,
  });
  return { user, events };
}

/** Rows for the history table (labels resolved on the server; dates as ISO strings). */
export function historyItems(rows: SecurityHistoryRow[]) {
  return rows.map((r) => ({
    id: r.id,
    kindLabel: `${SECURITY_EVENT_KINDS[r.kind as SecurityEventKind] ?? r.kind}${r.subject ? ` („${r.subject}“)` : ""}`,
    methodLabel: signInMethodLabel(r.method),
    ipPrefix: r.ipPrefix,
    userAgentFamily: r.userAgentFamily,
    createdAt: r.createdAt.toISOString(),
    actorName: r.actor?.displayName ?? null,
  }));
}
