/**
 * Creates one submitted case for e2e/review.spec.ts (and the other specs using submitted-case.ts)
 * in the e2e database with the test kit's buildCase: the demo architect's complete draft with the
 * sample PDFs uploaded into the e2e S3 server and the Bauherr's Vollmacht declared, submitted.
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 */
import { buildCase } from "../../test/kit/case";
import { demoDistrict, finish, uploadFixture } from "./demo-district";

const title = process.argv[2] ?? `Review E2E ${Date.now()}`;
const { application } = await buildCase({
  until: "submitted",
  district: await demoDistrict(),
  draft: { title, addDocument: uploadFixture },
  patch: {},
});
await finish({ id: application.id, fileNumber: application.fileNumber });
