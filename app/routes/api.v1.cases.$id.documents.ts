import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { getCaseDocuments } from "~/api/cases.server";
import { apiError, apiJson, NOT_FOUND_DETAIL } from "~/api/problem.server";

/** GET /api/v1/cases/{id}/documents — documents with versions and generated files (scope documents:read). */
export const loader = apiRoute("documents:read", async ({ params }: LoaderFunctionArgs, caller) => {
  const documents = await getCaseDocuments(caller.authorityId, params.id ?? "");
  if (!documents) throw apiError(404, NOT_FOUND_DETAIL);
  return apiJson(documents);
});
