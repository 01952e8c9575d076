-- Issue 16 item 3: API clients per authority, their call log and message acknowledgements.
CREATE TABLE "ApiClient" (
    "id" UUID NOT NULL,
    "authorityId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "keyId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ApiClient_keyId_key" ON "ApiClient"("keyId");
CREATE INDEX "ApiClient_authorityId_createdAt_idx" ON "ApiClient"("authorityId", "createdAt");
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApiCallLog" (
    "id" BIGSERIAL NOT NULL,
    "clientId" UUID NOT NULL,
    "authorityId" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiCallLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ApiCallLog_authorityId_id_idx" ON "ApiCallLog"("authorityId", "id");
CREATE INDEX "ApiCallLog_clientId_id_idx" ON "ApiCallLog"("clientId", "id");
ALTER TABLE "ApiCallLog" ADD CONSTRAINT "ApiCallLog_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "ApiClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApiMessageAck" (
    "clientId" UUID NOT NULL,
    "messageId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiMessageAck_pkey" PRIMARY KEY ("clientId", "messageId")
);
ALTER TABLE "ApiMessageAck" ADD CONSTRAINT "ApiMessageAck_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "ApiClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;
