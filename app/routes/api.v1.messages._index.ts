import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { listMessages, parseMessageListQuery } from "~/api/messages.server";
import { apiJson } from "~/api/problem.server";

/** GET /api/v1/messages — the authority's XBau message box, cursor-paged (scope messages:read). */
export const loader = apiRoute("messages:read", async ({ request }: LoaderFunctionArgs, caller) => {
  return apiJson(await listMessages(caller, parseMessageListQuery(new URL(request.url))));
});
