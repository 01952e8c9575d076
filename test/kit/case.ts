import { berlinDate } from "~/domain/deadlines";
import { decide, openDraft } from "~/models/decision.server";
import { startParticipation } from "~/models/participation.server";
import { db } from "~/utils/db.server";
import {
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  type ParticipationDistrict,
} from "./participation-fixtures";

/**
 * One case builder for tests and benches: a real case of a fresh district (authority, Gemeinde,
 * Fachstellen, architect, clerk), brought through the real model commands up to the stage asked
 * for. Each stage includes the ones before it:
 * - "submitted": submitted by the architect (Aktenzeichen, snapshot, receipt job);
 * - "complete": review started and confirmed complete (decision deadline running);
 * - "participation": every Fachstelle of the district asked, 30 days, all current versions;
 * - "decided": the decision draft opened from the file and decided (Bescheid jobs queued).
 */

export type CaseStage = "submitted" | "complete" | "participation" | "decided";
const ORDER: CaseStage[] = ["submitted", "complete", "participation", "decided"];

export interface BuiltCase {
  district: ParticipationDistrict;
  application: { id: string; fileNumber: string | null; title: string; status: string };
  participationIds: string[];
  decisionId: string | null;
}

export async function buildCase({
  until,
  label = `case-${until}`,
  district,
}: {
  until: CaseStage;
  label?: string;
  /** Reuse a district (several cases of one authority); a fresh one otherwise. */
  district?: ParticipationDistrict;
}): Promise<BuiltCase> {
  const reached = (stage: CaseStage) => ORDER.indexOf(until) >= ORDER.indexOf(stage);
  const d = district ?? (await createParticipationDistrict(label));
  const created = await createCompleteCase(d, undefined, { complete: reached("complete") });
  let participationIds: string[] = [];
  if (reached("participation")) {
    const versions = await currentVersionIds(created.id);
    const r = await startParticipation(
      d.clerk,
      created.id,
      Object.values(d.agencies).map((a) => ({
        agencyId: a.id,
        documentVersionIds: versions,
        deadline: berlinDate(new Date(Date.now() + 30 * 86_400_000)),
        question: "Bitte um Stellungnahme.",
        silenceIsConsent: true,
      })),
    );
    if (!r.ok) throw new Error(`participation failed: ${r.message}`);
    participationIds = r.participationIds;
  }
  let decisionId: string | null = null;
  if (reached("decided")) {
    const opened = await openDraft(d.clerk, created.id);
    if (!opened.ok) throw new Error(`decision draft failed: ${opened.message}`);
    decisionId = opened.decisionId;
    const r = await decide(d.clerk, decisionId, { confirmOpenParticipations: true });
    if (!r.ok) throw new Error(`decision failed: ${r.message}`);
  }
  const application = await db().application.findUniqueOrThrow({
    where: { id: created.id },
    select: { id: true, fileNumber: true, title: true, status: true },
  });
  return { district: d, application, participationIds, decisionId };
}
