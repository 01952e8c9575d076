import type { LoaderFunctionArgs } from "@remix-run/node";
import { openDocumentVersionForDownload } from "~/models/document.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * Download of an uploaded document version (as an attachment, see attachmentResponse). Members of
 * the application, clerks of its authority, and agencies for the versions shared with their open
 * participation (openDocumentVersionForDownload); everyone else gets 404.
 */
async function handleLoader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openDocumentVersionForDownload(user, params.versionId ?? "");
  if (!file) notFound("Diese Datei gibt es nicht oder Sie dürfen sie nicht herunterladen.");
  return attachmentResponse(request, file);
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const loader = resourceRoute(handleLoader);
