import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { formatDateLong } from "~/domain/format";
import type { MemberRole } from "~/generated/prisma/client";
import { applicantScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import { createNotificationsInTx } from "~/models/notification.server";
import { enqueueInTx } from "~/models/outbox.server";
import { normalizeEmail, type SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { can } from "~/utils/permissions";
import { buildJobId } from "~/utils/queue.server";

/**
 * Members of an application and invitations by e-mail. The link carries a random token; only its
 * sha256 is stored (like session tokens), so a database leak does not hand out invitations. An
 * invitation is valid for 14 days and is accepted by a signed-in user whose e-mail address is the
 * invited one.
 */

export const INVITATION_DAYS = 14;
export const MEMBER_ROLES = [
  "BAUHERR",
  "ENTWURFSVERFASSER",
  "BEVOLLMAECHTIGTER",
] as const satisfies readonly MemberRole[];

export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  BAUHERR: "Bauherr:in",
  ENTWURFSVERFASSER: "Entwurfsverfasser:in",
  BEVOLLMAECHTIGTER: "Bevollmächtigte:r",
};

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Dedupe key of the in-app notice of one invitation link (prefix per member: withdrawn together). */
export function invitationNotificationKey(memberId: string, tokenHash: string): string {
  return `member.invited:${memberId}:${tokenHash.slice(0, 16)}`;
}

/**
 * The invitation row itself, for an applicant's invitation and for the authority's invitation
 * after a paper intake: a renewed invitation reuses the person's row (new token, pending again),
 * a new one creates it. Only sha256(token) is stored.
 */
export async function writeInvitationInTx(
  tx: Tx,
  input: {
    applicationId: string;
    existingMemberId: string | null;
    email: string;
    role: MemberRole;
    invitedById: string;
    tokenHash: string;
    expiresAt: Date;
  },
): Promise<{ id: string }> {
  const pending = {
    role: input.role,
    invitationState: "PENDING" as const,
    invitedById: input.invitedById,
    invitationTokenHash: input.tokenHash,
    invitationExpiresAt: input.expiresAt,
  };
  return input.existingMemberId
    ? tx.applicationMember.update({
        where: { id: input.existingMemberId },
        data: { ...pending, userId: null, acceptedAt: null },
        select: { id: true },
      })
    : tx.applicationMember.create({
        data: { applicationId: input.applicationId, email: input.email, ...pending },
        select: { id: true },
      });
}

export function invitationUrl(token: string): string {
  return `${env().APP_URL.replace(/\/+$/, "")}/einladung/${token}`;
}

const inviteSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email()),
  role: z.enum(MEMBER_ROLES),
});

export type InviteResult = { ok: true } | { ok: false; message: string };

/**
 * Invites someone by e-mail address. Only accepted members may invite. A pending invitation to the
 * same address is renewed (new link, new expiry; the old link stops working); an address that is
 * already a member is refused. The mail goes out through the outbox with the same transaction.
 */
