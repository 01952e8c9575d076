import type { ActionFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { acknowledgeMessage } from "~/api/messages.server";
import { apiError, apiJson, NOT_FOUND_DETAIL } from "~/api/problem.server";

/** POST /api/v1/messages/{id}/ack — marks a message received by this client; idempotent (scope messages:read). */
export const action = apiRoute("messages:read", async ({ request, params }: ActionFunctionArgs, caller) => {
  if (request.method !== "POST")
    throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
  const message = await acknowledgeMessage(caller, params.id ?? "");
  if (!message) throw apiError(404, NOT_FOUND_DETAIL);
  return apiJson(message);
});

export const loader = apiRoute("messages:read", async () => {
  throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
});
