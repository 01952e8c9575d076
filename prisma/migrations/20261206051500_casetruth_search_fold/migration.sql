-- Forgiving inbox search (issue 14 item 8): one folding function applied to both the stored
-- "searchText" and every search word, and a trigram index on the folded text.
--
-- bauantrag_search_fold(text):
--   lower-case; German umlauts and ß spelt out (ä = ae, ö = oe, ü = ue, ß = ss), other diacritics
--   removed (unaccent: é = e, ł = l); "Str." / "Str" = "strasse", "Pl." = "platz";
--   numbers lose leading zeros and "/" between digits reads as "-" (Aktenzeichen
--   "63-2026-00042" = "2026-42" = "2026/42"; Flurstück "17/4" = "17-4").
-- The same function folds the stored text (index expression) and the search words (inbox.server.ts),
-- so both sides always agree. IMMUTABLE is safe: the unaccent dictionary is named explicitly.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE OR REPLACE FUNCTION public.bauantrag_search_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT regexp_replace(
           regexp_replace(
             regexp_replace(
               regexp_replace(
                 public.unaccent('public.unaccent'::regdictionary,
                   replace(replace(replace(replace(lower(input), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')),
                 'str(\.|\M)', 'strasse', 'g'),
               'pl\.', 'platz', 'g'),
             '(\d)\s*/\s*(?=\d)', '\1-', 'g'),
           '\m0+(\d)', '\1', 'g')
$$;

-- Cases whose search text was never written (the demo seed wrote none before this migration):
-- the same fields buildSearchText joins, so they are found by Aktenzeichen, title, names, address.
UPDATE "Application"
   SET "searchText" = lower(concat_ws(' | ',
         "fileNumber", "title",
         "data" #>> '{bauherr,firstName}', "data" #>> '{bauherr,lastName}', "data" #>> '{bauherr,companyName}',
         "data" #>> '{bauherr,address,street}', "data" #>> '{bauherr,address,houseNumber}',
         "data" #>> '{bauherr,address,postalCode}', "data" #>> '{bauherr,address,city}',
         "data" #>> '{entwurfsverfasser,name}',
         "data" #>> '{plot,address,street}', "data" #>> '{plot,address,houseNumber}',
         "data" #>> '{plot,address,postalCode}', "data" #>> '{plot,address,city}'))
 WHERE "searchText" = '' AND "status" <> 'DRAFT'::"ApplicationStatus";

-- The inbox filters on bauantrag_search_fold("searchText") LIKE '%…%' (one condition per word).
CREATE INDEX "Application_searchFold_trgm_idx" ON "Application"
  USING GIN (public.bauantrag_search_fold("searchText") gin_trgm_ops);