export async function inviteMember(
  user: SessionUser,
  applicationId: string,
  input: { email: string; role: MemberRole | string },
): Promise<InviteResult> {
  if (!isUuid(applicationId) || !can(user, "invite:member:own")) {
    return { ok: false, message: "Sie dürfen zu diesem Antrag niemanden einladen." };
  }
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) {
    const emailBad = parsed.error.issues.some((i) => i.path[0] === "email");
    return {
      ok: false,
      message: emailBad
        ? "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."
        : "Bitte wählen Sie die Rolle der eingeladenen Person.",
    };
  }
  const email = normalizeEmail(parsed.data.email);
  const role = parsed.data.role;
  const token = randomBytes(32).toString("base64url");
  const tokenHash = hashInvitationToken(token);
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);

  return db().$transaction(async (tx) => {
    const app = await tx.application.findFirst({
      where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
      select: {
        id: true,
        title: true,
        status: true,
        authority: { select: { name: true } },
        members: { select: { id: true, userId: true, email: true, invitationState: true } },
      },
    });
    const inviter = app?.members.find((m) => m.userId === user.id && m.invitationState === "ACCEPTED");
    if (!app || !inviter) {
      return {
        ok: false,
        message: "Nur Beteiligte, die ihre Einladung angenommen haben, können weitere Personen einladen.",
      };
    }
    if (app.status === "WITHDRAWN" || app.status === "DEEMED_WITHDRAWN") {
      return {
        ok: false,
        message: "Dieser Antrag ist zurückgenommen; es können keine Personen mehr eingeladen werden.",
      };
    }
    const invitedUser = await tx.user.findUnique({ where: { email }, select: { id: true } });
    const existing = app.members.find((m) => m.email === email);
    const alreadyMember = app.members.some(
      (m) =>
        m.invitationState === "ACCEPTED" &&
        (m.email === email || (invitedUser !== null && m.userId === invitedUser.id)),
    );
    if (alreadyMember) {
      return { ok: false, message: `${email} ist bereits an diesem Antrag beteiligt.` };
    }

    const member = await writeInvitationInTx(tx, {
      applicationId: app.id,
      existingMemberId: existing?.id ?? null,
      email,
      role,
      invitedById: user.id,
      tokenHash,
      expiresAt,
    });

    await appendEvent(tx, {
      applicationId: app.id,
      actorId: user.id,
      type: "member.invited",
      payload: { email, role, renewed: !!existing },
    });

    const title = app.title || "Bauantrag";
    const link = invitationUrl(token);
    // In the app as well, so the invitation reaches an existing account also without e-mail.
    if (invitedUser) {
      await createNotificationsInTx(tx, [
        {
          userId: invitedUser.id,
          applicationId: null,
          type: "member.invited",
          title: `Einladung zum Bauantrag „${title}“`.slice(0, 300),
          body: `${user.displayName} lädt Sie ein, als ${MEMBER_ROLE_LABELS[role]} mitzuwirken (zuständig: ${app.authority.name}). Sie können die Einladung unter „Meine Anträge“ annehmen.`,
          link: "/antraege",
          dedupeKey: invitationNotificationKey(member.id, tokenHash),
        },
      ]);
    }
    await enqueueInTx(tx, {
      jobName: "system.send-email",
      jobId: buildJobId("system.send-email", "invitation", member.id, tokenHash.slice(0, 16)),
      payload: {
        to: email,
        subject: `Einladung zum Bauantrag „${title}“`.slice(0, 300),
        text: [
          "Guten Tag,",
          "",
          `${user.displayName} lädt Sie ein, am Bauantrag „${title}“ (zuständig: ${app.authority.name}) als ${MEMBER_ROLE_LABELS[role]} mitzuwirken.`,
          "",
          "Über diesen Link nehmen Sie die Einladung an:",
          link,
          "",
          `Der Link ist bis zum ${formatDateLong(expiresAt)} gültig. Melden Sie sich dazu mit dieser E-Mail-Adresse (${email}) an oder legen Sie ein Konto an.`,
          "",
          "Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.",
          "",
          "Mit freundlichen Grüßen",
          "Ihr Bauantrag-Portal",
        ].join("\n"),
      },
    });
    return { ok: true } as const;
  });
}

export interface InvitationInfo {
  applicationId: string;
  applicationTitle: string;
  authorityName: string;
  invitedBy: string | null;
  email: string;
  role: MemberRole;
  roleLabel: string;
  expiresAt: Date | null;
  expired: boolean;
}

/** What an invitation link is for (no login needed: the token is the secret); null for unknown or used links. */
export async function getInvitation(token: string, client: Tx = db()): Promise<InvitationInfo | null> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return null;
  const m = await client.applicationMember.findUnique({
    where: { invitationTokenHash: hashInvitationToken(token) },
    select: {
      email: true,
      role: true,
      invitationState: true,
      invitationExpiresAt: true,
      invitedBy: { select: { displayName: true } },
      application: { select: { id: true, title: true, authority: { select: { name: true } } } },
    },
  });
  if (m?.invitationState !== "PENDING") return null;
  return {
    applicationId: m.application.id,
    applicationTitle: m.application.title || "Bauantrag",
    authorityName: m.application.authority.name,
    invitedBy: m.invitedBy?.displayName ?? null,
    email: m.email,
    role: m.role,
    roleLabel: MEMBER_ROLE_LABELS[m.role],
    expiresAt: m.invitationExpiresAt,
    expired: !m.invitationExpiresAt || m.invitationExpiresAt.getTime() <= Date.now(),
  };
}

export const INVALID_INVITATION_MESSAGE =
  "Diese Einladung ist ungültig oder wurde bereits angenommen. Bitten Sie die einladende Person um eine neue Einladung.";
export const EXPIRED_INVITATION_MESSAGE =
  "Diese Einladung ist abgelaufen. Bitten Sie die einladende Person um eine neue Einladung.";

export type AcceptResult = { ok: true; applicationId: string } | { ok: false; message: string };

/** Accepts an invitation for the signed-in user, whose e-mail address must be the invited one. */
export async function acceptInvitation(user: SessionUser, token: string): Promise<AcceptResult> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) {
    return { ok: false, message: INVALID_INVITATION_MESSAGE };
  }
  if (!can(user, "read:application:own")) {
    return {
      ok: false,
      message:
        "Mit Ihrem Konto können keine Bauanträge bearbeitet werden. Bitte melden Sie sich mit dem Konto an, an das die Einladung ging.",
    };
  }
  const tokenHash = hashInvitationToken(token);
  return acceptPending(user, { invitationTokenHash: tokenHash });
}

