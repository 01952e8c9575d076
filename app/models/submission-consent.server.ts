import { formatDateTime } from "~/domain/format";
import type { MemberRole } from "~/generated/prisma/client";
import { applicantScope, authorityScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";

/**
 * Who may submit for the Bauherr (issue 14 item 1). A Bauherr who submits declares it by doing so.
 * Anyone else (Entwurfsverfasser, Bevollmächtigte) needs either
 * - the Bauherr's confirmation in the portal: an accepted Bauherr member ticks a declaration; it
 *   holds for the application version confirmed (any later change needs a new confirmation), or
 * - a Vollmacht the submitter uploaded (document type 0603 "Vollmacht des Bauherrn" or 0602
 *   "Vertretungsvollmacht") and declared (§ 14 Abs. 1 VwVfG: the Bevollmächtigte proves the
 *   Vollmacht in writing on request). The clerk sees which of the two the submission rests on.
 * The check runs inside the submission's transaction (submission.server.ts).
 *
 * Both declarations include the consent to the Bekanntgabe by retrieval that § 41 Abs. 2a Satz 1
 * VwVfG ("Mit Einwilligung des Beteiligten …") requires (app/models/bekanntgabe.server.ts).
 */

export const OWNER_DECLARATION =
  "Ich bin Bauherr:in dieses Vorhabens. Ich habe den Antrag in der vorliegenden Fassung mit seinen Unterlagen geprüft und bin damit einverstanden, dass er bei der Bauaufsichtsbehörde eingereicht wird. Ich willige ein, dass mir der Bescheid durch Abruf in diesem Portal bekannt gegeben wird.";

export const MANDATE_DECLARATION =
  "Ich versichere, dass mich die Bauherrschaft schriftlich bevollmächtigt hat, diesen Bauantrag einzureichen und sie im Verfahren zu vertreten. Die Vollmacht ist als Unterlage beigefügt. Ich willige ein, dass der Bescheid durch Abruf in diesem Portal bekannt gegeben wird.";

/** Document types that carry a Vollmacht of the Bauherr. */
export const MANDATE_DOCUMENT_TYPES = ["0603", "0602"] as const;

export interface ConsentInfo {
  kind: "OWNER_CONFIRMATION" | "MANDATE" | "OWNER_SUBMITTED";
  byUserId: string;
  byName: string;
  at: string;
  applicationVersion: number | null;
  documentVersionId: string | null;
  filename: string | null;
  declaration: string;
}

export interface ConsentStatus {
  /** The submission may go ahead for this submitter. */
  satisfied: boolean;
  /** The consent the submission would rest on. */
  basis: ConsentInfo | null;
  /** The Bauherr's confirmation of the current version, whoever asks. */
  ownerConfirmation: ConsentInfo | null;
  /** A Bauherr confirmation for an older version (the application changed since). */
  staleOwnerConfirmation: ConsentInfo | null;
  /** Accepted Bauherr members (who could confirm). */
  owners: { userId: string; name: string }[];
  /** Open invitation to a Bauherr (not accepted yet). */
  ownerInvitationPending: boolean;
  /** A Vollmacht file is uploaded (type 0603/0602), so a declaration is possible. */
  mandateFile: { documentVersionId: string; filename: string } | null;
  /** German sentence: what is missing (null when satisfied). */
  missing: string | null;
}

const CONSENT_MISSING =
  "Vor der Einreichung muss die Bauherr:in den Antrag im Portal bestätigen – oder Sie erklären eine Vollmacht der Bauherrschaft und laden sie als Unterlage hoch.";

/**
 * What the submission by `submitterRole` would rest on, for the application at `version`.
 * Reads in the caller's transaction (the submission locks the application row first).
 */
export async function consentStatusInTx(
  tx: Tx,
  applicationId: string,
  version: number,
  submitter: { userId: string; role: MemberRole | null },
): Promise<ConsentStatus> {
  const [consents, members, mandateDocs] = await Promise.all([
    tx.submissionConsent.findMany({
      where: { applicationId, revokedAt: null },
      select: {
        kind: true,
        userId: true,
        applicationVersion: true,
        documentVersionId: true,
        declaration: true,
        createdAt: true,
        user: { select: { displayName: true } },
      },
      orderBy: { createdAt: "desc" },
    }),
    tx.applicationMember.findMany({
      where: { applicationId, role: "BAUHERR", invitationState: { in: ["ACCEPTED", "PENDING"] } },
      select: { userId: true, invitationState: true, email: true, user: { select: { displayName: true } } },
    }),
    tx.document.findMany({
      where: { applicationId, typeCode: { in: [...MANDATE_DOCUMENT_TYPES] } },
      select: {
        versions: {
          where: { checkStatus: { not: "REFUSED" } },
          select: { id: true, filename: true, createdAt: true },
          orderBy: { versionNumber: "desc" },
          take: 1,
        },
      },
    }),
  ]);
  const fileVersions = mandateDocs
    .flatMap((d) => d.versions)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const currentFileIds = new Set(fileVersions.map((v) => v.id));
  const filenames = new Map(fileVersions.map((v) => [v.id, v.filename]));
  const owners = members
    .filter((m) => m.invitationState === "ACCEPTED" && m.userId)
    .map((m) => ({ userId: m.userId as string, name: m.user?.displayName ?? m.email }));
  const ownerIds = new Set(owners.map((o) => o.userId));
  const toInfo = (c: (typeof consents)[number]): ConsentInfo => ({
    kind: c.kind as ConsentInfo["kind"],
    byUserId: c.userId,
    byName: c.user.displayName,
    at: c.createdAt.toISOString(),
    applicationVersion: c.applicationVersion,
    documentVersionId: c.documentVersionId,
    filename: c.documentVersionId ? (filenames.get(c.documentVersionId) ?? null) : null,
    declaration: c.declaration,
  });
  const ownerConfirmations = consents.filter(
    (c) => c.kind === "OWNER_CONFIRMATION" && ownerIds.has(c.userId),
  );
  const current = ownerConfirmations.find((c) => c.applicationVersion === version);
  const stale = current ? undefined : ownerConfirmations[0];
  // A declared Vollmacht counts for the one who declared it, while its file is still the current one.
  const mandate = consents.find(
    (c) =>
      c.kind === "MANDATE" &&
      c.userId === submitter.userId &&
      c.documentVersionId !== null &&
      currentFileIds.has(c.documentVersionId),
  );
  let basis: ConsentInfo | null = null;
  if (submitter.role === "BAUHERR") {
    basis = {
      kind: "OWNER_SUBMITTED",
      byUserId: submitter.userId,
      byName: owners.find((o) => o.userId === submitter.userId)?.name ?? "",
      at: new Date().toISOString(),
      applicationVersion: version,
      documentVersionId: null,
      filename: null,
      declaration: "Die Bauherr:in reicht selbst ein.",
    };
  } else if (current) basis = toInfo(current);
  else if (mandate) basis = toInfo(mandate);
  const file = fileVersions[0];
  return {
    satisfied: basis !== null,
    basis,
    ownerConfirmation: current ? toInfo(current) : null,
    staleOwnerConfirmation: stale ? toInfo(stale) : null,
    owners,
    ownerInvitationPending: members.some((m) => m.invitationState === "PENDING"),
    mandateFile: file ? { documentVersionId: file.id, filename: file.filename } : null,
    missing: basis
      ? null
      : stale
        ? `Der Antrag wurde geändert, nachdem ${stale.user.displayName} ihn am ${formatDateTime(stale.createdAt)} bestätigt hat. Die Bauherrschaft muss die aktuelle Fassung erneut bestätigen – oder Sie erklären eine Vollmacht.`
        : CONSENT_MISSING,
  };
}

/** The consent status for the signed-in member (their own role as submitter); null when not a member. */
export async function getConsentStatus(
  user: SessionUser,
  applicationId: string,
): Promise<ConsentStatus | null> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return null;
  const app = await db().application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: {
      id: true,
      version: true,
      members: { where: { userId: user.id, invitationState: "ACCEPTED" }, select: { role: true } },
    },
  });
  if (!app) return null;
  return consentStatusInTx(db(), app.id, app.version, {
    userId: user.id,
    role: app.members[0]?.role ?? null,
  });
}

