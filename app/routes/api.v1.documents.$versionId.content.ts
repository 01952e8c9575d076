import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { openVersionContent } from "~/api/cases.server";
import { apiError } from "~/api/problem.server";
import { attachmentResponse } from "~/utils/attachment-response.server";

/** GET /api/v1/documents/{versionId}/content — an accepted version's bytes, streamed (scope documents:read). */
export const loader = apiRoute("documents:read", async ({ request, params }: LoaderFunctionArgs, caller) => {
  const file = await openVersionContent(caller.authorityId, params.versionId ?? "");
  if (!file) {
    throw apiError(
      404,
      "Diese Dateiversion gibt es nicht, sie gehört nicht zu Ihrer Behörde oder sie hat die Dateiprüfung (noch) nicht bestanden.",
    );
  }
  return attachmentResponse(request, file);
});
