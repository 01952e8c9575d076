import type { LoaderFunctionArgs } from "@remix-run/node";
import { openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * Download of a file the system generated (Eingangsbestätigung PDF, XBau messages, ...), as an
 * attachment like uploaded files (attachmentResponse), with its SHA-256 as ETag. Who may read it:
 * readableGeneratedWhere; everyone else gets 404.
 */
async function handleLoader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openGeneratedDocumentForDownload(user, params.generatedId ?? "");
  if (!file) notFound("Diese Datei gibt es nicht oder Sie dürfen sie nicht herunterladen.");
  return attachmentResponse(request, file);
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const loader = resourceRoute(handleLoader);
