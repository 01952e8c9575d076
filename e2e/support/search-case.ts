/**
 * A case of the demo Bauherr in the e2e database for e2e/casetruth.spec.ts. `submitted` (the test
 * kit's buildCase): Bauherr and plot address as given, every required document marked "wird
 * nachgereicht", submitted (Aktenzeichen assigned). `draft`: a new draft only (createDraft).
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 *   tsx e2e/support/search-case.ts submitted "<title>" "<lastName>" "<street>" "<houseNumber>"
 *   tsx e2e/support/search-case.ts draft "<title>"
 */
import { createDraft } from "~/models/draft.server";
import { buildCase } from "../../test/kit/case";
import { demoDistrict, finish } from "./demo-district";

const [mode = "draft", title = `E2E ${Date.now()}`, lastName = "Köhler", street = "", houseNumber = ""] =
  process.argv.slice(2);
const district = await demoDistrict();
if (mode === "submitted") {
  const { application } = await buildCase({
    until: "submitted",
    district,
    applicant: district.bauherr,
    draft: {
      title,
      memberRole: "BAUHERR",
      withoutDocuments: true,
      editData: (data) => ({
        ...data,
        bauherr: { ...data.bauherr, lastName },
        plot: data.plot && { ...data.plot, address: { ...data.plot.address, street, houseNumber } },
      }),
    },
    patch: {},
  });
  await finish({ id: application.id, fileNumber: application.fileNumber });
} else {
  const { id } = await createDraft(district.bauherr, {
    municipalityId: district.gemeinde.id,
    procedureType: "VEREINFACHT",
    title,
    memberRole: "BAUHERR",
  });
  await finish({ id, fileNumber: null });
}
