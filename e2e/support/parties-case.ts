/**
 * Support for e2e/parties.spec.ts (issue 14), run with tsx and the e2e server's environment.
 *   draft <title>                 a complete draft of the demo architect (real PDFs), not submitted,
 *                                 no Vollmacht: prints {"id"}
 *   link <applicationId> <email>  the link of the newest invitation mail to <email> (outbox): {"link"}
 *   decide <applicationId>        the demo clerk reviews, confirms complete and decides (Baugenehmigung)
 *                                 through the model functions; the worker renders the Bescheid: {"decisionId"}
 */
import { createReadStream } from "node:fs";
import { einfamilienhaus } from "~/domain/completeness/fixtures";
import { decide, openDraft } from "~/models/decision.server";
import { uploadDocumentVersion } from "~/models/document.server";
import { createDraft, DRAFT_SECTIONS, saveDraftSection } from "~/models/draft.server";
import { confirmComplete, startReview } from "~/models/review.server";
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

const [command, arg1, arg2] = process.argv.slice(2);
let out: unknown;
if (command === "draft") {
  const architect = await demoUser("architektin@demo.bauantrag.de");
  const gemeinde = await db().authority.findFirstOrThrow({
    where: { name: "Stadt Grevesmühlen", kind: "GEMEINDE" },
    select: { id: true },
  });
  const { id } = await createDraft(architect, {
    municipalityId: gemeinde.id,
    procedureType: "VEREINFACHT",
    title: arg1 ?? `Parteien E2E ${Date.now()}`,
    memberRole: "ENTWURFSVERFASSER",
  });
  const data = einfamilienhaus();
  for (const section of DRAFT_SECTIONS) {
    const { version } = await db().application.findUniqueOrThrow({
      where: { id },
      select: { version: true },
    });
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
  out = { id };
} else if (command === "link") {
  const member = await db().applicationMember.findUniqueOrThrow({
    where: { applicationId_email: { applicationId: arg1 ?? "", email: arg2 ?? "" } },
    select: { id: true },
  });
  const row = await db().outboxMessage.findFirstOrThrow({
    where: { jobName: "system.send-email", jobId: { contains: member.id } },
    select: { payload: true },
    orderBy: { id: "desc" },
  });
  const text = (row.payload as { text: string }).text;
  out = { link: text.split(/\s+/).find((w) => w.includes("/einladung/")) };
} else if (command === "decide") {
  const clerk = await demoUser("sachbearbeiter@demo.bauantrag.de");
  const id = arg1 ?? "";
  await startReview(clerk, id);
  const complete = await confirmComplete(clerk, id);
  if (!complete.ok) throw new Error(complete.message);
  const opened = await openDraft(clerk, id);
  if (!opened.ok) throw new Error(opened.message);
  const decided = await decide(clerk, opened.decisionId, { confirmOpenParticipations: true });
  if (!decided.ok) throw new Error(decided.message);
  out = { decisionId: opened.decisionId };
} else {
  throw new Error(`unknown command ${command}`);
}
console.log(JSON.stringify(out));
await db().$disconnect();
process.exit(0);
