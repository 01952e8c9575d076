import type { ActionFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { readJsonBody } from "~/api/body.server";
import { apiError, apiJson } from "~/api/problem.server";
import { applyStatusCommand, parseStatusCommand } from "~/api/status.server";

/** POST /api/v1/cases/{id}/status — a lifecycle command of the authority (scope status:write). */
export const action = apiRoute("status:write", async ({ request, params }: ActionFunctionArgs, caller) => {
  if (request.method !== "POST")
    throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
  const command = parseStatusCommand(await readJsonBody(request));
  return apiJson(await applyStatusCommand(caller, params.id ?? "", command));
});

/** A GET on a command has nothing to show. */
export const loader = apiRoute("status:write", async () => {
  throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
});
