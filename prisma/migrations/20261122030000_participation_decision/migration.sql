-- Participation (Beteiligung) of agencies and the Gemeinde, their statements and extension
-- requests; the decision (Bescheid) with its conditions and decisive document versions; the
-- per-authority settings both need; and who may read generated files.

-- CreateEnum
CREATE TYPE "GeneratedAudience" AS ENUM ('CASE', 'AUTHORITY');

-- CreateEnum
CREATE TYPE "ParticipationStatus" AS ENUM ('PENDING', 'SENT', 'OPENED', 'ANSWERED', 'DEEMED_CONSENT', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ParticipationKind" AS ENUM ('MUNICIPAL_CONSENT', 'AGENCY_STATEMENT');

-- CreateEnum
CREATE TYPE "StatementOutcome" AS ENUM ('CONSENT', 'CONSENT_WITH_CONDITIONS', 'REJECTION', 'NOT_AFFECTED');

-- CreateEnum
CREATE TYPE "ConditionKind" AS ENUM ('BEDINGUNG', 'AUFLAGE', 'VORBEHALT', 'HINWEIS');

-- CreateEnum
CREATE TYPE "ExtensionStatus" AS ENUM ('PENDING', 'GRANTED', 'REFUSED');

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('BAUGENEHMIGUNG', 'ABLEHNUNG', 'VORBESCHEID', 'TEILBAUGENEHMIGUNG');

-- CreateEnum
CREATE TYPE "DecisionStatus" AS ENUM ('DRAFT', 'AWAITING_APPROVAL', 'DECIDED');

-- AlterTable
ALTER TABLE "Authority" ADD COLUMN     "participationReminderDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "fourEyesDecision" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "legalRemedyText" TEXT,
ADD COLUMN     "feeSchedule" JSONB;

-- AlterTable
ALTER TABLE "GeneratedDocument" ADD COLUMN     "audience" "GeneratedAudience" NOT NULL DEFAULT 'CASE',
ADD COLUMN     "participationId" UUID,
ADD COLUMN     "decisionId" UUID;

-- CreateTable
CREATE TABLE "Participation" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 1,
    "kind" "ParticipationKind" NOT NULL,
    "status" "ParticipationStatus" NOT NULL DEFAULT 'PENDING',
    "question" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "legalBasis" TEXT NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "silenceIsConsent" BOOLEAN NOT NULL,
    "silenceConsequence" TEXT NOT NULL,
    "startedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "reminderSentAt" TIMESTAMP(3),
    "expiredAt" TIMESTAMP(3),
    "deemedConsentAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Participation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParticipationDocument" (
    "participationId" UUID NOT NULL,
    "documentVersionId" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ParticipationDocument_pkey" PRIMARY KEY ("participationId","documentVersionId")
);

-- CreateTable
CREATE TABLE "Statement" (
    "id" UUID NOT NULL,
    "participationId" UUID NOT NULL,
    "outcome" "StatementOutcome" NOT NULL,
    "reasons" TEXT NOT NULL DEFAULT '',
    "authorId" UUID NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatementCondition" (
    "id" UUID NOT NULL,
    "statementId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "ConditionKind" NOT NULL,
    "text" TEXT NOT NULL,
    "legalBasis" TEXT,

    CONSTRAINT "StatementCondition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatementAttachment" (
    "id" UUID NOT NULL,
    "statementId" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "pageCount" INTEGER,
    "uploadedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatementAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParticipationExtension" (
    "id" UUID NOT NULL,
    "participationId" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedDeadline" TIMESTAMP(3) NOT NULL,
    "status" "ExtensionStatus" NOT NULL DEFAULT 'PENDING',
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ParticipationExtension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "kind" "DecisionKind" NOT NULL,
    "status" "DecisionStatus" NOT NULL DEFAULT 'DRAFT',
    "reasons" TEXT NOT NULL DEFAULT '',
    "legalRemedy" TEXT NOT NULL DEFAULT '',
    "deviations" JSONB NOT NULL DEFAULT '[]',
    "constructionCostCents" BIGINT,
    "feeLines" JSONB NOT NULL DEFAULT '[]',
    "feeTotalCents" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "draftedById" UUID NOT NULL,
    "submittedForApprovalAt" TIMESTAMP(3),
    "approvedById" UUID,
    "approvedAt" TIMESTAMP(3),
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "validUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DecisionCondition" (
    "id" UUID NOT NULL,
    "decisionId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "ConditionKind" NOT NULL,
    "text" TEXT NOT NULL,
    "legalBasis" TEXT,
    "sourceStatementConditionId" UUID,
    "sourceLabel" TEXT,

    CONSTRAINT "DecisionCondition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DecisionDocument" (
    "decisionId" UUID NOT NULL,
    "documentVersionId" UUID NOT NULL,
    "stamp" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DecisionDocument_pkey" PRIMARY KEY ("decisionId","documentVersionId")
);

-- CreateIndex
CREATE INDEX "GeneratedDocument_participationId_idx" ON "GeneratedDocument"("participationId");

-- CreateIndex
CREATE INDEX "GeneratedDocument_decisionId_idx" ON "GeneratedDocument"("decisionId");

-- CreateIndex
CREATE INDEX "Participation_agencyId_status_idx" ON "Participation"("agencyId", "status");

-- CreateIndex
CREATE INDEX "Participation_status_deadline_idx" ON "Participation"("status", "deadline");

-- CreateIndex
CREATE UNIQUE INDEX "Participation_applicationId_agencyId_round_key" ON "Participation"("applicationId", "agencyId", "round");

-- CreateIndex
CREATE INDEX "ParticipationDocument_documentVersionId_idx" ON "ParticipationDocument"("documentVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Statement_participationId_key" ON "Statement"("participationId");

-- CreateIndex
CREATE UNIQUE INDEX "StatementCondition_statementId_position_key" ON "StatementCondition"("statementId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "StatementAttachment_storageKey_key" ON "StatementAttachment"("storageKey");

-- CreateIndex
CREATE INDEX "StatementAttachment_statementId_idx" ON "StatementAttachment"("statementId");

-- CreateIndex
CREATE INDEX "ParticipationExtension_participationId_idx" ON "ParticipationExtension"("participationId");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_applicationId_key" ON "Decision"("applicationId");

-- CreateIndex
CREATE INDEX "DecisionCondition_decisionId_position_idx" ON "DecisionCondition"("decisionId", "position");

-- AddForeignKey
ALTER TABLE "GeneratedDocument" ADD CONSTRAINT "GeneratedDocument_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GeneratedDocument" ADD CONSTRAINT "GeneratedDocument_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participation" ADD CONSTRAINT "Participation_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participation" ADD CONSTRAINT "Participation_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Authority"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participation" ADD CONSTRAINT "Participation_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationDocument" ADD CONSTRAINT "ParticipationDocument_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationDocument" ADD CONSTRAINT "ParticipationDocument_documentVersionId_fkey" FOREIGN KEY ("documentVersionId") REFERENCES "DocumentVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Statement" ADD CONSTRAINT "Statement_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Statement" ADD CONSTRAINT "Statement_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatementCondition" ADD CONSTRAINT "StatementCondition_statementId_fkey" FOREIGN KEY ("statementId") REFERENCES "Statement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatementAttachment" ADD CONSTRAINT "StatementAttachment_statementId_fkey" FOREIGN KEY ("statementId") REFERENCES "Statement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatementAttachment" ADD CONSTRAINT "StatementAttachment_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationExtension" ADD CONSTRAINT "ParticipationExtension_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "Participation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationExtension" ADD CONSTRAINT "ParticipationExtension_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipationExtension" ADD CONSTRAINT "ParticipationExtension_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_draftedById_fkey" FOREIGN KEY ("draftedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionCondition" ADD CONSTRAINT "DecisionCondition_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionCondition" ADD CONSTRAINT "DecisionCondition_sourceStatementConditionId_fkey" FOREIGN KEY ("sourceStatementConditionId") REFERENCES "StatementCondition"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionDocument" ADD CONSTRAINT "DecisionDocument_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionDocument" ADD CONSTRAINT "DecisionDocument_documentVersionId_fkey" FOREIGN KEY ("documentVersionId") REFERENCES "DocumentVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A given statement is part of the Akte: it is never changed or removed afterwards (the
-- participation row itself is deleted only with its application).
CREATE OR REPLACE FUNCTION "statement_immutable"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Statement is immutable (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Statement_immutable" BEFORE UPDATE ON "Statement"
  FOR EACH ROW EXECUTE FUNCTION "statement_immutable"();
CREATE TRIGGER "StatementCondition_immutable" BEFORE UPDATE ON "StatementCondition"
  FOR EACH ROW EXECUTE FUNCTION "statement_immutable"();
