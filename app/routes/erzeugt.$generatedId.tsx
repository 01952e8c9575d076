import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordBescheidRetrieval } from "~/models/bekanntgabe.server";
import { openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * Download of a file the system generated (Eingangsbestätigung PDF, XBau messages, ...), as an
 * attachment like uploaded files (attachmentResponse), with its SHA-256 as ETag. Who may read it:
 * readableGeneratedWhere; everyone else gets 404. The first download of a Bescheid by an
 * applicant-side member is recorded as its retrieval (app/models/bekanntgabe.server.ts).
 */
async function handleLoader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openGeneratedDocumentForDownload(user, params.generatedId ?? "");
  if (!file) notFound("Diese Datei gibt es nicht oder Sie dürfen sie nicht herunterladen.");
  // A Bescheid retrieved by a member of the applicant side: the first retrieval is the Bekanntgabe
  // (§ 41 Abs. 2a VwVfG). Recorded before the file goes out, so no delivered Bescheid goes unrecorded.
  if (request.method === "GET") {
    try {
      await recordBescheidRetrieval(user, params.generatedId ?? "");
    } catch (err) {
      file.stream.destroy();
      throw err;
    }
  }
  return attachmentResponse(request, file);
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const loader = resourceRoute(handleLoader);
