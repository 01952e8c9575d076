import { writeFileSync } from "node:fs";
import { renderReceipt } from "./receipt";
import { sampleReceipt, sampleReceiptDocument } from "./receipt-samples";

/**
 * Renders the sample receipt for a look (or to refresh the golden image, see receipt.test.ts):
 *   npx tsx workers/pdf/render-sample.ts /tmp/receipt.pdf [documentCount]
 *   pdftoppm -r 80 -png /tmp/receipt.pdf /tmp/receipt
 */
async function main() {
  const out = process.argv[2] ?? "receipt-sample.pdf";
  const count = Number(process.argv[3] ?? 6);
  const data = sampleReceipt({
    documents: Array.from({ length: count }, (_, i) => sampleReceiptDocument(i)),
  });
  const bytes = await renderReceipt(data);
  writeFileSync(out, bytes);
  console.log(`${out}: ${bytes.length} bytes`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
