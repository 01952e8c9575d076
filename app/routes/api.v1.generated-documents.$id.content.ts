import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { openGeneratedContent } from "~/api/cases.server";
import { apiError, NOT_FOUND_DETAIL } from "~/api/problem.server";
import { attachmentResponse } from "~/utils/attachment-response.server";

/** GET /api/v1/generated-documents/{id}/content — a generated file, streamed (scope documents:read). */
export const loader = apiRoute("documents:read", async ({ request, params }: LoaderFunctionArgs, caller) => {
  const file = await openGeneratedContent(caller.authorityId, params.id ?? "");
  if (!file) throw apiError(404, NOT_FOUND_DETAIL);
  return attachmentResponse(request, file);
});
