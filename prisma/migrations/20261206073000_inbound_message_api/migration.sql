-- XBau intake through the API (issue 16): a message delivered by an API client has no clerk.
ALTER TABLE "InboundMessage" ALTER COLUMN "receivedById" DROP NOT NULL;
ALTER TABLE "InboundMessage" ADD COLUMN "apiClientId" UUID;
-- referenzAntragsservice of a received 0200: a later 0202 may refer to the case by it.
ALTER TABLE "InboundMessage" ADD COLUMN "senderReference" TEXT;
-- The id of our answer (Kernmodul 1120 Eingangsbestätigung), fixed when the message is received.
ALTER TABLE "InboundMessage" ADD COLUMN "answerMessageId" UUID;
-- Exactly one origin: a clerk's upload or an API client's delivery.
ALTER TABLE "InboundMessage" ADD CONSTRAINT "InboundMessage_origin_check"
  CHECK (("receivedById" IS NULL) <> ("apiClientId" IS NULL));
CREATE INDEX "InboundMessage_authorityId_senderReference_idx" ON "InboundMessage"("authorityId", "senderReference");
