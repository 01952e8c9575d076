/**
 * XBau 0200 export speed: build the baugenehmigung.antrag.0200 message and validate it against the
 * XBau 2.6 XSD (libxml2-wasm), for a minimal and a large application (20 Flurstücke, 50 Anlagen).
 * Run: npx tsx bench/xbau.ts [runs]
 */
import { cpus } from "node:os";
import { type Antrag0200Input, buildAntrag0200Xml } from "~/xbau/baugenehmigung-antrag-0200.server";
import { largeApplication, minimalApplication } from "~/xbau/sample-applications";
import { schemaValidator, validateXml } from "~/xbau/validate.server";

const ENTRY = "xbau-nachrichten-baugenehmigung.xsd";
const RUNS = Number(process.argv[2] ?? 200);

function stats(samples: number[]): { mean: number; p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    p50: at(0.5),
    p95: at(0.95),
    max: at(1),
  };
}

const t0 = performance.now();
schemaValidator(ENTRY);
const compileMs = performance.now() - t0;

const cases: Array<{ name: string; input: Antrag0200Input }> = [
  { name: "minimal (1 Flurstück, 1 Anlage)", input: minimalApplication },
  { name: "large (20 Flurstücke, 50 Anlagen)", input: largeApplication(20, 50) },
];

const rows: string[][] = [];
for (const c of cases) {
  const build: number[] = [];
  const validate: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) validateXml(buildAntrag0200Xml(c.input), ENTRY); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const a = performance.now();
    const xml = buildAntrag0200Xml(c.input);
    const b = performance.now();
    const result = validateXml(xml, ENTRY);
    const d = performance.now();
    if (!result.valid) throw new Error(`invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
    bytes = Buffer.byteLength(xml);
    build.push(b - a);
    validate.push(d - b);
    total.push(d - a);
  }
  for (const [label, s] of [
    ["build", stats(build)],
    ["validate", stats(validate)],
    ["build+validate", stats(total)],
  ] as const) {
    rows.push([
      c.name,
      label,
      s.mean.toFixed(2),
      s.p50.toFixed(2),
      s.p95.toFixed(2),
      s.max.toFixed(2),
      String(bytes),
    ]);
  }
}

console.log(
  `XBau 0200 build + XSD validation — ${RUNS} runs per case, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`,
);
console.log(`schema compile (once per process): ${compileMs.toFixed(0)} ms\n`);
const header = ["case", "step", "mean ms", "p50 ms", "p95 ms", "max ms", "XML bytes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const fmt = (r: string[]) =>
  r.map((v, i) => (i < 2 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join("  ");
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(fmt(r));
