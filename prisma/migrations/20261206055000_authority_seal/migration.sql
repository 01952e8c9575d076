-- Issue 13 item 3: the authority's seal certificate, uploaded by its admin, stored encrypted.
CREATE TABLE "AuthoritySeal" (
    "authorityId" UUID NOT NULL,
    "p12Enc" TEXT NOT NULL,
    "passphraseEnc" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validUntil" TIMESTAMP(3) NOT NULL,
    "fingerprintSha256" TEXT NOT NULL,
    "uploadedById" UUID NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuthoritySeal_pkey" PRIMARY KEY ("authorityId")
);
ALTER TABLE "AuthoritySeal" ADD CONSTRAINT "AuthoritySeal_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AuthoritySeal" ADD CONSTRAINT "AuthoritySeal_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
