import type { Prisma } from "~/generated/prisma/client";

/**
 * A stored document version as the jobs that copy files into a package read it (Akte export,
 * Bescheid annex, participation package): the file, its object, and the upload check's result
 * (a refused or unchecked file is listed, not copied).
 */
export const VERSION_FILE_SELECT = {
  id: true,
  versionNumber: true,
  filename: true,
  mimeType: true,
  sizeBytes: true,
  sha256: true,
  storageKey: true,
  createdAt: true,
  checkStatus: true,
  checkMessage: true,
} satisfies Prisma.DocumentVersionSelect;
