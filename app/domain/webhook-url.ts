import { BlockList, isIP } from "node:net";

/**
 * Which receiver URLs a webhook subscription may have (SSRF guard, issue 16 item 3). In production
 * only https to public addresses; `allowPrivate` (not production, or WEBHOOK_ALLOW_PRIVATE_URLS)
 * also allows http and loopback/private addresses. The syntax check here is pure; the check of the
 * addresses a hostname resolves to is in app/models/webhook-url.server.ts, at saving and again at
 * every connection (a DNS answer may change between the two).
 */

export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface WebhookUrlPolicy {
  allowPrivate: boolean;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/**
 * Addresses that are not on the public internet: "this network", private (RFC 1918), shared (CGN),
 * loopback, link-local (cloud metadata 169.254.169.254), documentation, benchmarking, multicast,
 * reserved, and their IPv6 counterparts (unique local, link-local, IPv4-mapped checked via IPv4).
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, "ipv6");
}

/** True for an IP address that is not a public unicast address (IPv4-mapped IPv6 judged as IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "");
  const version = isIP(ip);
  if (version === 4) return NON_PUBLIC.check(ip, "ipv4");
  if (version === 6) {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
    if (mapped?.[1]) return NON_PUBLIC.check(mapped[1], "ipv4");
    const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
    if (mappedHex?.[1] && mappedHex[2]) {
      const hi = Number.parseInt(mappedHex[1], 16);
      const lo = Number.parseInt(mappedHex[2], 16);
      return NON_PUBLIC.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, "ipv4");
    }
    return NON_PUBLIC.check(ip, "ipv6");
  }
  return true; // not an address at all: never treat it as public
}

/** Host names that mean this machine or an internal zone, whatever DNS says. */
function isLocalName(host: string): boolean {
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    host.endsWith(".home.arpa") ||
    !host.includes(".")
  );
}

/** Syntax and policy of a receiver URL, before any DNS lookup. German messages for the admin. */
export function checkWebhookUrlSyntax(raw: string, policy: WebhookUrlPolicy): UrlCheck {
  const input = raw.trim();
  if (input === "") return { ok: false, message: "Bitte geben Sie die Empfänger-URL an." };
  if (input.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, message: `Die URL ist zu lang (höchstens ${MAX_WEBHOOK_URL_LENGTH} Zeichen).` };
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return {
      ok: false,
      message: "Das ist keine gültige URL (Beispiel: https://fachverfahren.example.de/hooks).",
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: "Nur https-Adressen sind möglich." };
  }
  if (url.protocol === "http:" && !policy.allowPrivate) {
    return {
      ok: false,
      message: "Die URL muss mit https:// beginnen (unverschlüsselte Übertragung ist nicht erlaubt).",
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message:
        "Die URL darf keine Zugangsdaten enthalten; der Empfänger prüft die Signatur (Webhook-Signature).",
    };
  }
  if (url.hash) return { ok: false, message: "Die URL darf keinen Anker (#…) enthalten." };
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (!policy.allowPrivate) {
    if (isIP(host) ? isNonPublicAddress(host) : isLocalName(host)) {
      return {
        ok: false,
        message:
          "Die URL zeigt auf eine interne oder private Adresse; erlaubt sind nur öffentlich erreichbare Empfänger.",
      };
    }
  }
  return { ok: true, url };
}
