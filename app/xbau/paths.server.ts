import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the XBau artefacts (XSD set, codelists) shipped with the product live: fixtures/xbau in the
 * repository root. Resolved from this module's location (dev, tests, tsx) or from the working
 * directory (the bundled server runs from the repository root); XBAU_DIR overrides both.
 */
let cached: string | undefined;

export function xbauDir(): string {
  if (cached) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.XBAU_DIR,
    path.resolve(here, "../../fixtures/xbau"),
    path.resolve(here, "../fixtures/xbau"),
    path.resolve(process.cwd(), "fixtures/xbau"),
  ].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    if (fs.existsSync(path.join(candidate, "2.6", "xsd"))) {
      cached = candidate;
      return candidate;
    }
  }
  throw new Error(`XBau fixtures not found (looked in: ${candidates.join(", ")})`);
}

export function xbauXsdDir(): string {
  return path.join(xbauDir(), "2.6", "xsd");
}

export function xbauCodelistDir(): string {
  return path.join(xbauDir(), "codelists");
}
