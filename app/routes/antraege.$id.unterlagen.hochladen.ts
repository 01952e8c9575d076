import type { ActionFunctionArgs } from "@remix-run/node";
import { handleUploadRequest } from "~/models/document.server";
import { requirePermission } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * JSON endpoint for the upload component's XMLHttpRequest (progress bar). Same pipeline as the
 * Unterlagen page's no-JavaScript form: the file part streams into uploadDocumentVersion.
 */
async function handleAction({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "upload:document:own");
  const result = await handleUploadRequest(request, user, params.id ?? "");
  const { status, ...body } = result;
  return Response.json(body, {
    status,
    headers: { "Cache-Control": "no-store", ...(status === 413 ? { Connection: "close" } : {}) },
  });
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const action = resourceRoute(handleAction);

export function loader() {
  return new Response("Nur POST", { status: 405, headers: { Allow: "POST" } });
}
