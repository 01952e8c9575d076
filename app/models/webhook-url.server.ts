import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import {
  checkWebhookUrlSyntax,
  isNonPublicAddress,
  type UrlCheck,
  type WebhookUrlPolicy,
} from "~/domain/webhook-url";
import { env } from "~/utils/env.server";

/**
 * The SSRF guard around receiver URLs: the policy from the environment, the resolve-and-check when
 * a subscription is saved, and a DNS `lookup` for the HTTP request that refuses non-public
 * addresses at connection time (so a name that later resolves to 127.0.0.1 or 169.254.169.254 is
 * still refused: the checked address is the one connected to).
 */

export function webhookUrlPolicy(): WebhookUrlPolicy {
  const e = env();
  return { allowPrivate: e.NODE_ENV !== "production" || e.WEBHOOK_ALLOW_PRIVATE_URLS };
}

export const BLOCKED_ADDRESS_CODE = "EWEBHOOKBLOCKED";

function blockedError(host: string, address: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `${host} löst zu einer nicht öffentlichen Adresse auf (${address})`,
  );
  err.code = BLOCKED_ADDRESS_CODE;
  return err;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    );
  });
}

/**
 * Syntax, policy and (in production) every address the host resolves to. `resolve` is the system
 * resolver; tests pass their own answer (no DNS server to lie to here).
 */
export async function checkWebhookUrl(
  raw: string,
  policy = webhookUrlPolicy(),
  resolve: (host: string) => Promise<LookupAddress[]> = resolveAll,
): Promise<UrlCheck> {
  const syntax = checkWebhookUrlSyntax(raw, policy);
  if (!syntax.ok || policy.allowPrivate) return syntax;
  const host = syntax.url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return syntax; // literal address: judged by the syntax check
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return { ok: false, message: `Der Hostname „${host}“ ist nicht auflösbar. Bitte prüfen Sie die URL.` };
  }
  if (addresses.length === 0 || addresses.some((a) => isNonPublicAddress(a.address))) {
    return {
      ok: false,
      message: `Der Hostname „${host}“ zeigt auf eine interne oder private Adresse; erlaubt sind nur öffentlich erreichbare Empfänger.`,
    };
  }
  return syntax;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request: resolves like Node does and, unless the policy allows private
 * targets, fails the connection when any resolved address is not public.
 */
export function guardedLookup(policy: WebhookUrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      const list = addresses as LookupAddress[];
      if (!policy.allowPrivate) {
        const bad = list.find((a) => isNonPublicAddress(a.address));
        if (bad || list.length === 0) return callback(blockedError(hostname, bad?.address ?? "keine"), "");
      }
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
