/**
 * Creates one case for e2e/participation.spec.ts in the e2e database with the test kit's
 * buildCase: the demo architect's draft (Stadt Grevesmühlen), real PDF uploads, submission; then
 * the plot is moved to the Außenbereich and the building to Gebäudeklasse 4 (suggests the Gemeinde,
 * Brandschutz and Naturschutz) and the demo clerk confirms the file complete.
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 */
import { buildCase } from "../../test/kit/case";
import { demoDistrict, finish, uploadFixture } from "./demo-district";

const title = process.argv[2] ?? `Beteiligung E2E ${Date.now()}`;
const { application } = await buildCase({
  until: "complete",
  district: await demoDistrict(),
  draft: { title, addDocument: uploadFixture },
  // The facts that call for participation (as a Nachreichung during the review would have set them).
  patch: {
    plot: { planningArea: "AUSSENBEREICH", developmentPlanName: undefined },
    project: { buildingClass: 4 },
  },
});
await finish({ id: application.id, fileNumber: application.fileNumber });
