import type { LoaderFunctionArgs } from "@remix-run/node";
import { listGeneratedDocuments } from "~/models/generated-document.server";
import { requireUser } from "~/utils/auth.server";

/**
 * Resource route for "documents that become ready appear without a manual reload" (issue 14 item 5):
 * the ids of the generated documents (receipt, XBau messages, Bescheid, stamped plans) the signed-in
 * person may read for this application — scoped in the query by membership (applicant side) or
 * authority (listGeneratedDocuments). The case page polls it (same origin, allowed by the CSP's
 * connect-src 'self') and reloads its data only when an id it does not know appears.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const docs = await listGeneratedDocuments(user, params.id ?? "");
  return Response.json(
    { ids: docs.map((d) => d.id) },
    { headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } },
  );
}
