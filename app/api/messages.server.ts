import { Prisma } from "~/generated/prisma/client";
import type { AttachmentFile } from "~/utils/attachment-response.server";
import { db } from "~/utils/db.server";
import { getStorage, type Storage } from "../../storage/index";
import { type CursorKey, decodeCursor, isUuid, pageOf, parseLimit } from "./paging.server";
import { apiError } from "./problem.server";

/**
 * The message box of /api/v1 (issue 16 item 3): every XBau message the authority sent (the
 * generated XBAU_* files of its cases) or received (InboundMessage), in one stable order
 * (creation time, then id). Acknowledgements are per API client, so two systems of one authority
 * each pull every message once. Both sources are filtered by the caller's authority in the query.
 */

export type MessageDirection = "SENT" | "RECEIVED";

interface BoxRow {
  id: string;
  direction: MessageDirection;
  code: string;
  messageType: string | null;
  applicationId: string | null;
  sizeBytes: bigint | number;
  sha256: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
}

export interface MessageListQuery {
  unacknowledged: boolean;
  cursor: CursorKey | null;
  limit: number;
}

export function parseMessageListQuery(url: URL): MessageListQuery {
  const p = url.searchParams;
  const raw = p.get("unacknowledged");
  if (raw !== null && raw !== "true" && raw !== "false") {
    throw apiError(400, "Der Parameter „unacknowledged“ muss „true“ oder „false“ sein.", {
      parameter: "unacknowledged",
    });
  }
  const rawCursor = p.get("cursor");
  return {
    unacknowledged: raw === "true",
    cursor: rawCursor ? decodeCursor(rawCursor) : null,
    limit: parseLimit(p.get("limit")),
  };
}

/** Both sources as one relation, already limited to the authority (and, for sent ones, submitted cases). */
function boxSql(authorityId: string, clientId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT g."id", 'SENT' AS "direction", substring(g."kind" from 6) AS "code", NULL::text AS "messageType",
           g."applicationId", g."sizeBytes", g."sha256", g."createdAt", k."createdAt" AS "acknowledgedAt"
      FROM "GeneratedDocument" g
      JOIN "Application" a ON a."id" = g."applicationId"
      LEFT JOIN "ApiMessageAck" k ON k."messageId" = g."id" AND k."clientId" = ${clientId}::uuid
     WHERE a."authorityId" = ${authorityId}::uuid AND a."status" <> 'DRAFT' AND g."kind" LIKE 'XBAU\\_%'
    UNION ALL
    SELECT m."id", 'RECEIVED', substring(m."messageType" from '(\\d{4})$'), m."messageType",
           m."applicationId", m."sizeBytes"::bigint, m."sha256", m."createdAt", k."createdAt"
      FROM "InboundMessage" m
      LEFT JOIN "ApiMessageAck" k ON k."messageId" = m."id" AND k."clientId" = ${clientId}::uuid
     WHERE m."authorityId" = ${authorityId}::uuid`;
}

function messageItem(r: BoxRow) {
  return {
    id: r.id,
    direction: r.direction,
    code: r.code,
    messageType: r.messageType,
    caseId: r.applicationId,
    sizeBytes: Number(r.sizeBytes),
    sha256: r.sha256,
    createdAt: r.createdAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt ? r.acknowledgedAt.toISOString() : null,
    contentUrl: `/api/v1/messages/${r.id}/content`,
  };
}

export async function listMessages(caller: { authorityId: string; clientId: string }, q: MessageListQuery) {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (q.unacknowledged) conditions.push(Prisma.sql`box."acknowledgedAt" IS NULL`);
  if (q.cursor) {
    conditions.push(
      Prisma.sql`(box."createdAt", box."id") > (${q.cursor.at}::timestamp(3), ${q.cursor.id}::uuid)`,
    );
  }
  const rows = await db().$queryRaw<BoxRow[]>`
    SELECT * FROM (${boxSql(caller.authorityId, caller.clientId)}) box
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY box."createdAt" ASC, box."id" ASC
     LIMIT ${q.limit + 1}`;
  const page = pageOf(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }));
  return { items: page.items.map(messageItem), nextCursor: page.nextCursor };
}

/** One message of the authority's box (with this client's acknowledgement); null otherwise. */
export async function getMessage(caller: { authorityId: string; clientId: string }, id: string) {
  if (!isUuid(id)) return null;
  const rows = await db().$queryRaw<BoxRow[]>`
    SELECT * FROM (${boxSql(caller.authorityId, caller.clientId)}) box WHERE box."id" = ${id}::uuid LIMIT 1`;
  return rows[0] ? messageItem(rows[0]) : null;
}

/** The XML of a message of the authority, opened for streaming; null otherwise. */
export async function openMessageContent(
  authorityId: string,
  id: string,
  storage: Storage = getStorage(),
): Promise<AttachmentFile | null> {
  if (!isUuid(id)) return null;
  const sent = await db().generatedDocument.findFirst({
    where: {
      id,
      kind: { startsWith: "XBAU_" },
      application: { authorityId, status: { not: "DRAFT" } },
    },
    select: { filename: true, mimeType: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (sent) {
    return {
      stream: await storage.getStream(sent.storageKey),
      filename: sent.filename,
      mimeType: sent.mimeType,
      sizeBytes: Number(sent.sizeBytes),
      sha256: sent.sha256,
    };
  }
  const received = await db().inboundMessage.findFirst({
    where: { id, authorityId },
    select: { messageId: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (!received) return null;
  return {
    stream: await storage.getStream(received.storageKey),
    filename: `${received.messageId}.xml`,
    mimeType: "application/xml",
    sizeBytes: received.sizeBytes,
    sha256: received.sha256,
  };
}

/**
 * Acknowledges a message for this client. Idempotent: a second acknowledgement keeps the first
 * time. Null when the message is not in the authority's box.
 */
export async function acknowledgeMessage(caller: { authorityId: string; clientId: string }, id: string) {
  const message = await getMessage(caller, id);
  if (!message) return null;
  await db().apiMessageAck.createMany({
    data: [{ clientId: caller.clientId, messageId: id }],
    skipDuplicates: true,
  });
  return getMessage(caller, id);
}
