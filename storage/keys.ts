import { StorageKeyError } from "./errors.ts";

/**
 * Object keys are built here and only here, so every object of a case lives under its tenant's
 * prefix (tenants/<authorityId>/cases/<applicationId>/...) and no caller-supplied value can
 * escape it. Segments are ids we generate (cuid/uuid-like), so a strict whitelist costs nothing
 * and rules out traversal ("..", "/", "\\"), empty segments and control characters at once.
 */

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const EXTENSION = /^[a-z0-9]{1,10}$/;

/** Kind of a rendered file, e.g. "receipt", "notice", "xbau": a lowercase slug, one path segment. */
const KIND = /^[a-z][a-z0-9-]{0,31}$/;

export function assertSegment(name: string, value: string): string {
  if (typeof value !== "string" || !SEGMENT.test(value)) {
    throw new StorageKeyError(`${name} "${String(value).slice(0, 60)}" ist kein gültiges Pfadsegment`);
  }
  return value;
}

function casePrefix(authorityId: string, applicationId: string): string {
  return `tenants/${assertSegment("authorityId", authorityId)}/cases/${assertSegment("applicationId", applicationId)}`;
}

export function documentVersionKey(ids: {
  authorityId: string;
  applicationId: string;
  documentId: string;
  versionId: string;
}): string {
  return `${casePrefix(ids.authorityId, ids.applicationId)}/documents/${assertSegment(
    "documentId",
    ids.documentId,
  )}/versions/${assertSegment("versionId", ids.versionId)}`;
}

/** An attachment of an agency's statement, under the case: .../participations/<p>/attachments/<id>. */
export function statementAttachmentKey(ids: {
  authorityId: string;
  applicationId: string;
  participationId: string;
  attachmentId: string;
}): string {
  return `${casePrefix(ids.authorityId, ids.applicationId)}/participations/${assertSegment(
    "participationId",
    ids.participationId,
  )}/attachments/${assertSegment("attachmentId", ids.attachmentId)}`;
}

export function generatedKey(ids: {
  authorityId: string;
  applicationId: string;
  kind: string;
  id: string;
  ext: string;
}): string {
  if (typeof ids.kind !== "string" || !KIND.test(ids.kind)) {
    throw new StorageKeyError(`Art "${String(ids.kind).slice(0, 30)}" ist ungültig`);
  }
  const ext = String(ids.ext).replace(/^\./, "").toLowerCase();
  if (!EXTENSION.test(ext)) {
    throw new StorageKeyError(`Dateiendung "${String(ids.ext).slice(0, 20)}" ist ungültig`);
  }
  return `${casePrefix(ids.authorityId, ids.applicationId)}/generated/${ids.kind}/${assertSegment("id", ids.id)}.${ext}`;
}

/**
 * Guard for keys that reach the storage layer from elsewhere (e.g. read back from the database):
 * relative, no empty/dot segments, printable characters only.
 */
export function assertSafeKey(key: string): string {
  if (typeof key !== "string" || key.length === 0 || key.length > 1024) {
    throw new StorageKeyError("leer oder zu lang");
  }
  if (key.startsWith("/") || key.includes("\\") || /\p{Cc}/u.test(key)) {
    throw new StorageKeyError("unzulässige Zeichen");
  }
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new StorageKeyError("unzulässiges Pfadsegment");
    }
  }
  return key;
}
