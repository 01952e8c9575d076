-- Paper and e-mail intake (issue 16 item 2): a clerk registers an application that arrived on
-- paper or by e-mail. The case records how it arrived; its Eingangsdatum is "submittedAt" (the
-- start of the Berlin day it was received), so the completeness-check target and every deadline
-- run from the Eingangsdatum, not from the moment it was typed in. NULL = received online.

-- CreateEnum
CREATE TYPE "IntakeChannel" AS ENUM ('PAPER', 'EMAIL');

-- AlterTable
ALTER TABLE "Application" ADD COLUMN "intakeChannel" "IntakeChannel";