export type ConsentResult = { ok: true } | { ok: false; message: string };

async function lockedDraftForMember(tx: Tx, user: SessionUser, applicationId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Application" WHERE "id" = ${applicationId}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: {
      id: true,
      status: true,
      version: true,
      members: { where: { userId: user.id, invitationState: "ACCEPTED" }, select: { role: true } },
    },
  });
}

/**
 * The Bauherr confirms the application as it is now (`expectedVersion`: the version shown when the
 * box was ticked; a newer one means someone changed it in between and the Bauherr must look again).
 */
export async function confirmAsOwner(
  user: SessionUser,
  applicationId: string,
  input: { declared: boolean; expectedVersion: number },
): Promise<ConsentResult> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) {
    return { ok: false, message: "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt." };
  }
  if (!input.declared) {
    return { ok: false, message: "Bitte bestätigen Sie die Erklärung, indem Sie das Kästchen ankreuzen." };
  }
  return db().$transaction(async (tx) => {
    const app = await lockedDraftForMember(tx, user, applicationId);
    if (!app)
      return { ok: false, message: "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt." };
    if (app.members[0]?.role !== "BAUHERR") {
      return {
        ok: false,
        message: "Nur die Bauherr:in kann den Antrag zur Einreichung bestätigen.",
      };
    }
    if (app.status !== "DRAFT") return { ok: false, message: "Der Antrag ist bereits eingereicht." };
    if (app.version !== input.expectedVersion) {
      return {
        ok: false,
        message:
          "Der Antrag wurde inzwischen geändert. Bitte sehen Sie sich die aktuelle Fassung an und bestätigen Sie dann erneut.",
      };
    }
    await tx.submissionConsent.create({
      data: {
        applicationId: app.id,
        kind: "OWNER_CONFIRMATION",
        userId: user.id,
        applicationVersion: app.version,
        declaration: OWNER_DECLARATION,
      },
    });
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: user.id,
      type: "consent.owner-confirmed",
      payload: { applicationVersion: app.version, declaration: OWNER_DECLARATION },
    });
    return { ok: true } as const;
  });
}