/**
 * Accepts a pending invitation listed for the signed-in user ("Meine Anträge"): the invitation's
 * address must be the user's own (confirmed at registration), as with the link.
 */
export async function acceptInvitationById(user: SessionUser, memberId: string): Promise<AcceptResult> {
  if (!isUuid(memberId)) return { ok: false, message: INVALID_INVITATION_MESSAGE };
  if (!can(user, "read:application:own")) {
    return { ok: false, message: "Mit Ihrem Konto können keine Bauanträge bearbeitet werden." };
  }
  return acceptPending(user, { id: memberId, email: normalizeEmail(user.email) });
}

async function acceptPending(
  user: SessionUser,
  where: { invitationTokenHash: string } | { id: string; email: string },
): Promise<AcceptResult> {
  return db().$transaction(async (tx) => {
    const m = await tx.applicationMember.findFirst({
      where,
      select: {
        id: true,
        applicationId: true,
        email: true,
        role: true,
        invitationState: true,
        invitationExpiresAt: true,
        invitationTokenHash: true,
      },
    });
    if (m?.invitationState !== "PENDING") return { ok: false, message: INVALID_INVITATION_MESSAGE };
    if (!m.invitationExpiresAt || m.invitationExpiresAt.getTime() <= Date.now()) {
      return { ok: false, message: EXPIRED_INVITATION_MESSAGE };
    }
    if (normalizeEmail(user.email) !== normalizeEmail(m.email)) {
      return {
        ok: false,
        message: `Diese Einladung ging an ${m.email}. Bitte melden Sie sich mit dieser E-Mail-Adresse an, um sie anzunehmen.`,
      };
    }
    const already = await tx.applicationMember.findFirst({
      where: {
        applicationId: m.applicationId,
        userId: user.id,
        invitationState: "ACCEPTED",
        id: { not: m.id },
      },
      select: { id: true },
    });
    const { count } = await tx.applicationMember.updateMany({
      where: { id: m.id, invitationState: "PENDING", invitationTokenHash: m.invitationTokenHash },
      data: already
        ? { invitationState: "REVOKED", invitationTokenHash: null, invitationExpiresAt: null }
        : {
            invitationState: "ACCEPTED",
            userId: user.id,
            acceptedAt: new Date(),
            invitationTokenHash: null,
            invitationExpiresAt: null,
          },
    });
    if (count !== 1) return { ok: false, message: INVALID_INVITATION_MESSAGE };
    if (!already) {
      await appendEvent(tx, {
        applicationId: m.applicationId,
        actorId: user.id,
        type: "member.accepted",
        payload: { email: m.email, role: m.role },
      });
    }
    await tx.notification.updateMany({
      where: {
        userId: user.id,
        type: "member.invited",
        dedupeKey: { startsWith: `member.invited:${m.id}:` },
        readAt: null,
      },
      data: { readAt: new Date() },
    });
    return { ok: true, applicationId: m.applicationId };
  });
}

export interface MemberListEntry {
  id: string;
  email: string;
  role: MemberRole;
  roleLabel: string;
  invitationState: string;
  displayName: string | null;
  invitedBy: string | null;
  invitationExpiresAt: Date | null;
  acceptedAt: Date | null;
  isMe: boolean;
}

/** Members and open invitations of an application the user can see; null otherwise. */
export async function listMembers(
  user: SessionUser,
  applicationId: string,
  client: Tx = db(),
): Promise<MemberListEntry[] | null> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return null;
  const app = await client.application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: {
      members: {
        where: { invitationState: { in: ["PENDING", "ACCEPTED"] } },
        select: {
          id: true,
          userId: true,
          email: true,
          role: true,
          invitationState: true,
          invitationExpiresAt: true,
          acceptedAt: true,
          user: { select: { displayName: true } },
          invitedBy: { select: { displayName: true } },
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      },
    },
  });
  if (!app) return null;
  return app.members.map((m) => ({
    id: m.id,
    email: m.email,
    role: m.role,
    roleLabel: MEMBER_ROLE_LABELS[m.role],
    invitationState: m.invitationState,
    displayName: m.invitationState === "ACCEPTED" ? (m.user?.displayName ?? null) : null,
    invitedBy: m.invitedBy?.displayName ?? null,
    invitationExpiresAt: m.invitationExpiresAt,
    acceptedAt: m.acceptedAt,
    isMe: m.userId === user.id,
  }));
}

export interface PendingInvitation {
  memberId: string;
  applicationTitle: string;
  authorityName: string;
  invitedBy: string | null;
  role: MemberRole;
  roleLabel: string;
  expiresAt: Date;
}

/**
 * Open invitations to the signed-in user's own e-mail address (not expired, case not withdrawn):
 * shown in "Meine Anträge", where they can be accepted without the e-mail link.
 */
