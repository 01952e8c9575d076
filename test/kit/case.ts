import { berlinDate } from "~/domain/deadlines";
import { decide, openDraft } from "~/models/decision.server";
import { startParticipation } from "~/models/participation.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import type { CompleteDraftOptions } from "./draft-fixtures";
import {
  type CaseDataPatch,
  confirmCaseComplete,
  createCompleteCase,
  createParticipationDistrict,
  currentVersionIds,
  PARTICIPATION_DATA_PATCH,
  type ParticipationDistrict,
} from "./participation-fixtures";

/**
 * One case builder for unit tests, the e2e set-up and benches: a real case of a fresh district
 * (authority, Gemeinde, Fachstellen, architect, clerk) or of a given one (e.g. the demo district of
 * the e2e database), brought through the real model commands up to the stage asked for. Each stage
 * includes the ones before it:
 * - "submitted": submitted by the architect (Aktenzeichen, snapshot, receipt job);
 * - "complete": review started and confirmed complete (decision deadline running);
 * - "participation": every Fachstelle of the district asked, 30 days, all current versions;
 * - "decided": the decision draft opened from the file and decided (Bescheid jobs queued).
 */

export type CaseStage = "submitted" | "complete" | "participation" | "decided";
const ORDER: CaseStage[] = ["submitted", "complete", "participation", "decided"];

/** Who takes part in a case: the applicant side, the Gemeinde, the clerk and the Fachstellen asked. */
export interface CaseParties {
  gemeinde: { id: string };
  architect: SessionUser;
  clerk: SessionUser;
  /** Asked at the "participation" stage; none (`{}`): the case is decided without participation. */
  agencies: Record<string, { id: string }>;
}

export interface BuiltCase<D extends CaseParties = ParticipationDistrict> {
  district: D;
  application: { id: string; fileNumber: string | null; title: string; status: string };
  participationIds: string[];
  decisionId: string | null;
}

export async function buildCase<D extends CaseParties = ParticipationDistrict>({
  until,
  label = `case-${until}`,
  district,
  applicant,
  draft,
  patch = PARTICIPATION_DATA_PATCH,
}: {
  until: CaseStage;
  label?: string;
  /** Reuse a district (several cases of one authority); a fresh one otherwise. */
  district?: D;
  /** Drafts and submits the case; default the district's architect (as Entwurfsverfasser). */
  applicant?: SessionUser;
  /** Title, member role, data changes, how documents are added (see createCompleteDraft). */
  draft?: CompleteDraftOptions;
  /**
   * Merged into the data after submission; default: facts that call for participation
   * (Außenbereich, Gebäudeklasse 4, Baudenkmal). `{}` leaves the data as drafted.
   */
  patch?: CaseDataPatch;
}): Promise<BuiltCase<D>> {
  const d = district ?? ((await createParticipationDistrict(label)) as CaseParties as D);
  const created = await createCompleteCase(d, patch, { complete: false, applicant, draft });
  const { participationIds, decisionId } = await advanceCase(d, created.id, { until });
  const application = await db().application.findUniqueOrThrow({
    where: { id: created.id },
    select: { id: true, fileNumber: true, title: true, status: true },
  });
  return { district: d, application, participationIds, decisionId };
}

/**
 * Brings a case that has reached `from` (default: just submitted) on to `until` through the clerk's
 * commands — for cases a test or e2e journey submitted itself.
 */
export async function advanceCase(
  parties: Pick<CaseParties, "clerk" | "agencies">,
  applicationId: string,
  { from = "submitted", until }: { from?: CaseStage; until: CaseStage },
): Promise<{ participationIds: string[]; decisionId: string | null }> {
  const due = (stage: CaseStage) =>
    ORDER.indexOf(from) < ORDER.indexOf(stage) && ORDER.indexOf(until) >= ORDER.indexOf(stage);
  const { clerk } = parties;
  if (due("complete")) await confirmCaseComplete(clerk, applicationId);
  let participationIds: string[] = [];
  if (due("participation") && Object.keys(parties.agencies).length > 0) {
    const versions = await currentVersionIds(applicationId);
    const r = await startParticipation(
      clerk,
      applicationId,
      Object.values(parties.agencies).map((a) => ({
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
  if (due("decided")) {
    const opened = await openDraft(clerk, applicationId);
    if (!opened.ok) throw new Error(`decision draft failed: ${opened.message}`);
    decisionId = opened.decisionId;
    const r = await decide(clerk, decisionId, { confirmOpenParticipations: true });
    if (!r.ok) throw new Error(`decision failed: ${r.message}`);
  }
  return { participationIds, decisionId };
}
