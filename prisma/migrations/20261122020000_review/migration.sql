-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('OPEN', 'ANSWERED', 'CLOSED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "CommentVisibility" AS ENUM ('SHARED', 'INTERNAL');

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "assignedClerkId" UUID,
ADD COLUMN     "completeAt" TIMESTAMP(3),
ADD COLUMN     "decisionDueAt" TIMESTAMP(3),
ADD COLUMN     "nextDeadlineAt" TIMESTAMP(3),
ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "withdrawnAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Request" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'OPEN',
    "message" TEXT NOT NULL DEFAULT '',
    "internalNote" TEXT NOT NULL DEFAULT '',
    "bylawReference" TEXT,
    "deadline" TIMESTAMP(3) NOT NULL,
    "baseline" JSONB NOT NULL DEFAULT '{}',
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "expiredAt" TIMESTAMP(3),

    CONSTRAINT "Request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestItem" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "ruleId" TEXT,
    "documentTypeCode" TEXT,
    "fieldPath" TEXT,
    "answerText" TEXT,
    "answeredAt" TIMESTAMP(3),
    "answeredById" UUID,

    CONSTRAINT "RequestItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Comment" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "parentId" UUID,
    "authorId" UUID NOT NULL,
    "visibility" "CommentVisibility" NOT NULL,
    "body" TEXT NOT NULL,
    "documentVersionId" UUID,
    "page" INTEGER,
    "posX" DOUBLE PRECISION,
    "posY" DOUBLE PRECISION,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Request_applicationId_status_idx" ON "Request"("applicationId", "status");

-- CreateIndex
CREATE INDEX "Request_status_deadline_idx" ON "Request"("status", "deadline");

-- CreateIndex
CREATE UNIQUE INDEX "RequestItem_requestId_position_key" ON "RequestItem"("requestId", "position");

-- CreateIndex
CREATE INDEX "Comment_applicationId_createdAt_idx" ON "Comment"("applicationId", "createdAt");

-- CreateIndex
CREATE INDEX "Comment_parentId_idx" ON "Comment"("parentId");

-- CreateIndex
CREATE INDEX "Application_authorityId_nextDeadlineAt_idx" ON "Application"("authorityId", "nextDeadlineAt");

-- CreateIndex
CREATE INDEX "Application_authorityId_assignedClerkId_idx" ON "Application"("authorityId", "assignedClerkId");

-- Inbox search by Aktenzeichen, applicant or address: trigram index so ILIKE '%…%' stays fast.
-- (Prisma's schema cannot declare it; the column is declared there.)
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Application_searchText_trgm_idx" ON "Application" USING GIN ("searchText" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_assignedClerkId_fkey" FOREIGN KEY ("assignedClerkId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Request" ADD CONSTRAINT "Request_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Request" ADD CONSTRAINT "Request_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequestItem" ADD CONSTRAINT "RequestItem_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "Request"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequestItem" ADD CONSTRAINT "RequestItem_answeredById_fkey" FOREIGN KEY ("answeredById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Comment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_documentVersionId_fkey" FOREIGN KEY ("documentVersionId") REFERENCES "DocumentVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
