-- The processing target for the completeness check becomes a setting of each authority (issue 14
-- item 5): "reviewTargetDays", 1..90 calendar days, default 14, set by the authority's admin on
-- /verwaltung. Where the Land profile sets a completeness-check deadline, that deadline still takes
-- precedence; the Land profiles in force (MBO model, M-V) set none (completenessCheckDays null in
-- app/domain/land-profiles.ts), so the authority's target applies.

ALTER TABLE "Authority" ADD COLUMN "reviewTargetDays" INTEGER NOT NULL DEFAULT 14;
ALTER TABLE "Authority" ADD CONSTRAINT "Authority_reviewTargetDays_range"
  CHECK ("reviewTargetDays" BETWEEN 1 AND 90);

-- The Land profile's completeness-check deadline in days, NULL where the Land sets none.
-- app/models/review-target.server.test.ts checks this function against app/domain/land-profiles.ts.
CREATE OR REPLACE FUNCTION public.bauantrag_completeness_check_days(profile text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE profile
    WHEN 'MBO' THEN NULL -- completenessCheckDays null
    WHEN 'MV' THEN NULL  -- completenessCheckDays null (LBauO M-V sets none)
    ELSE NULL
  END::integer
$$;

-- Days from the submission (or the latest Nachreichung) to the "Nächste Frist" of a case waiting
-- for its completeness check: the Land's deadline where set, otherwise the authority's target.
CREATE OR REPLACE FUNCTION public.bauantrag_review_target_days(profile text, target_days integer)
  RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT COALESCE(public.bauantrag_completeness_check_days(profile), target_days, 14)
$$;

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
      + make_interval(days => (
          SELECT public.bauantrag_review_target_days(au."landProfile", au."reviewTargetDays")
            FROM "Authority" au WHERE au."id" = NEW."authorityId"));
  END IF;
  RETURN NEW;
END
$$;

-- The one-argument form (fixed 14 days) is replaced by the two-argument form above.
DROP FUNCTION IF EXISTS public.bauantrag_review_target_days(text);
