import { receivedPhrase } from "~/components/paper-intake/intake-channel";
import {
  type Address,
  type ApplicationData,
  applicationDataSchema,
  bauherrDisplayName,
  LAND_NAMES,
  MEASURE_TYPE_LABELS,
  PROCEDURE_TYPES,
  type ProcedureType,
} from "~/domain/application-data";
import { documentTypeLabel } from "~/domain/document-types";
import { procedureTypeLabel, resolveProfile } from "~/domain/land-profiles";
import { TERMS } from "~/domain/wording";
import { env } from "~/utils/env.server";
import {
  RECEIPT_RENDERER_VERSION,
  type ReceiptData,
  type ReceiptOpenItem,
  renderReceipt,
} from "../pdf/receipt";
import type { Processor } from "../types";
import {
  findGenerated,
  type GeneratedDeps,
  loadSubmittedApplication,
  type SubmittedApplication,
  storageOf,
  storeGenerated,
} from "./generated";

/** GeneratedDocument.sourceKey of an application's receipt: one receipt per application. */
export function receiptSourceKey(applicationId: string): string {
  return `receipt__${applicationId}`;
}

export function formatAddress(a: Address | undefined): string | null {
  if (!a) return null;
  const street = [a.street, a.houseNumber].filter(Boolean).join(" ");
  const city = [a.postalCode, a.city].filter(Boolean).join(" ");
  const out = [street, city].filter(Boolean).join(", ");
  return out || null;
}

/** The snapshot's form data; fields that do not parse any more are dropped, never invented. */
function snapshotData(raw: unknown): ApplicationData {
  const parsed = applicationDataSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : ((raw ?? {}) as ApplicationData);
}

export function caseUrl(applicationId: string, appUrl = env().APP_URL): string {
  return `${appUrl.replace(/\/+$/, "")}/antraege/${applicationId}`;
}

/** Maps a submitted application (snapshot + authority) to the renderer's input. Pure. */
export function receiptDataFromApplication(app: SubmittedApplication, appUrl?: string): ReceiptData {
  const s = app.parsedSnapshot;
  const data = snapshotData(s.data);
  const profile = resolveProfile(app.authority.landProfile);
  const procedureLabel = (PROCEDURE_TYPES as readonly string[]).includes(s.procedureType)
    ? procedureTypeLabel(profile, s.procedureType as ProcedureType)
    : s.procedureType;

  const b = data.bauherr;
  const e = data.entwurfsverfasser;
  const documents = s.documents
    .filter((d) => d.versionId && d.filename && d.sha256)
    .map((d) => ({
      typeCode: d.typeCode,
      typeLabel: documentTypeLabel(d.typeCode),
      title: d.title,
      filename: d.filename as string,
      versionNumber: d.versionNumber ?? 1,
      sizeBytes: d.sizeBytes ?? 0,
      sha256: d.sha256 as string,
    }));

  const openItems: ReceiptOpenItem[] = s.documents
    .filter((d) => d.toBeSubmittedLater && !d.versionId)
    .map((d) => ({ typeCode: d.typeCode, typeLabel: documentTypeLabel(d.typeCode), title: d.title }));
  // Open items of the completeness check that no "wird nachgereicht" document covers.
  const covered = new Set(openItems.map((o) => o.typeCode));
  for (const item of s.openItems ?? []) {
    const codes = item.documentTypeCodes ?? [];
    if (codes.length > 0 && codes.some((c) => covered.has(c))) continue;
    openItems.push({
      typeCode: codes.length === 1 ? (codes[0] as string) : "",
      typeLabel: item.message,
      title: "",
    });
  }

  // The submitter's role only where the form agrees: a member account in the Entwurfsverfasser
  // role is not named Entwurfsverfasser:in when the form names another person (their office staff).
  const submitter = s.submittedBy?.displayName?.trim();
  const role = s.submittedBy?.role;
  const sameName = (a: string | undefined) => !!a && a.trim().toLowerCase() === submitter?.toLowerCase();
  const roleAgrees =
    role === "ENTWURFSVERFASSER"
      ? !e?.name || sameName(e.name)
      : role === "BAUHERR"
        ? !b || sameName(bauherrDisplayName(b))
        : !!role;
  const submittedBy = submitter ? `${submitter}${role && roleAgrees ? ` (${roleLabel(role)})` : ""}` : null;

  return {
    authority: {
      name: app.authority.name,
      addressLine: app.authority.addressLine,
      email: app.authority.email,
    },
    fileNumber: s.fileNumber,
    applicationId: app.id,
    projectTitle: s.title || data.project?.description?.slice(0, 200) || "Bauvorhaben",
    measure: data.project?.measureType ? MEASURE_TYPE_LABELS[data.project.measureType] : null,
    receivedAt: new Date(s.submittedAt),
    procedureLabel,
    bauherr: {
      name: bauherrDisplayName(b) || "nicht angegeben",
      details: [formatAddress(b?.address), b?.email].filter((x): x is string => Boolean(x)),
    },
    entwurfsverfasser:
      e && (e.name || e.chamberNumber)
        ? {
            name: e.name ?? "nicht angegeben",
            details: [
              e.chamberNumber
                ? `Kammer-Nr. ${e.chamberNumber}${e.chamberLand ? ` (${LAND_NAMES[e.chamberLand]})` : ""}`
                : null,
              formatAddress(e.address),
              e.email,
            ].filter((x): x is string => Boolean(x)),
          }
        : null,
    plot: {
      address: formatAddress(data.plot?.address),
      municipality: s.municipality?.name ?? null,
      parcels: data.plot?.parcels ?? [],
    },
    documents,
    openItems,
    // A clerk who registered a paper application did not submit it: the receipt names the Eingangsart.
    submittedBy: app.intakeChannel ? null : submittedBy,
    receivedHow: app.intakeChannel ? receivedPhrase(app.intakeChannel) : null,
    caseUrl: caseUrl(app.id, appUrl),
  };
}

