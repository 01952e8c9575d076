import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { canExportAkte, openAkteExportForDownload, requestAkteExport } from "~/models/akte-export.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { requireUser } from "~/utils/auth.server";
import { forbidden, notFound } from "~/utils/permissions.server";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * Akte export of a case (issue 16 item 4), for the clerks and the admin of its authority:
 * POST asks for a new export (queued for the worker, app/models/akte-export.server.ts) and returns
 * to the case page; GET ?datei=<id> downloads one export. Another authority's case, an applicant
 * or an agency get 403/404 and nothing else.
 */

const NOT_FOUND = "Diesen Fall oder diesen Export gibt es in Ihrer Behörde nicht.";

async function handleAction({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canExportAkte(user))
    forbidden("Nur die Sachbearbeitung oder Administration der Behörde darf die Akte exportieren.");
  const id = params.id ?? "";
  const result = await requestAkteExport(user, id);
  if (!result.ok) {
    if (result.status === 403) forbidden(result.message);
    notFound(result.message);
  }
  return redirect(`/behoerde/faelle/${id}?akte=${result.queued ? "angefordert" : "unveraendert"}#akte`);
}

async function handleLoader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canExportAkte(user)) forbidden();
  const id = params.id ?? "";
  const fileId = new URL(request.url).searchParams.get("datei");
  if (!fileId) return redirect(`/behoerde/faelle/${id}#akte`);
  const file = await openAkteExportForDownload(user, id, fileId);
  if (!file) notFound(NOT_FOUND);
  return attachmentResponse(request, file);
}

export const action = resourceRoute(handleAction);
export const loader = resourceRoute(handleLoader);
