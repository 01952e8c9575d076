import fs from "node:fs";
import path from "node:path";
import { xbauCodelistDir } from "./paths.server";

/**
 * Reader for the genericode codelists shipped in fixtures/xbau/codelists. Only what the product
 * needs: canonical URI, version and the (code, name) pairs of the rows. The first column of a row
 * is the key column in all XBau codelists, the second its name/description.
 */

export interface Codelist {
  uri: string;
  version: string;
  entries: ReadonlyMap<string, string>;
}

const cache = new Map<string, Codelist>();

function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** Loads e.g. `codelist("xbau.codeliste.anlagen_3.0")`. */
export function codelist(name: string): Codelist {
  const existing = cache.get(name);
  if (existing) return existing;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`Invalid codelist name: ${name}`);
  const xml = fs.readFileSync(path.join(xbauCodelistDir(), `${name}.xml`), "utf8");
  const ident = /<Identification>([\s\S]*?)<\/Identification>/.exec(xml)?.[1] ?? "";
  const uri = /<CanonicalUri>([^<]*)<\/CanonicalUri>/.exec(ident)?.[1];
  const version = /<Version>([^<]*)<\/Version>/.exec(ident)?.[1];
  if (!uri || !version) throw new Error(`Codelist ${name} has no identification`);
  const entries = new Map<string, string>();
  for (const row of xml.matchAll(/<Row>([\s\S]*?)<\/Row>/g)) {
    const values = [...(row[1] ?? "").matchAll(/<SimpleValue>([\s\S]*?)<\/SimpleValue>/g)].map((m) =>
      decode(m[1] ?? ""),
    );
    if (values[0]) entries.set(values[0], values[1] ?? "");
  }
  const list = { uri: decode(uri), version: decode(version), entries };
  cache.set(name, list);
  return list;
}

/** XBau document types (anlagen 3.0): code → description. */
export function anlagenCodelist(): Codelist {
  return codelist("xbau.codeliste.anlagen_3.0");
}
