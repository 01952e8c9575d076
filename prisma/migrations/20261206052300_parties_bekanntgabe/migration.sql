-- Parties and Bekanntgabe (issue 14 items 1 and 4): the Bauherr's confirmation or the declared
-- Vollmacht a submission needs, the first retrieval of the Bescheid per recipient (§ 41 Abs. 2a
-- VwVfG: bekannt gegeben am Tag nach dem Abruf), and the Zustellung by post when nobody retrieved it.

-- CreateTable
CREATE TABLE "SubmissionConsent" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "applicationVersion" INTEGER,
    "documentVersionId" UUID,
    "declaration" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "SubmissionConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DecisionRetrieval" (
    "id" UUID NOT NULL,
    "decisionId" UUID NOT NULL,
    "generatedDocumentId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "MemberRole",
    "retrievedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DecisionRetrieval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DecisionPostDelivery" (
    "id" UUID NOT NULL,
    "decisionId" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "deliveredOn" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "recordedById" UUID NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DecisionPostDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SubmissionConsent_applicationId_kind_idx" ON "SubmissionConsent"("applicationId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "DecisionRetrieval_decisionId_userId_key" ON "DecisionRetrieval"("decisionId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "DecisionPostDelivery_decisionId_key" ON "DecisionPostDelivery"("decisionId");

-- AddForeignKey
ALTER TABLE "SubmissionConsent" ADD CONSTRAINT "SubmissionConsent_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubmissionConsent" ADD CONSTRAINT "SubmissionConsent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionRetrieval" ADD CONSTRAINT "DecisionRetrieval_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionRetrieval" ADD CONSTRAINT "DecisionRetrieval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionPostDelivery" ADD CONSTRAINT "DecisionPostDelivery_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionPostDelivery" ADD CONSTRAINT "DecisionPostDelivery_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
