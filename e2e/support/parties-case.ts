/**
 * Support for e2e/parties.spec.ts (issue 14), run with tsx and the e2e server's environment.
 *   draft <title>                 a complete draft of the demo architect (real PDFs), not submitted,
 *                                 no Vollmacht: prints {"id"}
 *   link <applicationId> <email>  the link of the newest invitation mail to <email> (outbox): {"link"}
 *   decide <applicationId>        the demo clerk reviews, confirms complete and decides (Baugenehmigung)
 *                                 without participation, through the test kit's advanceCase; the
 *                                 worker renders the Bescheid: {"decisionId"}
 */
import { db } from "~/utils/db.server";
import { advanceCase } from "../../test/kit/case";
import { createCompleteDraft } from "../../test/kit/draft-fixtures";
import { demoDistrict, finish, uploadFixture } from "./demo-district";

const [command, arg1, arg2] = process.argv.slice(2);
if (command === "draft") {
  const { architect, gemeinde } = await demoDistrict();
  const { id } = await createCompleteDraft(architect, gemeinde.id, {
    title: arg1 ?? `Parteien E2E ${Date.now()}`,
    addDocument: uploadFixture,
    withMandate: false,
  });
  await finish({ id });
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
  await finish({ link: text.split(/\s+/).find((w) => w.includes("/einladung/")) });
} else if (command === "decide") {
  const { clerk } = await demoDistrict();
  const { decisionId } = await advanceCase({ clerk, agencies: {} }, arg1 ?? "", { until: "decided" });
  await finish({ decisionId });
} else {
  throw new Error(`unknown command ${command}`);
}
