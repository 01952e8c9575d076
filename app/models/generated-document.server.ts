import type { Readable } from "node:stream";
import type { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { getStorage, type Storage } from "../../storage/index";
import { applicantScope, authorityScope, isUuid } from "./application.server";

/**
 * Files the system produced for an application (Eingangsbestätigung, XBau 0200, later Bescheide).
 * Same access rule as the application itself: applicant-side members (creator or accepted
 * member) and the clerks of the application's authority; anyone else gets null ("not found").
 */

export const GENERATED_KIND_LABELS: Record<string, string> = {
  RECEIPT: "Eingangsbestätigung",
  XBAU_0200: "XBau-Nachricht (Antrag 0200)",
};

function readableScopes(user: SessionUser): Prisma.ApplicationWhereInput[] {
  const scopes: Prisma.ApplicationWhereInput[] = [];
  if (can(user, "read:application:own")) scopes.push(applicantScope(user.id));
  if (can(user, "read:application:authority") && user.authorityId)
    scopes.push(authorityScope(user.authorityId));
  return scopes;
}

export interface GeneratedDocumentItem {
  id: string;
  kind: string;
  kindLabel: string;
  title: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: Date;
  /** Download URL (resource route app/routes/erzeugt.$generatedId.tsx). */
  href: string;
}

/** The application's generated documents, oldest first; [] when the user may not see it. */
export async function listGeneratedDocuments(
  user: SessionUser,
  applicationId: string,
  client: Tx = db(),
): Promise<GeneratedDocumentItem[]> {
  if (!isUuid(applicationId)) return [];
  const scopes = readableScopes(user);
  if (scopes.length === 0) return [];
  const rows = await client.generatedDocument.findMany({
    where: { applicationId, application: { OR: scopes } },
    select: {
      id: true,
      kind: true,
      title: true,
      filename: true,
      mimeType: true,
      sizeBytes: true,
      sha256: true,
      createdAt: true,
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    ...r,
    sizeBytes: Number(r.sizeBytes),
    kindLabel: GENERATED_KIND_LABELS[r.kind] ?? r.kind,
    href: `/erzeugt/${r.id}`,
  }));
}

export interface DownloadableGenerated {
  stream: Readable;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
}

/** Opens a generated file for streaming, or null when it does not exist or the user may not see it. */
export async function openGeneratedDocumentForDownload(
  user: SessionUser,
  generatedId: string,
  options: { storage?: Storage; client?: Tx } = {},
): Promise<DownloadableGenerated | null> {
  if (!isUuid(generatedId)) return null;
  const scopes = readableScopes(user);
  if (scopes.length === 0) return null;
  const row = await (options.client ?? db()).generatedDocument.findFirst({
    where: { id: generatedId, application: { OR: scopes } },
    select: { filename: true, mimeType: true, sizeBytes: true, sha256: true, storageKey: true },
  });
  if (!row) return null;
  const stream = await (options.storage ?? getStorage()).getStream(row.storageKey);
  return {
    stream,
    filename: row.filename,
    mimeType: row.mimeType,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
  };
}
