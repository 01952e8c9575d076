import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { getCaseDetail } from "~/api/cases.server";
import { apiError, apiJson, NOT_FOUND_DETAIL } from "~/api/problem.server";

/** GET /api/v1/cases/{id} — one case of the authority with parties, plot, files (scope cases:read). */
export const loader = apiRoute("cases:read", async ({ params }: LoaderFunctionArgs, caller) => {
  const detail = await getCaseDetail(caller.authorityId, params.id ?? "");
  if (!detail) throw apiError(404, NOT_FOUND_DETAIL);
  return apiJson(detail);
});
