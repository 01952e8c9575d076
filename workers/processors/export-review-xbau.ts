import { UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { type ApplicationData, applicationDataSchema } from "~/domain/application-data";
import type { PrismaClient } from "~/generated/prisma/client";
import type { ChangeSet } from "~/models/request.server";
import type { ExportReviewPayload } from "~/utils/queue.server";
import {
  type AntragGeaendert0202Input,
  buildAntragGeaendert0202Xml,
} from "~/xbau/baugenehmigung-antrag-geaendert-0202.server";
import {
  buildFormellePruefung0201Xml,
  type FormellePruefung0201Input,
} from "~/xbau/baugenehmigung-formelle-pruefung-0201.server";
import { anlagenCodelist } from "~/xbau/codelists.server";
import { portalIdentity, xbauIdentityOf } from "~/xbau/identity.server";
import { derivedUuid, type MessageReference, type XbauAuthority } from "~/xbau/message.server";
import type { Processor } from "../types";
import { antrag0200InputFromApplication } from "./export-xbau";
import {
  findGenerated,
  type GeneratedDeps,
  loadSubmittedApplication,
  type SubmittedApplication,
  storageOf,
} from "./generated";
import { exportXbauMessage } from "./xbau-export";

/**
 * `xbau.export-review`: the XBau messages of the formal review, written through the outbox in the
 * same transaction as the state change they report:
 * - "0201-request": baugenehmigung.formellePruefung.0201 for a Nachforderung (befundliste + frist);
 * - "0201-complete": the same message for "vollständig" (spaetestesGenehmigungsdatum when the Land
 *   profile sets a decision deadline);
 * - "0202": baugenehmigung.antragGeaendert.0202 for a Nachreichung (changed data, new versions).
 * Each is XSD-validated before it is stored (GeneratedDocument, audience CASE) under a sourceKey
 * per request / per completion, so a job that runs twice stores one file. Message ids are derived
 * from the same keys and dates come from the recorded state change, so a re-run builds the same bytes.
 */

export type ReviewMessage = ExportReviewPayload["message"];

export function reviewSourceKey(p: ExportReviewPayload): string {
  switch (p.message) {
    case "0201-request":
      return `xbau-0201__request__${p.requestId}`;
    case "0201-complete":
      return `xbau-0201__complete__${p.applicationId}`;
    case "0202":
      return `xbau-0202__request__${p.requestId}`;
  }
}

/** The 0200 this case started with (every later message refers to it or to its successor). */
function antragReference(app: SubmittedApplication): MessageReference {
  return {
    applicationId: app.id,
    fileNumber: app.parsedSnapshot.fileNumber,
    message: {
      messageId: derivedUuid(`xbau-0200:${app.id}`),
      typeCode: "0200",
      createdAt: new Date(app.parsedSnapshot.submittedAt),
    },
  };
}

function request0201MessageId(requestId: string): string {
  return derivedUuid(`xbau-0201:request:${requestId}`);
}

/** The authority's configured XBau identity; throws XbauIdentityMissing (the message is skipped). */
function authorityOf(app: SubmittedApplication): XbauAuthority {
  return xbauIdentityOf(app.authority);
}

/** A message ready to build: its data is loaded, the pure builder runs in the shared export step. */
interface Built {
  build: () => string;
  element: string;
  keyId: string;
  title: string;
  filenamePrefix: string;
}

async function build0201ForRequest(db: PrismaClient, app: SubmittedApplication, requestId: string) {
  const request = await db.request.findFirst({
    where: { id: requestId, applicationId: app.id },
    select: {
      sentAt: true,
      deadline: true,
      message: true,
      bylawReference: true,
      items: {
        select: { category: true, message: true, documentTypeCode: true },
        orderBy: { position: "asc" },
      },
    },
  });
  if (!request) throw new UnrecoverableError(`Nachforderung ${requestId} gibt es zu diesem Antrag nicht`);
  const anlagen = anlagenCodelist();
  const input: Omit<FormellePruefung0201Input, "authority" | "recipient"> = {
    messageId: request0201MessageId(requestId),
    createdAt: request.sentAt,
    reference: antragReference(app),
    complete: false,
    findings: request.items.map((i) => ({
      category: i.category,
      message: i.message,
      // Only codes XBau knows go into betroffeneAnlage; the text names the document anyway.
      documentTypeCode:
        i.documentTypeCode && anlagen.entries.has(i.documentTypeCode) ? i.documentTypeCode : null,
    })),
    deadline: request.deadline,
    // The letter as the applicant side sees it; the internal note is never part of a message.
    coverLetter: [request.message, request.bylawReference ? `Grundlage: ${request.bylawReference}` : ""]
      .filter((s) => s.trim() !== "")
      .join("\n\n"),
  };
  return () =>
    buildFormellePruefung0201Xml({ ...input, authority: authorityOf(app), recipient: portalIdentity() });
}

async function build0201Complete(db: PrismaClient, app: SubmittedApplication) {
  const state = await db.application.findUniqueOrThrow({
    where: { id: app.id },
    select: { completeAt: true, decisionDueAt: true },
  });
  if (!state.completeAt) throw new UnrecoverableError(`Antrag ${app.id} ist nicht als vollständig bestätigt`);
  const completeAt = state.completeAt;
  return () =>
    buildFormellePruefung0201Xml({
      messageId: derivedUuid(`xbau-0201:complete:${app.id}`),
      createdAt: completeAt,
      authority: authorityOf(app),
      recipient: portalIdentity(),
      reference: antragReference(app),
      complete: true,
      findings: [],
      decisionDueAt: state.decisionDueAt,
    });
}

/** The change set recorded with the answer (event request.answered), not recomputed later. */
async function recordedChanges(
  db: PrismaClient,
  applicationId: string,
  requestId: string,
): Promise<ChangeSet> {
  const event = await db.caseEvent.findFirst({
    where: { applicationId, type: "request.answered", payload: { path: ["requestId"], equals: requestId } },
    select: { payload: true },
    orderBy: { id: "desc" },
  });
  const changes = (event?.payload as { changes?: Partial<ChangeSet> } | null)?.changes;
  return { fields: changes?.fields ?? [], documents: changes?.documents ?? [] };
}

async function build0202(
  db: PrismaClient,
  app: SubmittedApplication,
  requestId: string,
  log: Logger,
): Promise<(() => string) | null> {
  const request = await db.request.findFirst({
    where: { id: requestId, applicationId: app.id },
    select: { sentAt: true, answeredAt: true },
  });
  if (!request) throw new UnrecoverableError(`Nachforderung ${requestId} gibt es zu diesem Antrag nicht`);
  if (!request.answeredAt) throw new UnrecoverableError(`Nachforderung ${requestId} ist nicht beantwortet`);
  const changes = await recordedChanges(db, app.id, requestId);
  const versionIds = changes.documents.flatMap((d) => d.newVersions.map((v) => v.versionId));
  if (changes.fields.length === 0 && versionIds.length === 0) {
    // Answered with text only: XBau has no 0202 without changed data or documents.
    log.info({ requestId }, "Nachreichung without changes: no 0202");
    return null;
  }
  const versions = await db.documentVersion.findMany({
    where: { id: { in: versionIds }, document: { applicationId: app.id } },
    select: {
      id: true,
      versionNumber: true,
      filename: true,
      mimeType: true,
      sizeBytes: true,
      sha256: true,
      createdAt: true,
      document: { select: { id: true, typeCode: true, title: true } },
    },
    orderBy: [{ document: { typeCode: "asc" } }, { versionNumber: "asc" }],
  });
  const current =
    changes.fields.length > 0
      ? await db.application.findUniqueOrThrow({ where: { id: app.id }, select: { data: true, title: true } })
      : null;
  const answeredAt = request.answeredAt;
  return () => {
    const sender = portalIdentity();
    const authority = authorityOf(app);
    let changedProject: AntragGeaendert0202Input["changedProject"] = null;
    if (current) {
      const parsed = applicationDataSchema.safeParse(current.data ?? {});
      const base = antrag0200InputFromApplication(app, { sender, authority });
      changedProject = {
        land: base.land,
        data: parsed.success ? parsed.data : ((current.data ?? {}) as ApplicationData),
        title: current.title || null,
        fileNumber: base.fileNumber,
        submittedAt: base.submittedAt,
      };
    }
    return buildAntragGeaendert0202Xml({
      messageId: derivedUuid(`xbau-0202:request:${requestId}`),
      createdAt: answeredAt,
      sender,
      authority,
      // The Nachreichung answers the 0201 of its request.
      reference: {
        applicationId: app.id,
        fileNumber: app.parsedSnapshot.fileNumber,
        message: { messageId: request0201MessageId(requestId), typeCode: "0201", createdAt: request.sentAt },
      },
      changedProject,
      documents: versions.map((v) => ({
        documentId: v.document.id,
        title: v.document.title,
        typeCode: v.document.typeCode,
        versionNumber: v.versionNumber,
        date: v.createdAt,
        mimeType: v.mimeType,
        toBeSubmittedLater: false,
        file: { versionId: v.id, filename: v.filename, sizeBytes: v.sizeBytes, sha256: v.sha256 },
      })),
    });
  };
}

async function buildMessage(
  db: PrismaClient,
  app: SubmittedApplication,
  p: ExportReviewPayload,
  log: Logger,
): Promise<Built | null> {
  const fileNumber = app.parsedSnapshot.fileNumber;
  switch (p.message) {
    case "0201-request":
      return {
        build: await build0201ForRequest(db, app, p.requestId),
        element: "baugenehmigung.formellePruefung.0201",
        keyId: `formelle-pruefung-0201-${p.requestId}`,
        title: `XBau-Nachricht baugenehmigung.formellePruefung.0201, Nachforderung (${fileNumber})`,
        filenamePrefix: "XBau_0201_Nachforderung",
      };
    case "0201-complete":
      return {
        build: await build0201Complete(db, app),
        element: "baugenehmigung.formellePruefung.0201",
        keyId: "formelle-pruefung-0201-vollstaendig",
        title: `XBau-Nachricht baugenehmigung.formellePruefung.0201, vollständig (${fileNumber})`,
        filenamePrefix: "XBau_0201_vollstaendig",
      };
    case "0202": {
      const build = await build0202(db, app, p.requestId, log);
      return build === null
        ? null
        : {
            build,
            element: "baugenehmigung.antragGeaendert.0202",
            keyId: `antrag-geaendert-0202-${p.requestId}`,
            title: `XBau-Nachricht baugenehmigung.antragGeaendert.0202, Nachreichung (${fileNumber})`,
            filenamePrefix: "XBau_0202_Nachreichung",
          };
    }
  }
}

export function createExportReviewXbau(deps: GeneratedDeps = {}): Processor<"xbau.export-review"> {
  return async (payload, _job, { db, log }) => {
    const sourceKey = reviewSourceKey(payload);
    const existing = await findGenerated(db, sourceKey);
    if (existing) {
      log.info({ generatedDocumentId: existing.id }, "XBau review message already exported");
      return { created: false, generatedDocumentId: existing.id };
    }
    const app = await loadSubmittedApplication(db, payload.applicationId);
    const built = await buildMessage(db, app, payload, log);
    if (!built) return { created: false, skipped: true };
    const fileNumber = app.parsedSnapshot.fileNumber;
    const stored = await exportXbauMessage({
      db,
      storage: storageOf(deps),
      log,
      app,
      element: built.element,
      build: built.build,
      keyId: built.keyId,
      sourceKey,
      title: built.title,
      filename: `${built.filenamePrefix}_${fileNumber.replace(/[^A-Za-z0-9._-]+/g, "-")}.xml`,
      eventPayload: "requestId" in payload ? { requestId: payload.requestId } : {},
    });
    return {
      created: stored.created,
      generatedDocumentId: stored.generatedDocumentId,
      sha256: stored.sha256,
    };
  };
}

export const exportReviewXbauProcessor = createExportReviewXbau();