export async function listPendingInvitationsForUser(
  user: SessionUser,
  client: Tx = db(),
): Promise<PendingInvitation[]> {
  if (!can(user, "read:application:own")) return [];
  const rows = await client.applicationMember.findMany({
    where: {
      email: normalizeEmail(user.email),
      invitationState: "PENDING",
      invitationExpiresAt: { gt: new Date() },
      application: { status: { notIn: ["WITHDRAWN", "DEEMED_WITHDRAWN"] } },
    },
    select: {
      id: true,
      role: true,
      invitationExpiresAt: true,
      invitedBy: { select: { displayName: true } },
      application: { select: { title: true, authority: { select: { name: true } } } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 50,
  });
  return rows.map((r) => ({
    memberId: r.id,
    applicationTitle: r.application.title || "Bauantrag",
    authorityName: r.application.authority.name,
    invitedBy: r.invitedBy?.displayName ?? null,
    role: r.role,
    roleLabel: MEMBER_ROLE_LABELS[r.role],
    expiresAt: r.invitationExpiresAt as Date,
  }));
}

export type RevokeResult = { ok: true; email: string } | { ok: false; message: string };

/**
 * Withdraws a pending invitation: the link stops working at once (token hash cleared, state
 * REVOKED) and the in-app notice disappears. Only accepted members of the application may do it.
 */
/**
 * The open invitation a member of the application could withdraw (for the confirmation page that
 * names it before anything changes); the same scope as revokeInvitation.
 */
export async function findRevocableInvitation(
  user: SessionUser,
  applicationId: string,
  memberId: string,
): Promise<{ ok: true; email: string; role: MemberRole } | { ok: false; message: string }> {
  const refused = {
    ok: false,
    message: "Sie dürfen Einladungen zu diesem Antrag nicht zurückziehen.",
  } as const;
  if (!isUuid(applicationId) || !isUuid(memberId) || !can(user, "invite:member:own")) return refused;
  const m = await db().applicationMember.findFirst({
    where: {
      id: memberId,
      application: {
        AND: [
          { id: applicationId },
          applicantScope(user.id),
          { members: { some: { userId: user.id, invitationState: "ACCEPTED" } } },
        ],
      },
    },
    select: { email: true, role: true, invitationState: true },
  });
  if (!m) return refused;
  if (m.invitationState !== "PENDING") {
    return {
      ok: false,
      message: "Diese Einladung ist nicht mehr offen (bereits angenommen oder zurückgezogen).",
    };
  }
  return { ok: true, email: m.email, role: m.role };
}

export async function revokeInvitation(
  user: SessionUser,
  applicationId: string,
  memberId: string,
): Promise<RevokeResult> {
  if (!isUuid(applicationId) || !isUuid(memberId) || !can(user, "invite:member:own")) {
    return { ok: false, message: "Sie dürfen Einladungen zu diesem Antrag nicht zurückziehen." };
  }
  return db().$transaction(async (tx) => {
    const app = await tx.application.findFirst({
      where: {
        AND: [
          { id: applicationId },
          applicantScope(user.id),
          { members: { some: { userId: user.id, invitationState: "ACCEPTED" } } },
        ],
      },
      select: { id: true },
    });
    if (!app) return { ok: false, message: "Sie dürfen Einladungen zu diesem Antrag nicht zurückziehen." };
    const m = await tx.applicationMember.findFirst({
      where: { id: memberId, applicationId: app.id },
      select: { id: true, email: true, role: true, invitationState: true },
    });
    if (m?.invitationState !== "PENDING") {
      return {
        ok: false,
        message: "Diese Einladung ist nicht mehr offen (bereits angenommen oder zurückgezogen).",
      };
    }
    const { count } = await tx.applicationMember.updateMany({
      where: { id: m.id, invitationState: "PENDING" },
      data: { invitationState: "REVOKED", invitationTokenHash: null, invitationExpiresAt: null },
    });
    if (count !== 1) return { ok: false, message: "Diese Einladung ist nicht mehr offen." };
    await tx.notification.deleteMany({
      where: { type: "member.invited", dedupeKey: { startsWith: `member.invited:${m.id}:` } },
    });
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: user.id,
      type: "member.revoked",
      payload: { email: m.email, role: m.role },
    });
    return { ok: true, email: m.email };
  });
}

/** Whether the signed-in user has an open (not expired) invitation to this application. */
export async function hasPendingInvitationTo(user: SessionUser, applicationId: string): Promise<boolean> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return false;
  const n = await db().applicationMember.count({
    where: {
      applicationId,
      email: normalizeEmail(user.email),
      invitationState: "PENDING",
      invitationExpiresAt: { gt: new Date() },
    },
  });
  return n > 0;
}
