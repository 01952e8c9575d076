import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

/**
 * `npm run bench -- <name> [args]` runs bench/<name>.ts; without a name it lists the benchmarks.
 * Benchmarks print tables; they are never part of `npm test`.
 */
const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.log(`Benchmarks: ${available.join(", ")}\nAufruf: npm run bench -- <name> [argumente]`);
  process.exit(name ? 1 : 0);
}
const result = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, `${name}.ts`), ...args], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
