import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import { decisionLaw } from "~/domain/decision-law";
import { documentTypeLabel } from "~/domain/document-types";
import { TERMS } from "~/domain/wording";
import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";
import { FINDING_CATEGORIES } from "~/models/review.server";
import { generatedKey } from "../../storage/index";
import {
  NACHFORDERUNG_RENDERER_VERSION,
  type NachforderungData,
  renderNachforderung,
} from "../pdf/nachforderung";
import type { Processor } from "../types";
import { findGenerated, type GeneratedDeps, loadSubmittedApplication, storageOf } from "./generated";
import { receiptDataFromApplication } from "./render-receipt";

/**
 * `documents.render-request-letter`: the Nachforderung as a readable letter (PDF) beside its XBau
 * 0201, queued through the outbox with the request (app/models/review.server.ts sendRequest).
 * Stored once per request (sourceKey), audience CASE: the applicant side and the clerks read it.
 */

export function requestLetterSourceKey(requestId: string): string {
  return `request__${requestId}__letter`;
}

/** File name as offered for download (umlauts kept; the download sends it RFC 5987-encoded). */
export function requestLetterFilename(fileNumber: string): string {
  return `Nachforderung_${fileNumber.replace(/[^\p{L}\d._-]+/gu, "-")}.pdf`;
}

async function loadRequest(db: PrismaClient, requestId: string) {
  const request = await db.request.findUnique({
    where: { id: requestId },
    select: {
      id: true,
      applicationId: true,
      message: true,
      bylawReference: true,
      deadline: true,
      sentAt: true,
      createdBy: { select: { displayName: true } },
      items: {
        select: { category: true, message: true, documentTypeCode: true },
        orderBy: { position: "asc" },
      },
      application: {
        select: { authority: { select: { orgUnit: true, phone: true, officeHours: true } } },
      },
    },
  });
  if (!request) throw new UnrecoverableError(`Nachforderung ${requestId} gibt es nicht`);
  return request;
}

/** Maps the request and its submitted application to the letter's input. */
export async function nachforderungDataFor(db: PrismaClient, requestId: string) {
  const request = await loadRequest(db, requestId);
  const app = await loadSubmittedApplication(db, request.applicationId);
  const r = receiptDataFromApplication(app);
  const law = decisionLaw(app.authority.landProfile);
  const bauherrAddress = r.bauherr.details.find((d) => !d.includes("@")) ?? null;
  const data: NachforderungData = {
    authority: { ...r.authority, ...request.application.authority },
    fileNumber: r.fileNumber,
    requestId: request.id,
    sentAt: request.sentAt,
    deadline: request.deadline,
    receivedAt: r.receivedAt,
    clerkName: request.createdBy.displayName || null,
    recipient: { name: r.bauherr.name, address: bauherrAddress },
    copyTo: r.entwurfsverfasser
      ? [
          `${r.entwurfsverfasser.name} (${TERMS.entwurfsverfasser})`,
          ...r.entwurfsverfasser.details.filter((d) => d.startsWith("Kammer")),
        ].join(", ")
      : null,
    projectTitle: r.projectTitle,
    procedureLabel: r.procedureLabel,
    plot: r.plot,
    message: request.message,
    bylawReference: request.bylawReference,
    items: request.items.map((i) => ({
      category: (FINDING_CATEGORIES as Record<string, string>)[i.category] ?? i.category,
      documentLabel: i.documentTypeCode ? documentTypeLabel(i.documentTypeCode) : null,
      message: i.message,
    })),
    consequence: law.requestConsequence,
    caseUrl: r.caseUrl,
  };
  return { data, app };
}

export function createRenderRequestLetter(
  deps: GeneratedDeps = {},
): Processor<"documents.render-request-letter"> {
  return async ({ requestId }, _job, { db, log }) => {
    const sourceKey = requestLetterSourceKey(requestId);
    const existing = await findGenerated(db, sourceKey);
    if (existing) return { created: false, generatedDocumentId: existing.id };
    const { data, app } = await nachforderungDataFor(db, requestId);
    const bytes = await renderNachforderung(data);
    const storage = storageOf(deps);
    const storageKey = generatedKey({
      authorityId: app.authorityId,
      applicationId: app.id,
      kind: "request-letter",
      id: requestId,
      ext: "pdf",
    });
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const put = await storage.putStream(storageKey, Readable.from([Buffer.from(bytes)]), {
      contentType: "application/pdf",
    });
    if (put.sha256 !== sha256) throw new Error(`Gespeicherte Datei ${storageKey} weicht ab`);
    try {
      const row = await db.$transaction(async (tx) => {
        const created = await tx.generatedDocument.create({
          data: {
            applicationId: app.id,
            kind: "REQUEST_LETTER",
            title: `Nachforderung vom ${data.sentAt.toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" })}`,
            filename: requestLetterFilename(data.fileNumber),
            mimeType: "application/pdf",
            sizeBytes: BigInt(bytes.byteLength),
            sha256,
            storageKey,
            sourceKey,
            audience: "CASE",
          },
          select: { id: true },
        });
        await appendEvent(tx, {
          applicationId: app.id,
          actorId: null,
          type: "request.letter-rendered",
          payload: {
            requestId,
            generatedDocumentId: created.id,
            sha256,
            rendererVersion: NACHFORDERUNG_RENDERER_VERSION,
          },
        });
        return created;
      });
      log.info({ generatedDocumentId: row.id, requestId, sha256 }, "request letter stored");
      return { created: true, generatedDocumentId: row.id, sha256 };
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        const again = await findGenerated(db, sourceKey);
        if (again) return { created: false, generatedDocumentId: again.id };
      }
      throw err;
    }
  };
}

export const renderRequestLetterProcessor = createRenderRequestLetter();
