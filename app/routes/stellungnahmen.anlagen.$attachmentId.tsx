import type { LoaderFunctionArgs } from "@remix-run/node";
import { openStatementAttachmentForDownload } from "~/models/statement.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * Download of an attachment of an agency's statement: the agency that gave it and the clerks of
 * the case's authority (openStatementAttachmentForDownload). Untrusted bytes: the shared attachment
 * response (streamed, always an attachment, never sniffed or run), as for every other download.
 */
async function handleLoader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openStatementAttachmentForDownload(user, params.attachmentId ?? "");
  if (!file) notFound("Diese Anlage gibt es nicht oder Sie dürfen sie nicht herunterladen.");
  return attachmentResponse(request, file);
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const loader = resourceRoute(handleLoader);
