/**
 * Completeness evaluation speed: evaluations per second and µs per evaluation.
 * Run: npx tsx bench/completeness.ts
 */
import { cpus, loadavg } from "node:os";
import type { EvaluateInput } from "~/domain/completeness";
import { evaluateCompleteness, getCatalog } from "~/domain/completeness";
import { docs, einfamilienhaus, largeApplication } from "~/domain/completeness/fixtures";

interface Case {
  name: string;
  input: EvaluateInput;
}

const large = largeApplication(200, 40);
const cases: Case[] = [
  { name: "empty draft (MBO)", input: { profile: "MBO", data: {} } },
  {
    name: "Einfamilienhaus, 1 Flurstück, 9 docs (MBO)",
    input: {
      profile: "MBO",
      procedureType: "VEREINFACHT",
      data: einfamilienhaus(),
      documents: docs(["1802", "1803", "2001", "2002", "2003", "1502", "1901", "0401", "2805"]),
    },
  },
  { name: "large: 200 Flurstücke, 40 docs (MBO)", input: { profile: "MBO", ...large } },
  { name: "large: 200 Flurstücke, 40 docs (MV)", input: { profile: "MV", ...large } },
  {
    name: "large: 200 Flurstücke, 40 docs, uncached profile lookup",
    input: { profile: "unknown-profile", ...large },
  },
];

function measure(
  c: Case,
  minMs = 1000,
): {
  n: number;
  usPer: number;
  cpuUsPer: number;
  perSec: number;
  findings: number;
} {
  // Warm up (JIT, catalog compilation).
  let findings = 0;
  for (let i = 0; i < 2000; i++) findings = evaluateCompleteness(c.input).findings.length;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 500; i++) evaluateCompleteness(c.input);
    n += 500;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  const usPer = (elapsed * 1000) / n;
  const cpuUsPer = (cpu.user + cpu.system) / n;
  return { n, usPer, cpuUsPer, perSec: 1e6 / usPer, findings };
}

// Cold start: first evaluation compiles the catalog (separate profile to keep it honest).
const t0 = performance.now();
getCatalog("MV");
const compileMs = performance.now() - t0;

const rows = cases.map((c) => ({ case: c.name, ...measure(c) }));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `catalog compile (MV, first use): ${compileMs.toFixed(2)} ms; rules: ${getCatalog("MV").rules.length}`,
);
console.log(
  `${pad("case", 58)}${lpad("findings", 10)}${lpad("evals", 10)}${lpad("evals/s", 12)}${lpad("µs/eval", 10)}${lpad("cpu µs", 10)}`,
);
for (const r of rows) {
  console.log(
    `${pad(r.case, 58)}${lpad(String(r.findings), 10)}${lpad(String(r.n), 10)}${lpad(Math.round(r.perSec).toLocaleString("en-US"), 12)}${lpad(r.usPer.toFixed(2), 10)}${lpad(r.cpuUsPer.toFixed(2), 10)}`,
  );
}
