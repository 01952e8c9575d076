-- Deep check of a stored document version moves out of the upload request into a worker job
-- (issue 11): the version is PENDING ("wird geprüft") until qpdf --check passed, REFUSED
-- ("abgelehnt", with a German reason) when it did not. Existing versions were fully checked at
-- upload, hence the default ACCEPTED. archiveWarnings: upload-time archivability warnings (issue 13).

-- CreateEnum
CREATE TYPE "DocumentCheckStatus" AS ENUM ('PENDING', 'ACCEPTED', 'REFUSED');

-- AlterTable
ALTER TABLE "DocumentVersion"
    ADD COLUMN "checkStatus" "DocumentCheckStatus" NOT NULL DEFAULT 'ACCEPTED',
    ADD COLUMN "checkMessage" TEXT,
    ADD COLUMN "checkedAt" TIMESTAMP(3),
    ADD COLUMN "archiveWarnings" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Pending checks are looked up by the job and by submission.
CREATE INDEX "DocumentVersion_checkStatus_idx" ON "DocumentVersion"("checkStatus") WHERE "checkStatus" <> 'ACCEPTED';
