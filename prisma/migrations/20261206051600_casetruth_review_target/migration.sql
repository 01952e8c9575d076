-- "Nächste Frist" for new cases (issue 14 item 5). A submitted case waiting for its completeness
-- check had no running deadline, so the inbox showed "–". Now, while a case is SUBMITTED or
-- IN_REVIEW and nothing else runs, "nextDeadlineAt" is the completeness-check deadline of the Land
-- profile where the Land sets one, otherwise the authority's processing target for the check:
-- 14 calendar days from the submission, or from the latest Nachreichung (answered request).
-- The Land profiles in force (MBO model, M-V) set no completeness-check deadline
-- (completenessCheckDays null in app/domain/land-profiles.ts), so the processing target applies;
-- app/models/next-deadline.server.test.ts checks this function against the profiles.
CREATE OR REPLACE FUNCTION public.bauantrag_review_target_days(profile text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE profile
    WHEN 'MBO' THEN 14 -- completenessCheckDays null: processing target
    WHEN 'MV' THEN 14  -- completenessCheckDays null (LBauO M-V sets none): processing target
    ELSE 14
  END
$$;

-- Fills the target in whatever writes the row (submission, XBau intake, demo seed, the deadline
-- refresh that finds nothing else running), so no path can forget it.
CREATE OR REPLACE FUNCTION public.bauantrag_review_target() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW."status" IN ('SUBMITTED'::"ApplicationStatus", 'IN_REVIEW'::"ApplicationStatus")
     AND NEW."nextDeadlineAt" IS NULL AND NEW."submittedAt" IS NOT NULL THEN
    NEW."nextDeadlineAt" :=
      GREATEST(NEW."submittedAt",
               COALESCE((SELECT max(r."answeredAt") FROM "Request" r WHERE r."applicationId" = NEW."id"),
                        NEW."submittedAt"))
      + make_interval(days => public.bauantrag_review_target_days(
          (SELECT au."landProfile" FROM "Authority" au WHERE au."id" = NEW."authorityId")));
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Application_review_target"
  BEFORE INSERT OR UPDATE ON "Application"
  FOR EACH ROW EXECUTE FUNCTION public.bauantrag_review_target();

-- Cases already waiting for their check.
UPDATE "Application" SET "nextDeadlineAt" = NULL
 WHERE "status" IN ('SUBMITTED'::"ApplicationStatus", 'IN_REVIEW'::"ApplicationStatus")
   AND "nextDeadlineAt" IS NULL AND "submittedAt" IS NOT NULL;
