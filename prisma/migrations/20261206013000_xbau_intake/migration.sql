-- XBau intake (issue 16): every XBau message an authority received and accepted, with the case it
-- became. (authorityId, messageId) is unique, so the same message twice (a retry, a second upload,
-- two clerks at once) yields one case: the second insert fails and the importer answers with the
-- existing case. Refused messages are not stored (nothing of a hostile delivery is kept).

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" UUID NOT NULL,
    "authorityId" UUID NOT NULL,
    "messageId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "senderId" TEXT NOT NULL,
    "senderName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "applicationId" UUID,
    "receivedById" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_storageKey_key" ON "InboundMessage"("storageKey");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_authorityId_messageId_key" ON "InboundMessage"("authorityId", "messageId");

-- CreateIndex
CREATE INDEX "InboundMessage_applicationId_idx" ON "InboundMessage"("applicationId");

-- AddForeignKey
ALTER TABLE "InboundMessage" ADD CONSTRAINT "InboundMessage_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundMessage" ADD CONSTRAINT "InboundMessage_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE SET NULL ON UPDATE CASCADE;
