/**
 * The seeded demo district of the e2e database as the test kit's case parties (test/kit/case.ts):
 * the demo architect, Bauherr and clerk, Stadt Grevesmühlen and the clerk's Fachstellen — plus an
 * uploader that stores the sample Bauvorlagen through the upload model into the e2e S3 server, so
 * e2e cases carry real PDFs. Imported by the support scripts run with tsx and the e2e server's
 * environment (e2e/support/script.ts).
 */
import { createReadStream } from "node:fs";
import { uploadDocumentVersion } from "~/models/document.server";
import { getSessionUserById } from "~/models/user.server";
import { db } from "~/utils/db.server";
import type { CaseParties } from "../../test/kit/case";
import type { AddDocument } from "../../test/kit/draft-fixtures";
import { fixtureFileFor, fixturePathFor } from "./fixture-files";

export async function demoUser(email: string) {
  const row = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const user = await getSessionUserById(row.id);
  if (!user) throw new Error(`demo user ${email} missing`);
  return user;
}

export async function demoDistrict() {
  const architect = await demoUser("architektin@demo.bauantrag.de");
  const bauherr = await demoUser("bauherr@demo.bauantrag.de");
  const clerk = await demoUser("sachbearbeiter@demo.bauantrag.de");
  const gemeinde = await db().authority.findUniqueOrThrow({
    where: { slug: "stadt-grevesmuehlen" },
    select: { id: true },
  });
  const fachstellen = await db().authority.findMany({
    where: { parentId: clerk.authorityId, kind: "FACHSTELLE" },
    orderBy: { slug: "asc" },
    select: { id: true, slug: true },
  });
  const agencies = Object.fromEntries(fachstellen.map((a) => [a.slug, { id: a.id }]));
  const parties: CaseParties = { architect, clerk, gemeinde, agencies };
  return { ...parties, bauherr };
}

/** Uploads the sample Bauvorlage of the document type, as the architect's browser would. */
export const uploadFixture: AddDocument = async (applicationId, typeCode, user) => {
  const r = await uploadDocumentVersion(user, applicationId, {
    typeCode,
    filename: fixtureFileFor(typeCode),
    contentType: "application/pdf",
    body: createReadStream(fixturePathFor(typeCode)),
  });
  if (!r.ok) throw new Error(`upload ${typeCode} failed: ${r.message}`);
};

/** Prints the script's result as the last line of its output and ends the process. */
export async function finish(result: unknown): Promise<never> {
  console.log(JSON.stringify(result));
  await db().$disconnect();
  process.exit(0);
}
