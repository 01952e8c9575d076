import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { toCompletenessBase } from "~/components/completeness-panel";
import { carriedFields, isConfirmed } from "~/components/confirm-action";
import { evaluateCompleteness } from "~/domain/completeness";
import {
  deleteDraftDocumentVersion,
  handleUploadRequest,
  setToBeSubmittedLater,
} from "~/models/document.server";
import { completenessInputFor, getDraftForMember } from "~/models/draft.server";
import { env } from "~/utils/env.server";
import { notFound, requirePermission } from "~/utils/permissions.server";

/**
 * Loader and action of a draft's documents page (/antraege/:id/unterlagen): the documents the
 * application needs, with their versions; uploads (streamed multipart), "wird nachgereicht" and
 * removing a version after a confirmation page. Every query is the member's, through the models.
 */

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

interface RequiredItem {
  ruleId: string;
  codes: string[];
  required: boolean;
  message: string;
  legalBasis: string;
}

export async function loadDocumentsPage({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) notFound(NOT_FOUND);

  const input = completenessInputFor(view);
  // Every document rule that applies to this application (evaluated as if nothing were uploaded),
  // so uploaded ones stay listed with their versions.
  const applicable = evaluateCompleteness({ ...input, documents: [] }).findings.filter(
    (f) => f.kind === "document",
  );
  const items: RequiredItem[] = applicable.map((f) => ({
    ruleId: f.ruleId,
    codes: [...(f.documentTypeCodes ?? [])],
    required: f.severity === "missing-document",
    message: f.message,
    legalBasis: f.legalBasis,
  }));
  const listed = new Set(items.flatMap((i) => i.codes));
  const url = new URL(request.url);
  return {
    id: view.id,
    title: view.title,
    status: view.status,
    editable: view.editable,
    documents: view.documents,
    items,
    otherDocuments: view.documents.filter(
      (d) => !listed.has(d.typeCode) && (d.versions.length > 0 || d.toBeSubmittedLater),
    ),
    completeness: toCompletenessBase(input),
    maxBytes: env().UPLOAD_MAX_BYTES,
    uploaded: url.searchParams.get("hochgeladen"),
    removed: url.searchParams.get("entfernt"),
  };
}

export type DocumentsActionResult =
  | { typeCode: string | null; form: "upload" | "later" | "delete"; message: string }
  | {
      typeCode: string;
      form: "delete-confirm";
      message: string;
      fields: [string, string][];
      filename: string;
      versionNumber: string;
    };

export async function documentsPageAction({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "upload:document:own");
  const id = params.id ?? "";
  const contentType = request.headers.get("content-type") ?? "";

  if (contentType.startsWith("multipart/form-data")) {
    const result = await handleUploadRequest(request, user, id);
    if (result.status === 404) notFound(NOT_FOUND);
    if (result.ok) {
      // Post/redirect/get: a reload does not upload the file again.
      return redirect(
        `/antraege/${id}/unterlagen?hochgeladen=${encodeURIComponent(result.typeCode)}#dokument-${result.typeCode}`,
      );
    }
    return data<DocumentsActionResult>(
      { typeCode: result.typeCode, form: "upload", message: result.message },
      { status: result.status, headers: result.status === 413 ? { Connection: "close" } : undefined },
    );
  }

  const form = await request.formData();
  const typeCode = String(form.get("typeCode") ?? "");
  const intent = form.get("intent");
  if (intent === "delete-version") {
    // Irreversible: a confirmation page first (issue 14 item 6); only drafts, never once submitted.
    if (!isConfirmed(form)) {
      return data<DocumentsActionResult>({
        typeCode,
        form: "delete-confirm",
        message: "",
        fields: carriedFields(form),
        filename: String(form.get("filename") ?? ""),
        versionNumber: String(form.get("versionNumber") ?? ""),
      });
    }
    const removed = await deleteDraftDocumentVersion(user, id, String(form.get("versionId") ?? ""));
    if (!removed.ok) {
      return data<DocumentsActionResult>(
        { typeCode, form: "delete", message: removed.message },
        { status: 400 },
      );
    }
    return redirect(
      `/antraege/${id}/unterlagen?entfernt=${encodeURIComponent(removed.filename)}#dokument-${typeCode}`,
    );
  }
  if (intent !== "later" && intent !== "not-later") {
    return data<DocumentsActionResult>(
      { typeCode, form: "later", message: "Unbekannte Aktion." },
      { status: 400 },
    );
  }
  const result = await setToBeSubmittedLater(user, id, typeCode, intent === "later");
  if (!result.ok) {
    return data<DocumentsActionResult>({ typeCode, form: "later", message: result.message }, { status: 400 });
  }
  return redirect(`/antraege/${id}/unterlagen#dokument-${typeCode}`);
}
