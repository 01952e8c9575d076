-- Issue 14 items 2, 3, 7: Zustimmung required by law as its own kind of participation, the
-- Ersetzung of a refused Einvernehmen/Zustimmung, and the authority's need-to-know defaults.
ALTER TYPE "ParticipationKind" ADD VALUE IF NOT EXISTS 'AGENCY_CONSENT';

ALTER TABLE "Participation" ADD COLUMN "replacedAt" TIMESTAMP(3);
ALTER TABLE "Participation" ADD COLUMN "replacementReasons" TEXT NOT NULL DEFAULT '';

ALTER TABLE "Authority" ADD COLUMN "participationDocumentDefaults" JSONB;
