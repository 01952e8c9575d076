-- What a security event concerns when it is not the account itself (e.g. an API client's name);
-- before, API client events carried the name in "method" (the sign-in method column).
ALTER TABLE "SecurityEvent" ADD COLUMN "subject" TEXT;
UPDATE "SecurityEvent" SET "subject" = "method", "method" = NULL
  WHERE "kind" IN ('API_CLIENT_CREATED', 'API_CLIENT_ROTATED', 'API_CLIENT_REVOKED');
