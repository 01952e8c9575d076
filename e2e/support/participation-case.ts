/**
 * Creates one case for e2e/participation.spec.ts in the e2e database, through the model functions
 * the pages use: the demo architect's draft (Stadt Grevesmühlen), real PDF uploads, submission;
 * then the plot is moved to the Außenbereich and the building to Gebäudeklasse 4 (suggests the
 * Gemeinde, Brandschutz and Naturschutz) and the demo clerk confirms the file complete.
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 */
import { createReadStream } from "node:fs";
import type { ApplicationData } from "~/domain/application-data";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { uploadDocumentVersion } from "~/models/document.server";
import { createDraft, DRAFT_SECTIONS, saveDraftSection } from "~/models/draft.server";
import { confirmComplete, startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import { declareMandate } from "~/models/submission-consent.server";
import { getSessionUserById } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { requiredDocumentCodes } from "../../test/kit/draft-fixtures";
import { fixtureFileFor, fixturePathFor } from "./fixture-files";

async function demoUser(email: string) {
  const row = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const user = await getSessionUserById(row.id);
  if (!user) throw new Error(`demo user ${email} missing`);
  return user;
}

const title = process.argv[2] ?? `Beteiligung E2E ${Date.now()}`;
const architect = await demoUser("architektin@demo.bauantrag.de");
const clerk = await demoUser("sachbearbeiter@demo.bauantrag.de");
const gemeinde = await db().authority.findUniqueOrThrow({
  where: { slug: "stadt-grevesmuehlen" },
  select: { id: true },
});
const { id } = await createDraft(architect, {
  municipalityId: gemeinde.id,
  procedureType: "VEREINFACHT",
  title,
  memberRole: "ENTWURFSVERFASSER",
});
const data = einfamilienhaus();
for (const section of DRAFT_SECTIONS) {
  const { version } = await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } });
  const r = await saveDraftSection(architect, id, {
    section,
    value: data[section],
    expectedVersion: version,
  });
  if (!r.ok) throw new Error(`saving ${section} failed: ${JSON.stringify(r)}`);
}
for (const code of requiredDocumentCodes()) {
  const file = fixtureFileFor(code);
  const r = await uploadDocumentVersion(architect, id, {
    typeCode: code,
    filename: file,
    contentType: "application/pdf",
    body: createReadStream(fixturePathFor(code)),
  });
  if (!r.ok) throw new Error(`upload ${code} failed: ${r.message}`);
}
// The architect submits for the Bauherr: with the Bauherr's Vollmacht uploaded and declared (issue 14).
const vollmacht = await uploadDocumentVersion(architect, id, {
  typeCode: "0603",
  filename: "vollmacht.pdf",
  contentType: "application/pdf",
  body: createReadStream(fixturePathFor("0603")),
});
if (!vollmacht.ok) throw new Error(`upload Vollmacht failed: ${vollmacht.message}`);
const mandate = await declareMandate(architect, id, { declared: true });
if (!mandate.ok) throw new Error(`declaring the Vollmacht failed: ${mandate.message}`);
const { version } = await db().application.findUniqueOrThrow({ where: { id }, select: { version: true } });
const submitted = await submitApplication(architect, id, {
  expectedVersion: version,
  laterDocumentTypeCodes: [],
});
if (!submitted.ok) throw new Error(`submission failed: ${JSON.stringify(submitted)}`);

// The facts that call for participation (as a Nachreichung during the review would have set them).
const current = (await db().application.findUniqueOrThrow({ where: { id }, select: { data: true } }))
  .data as ApplicationData;
await db().application.update({
  where: { id },
  data: {
    data: {
      ...current,
      plot: { ...current.plot, planningArea: "AUSSENBEREICH", developmentPlanName: undefined },
      project: { ...current.project, buildingClass: 4 },
    },
  },
});
await startReview(clerk, id);
const complete = await confirmComplete(clerk, id);
if (!complete.ok) throw new Error(complete.message);

const row = await db().application.findUniqueOrThrow({ where: { id }, select: { fileNumber: true } });
console.log(JSON.stringify({ id, fileNumber: row.fileNumber }));
await db().$disconnect();
process.exit(0);
