import { UnrecoverableError } from "bullmq";
import {
  type ApplicationData,
  applicationDataSchema,
  type Land,
  PROCEDURE_TYPES,
  type ProcedureType,
} from "~/domain/application-data";
import { procedureTypeEntry, resolveProfile } from "~/domain/land-profiles";
import {
  type Antrag0200Input,
  buildAntrag0200Xml,
  derivedUuid,
  type XbauAuthority,
} from "~/xbau/baugenehmigung-antrag-0200.server";
import { landFromAgs } from "~/xbau/codes";
import { portalIdentity } from "~/xbau/identity.server";
import type { Processor } from "../types";
import {
  findGenerated,
  type GeneratedDeps,
  loadSubmittedApplication,
  type SubmittedApplication,
  storageOf,
} from "./generated";
import { caseUrl } from "./render-receipt";
import { exportXbauMessage, xbauIdentityById } from "./xbau-export";

export const XBAU_0200_ENTRY = "xbau-nachrichten-baugenehmigung.xsd" as const;

export function xbauSourceKey(applicationId: string): string {
  return `xbau-0200__${applicationId}`;
}

/** Builds the 0200 input from a submitted application. Pure; throws UnrecoverableError when it cannot. */
export function antrag0200InputFromApplication(
  app: SubmittedApplication,
  parties: { sender: XbauAuthority; authority: XbauAuthority },
  appUrl?: string,
): Antrag0200Input {
  const s = app.parsedSnapshot;
  const parsed = applicationDataSchema.safeParse(s.data ?? {});
  const data: ApplicationData = parsed.success ? parsed.data : ((s.data ?? {}) as ApplicationData);
  const profile = resolveProfile(app.authority.landProfile);
  if (!(PROCEDURE_TYPES as readonly string[]).includes(s.procedureType)) {
    throw new UnrecoverableError(`Unbekannte Verfahrensart ${s.procedureType}`);
  }
  const entry = procedureTypeEntry(profile, s.procedureType as ProcedureType);
  const land: Land | undefined =
    landFromAgs(data.plot?.municipalityAgs) ?? profile.land ?? landFromAgs(app.authority.ags ?? undefined);
  if (!land) {
    throw new UnrecoverableError(
      "Bundesland des Baugrundstücks unbekannt (kein Gemeindeschlüssel, Land-Profil ohne Land)",
    );
  }
  const submittedAt = new Date(s.submittedAt);
  const link = caseUrl(app.id, appUrl);
  return {
    // Same application, same message id: a re-export is recognisably the same message.
    messageId: derivedUuid(`xbau-0200:${app.id}`),
    createdAt: submittedAt,
    sender: parties.sender,
    authority: parties.authority,
    applicationId: app.id,
    land,
    fileNumber: s.fileNumber,
    submittedAt,
    title: s.title || null,
    procedure: {
      code: entry.code,
      listUri: profile.procedureTypes.listURI,
      listVersionId: profile.procedureTypes.listVersionID,
      name: entry.label,
    },
    data,
    documents: s.documents.map((d) => ({
      documentId: d.documentId,
      title: d.title,
      typeCode: d.typeCode,
      versionNumber: d.versionNumber ?? 1,
      date: submittedAt,
      mimeType: d.mimeType ?? "application/pdf",
      toBeSubmittedLater: !d.versionId,
      file:
        d.versionId && d.filename && d.sha256
          ? { versionId: d.versionId, filename: d.filename, sizeBytes: d.sizeBytes ?? 0, sha256: d.sha256 }
          : undefined,
      url: d.versionId ? undefined : link,
    })),
  };
}

/**
 * `xbau.export-application`: the XBau 2.6 `baugenehmigung.antrag.0200` message of a submitted
 * application, validated against the shipped XSDs and stored as GeneratedDocument kind XBAU_0200
 * (event "xbau.exported"). An input the builder rejects or an invalid message is a permanent
 * failure: retrying cannot fix it, the log carries the reasons.
 */
export function createExportXbau(deps: GeneratedDeps = {}): Processor<"xbau.export-application"> {
  return async ({ applicationId }, _job, { db, log }) => {
    const sourceKey = xbauSourceKey(applicationId);
    const existing = await findGenerated(db, sourceKey);
    if (existing) {
      log.info({ generatedDocumentId: existing.id }, "XBau 0200 already exported");
      return { created: false, generatedDocumentId: existing.id };
    }
    const app = await loadSubmittedApplication(db, applicationId);
    const fileNumber = app.parsedSnapshot.fileNumber;
    const stored = await exportXbauMessage({
      db,
      storage: storageOf(deps),
      log,
      app,
      element: "baugenehmigung.antrag.0200",
      build: async () =>
        buildAntrag0200Xml(
          antrag0200InputFromApplication(app, {
            sender: portalIdentity(),
            authority: await xbauIdentityById(db, app.authority.id),
          }),
        ),
      keyId: "baugenehmigung-antrag-0200",
      sourceKey,
      title: `XBau-Nachricht baugenehmigung.antrag.0200 (${fileNumber})`,
      filename: `XBau_0200_${fileNumber.replace(/[^A-Za-z0-9._-]+/g, "-")}.xml`,
    });
    return {
      created: stored.created,
      generatedDocumentId: stored.generatedDocumentId,
      sha256: stored.sha256,
    };
  };
}

export const exportXbauProcessor = createExportXbau();
