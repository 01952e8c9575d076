-- Document versions stay immutable, with one exception: the deep check (job documents.check-version,
-- issue 11) decides a PENDING version once — checkStatus to ACCEPTED or REFUSED, with checkMessage
-- and checkedAt. Every other column, and a decided version, still refuses any UPDATE.
CREATE OR REPLACE FUNCTION "document_version_immutable"() RETURNS trigger AS $$
BEGIN
  IF OLD."checkStatus" = 'PENDING'
     AND NEW."checkStatus" IN ('ACCEPTED', 'REFUSED')
     AND (NEW."id", NEW."documentId", NEW."versionNumber", NEW."filename", NEW."mimeType",
          NEW."sizeBytes", NEW."sha256", NEW."storageKey", NEW."pageCount", NEW."uploadedById",
          NEW."createdAt", NEW."archiveWarnings")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."documentId", OLD."versionNumber", OLD."filename", OLD."mimeType",
          OLD."sizeBytes", OLD."sha256", OLD."storageKey", OLD."pageCount", OLD."uploadedById",
          OLD."createdAt", OLD."archiveWarnings")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'DocumentVersion is immutable (UPDATE refused)' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
