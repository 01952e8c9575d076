/**
 * Cost of the hostile-file checks at upload (app/utils/file-checks.server.ts), against the
 * inspection that ran before them in the same run: qpdf --is-encrypted, --show-npages, --check.
 *
 *   ordinary PDF:  baseline qpdf --check  vs  full inspectPdf (adds qpdf rewrite + pdf-scan)
 *   Flate bomb:    1 GiB in two Flate stages (a few KB): time until refused, peak RSS growth
 *   huge PNG:      20000×20000 header check
 *
 *   npx tsx bench/file-checks.ts [pages=300]
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

process.env.LOG_LEVEL ??= "warn";
const { PDFDocument, StandardFonts } = await import("pdf-lib");
const { inspectPdf } = await import("../app/utils/pdf-inspect.server.ts");
const { checkUploadedFile } = await import("../app/utils/file-checks.server.ts");
const { pdfFlateBomb, png } = await import("../app/utils/hostile-files.test-support.ts");

const pages = Number(process.argv[2] ?? 300);
const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-bench-checks-"));

async function ordinaryPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const photo = await doc.embedPng(await png(1200, 900));
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([842, 595]);
    for (let l = 0; l < 40; l++) {
      page.drawText(`Grundriss Erdgeschoss, Achse ${p}-${l}: Wand 24 cm, Öffnung 1,01 × 2,135 m`, {
        x: 30,
        y: 560 - l * 13,
        size: 9,
        font,
      });
    }
    if (p % 10 === 0) page.drawImage(photo, { x: 500, y: 100, width: 300, height: 225 });
  }
  return doc.save();
}

function time<T>(fn: () => Promise<T>) {
  return async () => {
    const t = performance.now();
    const r = await fn();
    return { ms: performance.now() - t, r };
  };
}

try {
  const file = path.join(dir, "plan.pdf");
  const bytes = await ordinaryPdf();
  await writeFile(file, bytes);
  const runs = 3;
  let base = Number.POSITIVE_INFINITY;
  let full = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    // The three qpdf calls of inspectPdf before the scan existed.
    const old = await time(async () => {
      for (const args of [["--is-encrypted"], ["--show-npages"], ["--check"]]) {
        try {
          execFileSync("qpdf", [...args, "--", file], { stdio: "pipe" });
        } catch {
          // --is-encrypted exits 2 for "not encrypted"
        }
      }
    })();
    base = Math.min(base, old.ms);
    const f = await time(() => inspectPdf(file, "plan.pdf"))();
    if (!f.r.ok) throw new Error(f.r.message);
    full = Math.min(full, f.ms);
  }

  const bombFile = path.join(dir, "bomb.pdf");
  const bomb = await pdfFlateBomb(1024 * 1024 * 1024);
  await writeFile(bombFile, bomb);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const b = await time(() => inspectPdf(bombFile, "bomb.pdf"))();
  clearInterval(sampler);
  if (b.r.ok) throw new Error("bomb accepted");

  const pngFile = path.join(dir, "huge.png");
  await writeFile(pngFile, await png(20000, 20000));
  const h = await time(() => checkUploadedFile(pngFile, "huge.png", "image/png"))();
  if (h.r.ok) throw new Error("huge PNG accepted");

  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`\nHostile-file checks (best of ${runs}; ${pages}-page PDF, ${kb(bytes.length)})\n`);
  console.log("| Case | Time | Ratio |");
  console.log("|---|---:|---:|");
  console.log(
    `| baseline: inspectPdf before (qpdf encrypted, pages, --check) | ${base.toFixed(0)} ms | 1.00 |`,
  );
  console.log(
    `| inspectPdf with active-content + bomb scan | ${full.toFixed(0)} ms | ${(full / base).toFixed(2)} |`,
  );
  console.log(
    `| Flate bomb (${kb(bomb.length)} → 1 GiB) refused | ${b.ms.toFixed(0)} ms | ${(b.ms / base).toFixed(2)} |`,
  );
  console.log(`| 20000×20000 PNG refused (header) | ${h.ms.toFixed(1)} ms | ${(h.ms / base).toFixed(3)} |`);
  console.log(
    `\nPeak RSS growth while refusing the bomb: ${((peak - rssBefore) / 1024 / 1024).toFixed(1)} MB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
