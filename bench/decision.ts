import { performance } from "node:perf_hooks";
import { PDFDocument } from "pdf-lib";
import { type BescheidCondition, renderBescheid } from "../workers/pdf/bescheid";
import { sampleBescheid } from "../workers/pdf/bescheid-samples";
import { sampleSha } from "../workers/pdf/receipt-samples";
import { stampHeadline, stampPdf } from "../workers/pdf/stamp";
import { loadPlans, median, PLAN_FILES } from "./_plans";

/**
 * Decision rendering: Bescheid render time (typical and long) and stamping throughput for a
 * 100-page plan set built from fixtures/bauvorlagen — once as one 100-page PDF, once as 100
 * single-sheet plans stamped one after another (what documents.render-decision does per plan).
 *
 *   npm run bench -- decision [runs=5] [pages=100]
 */
const runs = Number(process.argv[2] ?? 5);
const pages = Number(process.argv[3] ?? 100);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** `count` pages taken round-robin from the fixture plans (A3 and A4 sheets). */
async function planPages(count: number): Promise<Uint8Array[]> {
  const sources = await loadPlans(PLAN_FILES);
  const singles: Uint8Array[] = [];
  for (let i = 0; singles.length < count; i++) {
    const src = sources[i % sources.length] as PDFDocument;
    for (const index of src.getPageIndices()) {
      if (singles.length >= count) break;
      const doc = await PDFDocument.create();
      const [page] = await doc.copyPages(src, [index]);
      if (page) doc.addPage(page);
      singles.push(await doc.save());
    }
  }
  return singles;
}

async function merged(singles: Uint8Array[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const bytes of singles) {
    const src = await PDFDocument.load(bytes);
    for (const page of await doc.copyPages(src, src.getPageIndices())) doc.addPage(page);
  }
  return doc.save();
}

async function main() {
  const first = await timed(() => renderBescheid(sampleBescheid()));

  const long = sampleBescheid({
    conditions: Array.from(
      { length: 40 },
      (_, i): BescheidCondition => ({
        kind: (["BEDINGUNG", "AUFLAGE", "VORBEHALT", "HINWEIS"] as const)[i % 4] ?? "AUFLAGE",
        text: `Nebenbestimmung ${i + 1}: ${"Die Anforderungen der beteiligten Fachstelle sind einzuhalten. ".repeat(4)}`,
        legalBasis: "§ 36 VwVfG",
        sourceLabel: `Fachstelle ${i % 5}, Stellungnahme vom 02.06.2026`,
      }),
    ),
    documents: Array.from({ length: 30 }, (_, i) => ({
      typeCode: "2001",
      typeLabel: "Grundrisse",
      title: `Grundriss Blatt ${i + 1}`,
      filename: `Grundriss_Blatt_${i + 1}.pdf`,
      versionNumber: 1 + (i % 3),
      sha256: sampleSha(i),
      stamped: true,
    })),
    reasons: Array.from(
      { length: 8 },
      (_, i) => `Absatz ${i + 1}. ${"Begründung des Bescheids. ".repeat(40)}`,
    ).join("\n\n"),
  });
  const bescheidRows = [];
  for (const [label, data] of [
    ["typisch (4 Nebenbestimmungen, 5 Bauvorlagen)", sampleBescheid()],
    ["lang (40 Nebenbestimmungen, 30 Bauvorlagen)", long],
  ] as const) {
    const times: number[] = [];
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i < runs; i++) {
      const r = await timed(() => renderBescheid(data));
      times.push(r.ms);
      bytes = r.value;
    }
    bescheidRows.push({
      Bescheid: label,
      Seiten: (await PDFDocument.load(bytes)).getPageCount(),
      KB: (bytes.length / 1024).toFixed(0),
      "ms (Median)": median(times).toFixed(0),
      "ms (max)": Math.max(...times).toFixed(0),
    });
  }
  console.log(`Erster Bescheid im Prozess (Schriften laden): ${first.ms.toFixed(0)} ms`);
  console.table(bescheidRows);

  const singles = await planPages(pages);
  const set = await merged(singles);
  const text = {
    headline: stampHeadline("Baugenehmigung", "63-2026-00042", "18.06.2026"),
    authority: "Landkreis Vorpommern-Greifswald – Untere Bauaufsichtsbehörde",
    detail: "Planungsunterlagen, Version 1",
  };
  const stampRows = [];
  {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await timed(() => stampPdf(set, text))).ms);
    const ms = median(times);
    stampRows.push({
      Fall: `1 PDF mit ${pages} Seiten (${(set.length / 1024).toFixed(0)} KB)`,
      "ms (Median)": ms.toFixed(0),
      "Seiten/s": ((pages * 1000) / ms).toFixed(0),
    });
  }
  {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      for (const single of singles) await stampPdf(single, text);
      times.push(performance.now() - t);
    }
    const ms = median(times);
    stampRows.push({
      Fall: `${pages} Pläne mit je 1 Blatt`,
      "ms (Median)": ms.toFixed(0),
      "Seiten/s": ((pages * 1000) / ms).toFixed(0),
    });
  }
  console.table(stampRows);
  console.log(`RSS nach dem Lauf: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
