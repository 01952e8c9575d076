import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { openDocumentVersionForDownload } from "~/models/document.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { contentDisposition } from "../../storage/index";

/**
 * Download of an uploaded document version. Always an attachment, never rendered inline:
 * uploaded bytes are untrusted, so the browser must neither sniff nor run anything
 * (nosniff, CSP sandbox). Members of the application, clerks of its authority, and agencies for
 * the versions shared with their open participation (openDocumentVersionForDownload).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openDocumentVersionForDownload(user, params.versionId ?? "");
  if (!file) notFound("Diese Datei gibt es nicht oder Sie dürfen sie nicht herunterladen.");
  request.signal.addEventListener("abort", () => file.stream.destroy(), { once: true });
  return new Response(createReadableStreamFromReadable(file.stream), {
    status: 200,
    headers: {
      "Content-Type": file.mimeType,
      "Content-Length": String(file.sizeBytes),
      "Content-Disposition": contentDisposition(file.filename),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
  });
}
