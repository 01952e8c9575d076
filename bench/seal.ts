import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PDFDocument } from "pdf-lib";
import { renderBescheid } from "../workers/pdf/bescheid";
import { sampleBescheid } from "../workers/pdf/bescheid-samples";
import { forgetRenderedPages, renderGreyPages } from "../workers/pdf/free-area";
import { issuePdf } from "../workers/pdf/issue";
import { loadSeal } from "../workers/pdf/seal";
import { stampHeadline, stampPdf } from "../workers/pdf/stamp";
import { newVerificationCode, verificationUrl } from "../workers/pdf/verification";

/**
 * Issue 13: time to render and seal a typical Bescheid (target < 500 ms), to seal one stamped
 * sheet, and stamping throughput with the in-sheet placement (pages/s), each the median of `runs`.
 * Uses a development seal in a temporary folder (RSA 2048).
 *
 * The machine may be busy: each figure is also given as a ratio to a baseline measured in the same
 * run — one plain `pdftoppm` run over the whole sheet set at the free-area resolution (what the
 * free-area search used before PDFium, and the floor of any pdftoppm-based search: stamping a new
 * file faster than this baseline is what the switch to PDFium bought) and, for the Bescheid,
 * rendering it alone. The rasteriser's threads are warmed up first with 40 stamp runs (V8
 * optimises PDFium's WebAssembly while it runs, ~25 runs of 20 sheets until the times settle; a
 * worker process stays up for days), so the figures are the steady state.
 *
 *   npm run bench -- seal [runs=5] [pages=20]
 */
const runs = Number(process.argv[2] ?? 5);
const pages = Number(process.argv[3] ?? 20);
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-seal-"));
try {
  const seal = loadSeal(
    { dir, allowDevelopmentSeal: true },
    { id: "bench", name: "Landkreis Bench – Bauaufsicht" },
  );
  const issue = (bytes: Uint8Array, placement: "last-page" | "every-page") => {
    const code = newVerificationCode();
    return issuePdf(bytes, {
      seal,
      placement,
      code,
      url: verificationUrl("https://bauantrag.example", code),
      reason: "Bench",
      location: "Nordwestmecklenburg",
      contactInfo: "",
    });
  };
  const text = {
    headline: stampHeadline("Baugenehmigung", "63-2026-00042", "18.06.2026"),
    authority: "Landkreis Nordwestmecklenburg – Untere Bauaufsichtsbehörde",
    detail: "Grundriss Erdgeschoss, Version 1",
  };
  const sheet = new Uint8Array(readFileSync(path.join(FIXTURES, "grundriss-eg.pdf")));
  const set = await PDFDocument.create();
  const src = await PDFDocument.load(sheet);
  for (let i = 0; i < pages; i++) set.addPage((await set.copyPages(src, [0]))[0] as never);
  const setBytes = await set.save();
  const allPages = Array.from({ length: pages }, (_, i) => i + 1);

  // Warm-up (fonts, ICC profile, JIT, the rasteriser's threads and their optimised WebAssembly).
  await issue(await renderBescheid(sampleBescheid()), "last-page");
  for (let i = 0; i < 40; i++) {
    forgetRenderedPages();
    await stampPdf(setBytes, text);
  }

  const render: number[] = [];
  const renderAndSeal: number[] = [];
  const stampOne: number[] = [];
  const sealSheet: number[] = [];
  const stampAndSeal: number[] = [];
  const stampSet: number[] = [];
  const stampSetAgain: number[] = [];
  const rasterSet: number[] = [];
  const baseline: number[] = [];
  const setFile = path.join(dir, "set.pdf");
  writeFileSync(setFile, setBytes);
  const pdftoppmOnce = async () =>
    execFileSync("pdftoppm", ["-gray", "-r", "18", setFile, path.join(dir, "baseline")]);
  for (let i = 0; i < runs; i++) {
    baseline.push(await timed(pdftoppmOnce));
    // Each figure without the rendered-page cache (a new file), then the set once more from it.
    const cold = <T>(fn: () => Promise<T>) => {
      forgetRenderedPages();
      return fn();
    };
    let bescheid: Uint8Array = new Uint8Array();
    render.push(await timed(async () => (bescheid = await renderBescheid(sampleBescheid()))));
    renderAndSeal.push((render[i] as number) + (await timed(() => cold(() => issue(bescheid, "last-page")))));
    let stamped: Uint8Array = new Uint8Array();
    stampOne.push(await timed(async () => (stamped = (await cold(() => stampPdf(sheet, text))).bytes)));
    sealSheet.push(await timed(() => cold(() => issue(stamped, "every-page"))));
    // As the decision job does it: stamp a new file, then seal what came out (the mark finds its
    // room in the pages the stamping recorded).
    stampAndSeal.push(
      await timed(async () => issue((await cold(() => stampPdf(sheet, text))).bytes, "every-page")),
    );
    stampSet.push(await timed(() => cold(() => stampPdf(setBytes, text))));
    stampSetAgain.push(await timed(() => stampPdf(setBytes, text)));
    rasterSet.push(await timed(() => cold(() => renderGreyPages(setBytes, allPages))));
  }
  const base = median(baseline);
  const row = (was: string, ms: number, perSecond?: number) => ({
    was,
    "Median ms": Math.round(ms),
    "× Grundlast": Number((ms / base).toFixed(2)),
    ...(perSecond ? { "Seiten/s": Math.round(perSecond) } : {}),
  });
  console.log(
    `Last (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}`,
  );
  console.table([
    row(`Grundlast: pdftoppm ${pages} Blätter in einem Lauf`, base, (pages * 1000) / base),
    row("Bescheid rendern", median(render)),
    row("Bescheid rendern + Prüfvermerk + Siegel", median(renderAndSeal)),
    row("1 Plan stempeln (A3)", median(stampOne)),
    row("1 gestempelten Plan mit Prüfvermerk siegeln (Datei neu gerendert)", median(sealSheet)),
    row("1 Plan stempeln + mit Prüfvermerk siegeln (neue Datei)", median(stampAndSeal)),
    row(
      `${pages} Blätter rastern (PDFium, 18 dpi grau)`,
      median(rasterSet),
      (pages * 1000) / median(rasterSet),
    ),
    row(`${pages} Blätter stempeln (neue Datei)`, median(stampSet), (pages * 1000) / median(stampSet)),
    row(
      `${pages} Blätter erneut stempeln (gerenderte Seiten im Cache)`,
      median(stampSetAgain),
      (pages * 1000) / median(stampSetAgain),
    ),
  ]);
  console.log(`Prüfvermerk + Siegel / Rendern: ${(median(renderAndSeal) / median(render) - 1).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
