-- Sheets of an issued PDF where the stamp or the verification mark had no free area big enough
-- (compact stamp, stamp over the drawing, one-line mark): the clerk is shown them (issue 13 item 5).
ALTER TABLE "GeneratedDocument" ADD COLUMN "tightSheets" JSONB NOT NULL DEFAULT '[]';
