import { performance } from "node:perf_hooks";
import { PDFDocument } from "pdf-lib";
import { renderReceipt } from "../workers/pdf/receipt";
import { sampleReceipt, sampleReceiptDocument } from "../workers/pdf/receipt-samples";

/**
 * Eingangsbestätigung rendering time (pdf-lib, embedded subset fonts) by number of documents.
 * `npm run bench -- receipt [runs]`. The first render of a process also loads and unpacks the fonts.
 */
const runs = Number(process.argv[2] ?? 5);

async function main() {
  const t0 = performance.now();
  await renderReceipt(sampleReceipt());
  const first = performance.now() - t0;

  const rows: {
    Unterlagen: number;
    Seiten: number;
    KB: string;
    "ms (Median)": string;
    "ms (max)": string;
  }[] = [];
  for (const count of [3, 20, 100, 300]) {
    const data = sampleReceipt({
      documents: Array.from({ length: count }, (_, i) => sampleReceiptDocument(i)),
    });
    const times: number[] = [];
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      bytes = await renderReceipt(data);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const pages = (await PDFDocument.load(bytes)).getPageCount();
    rows.push({
      Unterlagen: count,
      Seiten: pages,
      KB: (bytes.length / 1024).toFixed(0),
      "ms (Median)": (times[Math.floor(times.length / 2)] ?? 0).toFixed(0),
      "ms (max)": (times.at(-1) ?? 0).toFixed(0),
    });
  }
  console.log(`Erste Darstellung im Prozess (Schriften laden): ${first.toFixed(0)} ms`);
  console.table(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
