-- XBau identities (issue 15 item 4): each authority's Behördenkennung in the directory service
-- (DVDV "<präfix>:<kennung>") and its registered name, configured by the authority's admin.
-- Unique: one directory entry identifies one authority (incoming messages are routed by it).

-- AlterTable
ALTER TABLE "Authority" ADD COLUMN "xbauKennung" TEXT,
ADD COLUMN "xbauName" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Authority_xbauKennung_key" ON "Authority"("xbauKennung");
