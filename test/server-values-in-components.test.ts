import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * A `.server` module is empty in the browser bundle (Remix), so a value imported from one and used
 * in a route's component renders on the server and becomes `undefined` when React hydrates — a page
 * that crashed in the browser this way ("XBau-Nachricht einlesen", reading XML_LIMITS.maxBytes) is
 * why this check exists. Limits a page prints belong in `app/domain` or in the loader's data.
 */
const ROOT = path.resolve(import.meta.dirname, "..");

function serverValueImports(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/import\s+(?!type\b)\{([^}]*)\}\s+from\s+"([^"]*\.server[^"]*)"/g)) {
    for (const raw of (m[1] ?? "").split(",")) {
      const n = raw.trim();
      if (!n || n.startsWith("type ")) continue;
      names.push(
        n
          .split(/\s+as\s+/)
          .pop()
          ?.trim() ?? n,
      );
    }
  }
  return names;
}

describe("route components use no value from a .server module", () => {
  it("finds none in app/routes", () => {
    const offending: string[] = [];
    for (const file of readdirSync(path.join(ROOT, "app/routes"))
      .filter((f) => f.endsWith(".tsx"))
      .map((f) => `app/routes/${f}`)) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      const start = source.indexOf("export default function");
      if (start < 0) continue;
      // Comments and plain string literals ("login-error") are not uses; `data.name` is a property.
      const component = source
        .slice(start)
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/[^\n]*/g, "")
        .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
      for (const name of serverValueImports(source)) {
        if (new RegExp(`(?<![.\\w$])${name}\\b`).test(component)) offending.push(`${file}: ${name}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
