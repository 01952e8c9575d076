/**
 * A case of the demo Bauherr in the e2e database for e2e/casetruth.spec.ts, through the same model
 * functions the pages use. `submitted`: Bauherr and plot address as given, every required document
 * marked "wird nachgereicht", submitted (Aktenzeichen assigned). `draft`: a new draft only.
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 *   tsx e2e/support/search-case.ts submitted "<title>" "<lastName>" "<street>" "<houseNumber>"
 *   tsx e2e/support/search-case.ts draft "<title>"
 */
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { createDraft, DRAFT_SECTIONS, saveDraftSection } from "~/models/draft.server";
import { submitApplication } from "~/models/submission.server";
import { getSessionUserById } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { requiredDocumentCodes } from "../../test/kit/draft-fixtures";

const [mode = "draft", title = `E2E ${Date.now()}`, lastName = "Köhler", street = "", houseNumber = ""] =
  process.argv.slice(2);
const row = await db().user.findUniqueOrThrow({
  where: { email: "bauherr@demo.bauantrag.de" },
  select: { id: true },
});
const bauherr = await getSessionUserById(row.id);
if (!bauherr) throw new Error("demo Bauherr missing");
const gemeinde = await db().authority.findFirstOrThrow({
  where: { name: "Stadt Grevesmühlen", kind: "GEMEINDE" },
  select: { id: true },
});
const { id } = await createDraft(bauherr, {
  municipalityId: gemeinde.id,
  procedureType: "VEREINFACHT",
  title,
  memberRole: "BAUHERR",
});
let fileNumber: string | null = null;
if (mode === "submitted") {
  const data = einfamilienhaus();
  data.bauherr = { ...data.bauherr, lastName };
  if (data.plot) data.plot = { ...data.plot, address: { ...data.plot.address, street, houseNumber } };
  for (const section of DRAFT_SECTIONS) {
    const { version } = await db().application.findUniqueOrThrow({
      where: { id },
      select: { version: true },
    });
    const r = await saveDraftSection(bauherr, id, {
      section,
      value: data[section],
      expectedVersion: version,
    });
    if (!r.ok) throw new Error(`saving ${section} failed: ${JSON.stringify(r)}`);
  }
  const { version } = await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } });
  const submitted = await submitApplication(bauherr, id, {
    expectedVersion: version,
    laterDocumentTypeCodes: requiredDocumentCodes(),
  });
  if (!submitted.ok) throw new Error(`submission failed: ${JSON.stringify(submitted)}`);
  fileNumber = submitted.fileNumber;
}
await db().$disconnect();
console.log(JSON.stringify({ id, fileNumber }));
process.exit(0);
