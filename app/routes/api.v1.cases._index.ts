import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { listCases, parseCaseListQuery } from "~/api/cases.server";
import { apiJson } from "~/api/problem.server";

/** GET /api/v1/cases — the authority's cases, filtered, cursor-paged (scope cases:read). */
export const loader = apiRoute("cases:read", async ({ request }: LoaderFunctionArgs, caller) => {
  const query = parseCaseListQuery(new URL(request.url));
  return apiJson(await listCases(caller.authorityId, query));
});
