import { storedSealOf } from "~/models/authority-seal.server";
import type { Tx } from "~/utils/db.server";
import { loadSeal, type Seal, type SealSource, sealFromPkcs12 } from "./seal";

/**
 * The one place that decides which seal an authority's documents get:
 * 1. the PKCS#12 its admin uploaded at /verwaltung/siegel (AuthoritySeal, stored encrypted),
 * 2. otherwise `<SEAL_DIR>/<authorityId>.p12` + `.passphrase` (installations configured by files),
 * 3. otherwise — outside production only (`source.allowDevelopmentSeal`) — the development seal.
 * In production without 1 and 2 it fails with a message naming what is missing.
 */
export async function sealForAuthority(
  client: Tx,
  source: SealSource,
  authority: { id: string; name: string },
): Promise<Seal> {
  const stored = await storedSealOf(authority.id, client);
  if (stored) {
    const key = `${authority.id}\0${stored.uploadedAt.getTime()}`;
    const hit = storedCache.get(authority.id);
    if (hit && hit.key === key) return hit.seal;
    const seal = sealFromPkcs12(stored.p12, stored.passphrase);
    storedCache.set(authority.id, { key, seal });
    return seal;
  }
  return loadSeal(source, authority);
}

/** Parsed stored seals, keyed by upload time: a replaced seal is used from the next document on. */
const storedCache = new Map<string, { key: string; seal: Seal }>();
