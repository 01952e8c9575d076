import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { openMessageContent } from "~/api/messages.server";
import { apiError, NOT_FOUND_DETAIL } from "~/api/problem.server";
import { attachmentResponse } from "~/utils/attachment-response.server";

/** GET /api/v1/messages/{id}/content — the message XML, streamed (scope messages:read). */
export const loader = apiRoute("messages:read", async ({ request, params }: LoaderFunctionArgs, caller) => {
  const file = await openMessageContent(caller.authorityId, params.id ?? "");
  if (!file) throw apiError(404, NOT_FOUND_DETAIL);
  return attachmentResponse(request, file);
});
