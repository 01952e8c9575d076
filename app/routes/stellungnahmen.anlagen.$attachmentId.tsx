import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { openStatementAttachmentForDownload } from "~/models/statement.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";
import { contentDisposition } from "../../storage/index";

/**
 * Download of an attachment of an agency's statement: the agency that gave it and the clerks of
 * the case's authority (openStatementAttachmentForDownload). Untrusted bytes: always an attachment,
 * never sniffed or run (same headers as the document download).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await openStatementAttachmentForDownload(user, params.attachmentId ?? "");
  if (!file) notFound("Diese Anlage gibt es nicht oder Sie dürfen sie nicht herunterladen.");
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
