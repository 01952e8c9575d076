import { isUuid } from "~/models/application.server";
import { db, type Tx } from "~/utils/db.server";

/**
 * In-app notifications. Workers create them (job `system.notify`) in a transaction; `dedupeKey`
 * makes a retried job harmless (a second row with the same key is skipped).
 */

export interface NewNotification {
  userId: string;
  applicationId?: string | null;
  /** Stable machine type, e.g. "application.submitted". */
  type: string;
  title: string;
  body?: string;
  /** Relative link inside the app, e.g. "/antraege/<id>". */
  link?: string | null;
  /** Unique per logical notification, e.g. `${event}:${applicationId}:${userId}`. */
  dedupeKey: string;
}

/** Inserts the notifications that are not there yet; returns how many were new. */
export async function createNotificationsInTx(tx: Tx, notifications: NewNotification[]): Promise<number> {
  if (notifications.length === 0) return 0;
  const { count } = await tx.notification.createMany({
    data: notifications.map((n) => ({
      userId: n.userId,
      applicationId: n.applicationId ?? null,
      type: n.type,
      title: n.title,
      body: n.body ?? "",
      link: n.link?.startsWith("/") && !n.link.startsWith("//") ? n.link : null,
      dedupeKey: n.dedupeKey,
    })),
    skipDuplicates: true,
  });
  return count;
}

export async function listNotifications(
  userId: string,
  { take = 50 }: { take?: number } = {},
  client: Tx = db(),
) {
  return client.notification.findMany({
    where: { userId },
    select: {
      id: true,
      type: true,
      title: true,
      body: true,
      link: true,
      readAt: true,
      createdAt: true,
      applicationId: true,
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(1, take), 500),
  });
}

export async function unreadCount(userId: string, client: Tx = db()): Promise<number> {
  return client.notification.count({ where: { userId, readAt: null } });
}

/** Marks one notification (only the user's own) or all of them read; returns how many changed. */
export async function markRead(userId: string, id: string | "all", client: Tx = db()): Promise<number> {
  if (id !== "all" && !isUuid(id)) return 0;
  const { count } = await client.notification.updateMany({
    where: id === "all" ? { userId, readAt: null } : { id, userId, readAt: null },
    data: { readAt: new Date() },
  });
  return count;
}