const MEMBER_ROLE_LABELS: Record<string, string> = {
  BAUHERR: TERMS.bauherr,
  ENTWURFSVERFASSER: TERMS.entwurfsverfasser,
  BEVOLLMAECHTIGTER: TERMS.representative,
};
function roleLabel(role: string): string {
  return MEMBER_ROLE_LABELS[role] ?? role;
}

/** Filename of the receipt as offered for download. */
export function receiptFilename(fileNumber: string): string {
  return `Eingangsbestätigung_${fileNumber.replace(/[^\p{L}\d._-]+/gu, "-")}.pdf`;
}

/**
 * `documents.render-receipt`: renders the Eingangsbestätigung of a submitted application from its
 * snapshot, stores it and records GeneratedDocument kind RECEIPT + event "receipt.rendered".
 */
export function createRenderReceipt(deps: GeneratedDeps = {}): Processor<"documents.render-receipt"> {
  return async ({ applicationId }, _job, { db, log }) => {
    const sourceKey = receiptSourceKey(applicationId);
    const existing = await findGenerated(db, sourceKey);
    if (existing) {
      log.info({ generatedDocumentId: existing.id }, "receipt already rendered");
      return { created: false, generatedDocumentId: existing.id };
    }
    const app = await loadSubmittedApplication(db, applicationId);
    const data = receiptDataFromApplication(app);
    const bytes = await renderReceipt(data);
    const stored = await storeGenerated({
      db,
      storage: storageOf(deps),
      log,
      app,
      kind: "RECEIPT",
      keyKind: "receipt",
      keyId: "eingangsbestaetigung",
      ext: "pdf",
      sourceKey,
      title: `Eingangsbestätigung ${data.fileNumber}`,
      filename: receiptFilename(data.fileNumber),
      mimeType: "application/pdf",
      bytes,
      eventType: "receipt.rendered",
      eventPayload: { rendererVersion: RECEIPT_RENDERER_VERSION },
    });
    return {
      created: stored.created,
      generatedDocumentId: stored.generatedDocumentId,
      sha256: stored.sha256,
    };
  };
}

export const renderReceiptProcessor = createRenderReceipt();
