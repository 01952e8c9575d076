/**
 * Creates one submitted case for e2e/review.spec.ts in the e2e database, through the same model
 * functions the pages use (draft, sections, real PDF uploads into the e2e S3 server, submission).
 * Run with tsx and the e2e server's environment; prints {"id","fileNumber"} as JSON.
 */
import { createReadStream } from "node:fs";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { uploadDocumentVersion } from "~/models/document.server";
import { createDraft, DRAFT_SECTIONS, saveDraftSection } from "~/models/draft.server";
import { submitApplication } from "~/models/submission.server";
import { declareMandate } from "~/models/submission-consent.server";
import { getSessionUserById } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { requiredDocumentCodes } from "../../test/kit/draft-fixtures";
import { fixtureFileFor, fixturePathFor } from "./fixture-files";

const title = process.argv[2] ?? `Review E2E ${Date.now()}`;
const architectRow = await db().user.findUniqueOrThrow({
  where: { email: "architektin@demo.bauantrag.de" },
  select: { id: true },
});
const architect = await getSessionUserById(architectRow.id);
if (!architect) throw new Error("demo architect missing");
const gemeinde = await db().authority.findFirstOrThrow({
  where: { name: "Stadt Grevesmühlen", kind: "GEMEINDE" },
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
const row = await db().application.findUniqueOrThrow({ where: { id }, select: { fileNumber: true } });
console.log(JSON.stringify({ id, fileNumber: row.fileNumber }));
await db().$disconnect();
process.exit(0);
