-- Letters and fee notice (issue 15 items 1-3): the authority's letterhead (organisational unit,
-- phone, office hours) and payment settings (payee, IBAN, BIC, due days, Kassenzeichen format);
-- one Kassenzeichen counter per authority and year (row-locked like FileNumberCounter); on the
-- decision: the Kassenzeichen and due date set when it is decided, the clerk's text per fixed
-- section of the Begründung, the source of the fee basis; each Nebenbestimmung's own reason.

-- AlterTable
ALTER TABLE "Authority" ADD COLUMN "orgUnit" TEXT,
ADD COLUMN "phone" TEXT,
ADD COLUMN "officeHours" TEXT,
ADD COLUMN "paymentPayee" TEXT,
ADD COLUMN "paymentIban" TEXT,
ADD COLUMN "paymentBic" TEXT,
ADD COLUMN "paymentDueDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN "paymentReferenceFormat" TEXT NOT NULL DEFAULT 'KZ-{YYYY}-{NNNNNN}';

-- CreateTable
CREATE TABLE "PaymentReferenceCounter" (
    "authorityId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "lastValue" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PaymentReferenceCounter_pkey" PRIMARY KEY ("authorityId","year")
);

-- AddForeignKey
ALTER TABLE "PaymentReferenceCounter" ADD CONSTRAINT "PaymentReferenceCounter_authorityId_fkey" FOREIGN KEY ("authorityId") REFERENCES "Authority"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "Decision" ADD COLUMN "reasonSections" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN "feeBasisSource" TEXT,
ADD COLUMN "paymentReference" TEXT,
ADD COLUMN "paymentDueAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DecisionCondition" ADD COLUMN "reason" TEXT;
