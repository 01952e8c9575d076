import type { ActionFunctionArgs } from "@remix-run/node";
import { handleUploadRequest } from "~/models/document.server";
import { requirePermission } from "~/utils/permissions.server";
import { crossSiteViolation } from "~/utils/request-limits.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * JSON endpoint for the upload component's XMLHttpRequest (progress bar). Same pipeline as the
 * Unterlagen page's no-JavaScript form: the file part streams into uploadDocumentVersion.
 */
/** Wrapped: a 403 from requirePermission answers German JSON ("Keine Berechtigung"), not a Remix error. */
export const action = resourceRoute(async ({ request, params }: ActionFunctionArgs) => {
  // The request-limits middleware refuses a cross-site Origin for every action already; this
  // endpoint checks again itself because it writes files and answers JSON to scripts.
  const crossSite = crossSiteViolation(request);
  if (crossSite) return json({ ok: false, message: crossSite.message }, crossSite.status);
  const user = await requirePermission(request, "upload:document:own");
  const result = await handleUploadRequest(request, user, params.id ?? "");
  const { status, ...body } = result;
  return json(body, status);
});

function json(body: object, status: number) {
  return Response.json(body, {
    status,
    headers: { "Cache-Control": "no-store", ...(status === 413 ? { Connection: "close" } : {}) },
  });
}

export function loader() {
  return new Response("Nur POST", { status: 405, headers: { Allow: "POST" } });
}