/**
 * The Entwurfsverfasser (or Bevollmächtigte) declares the Bauherr's Vollmacht; its newest file of
 * type 0603/0602 must be uploaded. A newer Vollmacht file needs a new declaration.
 */
export async function declareMandate(
  user: SessionUser,
  applicationId: string,
  input: { declared: boolean },
): Promise<ConsentResult> {
  if (!isUuid(applicationId) || !can(user, "submit:application:own")) {
    return { ok: false, message: "Sie dürfen für diesen Antrag keine Vollmacht erklären." };
  }
  if (!input.declared) {
    return { ok: false, message: "Bitte bestätigen Sie die Erklärung, indem Sie das Kästchen ankreuzen." };
  }
  return db().$transaction(async (tx) => {
    const app = await lockedDraftForMember(tx, user, applicationId);
    if (!app)
      return { ok: false, message: "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt." };
    const role = app.members[0]?.role;
    if (role !== "ENTWURFSVERFASSER" && role !== "BEVOLLMAECHTIGTER") {
      return {
        ok: false,
        message:
          "Eine Vollmacht erklären Entwurfsverfasser:innen oder Bevollmächtigte, die für die Bauherrschaft handeln.",
      };
    }
    if (app.status !== "DRAFT") return { ok: false, message: "Der Antrag ist bereits eingereicht." };
    const status = await consentStatusInTx(tx, app.id, app.version, { userId: user.id, role });
    if (!status.mandateFile) {
      return {
        ok: false,
        message:
          "Bitte laden Sie zuerst die Vollmacht der Bauherrschaft als Unterlage hoch (Unterlagenart „Vollmacht des Bauherrn“).",
      };
    }
    await tx.submissionConsent.create({
      data: {
        applicationId: app.id,
        kind: "MANDATE",
        userId: user.id,
        documentVersionId: status.mandateFile.documentVersionId,
        declaration: MANDATE_DECLARATION,
      },
    });
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: user.id,
      type: "consent.mandate-declared",
      payload: {
        documentVersionId: status.mandateFile.documentVersionId,
        filename: status.mandateFile.filename,
        declaration: MANDATE_DECLARATION,
      },
    });
    return { ok: true } as const;
  });
}

/**
 * What the submission of a case of the clerk's authority rested on (from the immutable snapshot):
 * the Bauherr's confirmation, a declared Vollmacht (with its file), or the Bauherr submitting.
 * Null for another tenant's case; `basis` null for cases submitted before this was recorded.
 */
export async function getSubmissionBasisForClerk(
  user: SessionUser,
  applicationId: string,
): Promise<{ basis: ConsentInfo | null } | null> {
  if (!isUuid(applicationId) || !user.authorityId || !can(user, "read:application:authority")) return null;
  const row = await db().application.findFirst({
    where: { AND: [{ id: applicationId }, authorityScope(user.authorityId)] },
    select: { snapshot: true },
  });
  if (!row) return null;
  const consent = (row.snapshot as { consent?: ConsentInfo | null } | null)?.consent ?? null;
  return {
    basis: consent && typeof consent === "object" && typeof consent.kind === "string" ? consent : null,
  };
}
