import {
  bekanntgabeFromRetrieval,
  type DeadlinesFromBekanntgabe,
  deadlinesFromBekanntgabe,
  type IsoDate,
  isIsoDate,
  retrievalPeriodEnd,
} from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import { resolveProfile } from "~/domain/land-profiles";
import type { MemberRole, Prisma } from "~/generated/prisma/client";
import { applicantScope, authorityScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import { MEMBER_ROLE_LABELS } from "~/models/member.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * Bekanntgabe of the Bescheid (issue 14 item 4). The portal provides the Bescheid for retrieval and
 * notifies the applicant side (event "decision.delivered", written when the Bescheid is stored).
 * The first download by each applicant-side member is recorded; the earliest one within the
 * provision period makes the Bescheid "bekannt gegeben" on the following day (§ 41 Abs. 2a VwVfG
 * and the Land's VwVfG). Nothing retrieved within ten days: the authority is warned and records the
 * Bekanntgabe another way (post with Zustellung). Rechtsbehelfsfrist and validity run from the
 * Bekanntgabe (app/domain/bekanntgabe.ts).
 */

export const POST_DELIVERY_METHODS = {
  ZUSTELLUNGSURKUNDE: "Postzustellungsurkunde",
  EINSCHREIBEN_RUECKSCHEIN: "Einschreiben mit Rückschein",
  EMPFANGSBEKENNTNIS: "Zustellung gegen Empfangsbekenntnis",
} as const;
export type PostDeliveryMethod = keyof typeof POST_DELIVERY_METHODS;

/**
 * Records the first retrieval of a Bescheid file by an applicant-side member (called by the
 * download route after its access check). Clerks, agencies and other files are ignored. Returns
 * true when this was the user's first retrieval.
 */
export async function recordBescheidRetrieval(
  user: SessionUser,
  generatedId: string,
  now: Date = new Date(),
): Promise<boolean> {
  if (!isUuid(generatedId) || !can(user, "read:application:own")) return false;
  return db().$transaction(async (tx) => {
    const file = await tx.generatedDocument.findFirst({
      where: { id: generatedId, kind: "BESCHEID", audience: "CASE", application: applicantScope(user.id) },
      select: {
        decisionId: true,
        application: {
          select: {
            id: true,
            authority: { select: { landProfile: true } },
            members: { where: { userId: user.id, invitationState: "ACCEPTED" }, select: { role: true } },
          },
        },
      },
    });
    if (!file?.decisionId) return false;
    const role: MemberRole | null = file.application.members[0]?.role ?? null;
    const retrievedAt = now;
    const { count } = await tx.decisionRetrieval.createMany({
      data: [
        { decisionId: file.decisionId, generatedDocumentId: generatedId, userId: user.id, role, retrievedAt },
      ],
      skipDuplicates: true,
    });
    if (count !== 1) return false;
    await appendEvent(tx, {
      applicationId: file.application.id,
      actorId: user.id,
      type: "decision.retrieved",
      payload: {
        decisionId: file.decisionId,
        bekanntgabe: bekanntgabeFromRetrieval(retrievedAt, file.application.authority.landProfile),
        role,
      },
    });
    return true;
  });
}

export interface BekanntgabeView {
  decisionKind: string;
  /** When the applicant side was notified that the Bescheid can be retrieved (null: not yet). */
  providedAt: string | null;
  /** Last day a retrieval still effects the Bekanntgabe. */
  retrievalPeriodEnd: IsoDate | null;
  retrievalLegalBasis: string;
  periodLegalBasis: string;
  /** Who was notified, and when. */
  notified: { name: string; at: string }[];
  retrievals: {
    name: string;
    roleLabel: string;
    retrievedAt: string;
    /** Bekanntgabe this retrieval effects; null when it came after the provision period. */
    bekanntgabe: IsoDate | null;
  }[];
  postDelivery: {
    method: string;
    methodLabel: string;
    deliveredOn: IsoDate;
    note: string;
    recordedBy: string;
    recordedAt: string;
  } | null;
  /** The effective Bekanntgabe and how it came about. */
  bekanntgabe: IsoDate | null;
  via: "RETRIEVAL" | "POST" | null;
  deadlines: DeadlinesFromBekanntgabe | null;
  /** Provision period over without retrieval and no other Bekanntgabe recorded: act. */
  notRetrievedInTime: boolean;
}

async function buildView(
  client: Tx,
  applicationWhere: Prisma.ApplicationWhereInput,
  applicationId: string,
  now: Date,
): Promise<BekanntgabeView | null> {
  const decision = await client.decision.findFirst({
    where: { applicationId, status: "DECIDED", application: applicationWhere },
    select: {
      id: true,
      kind: true,
      application: { select: { authority: { select: { landProfile: true } } } },
      retrievals: {
        select: { retrievedAt: true, role: true, user: { select: { displayName: true } } },
        orderBy: { retrievedAt: "asc" },
      },
      postDelivery: {
        select: {
          method: true,
          deliveredOn: true,
          note: true,
          recordedAt: true,
          recordedBy: { select: { displayName: true } },
        },
      },
    },
  });
  if (!decision) return null;
  const profile = resolveProfile(decision.application.authority.landProfile);
  const [delivered, notices] = await Promise.all([
    client.caseEvent.findFirst({
      where: { applicationId, type: "decision.delivered" },
      select: { createdAt: true },
      orderBy: { id: "asc" },
    }),
    client.notification.findMany({
      // The applicant side's notice links to the applicant page (the clerks' to the case page).
      where: { applicationId, type: "decision.delivered", link: { startsWith: "/antraege/" } },
      select: { createdAt: true, user: { select: { displayName: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const providedAt = delivered?.createdAt ?? null;
  const periodEnd = providedAt ? retrievalPeriodEnd(providedAt, profile) : null;
  const retrievals = decision.retrievals.map((r) => {
    const inPeriod = periodEnd !== null && berlinDate(r.retrievedAt) <= periodEnd;
    return {
      name: r.user.displayName,
      roleLabel: r.role ? MEMBER_ROLE_LABELS[r.role] : "",
      retrievedAt: r.retrievedAt.toISOString(),
      bekanntgabe: inPeriod ? bekanntgabeFromRetrieval(r.retrievedAt, profile) : null,
    };
  });
  const byRetrieval = retrievals.find((r) => r.bekanntgabe !== null)?.bekanntgabe ?? null;
  const byPost = decision.postDelivery?.deliveredOn ?? null;
  let bekanntgabe: IsoDate | null = null;
  let via: BekanntgabeView["via"] = null;
  if (byRetrieval && (!byPost || byRetrieval <= byPost)) {
    bekanntgabe = byRetrieval;
    via = "RETRIEVAL";
  } else if (byPost) {
    bekanntgabe = byPost;
    via = "POST";
  }
  const pd = decision.postDelivery;
  return {
    decisionKind: decision.kind,
    providedAt: providedAt?.toISOString() ?? null,
    retrievalPeriodEnd: periodEnd,
    retrievalLegalBasis: profile.bekanntgabe.retrieval.legalBasis,
    periodLegalBasis: profile.bekanntgabe.retrieval.periodLegalBasis,
    notified: notices.map((n) => ({ name: n.user.displayName, at: n.createdAt.toISOString() })),
    retrievals,
    postDelivery: pd
      ? {
          method: pd.method,
          methodLabel: POST_DELIVERY_METHODS[pd.method as PostDeliveryMethod] ?? pd.method,
          deliveredOn: pd.deliveredOn,
          note: pd.note,
          recordedBy: pd.recordedBy.displayName,
          recordedAt: pd.recordedAt.toISOString(),
        }
      : null,
    bekanntgabe,
    via,
    deadlines: bekanntgabe ? deadlinesFromBekanntgabe(profile, decision.kind, bekanntgabe) : null,
    notRetrievedInTime: bekanntgabe === null && periodEnd !== null && berlinDate(now) > periodEnd,
  };
}

/** The Bekanntgabe of a decided case for one of its applicant-side members; null otherwise. */
export async function getBekanntgabeForMember(
  user: SessionUser,
  applicationId: string,
  { client = db(), now = new Date() }: { client?: Tx; now?: Date } = {},
): Promise<BekanntgabeView | null> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return null;
  return buildView(client, applicantScope(user.id), applicationId, now);
}

/** The Bekanntgabe of a decided case of the clerk's own authority; null otherwise. */
export async function getBekanntgabeForClerk(
  user: SessionUser,
  applicationId: string,
  { client = db(), now = new Date() }: { client?: Tx; now?: Date } = {},
): Promise<BekanntgabeView | null> {
  if (!isUuid(applicationId) || !user.authorityId || !can(user, "read:application:authority")) return null;
  return buildView(client, authorityScope(user.authorityId), applicationId, now);
}

export type PostDeliveryResult = { ok: true; deliveredOn: IsoDate } | { ok: false; message: string };

/**
 * The clerk records that the Bescheid was made known another way: by post with Zustellung on
 * `deliveredOn` (Berlin date, not in the future, not before the decision). Refused when the
 * Bescheid was already made known by retrieval or a Zustellung is recorded.
 */
export async function recordPostDelivery(
  user: SessionUser,
  applicationId: string,
  input: { method: string; deliveredOn: string; note?: string },
  now: Date = new Date(),
): Promise<PostDeliveryResult> {
  if (!isUuid(applicationId) || !user.authorityId || !can(user, "decide:application:authority")) {
    return { ok: false, message: "Sie dürfen für diesen Fall keine Zustellung erfassen." };
  }
  if (!(input.method in POST_DELIVERY_METHODS)) {
    return { ok: false, message: "Bitte wählen Sie, wie der Bescheid zugestellt wurde." };
  }
  const deliveredOn = String(input.deliveredOn ?? "").trim();
  if (!isIsoDate(deliveredOn)) {
    return { ok: false, message: "Bitte geben Sie das Datum der Zustellung an (TT.MM.JJJJ)." };
  }
  if (deliveredOn > berlinDate(now)) {
    return { ok: false, message: "Das Datum der Zustellung darf nicht in der Zukunft liegen." };
  }
  const note = String(input.note ?? "")
    .trim()
    .slice(0, 1000);
  const authorityId = user.authorityId;
  return db().$transaction(async (tx) => {
    const decision = await tx.decision.findFirst({
      where: { applicationId, status: "DECIDED", application: authorityScope(authorityId) },
      select: { id: true, decidedAt: true },
    });
    if (!decision) return { ok: false, message: "Zu diesem Fall gibt es keinen erlassenen Bescheid." };
    if (decision.decidedAt && deliveredOn < berlinDate(decision.decidedAt)) {
      return { ok: false, message: "Die Zustellung kann nicht vor dem Erlass des Bescheids liegen." };
    }
    const view = await buildView(tx, authorityScope(authorityId), applicationId, now);
    if (view?.via === "RETRIEVAL") {
      return {
        ok: false,
        message: `Der Bescheid ist bereits durch Abruf bekannt gegeben (am ${formatIso(view.bekanntgabe)}); eine Zustellung muss nicht erfasst werden.`,
      };
    }
    const { count } = await tx.decisionPostDelivery.createMany({
      data: [{ decisionId: decision.id, method: input.method, deliveredOn, note, recordedById: user.id }],
      skipDuplicates: true,
    });
    if (count !== 1)
      return { ok: false, message: "Für diesen Bescheid ist bereits eine Zustellung erfasst." };
    await appendEvent(tx, {
      applicationId,
      actorId: user.id,
      type: "decision.post-delivery-recorded",
      payload: { decisionId: decision.id, method: input.method, deliveredOn },
    });
    return { ok: true, deliveredOn } as const;
  });
}

function formatIso(iso: IsoDate | null): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
}
