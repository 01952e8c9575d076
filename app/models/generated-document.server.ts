import type { Readable } from "node:stream";
import type { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { getStorage, type Storage } from "../../storage/index";
import { applicantScope, authorityScope, isUuid } from "./application.server";

/**
 * Files the system produced for an application (Eingangsbestätigung, XBau messages, participation
 * packages, statements, Bescheide). Access: see readableGeneratedWhere; anyone else gets null
 * ("not found").
 */

export const GENERATED_KIND_LABELS: Record<string, string> = {
  RECEIPT: "Eingangsbestätigung",
  XBAU_0200: "XBau-Nachricht (Antrag 0200)",
  BESCHEID: "Bescheid",
  APPROVED_PLAN: "Genehmigte Bauvorlage (gestempelt)",
  XBAU_0205: "XBau-Nachricht (Bescheid 0205)",
  XBAU_0201: "XBau-Nachricht (Formelle Prüfung 0201)",
  XBAU_0202: "XBau-Nachricht (Antrag geändert 0202)",
  PARTICIPATION_PACKAGE: "Beteiligungspaket",
  XBAU_0300: "XBau-Nachricht (Beteiligung 0300)",
  STATEMENT: "Stellungnahme",
  XBAU_0303: "XBau-Nachricht (Stellungnahme 0303)",
};

/**
 * Which generated files a user may read: applicant-side members see the case's CASE files; clerks
 * of the case's authority see all; an agency sees the files linked to its own participations
 * (package, its statement), also after the participation was closed. Empty = nothing.
 */
export function readableGeneratedWhere(user: SessionUser): Prisma.GeneratedDocumentWhereInput[] {
  const scopes: Prisma.GeneratedDocumentWhereInput[] = [];
  if (can(user, "read:application:own"))
    scopes.push({ audience: "CASE", application: applicantScope(user.id) });
  if (can(user, "read:application:authority") && user.authorityId)
    scopes.push({ application: authorityScope(user.authorityId) });
  if (can(user, "read:participation:assigned") && user.authorityId)
    scopes.push({ participation: { agencyId: user.authorityId } });
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
  const scopes = readableGeneratedWhere(user);
  if (scopes.length === 0) return [];
  const rows = await client.generatedDocument.findMany({
    where: { applicationId, OR: scopes },
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
  const scopes = readableGeneratedWhere(user);
  if (scopes.length === 0) return null;
  const row = await (options.client ?? db()).generatedDocument.findFirst({
    where: { id: generatedId, OR: scopes },
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
