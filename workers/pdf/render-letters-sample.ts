import { writeFileSync } from "node:fs";
import { renderBescheid } from "./bescheid";
import { sampleBescheid } from "./bescheid-samples";
import { renderNachforderung } from "./nachforderung";
import { sampleNachforderung } from "./nachforderung-samples";

/**
 * Renders the sample letters for a look (or to refresh the golden images):
 *   npx tsx workers/pdf/render-letters-sample.ts /tmp/letters
 *   pdftoppm -r 70 -png /tmp/letters/bescheid.pdf /tmp/letters/bescheid
 */
async function main() {
  const dir = process.argv[2] ?? ".";
  const bescheid = await renderBescheid(sampleBescheid());
  writeFileSync(`${dir}/bescheid.pdf`, bescheid);
  console.log(`${dir}/bescheid.pdf: ${bescheid.length} bytes`);
  const letter = await renderNachforderung(sampleNachforderung());
  writeFileSync(`${dir}/nachforderung.pdf`, letter);
  console.log(`${dir}/nachforderung.pdf: ${letter.length} bytes`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
