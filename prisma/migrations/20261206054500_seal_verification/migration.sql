-- Issue 13 items 3 and 4: issued documents carry an electronic seal and a public verification code.
ALTER TABLE "GeneratedDocument" ADD COLUMN "verificationCode" TEXT;
ALTER TABLE "GeneratedDocument" ADD COLUMN "sealedAt" TIMESTAMP(3);
ALTER TABLE "GeneratedDocument" ADD COLUMN "sealedBy" TEXT;
CREATE UNIQUE INDEX "GeneratedDocument_verificationCode_key" ON "GeneratedDocument"("verificationCode");
