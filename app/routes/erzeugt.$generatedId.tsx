import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { openGeneratedDocumentForDownload } from "~/models/generated-document.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { contentDisposition } from "../../storage/index";

/**
 * Download of a file the system generated (Eingangsbestätigung PDF, XBau 0200 XML, ...). Always
 * an attachment with nosniff and a sandboxing CSP, like uploaded files. Applicant-side members of
 * the application and clerks of its authority only; everyone else gets 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openGeneratedDocumentForDownload(user, params.generatedId ?? "");
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
      ETag: `"${file.sha256}"`,
    },
  });
}
